"""Reads of fees, bills and money: scoped querysets and the aggregates the pages, API and indicators share.

Every function starts from ``readable(Model, user)``: ``visible_to(user)`` narrowed to projects where the
user holds VIEW_BILLING, plus an owner's own rows (``owner_q``). Pages pass the current project; the API
passes ``None`` (every readable project).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from jiayuan.billing import ledger
from jiayuan.billing.models import (
    ZERO,
    Bill,
    BillingRun,
    BillLine,
    CreditNote,
    ExpenseCategory,
    FeeItem,
    Payment,
    PriceVersion,
    Receipt,
    Refund,
)
from jiayuan.billing.permissions import billing_project_ids
from jiayuan.core.errors import NotFound
from jiayuan.core.scoping import owner_condition
from jiayuan.estate.models import Occupancy, ParkingSpace, Unit, Vehicle


def readable(model, user) -> QuerySet:
    qs = model.objects.visible_to(user)
    condition = Q(project_id__in=billing_project_ids(user))
    owned = owner_condition(model, user)
    if owned is not None:
        condition |= owned
    return qs.filter(condition)


def _in(qs: QuerySet, project) -> QuerySet:
    return (
        qs.filter(project_id=project.pk if hasattr(project, "pk") else project) if project is not None else qs
    )


def _get(qs: QuerySet, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# --- fee items --------------------------------------------------------------------------------------


def fee_items_for(user, project=None) -> QuerySet:
    return _in(readable(FeeItem, user), project).prefetch_related("prices")


def fee_item_detail(user, pk: int) -> FeeItem:
    return _get(fee_items_for(user), pk)


def current_price(item: FeeItem, on: date) -> PriceVersion | None:
    """The price in force on ``on`` (from prefetched ``prices``)."""
    versions = [v for v in item.prices.all() if v.valid_from <= on]
    return max(versions, key=lambda v: v.valid_from) if versions else None


# --- runs and bills ---------------------------------------------------------------------------------


def runs_for(user, project=None) -> QuerySet:
    return _in(readable(BillingRun, user), project).filter(project_id__in=billing_project_ids(user))


def bills_for(user, project=None) -> QuerySet:
    return _in(readable(Bill, user), project).select_related("unit", "space", "project")


def bill_detail(user, pk: int) -> Bill:
    bill = _get(bills_for(user).prefetch_related("lines__fee_item"), pk)
    return bill


def bill_lines(bill: Bill) -> list[BillLine]:
    return list(bill.lines.select_related("fee_item").order_by("id"))


def credit_notes_of(bill: Bill) -> QuerySet:
    return CreditNote.objects.filter(line__bill=bill).select_related(
        "line__fee_item", "requested_by", "approved_by"
    )


def payments_for(user, project=None) -> QuerySet:
    return _in(readable(Payment, user), project).select_related("unit", "space", "receipt", "taken_by")


def payment_detail(user, pk: int) -> Payment:
    return _get(payments_for(user).prefetch_related("allocations__line__bill"), pk)


def receipts_for(user, project=None) -> QuerySet:
    return _in(readable(Receipt, user), project).select_related("payment__unit", "payment__space", "project")


def receipt_detail(user, pk: int) -> Receipt:
    return _get(receipts_for(user), pk)


def receipt_lines(receipt: Receipt) -> list[dict]:
    """The itemised allocations printed on a receipt, and the prepaid part."""
    allocations = receipt.payment.allocations.select_related("line__bill").order_by("id")
    if receipt.payment.status == Payment.Status.BOOKED:
        # an allocation given back whole by a credit note on a paid line is now in the prepaid part
        allocations = allocations.filter(reversed=False)
    rows = [{"text": a.line.description, "bill": a.line.bill.number, "amount": a.amount} for a in allocations]
    if receipt.payment.prepaid:
        rows.append({"text": "预存款", "bill": "", "amount": receipt.payment.prepaid})
    return rows


# --- a holder's account (payments desk, owner portal) ---------------------------------------------------


@dataclass
class Account:
    unit: Unit | None
    open_bills: list[Bill] = field(default_factory=list)
    owed: Decimal = ZERO
    prepaid: Decimal = ZERO
    payments: list[Payment] = field(default_factory=list)
    space: ParkingSpace | None = None
    refunds: list[Refund] = field(default_factory=list)
    pending_refunds: Decimal = ZERO

    @property
    def holder(self):
        return self.unit if self.unit is not None else self.space

    @property
    def label(self) -> str:
        return self.unit.address if self.unit is not None else self.space.code

    @property
    def refundable(self) -> Decimal:
        return max(self.prepaid - self.pending_refunds, ZERO)


def unit_account(user, unit) -> Account:
    """What a unit or a parking space owes, its prepaid balance, recent payments and refunds."""
    key = {"unit": unit} if isinstance(unit, Unit) else {"space": unit}
    ids = {"unit_id": unit.pk} if isinstance(unit, Unit) else {"space_id": unit.pk}
    bills = list(
        bills_for(user)
        .filter(**key)
        .exclude(status=Bill.Status.PAID)
        .prefetch_related("lines__fee_item")
        .order_by("period", "issued_on", "id")
    )
    refunds = list(refunds_for(user).filter(**key)[:10])
    return Account(
        unit=unit if isinstance(unit, Unit) else None,
        space=None if isinstance(unit, Unit) else unit,
        open_bills=bills,
        owed=sum((b.outstanding for b in bills), ZERO),
        prepaid=ledger.prepaid_of(unit.project_id, **ids),
        payments=list(payments_for(user).filter(**key)[:10]),
        refunds=refunds,
        pending_refunds=sum((r.amount for r in refunds if r.status == Refund.Status.PENDING), ZERO),
    )


def desk_holder(user, project, text: str):
    """What the desk typed: a unit address (``3-2-1201``), a parking space number (``B1-023``) or a
    plate (``沪A12345``, its vehicle's space), among what the user may read billing for."""
    if project is None or project.pk not in billing_project_ids(user):
        return None
    text = text.strip()
    unit = Unit.objects.visible_to(user).filter(project_id=project.pk, address=text).first()
    if unit is not None:
        return unit
    spaces = (
        ParkingSpace.objects.visible_to(user).filter(project_id=project.pk).select_related("unit", "holder")
    )
    space = spaces.filter(code__iexact=text).first()
    if space is None:
        plate = text.upper().replace(" ", "")
        space = spaces.filter(
            pk__in=Vehicle.objects.visible_to(user)
            .filter(project_id=project.pk, plate=plate, space__isnull=False)
            .values("space_id")
        ).first()
    return space


def refunds_for(user, project=None) -> QuerySet:
    return _in(readable(Refund, user), project).select_related(
        "unit", "space", "requested_by", "approved_by", "project", "entry"
    )


def refund_detail(user, pk: int) -> Refund:
    return _get(refunds_for(user), pk)


def pending_refunds(user, project) -> QuerySet:
    return refunds_for(user, project).filter(status=Refund.Status.PENDING).order_by("requested_at", "id")


def desk_unit(user, project, address: str) -> Unit | None:
    """The unit the desk typed (``3-2-1201``) among those the user may read billing for."""
    if project is None or project.pk not in billing_project_ids(user):
        return None
    return Unit.objects.visible_to(user).filter(project_id=project.pk, address=address.strip()).first()


def owner_units(user) -> QuerySet:
    """Units an owner currently occupies (portal)."""
    return Unit.objects.visible_to(user).filter(
        pk__in=Occupancy._base_manager.filter(party__user=user, ended_on__isnull=True).values("unit_id")
    )


# --- credit notes ---------------------------------------------------------------------------------------


def line_detail(user, pk: int) -> BillLine:
    return _get(readable(BillLine, user).select_related("bill", "fee_item"), pk)


def credit_note_detail(user, pk: int) -> CreditNote:
    return _get(readable(CreditNote, user).select_related("line__bill", "line__fee_item"), pk)


def pending_credit_notes(user, project) -> QuerySet:
    return (
        _in(readable(CreditNote, user), project)
        .filter(status=CreditNote.Status.PENDING)
        .select_related("line__bill__unit", "line__fee_item", "requested_by")
    )


# --- online payments ------------------------------------------------------------------------------------


def online_order_for(user, out_trade_no: str):
    """An online order its creator may pay (the sandbox page)."""
    from jiayuan.billing.models import OnlineOrder

    order = readable(OnlineOrder, user).filter(out_trade_no=out_trade_no[:40], created_by=user).first()
    if order is None:
        raise NotFound()
    return order


# --- expenses (R7.3) -------------------------------------------------------------------------------------


def expenses_for(user, project=None) -> QuerySet:
    """Expenses of projects where the user holds VIEW_LEDGER or RECORD_EXPENSES (no owner reads them)."""
    from jiayuan.billing.models import Expense
    from jiayuan.billing.permissions import expense_project_ids

    qs = Expense.objects.visible_to(user).filter(project_id__in=expense_project_ids(user))
    return _in(qs, project).select_related("category", "created_by")


def expense_detail(user, pk: int):
    return _get(expenses_for(user), pk)


def expense_categories():
    from jiayuan.billing.models import ExpenseCategory

    return ExpenseCategory.objects.filter(active=True)


def expense_categories_with_use(user, project) -> list[tuple[ExpenseCategory, int]]:
    """Every expense category (company-wide, active first) with how often it is used in ``project``; the
    delete guard in the service looks at all projects."""
    used = dict(
        expenses_for(user, project)
        .select_related(None)
        .order_by()
        .values("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    return [
        (category, used.get(category.pk, 0))
        for category in ExpenseCategory.objects.order_by("-active", "sort_order", "code")
    ]
