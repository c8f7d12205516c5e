"""Shared pieces of the billing services: the holder a bill or payment belongs to, locking, allocation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from jiayuan.billing.models import Bill, BillLine
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.estate.models import ParkingSpace, Unit

MAX_AMOUNT = Decimal("100000000.00")
AMOUNT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Holder:
    """A unit or a parking space: whose bills, payments and prepaid balance these are."""

    project_id: int
    unit_id: int | None = None
    space_id: int | None = None

    @classmethod
    def of(cls, obj) -> Holder:
        if isinstance(obj, Unit):
            return cls(obj.project_id, unit_id=obj.pk)
        if isinstance(obj, ParkingSpace):
            return cls(obj.project_id, space_id=obj.pk)
        if getattr(obj, "unit_id", None):
            return cls(obj.project_id, unit_id=obj.unit_id)
        return cls(obj.project_id, space_id=obj.space_id)

    @property
    def ids(self) -> dict:
        return {"unit_id": self.unit_id, "space_id": self.space_id}

    def q(self, prefix: str = "") -> Q:
        if self.unit_id is not None:
            return Q(**{f"{prefix}unit_id": self.unit_id})
        return Q(**{f"{prefix}space_id": self.space_id})

    def lock(self) -> None:
        """Serialise every money event of this holder (payments, refunds, credits, prepaid use) on its
        estate row, so balances read after the lock are the ones the event changes."""
        model = Unit if self.unit_id is not None else ParkingSpace
        pk = self.unit_id if self.unit_id is not None else self.space_id
        if not model.objects.select_for_update().filter(pk=pk, project_id=self.project_id).exists():
            raise NotFound()

    def label(self) -> str:
        if self.unit_id is not None:
            return Unit.objects.values_list("address", flat=True).get(pk=self.unit_id)
        return ParkingSpace.objects.values_list("code", flat=True).get(pk=self.space_id)


def parse_amount(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """Yuan with at most two decimals, positive, bounded; anything else is a Chinese 422.

    Every amount goes through here, a cashier's (a form's ``Decimal``) and a payment provider's (the text
    it sent) alike. Text is plain ASCII decimal notation: ``Decimal`` alone would also read NaN and
    Infinity, full-width and other scripts' digits (``１２``) and ``1_000``."""
    text = str(value).strip() if isinstance(value, str | int | float | Decimal) else ""
    if isinstance(value, bool) or not AMOUNT_TEXT.fullmatch(text):
        raise ValidationFailed("金额格式不正确", field=field)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed("金额格式不正确", field=field) from None
    if amount > MAX_AMOUNT or amount < -MAX_AMOUNT:
        raise ValidationFailed("金额超出范围", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed("金额最多两位小数", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed("金额必须大于零", field=field)
    return amount.quantize(Decimal("0.01"))


def bill_status(total: Decimal, credited: Decimal, paid: Decimal) -> str:
    if paid >= total - credited:
        return Bill.Status.PAID
    return Bill.Status.PARTIAL if paid > 0 else Bill.Status.UNPAID


def open_lines(holder: Holder, line_ids: Iterable[int] | None = None) -> list[BillLine]:
    """The holder's lines with something outstanding, oldest bill first, locked (call after ``lock``)."""
    qs = BillLine.objects.select_related("bill", "fee_item").filter(
        holder.q("bill__"), project_id=holder.project_id
    )
    if line_ids is not None:
        qs = qs.filter(pk__in=list(line_ids))
    lines = list(
        qs.select_for_update(of=("self",)).order_by("bill__period", "bill__issued_on", "bill_id", "id")
    )
    return [line for line in lines if line.outstanding > 0]


def spread(amount: Decimal, lines: Sequence[BillLine]) -> list[tuple[BillLine, Decimal]]:
    """Split ``amount`` over ``lines`` in order, each up to what it still owes."""
    out, left = [], amount
    for line in lines:
        if left <= 0:
            break
        take = min(left, line.outstanding)
        if take > 0:
            out.append((line, take))
            left -= take
    return out


def apply_to_lines(shares: Sequence[tuple[BillLine, Decimal]], *, sign: int = 1) -> None:
    """Move ``paid`` on the lines and their bills (bulk UPDATEs); ``sign=-1`` takes it back."""
    if not shares:
        return
    bills: dict[int, Bill] = {}
    for line, amount in shares:
        line.paid += sign * amount
        bill = bills.setdefault(line.bill_id, line.bill)
        bill.paid += sign * amount
    for bill in bills.values():
        bill.status = bill_status(bill.total, bill.credited, bill.paid)
    BillLine.objects.bulk_update([line for line, _ in shares], ["paid"], batch_size=1000)
    Bill.objects.bulk_update(list(bills.values()), ["paid", "status"], batch_size=1000)
