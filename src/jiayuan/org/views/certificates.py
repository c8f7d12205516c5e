"""证书到期： certificates expired or expiring within 30 days, with the R1.3 coverage figures on top."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jiayuan.org import selectors
from jiayuan.org.filters import CertificateFilter, page_results
from jiayuan.org.models import EXPIRY_WARNING_DAYS
from jiayuan.org.permissions import can_edit_org
from jiayuan.org.tables import CertificateTable
from jiayuan.org.views.common import page_projects, paginate

STATES = (
    ("", _("全部")),
    ("expired", _("已过期")),
    ("expiring", format_lazy(_("{days} 天内到期"), days=EXPIRY_WARNING_DAYS)),
)


@login_required
def certificates(request):
    scope = page_projects(request, allow_all=True)
    today = timezone.localdate()
    departments = selectors.departments_for(request.user, scope.project.pk if scope.project else None)
    base = selectors.certificates_expiring(request.user, scope.project, today=today)
    filterset = CertificateFilter(request.GET or None, queryset=base, departments=departments)
    filtered = page_results(filterset)
    state = request.GET.get("state", "")
    rows = filtered
    if state == "expired":
        rows = filtered.filter(expires_on__lt=today)
    elif state == "expiring":
        rows = filtered.filter(expires_on__gte=today)
    table = CertificateTable(
        rows,
        today=today,
        show_project=scope.project is None,
        can_edit=lambda pid: can_edit_org(request.user, pid),
        next_url=request.get_full_path(),
    )
    paginate(request, table)
    coverage = selectors.certificate_coverage_by_project(scope.ids, today)
    return render(
        request,
        "org/certificates.html",
        {
            "scope": scope,
            "filter": filterset,
            "table": table,
            "tabs": _tabs(request, filtered, today, state),
            "coverage": coverage.get(scope.project.pk) if scope.project else None,
            "coverage_rows": [(p, coverage[p.pk]) for p in scope.choices] if scope.project is None else [],
            "days": EXPIRY_WARNING_DAYS,
            "today": today,
        },
    )


def _tabs(request, filtered, today, current: str):
    counts = filtered.aggregate(
        all=Count("id"),
        expired=Count("id", filter=Q(expires_on__lt=today)),
        expiring=Count("id", filter=Q(expires_on__gte=today)),
    )
    tabs = []
    for value, label in STATES:
        params = request.GET.copy()
        params.pop("page", None)
        params["state"] = value
        if not value:
            params.pop("state")
        tabs.append(
            {
                "label": label,
                "count": counts[value or "all"],
                "url": "?" + params.urlencode(),
                "active": value == current,
                "css": {"expired": "text-danger", "expiring": "text-warning-emphasis"}.get(value, ""),
            }
        )
    return tabs
