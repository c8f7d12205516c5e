"""Who may read and change the organisation (R1.2): named predicates over core.roles, tested as a matrix."""

from __future__ import annotations

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm, scope_of


def org_project_ids(user) -> frozenset[int]:
    """Projects whose staff, certificates and training the user may read (Perm.VIEW_ORG there)."""
    scope = scope_of(user)
    return frozenset(pid for pid in scope.project_ids if Perm.VIEW_ORG in scope.perms_in(pid))


def can_view_org(user, project_id: int) -> bool:
    return has_perm(user, Perm.VIEW_ORG, project_id)


def can_edit_org(user, project_id: int) -> bool:
    """Add certificates and training records (project managers, company admins)."""
    return has_perm(user, Perm.EDIT_ORG, project_id)


def can_view_personal(user, project_id: int) -> bool:
    """See full phone numbers of the project's staff (个人信息保护法： others see them masked)."""
    return has_perm(user, Perm.VIEW_PERSONAL, project_id)


def can_see_projects(user) -> bool:
    """Any staff member may list the projects of their memberships; owners may not."""
    return scope_of(user).is_staff_member
