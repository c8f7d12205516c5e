"""The state machines of billing's records (core.transitions): which moves a record allows, from which
status, to which. The services in ``billing/services/`` move records only through these; pages ask
``allowed()`` to show a button.

A refusal here says what happened to the record rather than its status ("该收款已冲正"), with the code of
any other conflict (``conflict``), as billing always answered.
"""

from __future__ import annotations

from jiayuan.billing.models import BillingRun, CreditNote, Expense, OnlineOrder, Payment, Refund, TrustItem
from jiayuan.core.transitions import Machine, Move, Refusal

CODE = "conflict"


def _once(source: str, target: str, label: str, refused: str) -> Move:
    """A move made once from one status; any other status means it was made (or decided otherwise)."""
    return Move(frozenset({source}), target, label, refused=Refusal(refused))


PAYMENT = Machine(
    Payment.Status,
    {"reverse": _once(Payment.Status.BOOKED, Payment.Status.REVERSED, "冲正", "该收款已冲正")},
    field="status",
    code=CODE,
)

CREDIT_NOTE = Machine(
    CreditNote.Status,
    {
        "approve": _once(CreditNote.Status.PENDING, CreditNote.Status.APPROVED, "批准", "该冲减单已处理"),
        "reject": _once(CreditNote.Status.PENDING, CreditNote.Status.REJECTED, "驳回", "该冲减单已处理"),
    },
    field="status",
    code=CODE,
)

REFUND = Machine(
    Refund.Status,
    {
        "approve": _once(Refund.Status.PENDING, Refund.Status.PAID, "批准退款", "该退款单已处理"),
        "reject": _once(Refund.Status.PENDING, Refund.Status.REJECTED, "驳回", "该退款单已处理"),
    },
    field="status",
    code=CODE,
)

EXPENSE = Machine(
    Expense.Status,
    {"reverse": _once(Expense.Status.BOOKED, Expense.Status.REVERSED, "冲销", "该支出已冲销")},
    field="status",
    code=CODE,
)

TRUST_ITEM = Machine(
    TrustItem.Status,
    {"return": _once(TrustItem.Status.KEPT, TrustItem.Status.RETURNED, "归还", "该物品已归还")},
    field="status",
    code=CODE,
)

# A run is started (or resumed) by whoever asks for the period and finished once, by the last of them.
BILLING_RUN = Machine(
    BillingRun.Status,
    {"finish": Move(frozenset({BillingRun.Status.RUNNING}), BillingRun.Status.DONE, "完成出账")},
    field="status",
    code=CODE,
)

# The provider's notification pays an order once; its repeats find it paid (a compare-and-set in
# ``online_notify``, the row is not locked across the payment).
ONLINE_ORDER = Machine(
    OnlineOrder.Status,
    {"paid": Move(frozenset({OnlineOrder.Status.CREATED}), OnlineOrder.Status.PAID, "在线支付")},
    field="status",
    code=CODE,
)
