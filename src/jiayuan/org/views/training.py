"""培训学时： hours per person in a quarter against the R1.4 standard, managers' monthly sessions, and the
form recording one session for several people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiayuan.core.web import parse_id, run_service
from jiayuan.org import selectors
from jiayuan.org.forms import TrainingForm
from jiayuan.org.models import Staff
from jiayuan.org.permissions import can_edit_org
from jiayuan.org.services import training_record
from jiayuan.org.tables import TrainingHoursTable
from jiayuan.org.views.common import page_projects, paginate, safe_next

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _quarter(request, today) -> tuple[int, int]:
    """``?year=2026&quarter=4``; anything out of range falls back to the current quarter."""
    year, quarter = parse_id(request.GET.get("year", "")), parse_id(request.GET.get("quarter", ""))
    if year and quarter and FIRST_YEAR <= year <= LAST_YEAR and 1 <= quarter <= 4:
        return year, quarter
    return selectors.quarter_of(today)


def _shift(year: int, quarter: int, step: int) -> tuple[int, int] | None:
    index = year * 4 + quarter - 1 + step
    year, quarter = divmod(index, 4)
    return (year, quarter + 1) if FIRST_YEAR <= year <= LAST_YEAR else None


@login_required
def training(request):
    scope = page_projects(request, allow_all=False)
    today = timezone.localdate()
    year, quarter = _quarter(request, today)
    report = selectors.training_hours(scope.project, year, quarter, today=today)
    department = parse_id(request.GET.get("department", ""))
    short_only = request.GET.get("short") == "1"
    rows = [
        r
        for r in report.rows
        if (department is None or r.staff.department_id == department) and (not short_only or not r.ok)
    ]
    rows.sort(key=lambda r: (r.ok, r.staff.department.kind, r.staff.name))  # who needs hours first
    table = TrainingHoursTable(rows, in_progress=report.in_progress)
    paginate(request, table)
    return render(
        request,
        "org/training.html",
        {
            "scope": scope,
            "report": report,
            "table": table,
            "departments": selectors.departments_for(request.user, scope.project.pk),
            "department": department,
            "short_only": short_only,
            "years": range(min(year, today.year) - 4, max(year, today.year) + 2),
            "prev": _shift(year, quarter, -1),
            "next": _shift(year, quarter, 1),
            "can_edit": can_edit_org(request.user, scope.project.pk),
            "today": today,
        },
    )


@login_required
def training_add(request):
    scope = page_projects(request, allow_all=False)
    project = scope.project
    if not can_edit_org(request.user, project.pk):
        raise PermissionDenied("您没有维护该项目员工资料的权限")
    staff_qs = (
        Staff.objects.visible_to(request.user)
        .filter(project=project, active=True)
        .select_related("department")
        .order_by("department__kind", "name", "id")
    )
    preselected = parse_id(request.GET.get("staff", ""))
    initial = {"date": timezone.localdate(), "staff": [preselected] if preselected else []}
    form = TrainingForm(request.POST or None, staff_queryset=staff_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        people = list(data.pop("staff"))

        def record(_cleaned):
            with transaction.atomic():  # one session, all attendees or none
                return [training_record(person, actor=request.user, **data) for person in people]

        if run_service(form, record) is not None:
            messages.success(
                request,
                _("已为 %(n)s 人登记培训「%(topic)s」%(hours)s 学时")
                % {"n": len(people), "topic": data["topic"], "hours": data["hours"]},
            )
            year, quarter = selectors.quarter_of(data["date"])
            fallback = f"{reverse('org:training')}?project={project.pk}&year={year}&quarter={quarter}"
            return redirect(safe_next(request, fallback))
    return render(
        request,
        "org/training_form.html",
        {"scope": scope, "form": form, "next": safe_next(request, ""), "project": project},
    )
