"""Who may do what with customer requests: named predicates over core.roles (one place, tested as a matrix).

- the desk (HANDLE_REQUESTS: clerks, advisers, managers) receives, dispatches, postpones and visits back;
- technicians (WORK_ORDERS) see and work the jobs of their own department or assigned to them;
- anyone with REPORT_ISSUES (guards on patrol, cleaners…) may report a request (the staff channel);
- complaints are judged with JUDGE_COMPLAINTS (project manager);
- owners see, report, confirm and rate the requests of their own units.
"""

from __future__ import annotations

from django.db.models import Q

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm, scope_of


def _perm(user, perm, project_id) -> bool:
    return project_id is not None and has_perm(user, perm, project_id)


def can_view_all(user, project_id) -> bool:
    return _perm(user, Perm.VIEW_REQUESTS, project_id)


def can_handle(user, project_id) -> bool:
    return _perm(user, Perm.HANDLE_REQUESTS, project_id)


def can_report(user, project_id) -> bool:
    return _perm(user, Perm.REPORT_ISSUES, project_id) or can_handle(user, project_id)


def can_work_orders(user, project_id) -> bool:
    return _perm(user, Perm.WORK_ORDERS, project_id)


def can_judge(user, project_id) -> bool:
    return _perm(user, Perm.JUDGE_COMPLAINTS, project_id)


def request_project_ids(user) -> frozenset[int]:
    """Projects where the user sees every request (the desk, managers, inspectors)."""
    scope = scope_of(user)
    return frozenset(pid for pid in scope.project_ids if Perm.VIEW_REQUESTS in scope.perms_in(pid))


def work_order_q(user) -> Q:
    """Requests a technician sees without VIEW_REQUESTS: assigned to them, or to a department they belong to,
    in a project where they hold WORK_ORDERS."""
    scope = scope_of(user)
    pids = [pid for pid in scope.project_ids if Perm.WORK_ORDERS in scope.perms_in(pid)]
    if not pids:
        return Q(pk__in=[])
    dept_ids = sorted(frozenset().union(*(scope.departments_in(pid) for pid in pids)))
    return Q(project_id__in=pids) & (Q(assignee=user) | Q(department_id__in=dept_ids))


def is_requester(user, req) -> bool:
    """The owner (or resident) behind a request: its caller, or a current occupant of its unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if req.caller_id is not None and req.caller.user_id == user.pk:
        return True
    if req.unit_id is None:
        return False
    return req.unit.occupancies.filter(party__user=user, ended_on__isnull=True).exists()


def is_field_worker(user, req) -> bool:
    """The assignee, or a technician of the department the job was sent to."""
    if not can_work_orders(user, req.project_id):
        return False
    if req.assignee_id == user.pk:
        return True
    # the user's departments come with their roles (one query per request, not one per job)
    return req.department_id is not None and req.department_id in scope_of(user).department_ids


def can_work(user, req) -> bool:
    """Field steps (accept, on my way, arrived, materials, photos, done): the field worker, or the desk
    recording them on the worker's behalf."""
    return is_field_worker(user, req) or can_handle(user, req.project_id)
