"""Reads of projects, departments and staff (R1.1, R1.2).

Every function that takes ``user`` returns only rows of projects the user may read (``visible_to`` and
Perm.VIEW_ORG for staff); functions taking a ``project`` expect the caller to have checked access to it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from jiayuan.core.scoping import scope_of
from jiayuan.org.filters import StaffFilter, apply_filters
from jiayuan.org.models import Certificate, Department, Membership, Project, Staff, Training
from jiayuan.org.permissions import org_project_ids

# --- projects and departments ---------------------------------------------------------------------


def projects_for(user) -> QuerySet[Project]:
    """Projects the user's memberships cover (company roles: all of their companies'). Owners get none:
    their units belong to estate, which org must not import."""
    return (
        Project.objects.filter(pk__in=scope_of(user).project_ids)
        .select_related("company", "manager")
        .order_by("id")
    )


def departments_for(user, project_id: int | None = None) -> QuerySet[Department]:
    qs = Department.objects.visible_to(user).select_related("project").order_by("project_id", "kind")
    return qs.in_project(project_id) if project_id else qs


def departments_by_project(project_ids) -> dict[int, list[Department]]:
    grouped: dict[int, list[Department]] = defaultdict(list)
    for dept in Department.objects.filter(project_id__in=project_ids).order_by("project_id", "kind"):
        grouped[dept.project_id].append(dept)
    return grouped


def staff_counts(project_ids, *, by: str = "project_id") -> dict[int, int]:
    """Active staff per project (or per department with ``by="department_id"``) in one query."""
    rows = Staff.objects.filter(project_id__in=project_ids, active=True).values(by).annotate(n=Count("id"))
    return {row[by]: row["n"] for row in rows}


def project_memberships(project: Project) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(project=project, active=True)
        .select_related("user", "department")
        .order_by("role", "user__username")
    )


# --- staff ----------------------------------------------------------------------------------------


def staff_for(user, project: Project | None = None, filters=None) -> QuerySet[Staff]:
    """Staff of the projects the user may read (one project if given), with their certificate count.
    ``filters`` (a dict or QueryDict) goes through StaffFilter, the page's filter bar too."""
    qs = (
        Staff.objects.visible_to(user)
        .filter(project_id__in=org_project_ids(user))
        .select_related("project", "department")
        .annotate(certificate_count=Count("certificates"))
        .order_by("project_id", "department__kind", "name", "id")
    )
    if project is not None:
        qs = qs.in_project(project.pk)
    if filters is not None:
        qs = apply_filters(StaffFilter(filters, queryset=qs))
    return qs


def staff_detail(user, staff_id: int) -> Staff | None:
    return (
        Staff.objects.visible_to(user)
        .filter(project_id__in=org_project_ids(user), pk=staff_id)
        .select_related("project", "department", "user")
        .first()
    )


def staff_memberships(user, staff: Staff) -> QuerySet[Membership]:
    """The roles the employee's login holds, limited to projects the viewer sees (and company roles)."""
    if staff.user_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user_id=staff.user_id, active=True)
        .filter(Q(project__isnull=True) | Q(project_id__in=scope_of(user).project_ids))
        .select_related("project", "department", "company")
    )


def staff_certificates(staff: Staff) -> QuerySet[Certificate]:
    return staff.certificates.order_by("kind", "-expires_on")


def staff_trainings(staff: Staff, limit: int = 50) -> QuerySet[Training]:
    return staff.trainings.order_by("-date", "-id")[:limit]


def staff_hours_between(staff: Staff, start: date, end: date) -> Decimal:
    total = staff.trainings.filter(date__gte=start, date__lte=end).aggregate(h=Sum("hours"))["h"]
    return total or Decimal(0)
