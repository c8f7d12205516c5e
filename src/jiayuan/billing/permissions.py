"""Who may do what with fees and money: named predicates over core.roles (tested as a matrix)."""

from __future__ import annotations

from jiayuan.core.errors import Forbidden
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm, scope_of


def can_view_billing(user, project_id: int | None) -> bool:
    return project_id is not None and has_perm(user, Perm.VIEW_BILLING, project_id)


def can_manage_fees(user, project_id: int | None) -> bool:
    """Fee items, prices, billing runs and one-off charges."""
    return project_id is not None and has_perm(user, Perm.MANAGE_FEES, project_id)


def can_take_payments(user, project_id: int | None) -> bool:
    return project_id is not None and has_perm(user, Perm.TAKE_PAYMENTS, project_id)


def can_approve_adjustments(user, project_id: int | None) -> bool:
    """Credit notes, refunds and payment reversals."""
    return project_id is not None and has_perm(user, Perm.APPROVE_ADJUSTMENTS, project_id)


def can_request_credit(user, project_id: int | None) -> bool:
    return can_manage_fees(user, project_id) or can_take_payments(user, project_id)


def can_request_refund(user, project_id: int | None) -> bool:
    """Asking to refund a prepaid balance: the cashier (or an approver); paying it needs a second person."""
    return can_take_payments(user, project_id) or can_approve_adjustments(user, project_id)


def can_view_ledger(user, project_id: int | None) -> bool:
    return project_id is not None and has_perm(user, Perm.VIEW_LEDGER, project_id)


def can_record_expenses(user, project_id: int | None) -> bool:
    return project_id is not None and has_perm(user, Perm.RECORD_EXPENSES, project_id)


def billing_project_ids(user) -> frozenset[int]:
    """Projects whose bills and payments the user may read as staff."""
    scope = scope_of(user)
    return frozenset(pid for pid in scope.project_ids if Perm.VIEW_BILLING in scope.perms_in(pid))


def expense_project_ids(user) -> frozenset[int]:
    """Projects whose expenses the user may read: finance recording them, or whoever reads the ledger."""
    scope = scope_of(user)
    wanted = {Perm.RECORD_EXPENSES, Perm.VIEW_LEDGER}
    return frozenset(pid for pid in scope.project_ids if wanted & set(scope.perms_in(pid)))


def require(predicate, user, project_id: int | None) -> None:
    if not predicate(user, project_id):
        raise Forbidden()


def can_read_meters(user, project_id: int | None) -> bool:
    """Meter readings (抄表) are entered by field staff (work orders) or finance."""
    return can_manage_fees(user, project_id) or (
        project_id is not None and has_perm(user, Perm.WORK_ORDERS, project_id)
    )


def can_keep_trust(user, project_id: int | None) -> bool:
    """Customer property in trust (代管物品): the service desk or the cashier records it."""
    return can_take_payments(user, project_id) or (
        project_id is not None and has_perm(user, Perm.HANDLE_REQUESTS, project_id)
    )
