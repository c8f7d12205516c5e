"""指标看板 (R10.1): the board of one project and month, one indicator's trend and drill-down, and the
form typing in a figure with its evidence."""

from __future__ import annotations

import os
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jiayuan.core.files import serve_file
from jiayuan.core.tables import paginate
from jiayuan.core.web import parse_id, requested_project_id, run_service
from jiayuan.org.selectors import projects_for
from jiayuan.quality import selectors
from jiayuan.quality.forms import EntryForm
from jiayuan.quality.permissions import can_enter_indicators, indicator_project_ids
from jiayuan.quality.services import enterable, indicator_entry_record
from jiayuan.quality.tables import rows_table

_CODE = re.compile(r"[a-z0-9_.]{1,60}")


def _project(request):
    """``?project=<id>``, else the shell's current project, else the first the user may see indicators of.
    403 when the user sees no indicators at all (owners, clerks), 404 for a project outside their scope
    (its existence is not revealed), 403 for one they see without the permission."""
    allowed = indicator_project_ids(request.user)
    if not allowed:
        raise PermissionDenied(_("您没有查看指标的权限"))
    raw = request.GET.get("project", "") or request.POST.get("project", "")
    if raw:
        forbidden = _("您没有查看该项目指标的权限")
        return projects_for(request.user).get(
            pk=requested_project_id(request.user, raw, allowed, forbidden=forbidden)
        )
    current = request.project
    if current is not None and current.pk in allowed:
        return current
    return projects_for(request.user).filter(pk__in=allowed).first()


def _month(request):
    """``?month=2026-11`` between 2000-01 and this month; anything else is the current month."""
    return selectors.parse_month(request.GET.get("month", "")) or selectors.current_month()


def _query(project, period, **extra) -> str:
    return urlencode({"project": project.pk, "month": period.label, **extra})


@login_required
def board(request):
    project = _project(request)
    period = _month(request)
    rows, supporting = selectors.board(request.user, project, period)
    previous = selectors.shift(period, -1)
    following = selectors.shift(period, 1)
    return render(
        request,
        "quality/board.html",
        {
            "project": project,
            "projects": projects_for(request.user).filter(pk__in=indicator_project_ids(request.user)),
            "period": period,
            "rows": rows,
            "supporting": supporting,
            "summary": selectors.summary(rows),
            "months": selectors.months_back(selectors.current_month(), 24)[::-1],
            "prev": previous if previous.start >= selectors.FIRST_MONTH else None,
            "next": following if following.start <= selectors.current_month().start else None,
            "can_enter": can_enter_indicators(request.user, project.pk),
            "query": _query(project, period),
        },
    )


def _code(request) -> str:
    raw = request.GET.get("code", "")
    if not _CODE.fullmatch(raw):
        raise Http404(_("指标不存在"))
    return raw


@login_required
def indicator(request):
    project = _project(request)
    code = _code(request)
    period = _month(request)
    row = selectors.indicator(request.user, project, code, period)
    if row is None:
        raise Http404(_("指标不存在"))
    context = {
        "project": project,
        "period": period,
        "row": row,
        "query": _query(project, period),
        "can_enter": row.source is None and can_enter_indicators(request.user, project.pk),
        "trend": [
            {
                "month": p.period.label,
                "value": float(p.figure) if p.figure is not None else None,
                "state": p.state,
                "total": float(p.year_total) if p.year_total is not None else None,
            }
            for p in row.trend
        ],
        "target": float(row.version.amount) if row.version is not None and row.version.enabled else None,
    }
    if row.source is not None and row.can_open:
        m = row.source.measure(project.pk, period)
        for side, key in ((m.numerator, "numerator_table"), (m.denominator, "denominator_table")):
            if side.rows is not None:
                prefix = "n-" if key == "numerator_table" else "d-"
                context[key] = paginate(request, rows_table(row.source, side.rows, prefix=prefix))
    elif row.source is None:
        context["entries"] = list(selectors.entries_of(project.pk, code, period)[:50])
    return render(request, "quality/indicator.html", context)


@login_required
def entry_add(request):
    project = _project(request)
    code = _code(request)
    period = _month(request)
    if not can_enter_indicators(request.user, project.pk):
        raise PermissionDenied(_("您没有录入该项目指标的权限"))
    standard = enterable(code)
    if standard is None:
        raise Http404(_("该指标由系统计算或不存在，不能手工录入"))
    row = selectors.indicator(request.user, project, code, period)
    form = EntryForm(request.POST or None, request.FILES or None, count=row.count)
    if request.method == "POST" and form.is_valid():
        entry = run_service(
            form,
            lambda data: indicator_entry_record(
                project,
                actor=request.user,
                code=code,
                period=period,
                numerator=data["numerator"],
                denominator=data.get("denominator"),
                evidence=data["evidence"],
                evidence_file=data.get("evidence_file"),
            ),
        )
        if entry is not None:
            messages.success(
                request, _("已录入%(name)s %(month)s 的数据") % {"name": standard.name, "month": period.label}
            )
            return redirect(f"{reverse('quality:board')}?{_query(project, period)}")
    return render(
        request,
        "quality/entry_form.html",
        {"project": project, "period": period, "row": row, "form": form, "query": _query(project, period)},
    )


@login_required
@require_safe
def evidence(request):
    """The attached evidence of one entry, to those who may see the project's indicators."""
    entry_id = parse_id(request.GET.get("id", ""))
    allowed = indicator_project_ids(request.user)
    if not allowed:
        raise PermissionDenied(_("您没有查看指标的权限"))
    entry = selectors.entry_for(request.user, entry_id, allowed) if entry_id else None
    if entry is None or not entry.evidence_file:
        raise Http404(_("附件不存在或无权查看"))
    ext = os.path.splitext(entry.evidence_file.name)[1]
    return serve_file(request, entry.evidence_file, download_name=f"{entry.code}-{entry.period:%Y-%m}{ext}")
