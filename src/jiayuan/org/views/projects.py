"""Projects (R1.1): the user's projects with departments and the responsible person (专人负责制)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from jiayuan.org import selectors
from jiayuan.org.filters import MAX_ID
from jiayuan.org.permissions import can_see_projects, can_view_org


def _require_staff(request) -> None:
    if not can_see_projects(request.user):
        raise PermissionDenied("仅物业员工可查看项目")


@login_required
def projects(request):
    _require_staff(request)
    items = list(selectors.projects_for(request.user))
    ids = [p.pk for p in items]
    departments = selectors.departments_by_project(ids)
    counts = selectors.staff_counts(ids)
    rows = [
        {"project": p, "departments": departments.get(p.pk, []), "staff": counts.get(p.pk, 0)} for p in items
    ]
    return render(request, "org/projects.html", {"rows": rows})


@login_required
def project_detail(request, project_id: int):
    _require_staff(request)
    project = (
        selectors.projects_for(request.user).filter(pk=project_id).first() if project_id <= MAX_ID else None
    )
    if project is None:
        raise Http404("项目不存在或无权查看")
    departments = selectors.departments_by_project([project.pk]).get(project.pk, [])
    by_department = selectors.staff_counts([project.pk], by="department_id")
    may_view_org = can_view_org(request.user, project.pk)
    return render(
        request,
        "org/project_detail.html",
        {
            "project": project,
            "departments": [(d, by_department.get(d.pk, 0)) for d in departments],
            "staff_total": sum(by_department.values()),
            "may_view_org": may_view_org,
            "memberships": selectors.project_memberships(project) if may_view_org else [],
            "coverage": selectors.certificate_coverage(project) if may_view_org else None,
        },
    )
