"""Billing API, holdings: meters and readings (R7.1 metered, R7.5) and deposits (R13.2, R7.4). Lists are
paginated and scoped like the pages: staff see the projects where their role allows it, owners only their
own units' meters, readings and deposits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from jiayuan.billing import selectors
from jiayuan.billing.api.common import MAX_ID, WRITE_ERRORS, Paging
from jiayuan.billing.api.common import choice as _choice
from jiayuan.billing.api.common import page as _page
from jiayuan.billing.models import Deposit, Meter, MeterReading
from jiayuan.billing.selectors import meter_project_ids
from jiayuan.billing.services import meters as meter_services
from jiayuan.core.api import ERRORS
from jiayuan.core.errors import NotFound
from jiayuan.core.scoping import owner_condition

router = Router(tags=["billing"])


def _owner_or(model, user, project_ids) -> Q:
    """Rows in the staff projects, or an owner's own units' rows (``owner_q``)."""
    condition = Q(project_id__in=project_ids)
    owned = owner_condition(model, user)
    if owned is not None:
        condition |= owned
    return condition


def meters_readable(user):
    return (
        Meter.objects.visible_to(user)
        .filter(_owner_or(Meter, user, meter_project_ids(user)))
        .select_related("unit", "fee_item")
        .order_by("unit__address", "kind", "id")
    )


def readings_readable(user):
    return (
        MeterReading.objects.visible_to(user)
        .filter(_owner_or(MeterReading, user, meter_project_ids(user)))
        .select_related("meter__unit")
        .order_by("-read_on", "-id")
    )


# --- meters and readings ------------------------------------------------------------------------------


class MeterOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    unit: int = Field(alias="unit_id")
    address: str
    kind: str
    serial: str
    fee_item: int = Field(alias="fee_item_id")
    active: bool
    last_reading: Decimal = Field(alias="baseline", description="上次读数（或新表起数）")
    last_read_on: date | None = Field(alias="last_on")

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.unit.address


class MeterPage(Schema):
    count: int
    items: list[MeterOut]


class MeterQuery(Paging):
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    kind: _choice(Meter.Kind) | None = None
    active: bool | None = None


class ReadingOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    meter: int = Field(alias="meter_id")
    unit: int
    kind: str
    read_on: date
    value: Decimal
    previous: Decimal
    usage: Decimal
    source: str
    billed: bool

    @staticmethod
    def resolve_unit(obj) -> int:
        return obj.meter.unit_id

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.meter.kind

    @staticmethod
    def resolve_billed(obj) -> bool:
        return obj.bill_id is not None


class ReadingPage(Schema):
    count: int
    items: list[ReadingOut]


class ReadingQuery(Paging):
    meter: int | None = Field(None, ge=1, le=MAX_ID)
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    kind: _choice(Meter.Kind) | None = None
    date_from: date | None = Field(None, ge=date(2000, 1, 1), le=date(2100, 1, 1), alias="from")
    date_to: date | None = Field(None, ge=date(2000, 1, 1), le=date(2100, 1, 1), alias="to")


class ReadingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    value: Decimal = Field(..., ge=0, le=Decimal("9999999999"), max_digits=12, decimal_places=2)
    read_on: date | None = Field(None, ge=date(2000, 1, 1), le=date(2100, 1, 1), description="默认今天")


@router.get("/meters", response={200: MeterPage, **ERRORS}, summary="仪表（水电燃气表）及上次读数")
def list_meters(request, query: Query[MeterQuery]):
    qs = meters_readable(request.auth)
    if query.unit:
        qs = qs.filter(unit_id=query.unit)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.active is not None:
        qs = qs.filter(active=query.active)
    return _page(qs, query)


@router.get("/meter-readings", response={200: ReadingPage, **ERRORS}, summary="抄表记录（新的在前）")
def list_meter_readings(request, query: Query[ReadingQuery]):
    qs = readings_readable(request.auth)
    if query.meter:
        qs = qs.filter(meter_id=query.meter)
    if query.unit:
        qs = qs.filter(meter__unit_id=query.unit)
    if query.kind:
        qs = qs.filter(meter__kind=query.kind)
    if query.date_from:
        qs = qs.filter(read_on__gte=query.date_from)
    if query.date_to:
        qs = qs.filter(read_on__lte=query.date_to)
    return _page(qs, query)


@router.post(
    "/meters/{meter_id}/readings",
    response={201: ReadingOut, **WRITE_ERRORS},
    summary="录入读数：低于上次读数的拒绝（422），除非先登记换表",
)
def create_meter_reading(request, payload: ReadingIn, meter_id: int = Path(..., ge=1, le=MAX_ID)):
    meter = meters_readable(request.auth).filter(pk=meter_id).first()
    if meter is None:
        raise NotFound()
    reading = meter_services.reading_record(
        meter, actor=request.auth, value=payload.value, read_on=payload.read_on, source="phone"
    )
    return Status(201, readings_readable(request.auth).get(pk=reading.pk))


# --- deposits -----------------------------------------------------------------------------------------


class DepositMoveOut(Schema):
    kind: str
    amount: Decimal
    reason: str
    channel: str
    at: datetime


class DepositOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    number: str
    receipt_number: str
    unit: int = Field(alias="unit_id")
    address: str
    kind: str
    payer_name: str
    amount: Decimal
    held: Decimal
    status: str
    received_at: datetime
    moves: list[DepositMoveOut]

    @staticmethod
    def resolve_address(obj) -> str:
        return obj.unit.address

    @staticmethod
    def resolve_moves(obj) -> list:
        return list(obj.moves.all())


class DepositPage(Schema):
    count: int
    items: list[DepositOut]


class DepositQuery(Paging):
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    kind: _choice(Deposit.Kind) | None = None
    status: _choice(Deposit.Status) | None = None


@router.get("/deposits", response={200: DepositPage, **ERRORS}, summary="押金（装修、钥匙…）及退还/扣除记录")
def list_deposits(request, query: Query[DepositQuery]):
    qs = (
        selectors.readable(Deposit, request.auth)
        .select_related("unit")
        .prefetch_related("moves")
        .order_by("-received_at", "-id")
    )
    if query.unit:
        qs = qs.filter(unit_id=query.unit)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.status:
        qs = qs.filter(status=query.status)
    return _page(qs, query)
