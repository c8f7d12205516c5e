"""Fee items and their dated prices (R7.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from jiayuan.billing.models import BillingRun, FeeItem, PriceVersion
from jiayuan.billing.permissions import can_manage_fees, require
from jiayuan.billing.pricing import month_start, next_month
from jiayuan.core.errors import Conflict, ValidationFailed
from jiayuan.core.timeline import timeline_append
from jiayuan.estate.models import Unit

MAX_PRICE = Decimal("100000")


def _price(value, field: str = "unit_price") -> Decimal:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed("单价格式不正确", field=field) from None
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        raise ValidationFailed("单价须在 0 到 100000 之间", field=field)
    if price != price.quantize(Decimal("0.0001")):
        raise ValidationFailed("单价最多四位小数", field=field)
    return price


def _tiers(tiers) -> list[list]:
    """``[[up_to, price], …, [None, price]]`` with ``up_to`` ascending; stored as strings."""
    if not tiers:
        return []
    out, last = [], Decimal(0)
    for i, pair in enumerate(tiers):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationFailed("阶梯格式应为 [上限, 单价]", field="tiers")
        up_to, price = pair
        is_last = i == len(tiers) - 1
        if (up_to is None) != is_last:
            raise ValidationFailed("只有最后一档没有上限", field="tiers")
        if up_to is not None:
            bound = _price(up_to, "tiers")
            if bound <= last:
                raise ValidationFailed("阶梯上限须递增", field="tiers")
            last = bound
            up_to = str(bound)
        out.append([up_to, str(_price(price, "tiers"))])
    return out


def fee_item_create(
    project_id: int,
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    area_basis: str = FeeItem.AreaBasis.BUILDING,
    is_management_fee: bool = False,
    unit_uses: list[str] | None = None,
    unit_label: str = "",
    sort_order: int = 0,
) -> FeeItem:
    require(can_manage_fees, actor, project_id)
    if kind not in FeeItem.Kind.values:
        raise ValidationFailed("计费方式不正确", field="kind")
    if area_basis not in FeeItem.AreaBasis.values:
        raise ValidationFailed("面积口径不正确", field="area_basis")
    uses = list(unit_uses or [])
    if any(u not in Unit.Use.values for u in uses):
        raise ValidationFailed("适用房屋用途不正确", field="unit_uses")
    if not code.strip() or not name.strip():
        raise ValidationFailed("请填写编码和名称", field="code" if not code.strip() else "name")
    try:
        with transaction.atomic():
            item = FeeItem.objects.create(
                project_id=project_id,
                code=code.strip(),
                name=name.strip(),
                kind=kind,
                area_basis=area_basis,
                is_management_fee=is_management_fee,
                unit_uses=uses,
                unit_label=unit_label,
                sort_order=sort_order,
            )
            timeline_append(item, actor=actor, action="create", to_state="active")
    except IntegrityError:
        raise Conflict("该项目已有相同编码的收费项目", field="code") from None
    return item


def price_version_add(
    item: FeeItem, *, actor, valid_from: date, unit_price, tiers=None, note: str = ""
) -> PriceVersion:
    """A new price from ``valid_from``. A month already billed keeps its bills (they are never edited),
    so a price may not start inside or before a billed month."""
    require(can_manage_fees, actor, item.project_id)
    price = _price(unit_price)
    tier_rows = _tiers(tiers)
    if tier_rows and item.kind != FeeItem.Kind.METERED:
        raise ValidationFailed("只有按用量计费的项目可设阶梯", field="tiers")
    if not (date(2000, 1, 1) <= valid_from <= date(2100, 1, 1)):
        raise ValidationFailed("生效日期超出范围", field="valid_from")
    with transaction.atomic():
        FeeItem.objects.select_for_update().filter(pk=item.pk).exists()
        billed = BillingRun.objects.filter(project_id=item.project_id, period__gte=month_start(valid_from))
        if item.is_periodic and billed.exists():
            last = billed.order_by("-period").values_list("period", flat=True).first()
            raise Conflict(
                f"{last:%Y-%m} 已出账，新价格最早从 {next_month(last):%Y-%m-%d} 起生效", field="valid_from"
            )
        if PriceVersion.objects.filter(fee_item=item, valid_from=valid_from).exists():
            raise Conflict("该日期已有价格版本", field="valid_from")
        version = PriceVersion.objects.create(
            project_id=item.project_id,
            fee_item=item,
            valid_from=valid_from,
            unit_price=price,
            tiers=tier_rows,
            note=note,
            created_by=actor,
        )
        timeline_append(
            item, actor=actor, action="price", note=f"{valid_from} 起 {price}", data={"v": version.pk}
        )
    return version
