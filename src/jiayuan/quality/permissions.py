"""Who may see and enter indicators (R10.1): named predicates over core.roles, tested as a matrix."""

from __future__ import annotations

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm, scope_of


def indicator_project_ids(user) -> frozenset[int]:
    """Projects whose indicator board the user may open (Perm.VIEW_INDICATORS there)."""
    scope = scope_of(user)
    return frozenset(pid for pid in scope.project_ids if Perm.VIEW_INDICATORS in scope.perms_in(pid))


def can_view_indicators(user, project_id: int) -> bool:
    return has_perm(user, Perm.VIEW_INDICATORS, project_id)


def can_enter_indicators(user, project_id: int) -> bool:
    """Type in a figure with its evidence (project managers, inspectors, company admins)."""
    return has_perm(user, Perm.ENTER_INDICATORS, project_id) and can_view_indicators(user, project_id)


def can_open_rows(user, source, project_id: int) -> bool:
    """The drill-down of a source: VIEW_INDICATORS, plus the source's own permission if it names one."""
    if not can_view_indicators(user, project_id):
        return False
    return source.perm is None or has_perm(user, source.perm, project_id)
