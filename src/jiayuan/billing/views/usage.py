"""Utility use against waste (R7.5): the meter-usage analysis page and one meter's readings."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiayuan.billing.models import Meter
from jiayuan.billing.permissions import can_read_meters, can_view_billing
from jiayuan.billing.selectors import holdings, usage
from jiayuan.core.scoping import scope_of
from jiayuan.core.web import current_project, fetch


def _reader(user, project_id) -> bool:
    return can_read_meters(user, project_id) or can_view_billing(user, project_id)


def _month(raw: str | None) -> date:
    """``?month=2026-11``; anything else means this month (a bad value never 500s)."""
    today = timezone.localdate()
    raw = (raw or "").strip()
    if len(raw) == 7 and raw[4] == "-" and raw[:4].isdigit() and raw[5:].isdigit():
        y, m = int(raw[:4]), int(raw[5:])
        if 2000 <= y <= today.year + 1 and 1 <= m <= 12:
            return date(y, m, 1)
    return today.replace(day=1)


@login_required
def meter_usage(request):
    """Per meter kind and month, the project's usage; the meters flagged this month (R7.5)."""
    project = current_project(request, _reader, _("您没有此页面的权限"))
    month = _month(request.GET.get("month"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in Meter.Kind.values else ""
    flags = usage.flagged(request.user, project, month=month, kind=kind)
    return render(
        request,
        "billing/meter_usage.html",
        {
            "project": project,
            "month": month,
            "prev_month": usage.add_months(month, -1),
            "next_month": usage.add_months(month, 1),
            "kind": kind,
            "kinds": Meter.Kind.choices,
            "trend": usage.kind_trend(request.user, project, until=month),
            "spikes": [f for f in flags if f.reason == "spike"],
            "zeros": [f for f in flags if f.reason == "zero"],
            "factor": usage.SPIKE_FACTOR,
            "trailing": usage.TRAILING_MONTHS,
        },
    )


@login_required
def meter_usage_detail(request, pk: int):
    """One meter: usage per month against its trailing average, and its readings (paginated)."""
    meter = fetch(holdings.meter_get, request.user, pk)
    if not scope_of(request.user).is_staff_member or not _reader(request.user, meter.project_id):
        raise PermissionDenied
    readings = meter.readings.select_related("read_by", "bill").order_by("-read_on", "-id")
    page = Paginator(readings, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/meter_usage_detail.html",
        {
            "meter": meter,
            "months": usage.meter_months(meter),
            "page": page,
            "replacements": list(meter.replacements.all()),
            "factor": usage.SPIKE_FACTOR,
        },
    )
