"""Who may do what in the estate registry: named predicates over core.roles (one place, tested as a matrix)."""

from __future__ import annotations

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm, scope_of


def can_view_estate(user, project_id: int | None) -> bool:
    return project_id is not None and has_perm(user, Perm.VIEW_ESTATE, project_id)


def can_edit_estate(user, project_id: int | None) -> bool:
    return project_id is not None and has_perm(user, Perm.EDIT_ESTATE, project_id)


def can_view_personal(user, project_id: int | None) -> bool:
    """Full phone and ID numbers (个人信息保护法): only roles that need them, and every reveal is logged."""
    return project_id is not None and has_perm(user, Perm.VIEW_PERSONAL, project_id)


def estate_project_ids(user) -> frozenset[int]:
    """Projects whose registry the user may read as staff."""
    scope = scope_of(user)
    return frozenset(pid for pid in scope.project_ids if Perm.VIEW_ESTATE in scope.perms_in(pid))


def is_self(user, party) -> bool:
    """An owner looking at their own party row sees their own phone in full."""
    return party.user_id is not None and party.user_id == getattr(user, "pk", None)
