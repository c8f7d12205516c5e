"""Demo: the residential project's priced special-service menu (R8.1, ≥10 items, published to owners) and
the demo's special-service orders linked to it, the finished ones charged through billing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from jiayuan.billing import services as billing
from jiayuan.billing.models import FeeItem
from jiayuan.core.worktime import SHANGHAI
from jiayuan.demo.context import RESIDENTIAL_CODE, DemoContext
from jiayuan.service import services
from jiayuan.service.models import RequestType, ServiceRequest, State

MENU = [
    ("TY01", "空调清洗", "80", "台"),
    ("TY02", "家电清洗", "120", "次"),
    ("TY03", "开荒保洁", "8", "m²"),
    ("TY04", "搬家搬运", "300", "次"),
    ("TY05", "管道疏通", "60", "次"),
    ("TY06", "灯具安装", "30", "盏"),
    ("TY07", "窗帘安装", "50", "幅"),
    ("TY08", "家政保洁", "45", "小时"),
    ("TY09", "代收快递", "2", "件"),
    ("TY10", "上门开锁", "100", "次"),
    ("TY11", "热水器清洗", "90", "台"),
]
CHARGED = 5


def create_special_menu(ctx: DemoContext) -> None:
    if RESIDENTIAL_CODE not in ctx.projects or "finance" not in ctx.users:
        return
    project, finance = ctx.project(RESIDENTIAL_CODE), ctx.users["finance"]
    items = []
    for n, (code, name, price, label) in enumerate(MENU):
        item = billing.fee_item_create(
            project.pk, actor=finance, code=code, name=name, kind=FeeItem.Kind.SPECIAL, unit_label=label
        )
        FeeItem.objects.filter(pk=item.pk).update(sort_order=n + 1)
        billing.price_version_add(item, actor=finance, valid_from=date(2020, 1, 1), unit_price=price)
        items.append((item, price))
    by_name = {item.name: (item, price) for item, price in items}
    orders = list(ServiceRequest.objects.filter(project=project, type=RequestType.SPECIAL).order_by("id"))
    for req in orders:
        item, price = by_name.get(req.content[:4]) or by_name.get(req.content) or ctx.rng.choice(items)
        req.fee_item, req.quoted_price = item, price
        if req.arrived_at is not None:
            # Mostly on time (≤5 min early, ≤2 min late), now and then late.
            offset = ctx.rng.choice([-4, -2, -1, 0, 1, 2, 6])
            req.preferred_time = req.arrived_at - timedelta(minutes=offset)
            req.punctual = -5 <= offset <= 2
        else:
            day = (req.received_at + timedelta(days=1)).astimezone(SHANGHAI).date()
            req.preferred_time = datetime.combine(
                day, time(ctx.rng.choice([9, 10, 14, 15]), 0), tzinfo=SHANGHAI
            )
    ServiceRequest.objects.bulk_update(orders, ["fee_item", "quoted_price", "preferred_time", "punctual"])
    done = [r for r in orders if r.state in (State.COMPLETED, State.CLOSED) and r.unit_id][:CHARGED]
    for req in done:
        services.special_charge(req, actor=finance)
