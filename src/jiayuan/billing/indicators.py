"""The collection rate (管理费收缴率, indicator 4 of R10.1) and the rate including arrears recovered, as
``core.indicators`` sources with drill-down to the bills. Definitions: docs/indicators.md "收费".

Both count only lines of fee items marked ``is_management_fee`` on periodic bills:

- **收缴率** for a period = management fees paid (to date) on the period's bills / management fees billed
  for the period (line amount − approved credits).
- **含欠费回收的收缴率** = (the same paid amount + management fees of earlier periods' bills paid during
  the period) / management fees billed for the period.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.models import ZERO, Allocation, Bill, BillLine
from jiayuan.core.indicators import Column, IndicatorSource, Measurement, Period, Side, register
from jiayuan.core.roles import Perm
from jiayuan.core.worktime import SHANGHAI

COLLECTION_CODE = "indicator.04_fee_collection"
WITH_ARREARS_CODE = "billing.collection_with_arrears"
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(expr):
    return Coalesce(Sum(expr), Value(ZERO), output_field=_MONEY)


def _fen(value) -> Decimal:
    # SQLite sums decimals as floats; every amount has two places, so round back to the fen.
    return Decimal(str(value)).quantize(ZERO)


def _period_lines(project_id: int, period: Period):
    return BillLine.objects.filter(
        project_id=project_id,
        fee_item__is_management_fee=True,
        bill__kind=Bill.Kind.PERIODIC,
        bill__period__gte=period.start,
        bill__period__lt=period.end,
    )


def _bills(project_id: int, q: Q):
    return (
        Bill.objects.filter(q, project_id=project_id)
        .select_related("unit", "space")
        .order_by("period", "number")
    )


def _bounds(period: Period):
    return (
        datetime.combine(period.start, time.min, tzinfo=SHANGHAI),
        datetime.combine(period.end, time.min, tzinfo=SHANGHAI),
    )


def _billed_and_paid(project_id: int, period: Period) -> tuple[Decimal, Decimal]:
    agg = _period_lines(project_id, period).aggregate(
        billed=_sum(F("amount") - F("credited")), paid=_sum("paid")
    )
    return _fen(agg["billed"]), _fen(agg["paid"])


def _collection(project_id: int, period: Period, billed: Decimal, paid: Decimal) -> Measurement:
    billed_bills = _bills(project_id, Q(pk__in=_period_lines(project_id, period).values("bill_id")))
    paid_bills = billed_bills.filter(lines__fee_item__is_management_fee=True, lines__paid__gt=0).distinct()
    return Measurement(
        numerator=Side(paid, paid_bills),
        denominator=Side(billed, billed_bills),
        note=str(_("实收计至今日；应收已扣除批准的冲减")),
    )


def measure_collection(project_id: int, period: Period) -> Measurement:
    return _collection(project_id, period, *_billed_and_paid(project_id, period))


def _recovered(project_id: int, period: Period):
    start, end = _bounds(period)
    return Allocation.objects.filter(
        project_id=project_id,
        reversed=False,
        at__gte=start,
        at__lt=end,
        line__fee_item__is_management_fee=True,
        line__bill__kind=Bill.Kind.PERIODIC,
        line__bill__period__lt=period.start,
    )


def _with_arrears(project_id: int, period: Period, billed: Decimal, paid: Decimal) -> Measurement:
    recovered = _recovered(project_id, period)
    recovered_sum = _fen(recovered.aggregate(s=_sum("amount"))["s"])
    lines = _period_lines(project_id, period)
    numerator_rows = _bills(
        project_id,
        Q(pk__in=lines.filter(paid__gt=0).values("bill_id")) | Q(pk__in=recovered.values("line__bill_id")),
    )
    return Measurement(
        numerator=Side(paid + recovered_sum, numerator_rows),
        denominator=Side(billed, _bills(project_id, Q(pk__in=lines.values("bill_id")))),
        note=str(_("分子含本期内收回的往期管理费欠费")),
    )


def measure_with_arrears(project_id: int, period: Period) -> Measurement:
    return _with_arrears(project_id, period, *_billed_and_paid(project_id, period))


def measure_board(project_id: int, period: Period) -> dict[str, Measurement]:
    """Both rates for the board: the period's billed and paid summed once (two queries, not three)."""
    billed, paid = _billed_and_paid(project_id, period)
    return {
        COLLECTION_CODE: _collection(project_id, period, billed, paid),
        WITH_ARREARS_CODE: _with_arrears(project_id, period, billed, paid),
    }


def _bill_url(bill) -> str:
    return reverse("billing:bill", kwargs={"pk": bill.pk})


COLUMNS = (
    Column(_("账单号"), "number"),
    Column(_("房屋/车位"), "holder_label"),
    Column(_("账期"), lambda b: f"{b.period:%Y-%m}"),
    Column(_("应收"), "total"),
    Column(_("已缴"), "paid"),
    Column(_("状态"), lambda b: b.get_status_display()),
)

SOURCES = [
    IndicatorSource(
        code=COLLECTION_CODE,
        label=_("管理费收缴率"),
        numerator_label=_("本期已收管理费"),
        denominator_label=_("本期应收管理费"),
        measure=measure_collection,
        columns=COLUMNS,
        row_url=_bill_url,
        perm=Perm.VIEW_BILLING,
        module="billing",
        order=4,
        batch=measure_board,
    ),
    IndicatorSource(
        code=WITH_ARREARS_CODE,
        label=_("管理费收缴率（含欠费回收）"),
        numerator_label=_("本期已收管理费 + 收回往期欠费"),
        denominator_label=_("本期应收管理费"),
        measure=measure_with_arrears,
        columns=COLUMNS,
        row_url=_bill_url,
        perm=Perm.VIEW_BILLING,
        module="billing",
        order=104,
        batch=measure_board,
    ),
]


def register_sources() -> None:
    for source in SOURCES:
        register(source)
