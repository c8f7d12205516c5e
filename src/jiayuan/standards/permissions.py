"""Who may read and change service standards (named predicates, tested as a matrix)."""

from __future__ import annotations

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm, scope_of


def can_view_standards(user) -> bool:
    """Staff who may read standards in at least one project, and company roles."""
    scope = scope_of(user)
    if Perm.VIEW_STANDARDS in scope.perms_in(None):
        return True
    return any(Perm.VIEW_STANDARDS in scope.perms_in(pid) for pid in scope.project_ids)


def can_see_project(user, project_id: int | None) -> bool:
    """The project is one of the user's (a project the user cannot see is a 404, not a 403)."""
    return project_id is not None and project_id in scope_of(user).project_ids


def can_override_standard(user, project) -> bool:
    """The project's manager, or a company admin: change a standard for that one project."""
    project_id = getattr(project, "pk", project)
    return project_id is not None and has_perm(user, Perm.OVERRIDE_STANDARD, project_id)


def can_edit_company_standard(user) -> bool:
    """Company admins change the company default every project inherits."""
    return has_perm(user, Perm.EDIT_COMPANY_STANDARD, None)
