"""Billing API, money: fee items, billing runs, bills with lines, payments (Idempotency-Key), receipts and
expenses (R7.1–R7.3). Schemas in, selector or service call, schema out. Owners reach only their own units'
rows (owner_q); nobody but finance and ledger readers sees expenses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Header, Path, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool

from jiayuan.billing import selectors, services
from jiayuan.billing.api.common import MAX_ID, WRITE_ERRORS, Paging
from jiayuan.billing.api.common import choice as _choice
from jiayuan.billing.api.common import page as _page
from jiayuan.billing.models import Bill, Channel, Expense, FeeItem, Receipt
from jiayuan.core.api import ERRORS
from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.core.indicators import Period
from jiayuan.estate.models import ParkingSpace, Unit

router = Router(tags=["billing"])

Amount = Field(..., gt=0, le=Decimal("100000000"), max_digits=11, decimal_places=2)


def _period(text: str | None, field: str = "period") -> date | None:
    if text is None:
        return None
    try:
        return Period.parse(text).start
    except ValueError:
        raise ValidationFailed("账期格式应为 2026-11", field=field) from None


# --- fee items ------------------------------------------------------------------------------------------


class PriceOut(Schema):
    id: int
    valid_from: date
    unit_price: Decimal
    tiers: list
    note: str


class FeeItemOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    code: str
    name: str
    kind: str
    area_basis: str
    is_management_fee: bool
    unit_uses: list[str]
    active: bool
    prices: list[PriceOut]

    @staticmethod
    def resolve_prices(obj) -> list:
        return list(obj.prices.all())


class FeeItemPage(Schema):
    count: int
    items: list[FeeItemOut]


class FeeItemIn(Schema):
    model_config = ConfigDict(extra="forbid")
    project: int = Field(..., ge=1, le=MAX_ID)
    code: str = Field(..., min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(..., min_length=1, max_length=40)
    kind: _choice(FeeItem.Kind)
    area_basis: _choice(FeeItem.AreaBasis) = "building"
    is_management_fee: StrictBool = False
    unit_uses: list[_choice(Unit.Use)] = Field(default_factory=list, max_length=10)


class PriceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    valid_from: date = Field(..., ge=date(2000, 1, 1), le=date(2100, 1, 1))
    unit_price: Decimal = Field(..., ge=0, le=Decimal("100000"), max_digits=10, decimal_places=4)
    tiers: list[tuple[Decimal | None, Decimal]] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=200)


@router.get("/fee-items", response={200: FeeItemPage, **ERRORS}, summary="收费项目与价格版本")
def list_fee_items(request, query: Query[Paging]):
    return _page(selectors.fee_items_for(request.auth), query)


@router.post("/fee-items", response={201: FeeItemOut, **WRITE_ERRORS}, summary="新建收费项目")
def create_fee_item(request, payload: FeeItemIn):
    _visible_project(request.auth, payload.project)
    item = services.fee_item_create(payload.project, actor=request.auth, **payload.dict(exclude={"project"}))
    return Status(201, selectors.fee_item_detail(request.auth, item.pk))


@router.post(
    "/fee-items/{item_id}/prices",
    response={201: FeeItemOut, **WRITE_ERRORS},
    summary="新增价格版本（自生效日起）",
)
def create_price(request, payload: PriceIn, item_id: int = Path(..., ge=1, le=MAX_ID)):
    item = selectors.fee_item_detail(request.auth, item_id)
    tiers = [[str(u) if u is not None else None, str(p)] for u, p in payload.tiers]
    services.price_version_add(
        item,
        actor=request.auth,
        valid_from=payload.valid_from,
        unit_price=payload.unit_price,
        tiers=tiers,
        note=payload.note,
    )
    return Status(201, selectors.fee_item_detail(request.auth, item_id))


def _visible_project(user, project_id: int) -> None:
    """A project the user cannot read billing for does not exist for them (404, not 403)."""
    from jiayuan.billing.permissions import billing_project_ids

    if project_id not in billing_project_ids(user):
        raise NotFound()


# --- billing runs ---------------------------------------------------------------------------------------


class RunOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    period: date
    status: str
    bills_created: int
    total: Decimal
    started_at: datetime
    finished_at: datetime | None


class RunPage(Schema):
    count: int
    items: list[RunOut]


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")
    project: int = Field(..., ge=1, le=MAX_ID)
    period: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="账期 2026-11")


@router.get("/billing-runs", response={200: RunPage, **ERRORS}, summary="计费批次")
def list_billing_runs(request, query: Query[Paging]):
    return _page(selectors.runs_for(request.auth), query)


@router.post(
    "/billing-runs",
    response={201: RunOut, **WRITE_ERRORS},
    summary="开始（或续完）某月计费：每户一张账单，重复执行结果相同",
)
def create_billing_run(request, payload: RunIn):
    _visible_project(request.auth, payload.project)
    return Status(
        201, services.billing_run_start(payload.project, _period(payload.period), actor=request.auth)
    )


# --- bills ----------------------------------------------------------------------------------------------


class LineOut(Schema):
    id: int
    fee_item: int = Field(alias="fee_item_id")
    description: str
    quantity: Decimal
    unit_price: Decimal
    days: int | None
    amount: Decimal
    credited: Decimal
    paid: Decimal
    outstanding: Decimal


class BillOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    number: str
    kind: str
    period: date
    unit: int | None = Field(alias="unit_id")
    space: int | None = Field(alias="space_id")
    holder: str = Field(alias="holder_label")
    payer_name: str
    issued_on: date
    due_on: date
    total: Decimal
    credited: Decimal
    paid: Decimal
    outstanding: Decimal
    status: str


class BillDetailOut(BillOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class BillPage(Schema):
    count: int
    items: list[BillOut]


class BillQuery(Paging):
    status: _choice(Bill.Status) | None = None
    period: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="账期 2026-11")
    unit: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/bills", response={200: BillPage, **ERRORS}, summary="账单列表")
def list_bills(request, query: Query[BillQuery]):
    qs = selectors.bills_for(request.auth)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.period:
        qs = qs.filter(period=_period(query.period))
    if query.unit:
        qs = qs.filter(unit_id=query.unit)
    return _page(qs, query)


@router.get("/bills/{bill_id}", response={200: BillDetailOut, **ERRORS}, summary="账单详情（含收费明细）")
def get_bill(request, bill_id: int = Path(..., ge=1, le=MAX_ID)):
    return selectors.bill_detail(request.auth, bill_id)


# --- payments and receipts ------------------------------------------------------------------------------


class AllocationOut(Schema):
    line: int = Field(alias="line_id")
    amount: Decimal
    reversed: bool


class PaymentOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    number: str
    unit: int | None = Field(alias="unit_id")
    space: int | None = Field(alias="space_id")
    channel: str
    amount: Decimal
    prepaid: Decimal
    payer_name: str
    received_at: datetime
    status: str
    receipt: str | None = None

    @staticmethod
    def resolve_receipt(obj) -> str | None:
        receipt = getattr(obj, "receipt", None)
        return receipt.number if receipt else None


class PaymentDetailOut(PaymentOut):
    allocations: list[AllocationOut]
    reversal_reason: str

    @staticmethod
    def resolve_allocations(obj) -> list:
        return list(obj.allocations.all())


class PaymentPage(Schema):
    count: int
    items: list[PaymentOut]


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    space: int | None = Field(None, ge=1, le=MAX_ID)
    channel: _choice(Channel)
    amount: Decimal = Amount
    lines: list[int] | None = Field(None, max_length=200, description="指定核销的账单明细；不填则先还最早的")
    payer_name: str = Field("", max_length=60)
    reference: str = Field("", max_length=64, description="银行/POS/在线支付流水号")


class ReverseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., min_length=1, max_length=200)


class PaymentQuery(Paging):
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    status: Literal["booked", "reversed"] | None = None


@router.get("/payments", response={200: PaymentPage, **ERRORS}, summary="收款列表")
def list_payments(request, query: Query[PaymentQuery]):
    qs = selectors.payments_for(request.auth)
    if query.unit:
        qs = qs.filter(unit_id=query.unit)
    if query.status:
        qs = qs.filter(status=query.status)
    return _page(qs, query)


@router.post(
    "/payments",
    response={200: PaymentDetailOut, 201: PaymentDetailOut, **WRITE_ERRORS},
    summary="收款：同一 Idempotency-Key 只入账一次（重复请求返回 200 与首次结果）",
)
def create_payment(
    request,
    payload: PaymentIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=80),
):
    if (payload.unit is None) == (payload.space is None):
        raise ValidationFailed("请指定房屋或车位之一", field="unit")
    user = request.auth
    if payload.unit is not None:
        target = Unit.objects.visible_to(user).filter(pk=payload.unit).first()
    else:
        target = ParkingSpace.objects.visible_to(user).filter(pk=payload.space).first()
    if target is None:
        raise NotFound()
    _visible_project(user, target.project_id)
    payment, created = services.payment_take(
        services.Holder.of(target),
        actor=user,
        channel=payload.channel,
        amount=payload.amount,
        idempotency_key=idempotency_key,
        line_ids=payload.lines,
        payer_name=payload.payer_name,
        reference=payload.reference,
    )
    return Status(201 if created else 200, selectors.payment_detail(user, payment.pk))


@router.get("/payments/{payment_id}", response={200: PaymentDetailOut, **ERRORS}, summary="收款详情")
def get_payment(request, payment_id: int = Path(..., ge=1, le=MAX_ID)):
    return selectors.payment_detail(request.auth, payment_id)


@router.post(
    "/payments/{payment_id}/reverse",
    response={200: PaymentDetailOut, **WRITE_ERRORS},
    summary="冲正收款（须填原因）",
)
def reverse_payment(request, payload: ReverseIn, payment_id: int = Path(..., ge=1, le=MAX_ID)):
    payment = selectors.payment_detail(request.auth, payment_id)
    services.payment_reverse(payment, actor=request.auth, reason=payload.reason)
    return selectors.payment_detail(request.auth, payment_id)


class ReceiptOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    number: str
    payment: int = Field(alias="payment_id")
    amount: Decimal
    issued_at: datetime
    status: _choice(Receipt.Status)
    void_reason: str

    @staticmethod
    def resolve_amount(obj) -> Decimal:
        return obj.payment.amount


class ReceiptPage(Schema):
    count: int
    items: list[ReceiptOut]


@router.get("/receipts", response={200: ReceiptPage, **ERRORS}, summary="收据列表（作废的也在）")
def list_receipts(request, query: Query[Paging]):
    return _page(selectors.receipts_for(request.auth), query)


@router.get("/receipts/{receipt_id}", response={200: ReceiptOut, **ERRORS}, summary="收据详情")
def get_receipt(request, receipt_id: int = Path(..., ge=1, le=MAX_ID)):
    return selectors.receipt_detail(request.auth, receipt_id)


# --- expenses -----------------------------------------------------------------------------------------


class ExpenseOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    number: str
    category: str
    category_name: str
    amount: Decimal
    spent_on: date
    payee: str
    note: str
    paid_from: str
    status: str
    reversal_reason: str

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name


class ExpensePage(Schema):
    count: int
    items: list[ExpenseOut]


class ExpenseQuery(Paging):
    category: str | None = Field(None, max_length=20, description="类别编码，如 CLEAN")
    status: _choice(Expense.Status) | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/expenses", response={200: ExpensePage, **ERRORS}, summary="支出（财务与账簿查看者）")
def list_expenses(request, query: Query[ExpenseQuery]):
    qs = selectors.expenses_for(request.auth).order_by("-spent_on", "-id")
    if query.category:
        qs = qs.filter(category__code=query.category.upper())
    if query.status:
        qs = qs.filter(status=query.status)
    if query.year:
        qs = qs.filter(spent_on__year=query.year)
    return _page(qs, query)
