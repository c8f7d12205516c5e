"""Demo step for project 2, 城东汽车客运站： station buildings, offices and shops let to organisations.

The station company owns every unit; its own offices (售票， 调度…) are in use by it, the office block is
let to transport, logistics and service companies, and the concourse shops to small operators.
"""

from __future__ import annotations

from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from jiayuan.demo.context import DEMO_REASON, STATION_CODE, DemoContext
from jiayuan.demo.residential import money
from jiayuan.demo.residents import Ledger
from jiayuan.demo.shops import let_shop
from jiayuan.estate.models import Building, Occupancy, Shop, Unit

_K = Building.Kind
# code, name, kind, floors, [(floor, rooms, use)]
BUILDINGS = (
    ("A", "站房", _K.STATION, 3, ((1, 10, Unit.Use.SHOP), (2, 6, Unit.Use.OFFICE), (3, 6, Unit.Use.OFFICE))),
    ("B", "候车厅", _K.STATION, 2, ((1, 8, Unit.Use.SHOP), (2, 4, Unit.Use.SHOP))),
    ("C", "综合办公楼", _K.OFFICE, 6, tuple((f, 8, Unit.Use.OFFICE) for f in range(1, 7))),
    ("D", "维修车间", _K.OTHER, 1, ((1, 4, Unit.Use.STORAGE),)),
)
OPENED = date(2012, 9, 28)
OWNER_NAME = "杭州城东汽车客运站有限公司"
STATION_OFFICES = ("售票中心", "调度室", "安检办公室", "站务办公室", "行包房", "值班室")
TENANTS = (
    "杭州城东长途客运有限公司",
    "浙江快运物流有限公司",
    "杭州公交集团城东分公司",
    "顺丰速运城东营业部",
    "中国邮政城东揽投部",
    "浙江交通旅行社城东门店",
    "杭州城东出租汽车服务有限公司",
    "中国移动城东营业厅",
    "杭州汽车租赁有限公司城东分公司",
    "浙江省道路运输协会杭州办事处",
)
STATION_SHOPS = (
    ("站内便利店", "零售"),
    ("知味小笼", "餐饮"),
    ("城东快餐", "餐饮"),
    ("杭州特产", "零售"),
    ("旅途书报亭", "零售"),
    ("百姓大药房", "医药"),
    ("手机配件", "零售"),
    ("行李寄存", "生活服务"),
    ("福彩投注站", "零售"),
    ("奶茶小站", "餐饮"),
    ("鲜果时光", "零售"),
    ("自助银行", "金融服务"),
    ("面包工坊", "餐饮"),
    ("旅游咨询", "旅游服务"),
    ("充电宝租借", "生活服务"),
    ("土特产超市", "零售"),
)


def create_station(ctx: DemoContext) -> None:
    project = ctx.project(STATION_CODE)
    buildings = Building.objects.bulk_create(
        Building(project=project, code=code, sort_order=i, name=name, kind=kind, floors=floors, entrances=1)
        for i, (code, name, kind, floors, _) in enumerate(BUILDINGS, start=1)
    )
    units = []
    for building, (*_, layout) in zip(buildings, BUILDINGS, strict=True):
        for floor, rooms, use in layout:
            units += [_unit(ctx, project, building, floor, n, use) for n in range(1, rooms + 1)]
    ctx.units[STATION_CODE] = bulk_create_with_history(units, Unit, default_change_reason=DEMO_REASON)
    ctx.counts["buildings"] += len(buildings)
    ctx.counts["units"] += len(units)
    _let_units(ctx, ctx.units[STATION_CODE])


def _unit(ctx: DemoContext, project, building: Building, floor: int, n: int, use: str) -> Unit:
    area = ctx.rng.uniform(25, 90) if use == Unit.Use.SHOP else ctx.rng.uniform(40, 160)
    room = f"{floor}{n:02d}"
    return Unit(
        project=project,
        building=building,
        entrance=1,
        room=room,
        floor=floor,
        address=Unit.make_address(building.code, 1, room),
        building_area=money(area),
        inner_area=money(area * ctx.rng.uniform(0.8, 0.9)),
        use=use,
        state=Unit.State.VACANT,
        contract_signed=True,
        delivered_on=OPENED,
    )


def _let_units(ctx: DemoContext, units: list[Unit]) -> None:
    ledger = Ledger(ctx, ctx.project(STATION_CODE))
    owner = ledger.organisation(OWNER_NAME)
    tenants = list(TENANTS)
    own_offices = list(STATION_OFFICES)
    shop_names = list(STATION_SHOPS)
    ctx.rng.shuffle(shop_names)
    current, quota, shops, organisations = None, 0, [], []
    for unit in units:
        ledger.relate(unit, owner, Occupancy.Relation.OWNER, primary=True, since=OPENED)
        ctx.unit_owner[unit.pk] = owner
        if unit.building.code == "A" and unit.use == Unit.Use.OFFICE and own_offices:
            unit.state, unit.note = Unit.State.OCCUPIED, own_offices.pop(0)
        elif unit.use == Unit.Use.SHOP:
            if shop_names and ctx.chance(0.9):
                shops.append(let_shop(ctx, ledger, unit, owner, *shop_names.pop()))
        elif ctx.chance(0.85):
            if quota == 0:
                name = tenants.pop(0) if tenants else ctx.fake.company()
                current, quota = ledger.organisation(name), ctx.rng.randint(1, 4)
                organisations.append(current)
            since = ctx.today - timedelta(days=ctx.rng.randint(60, 2400))
            ledger.relate(unit, current, Occupancy.Relation.TENANT, primary=True, since=since)
            unit.state, quota = Unit.State.RENTED, quota - 1
            unit.contract_signed = ctx.chance(0.95)
    ledger.save()
    Unit.objects.bulk_update(units, ["state", "note", "contract_signed"])
    Shop.objects.bulk_create(shops)
    ctx.counts["shops"] += len(shops)
    ctx.extra["p2_organisations"] = organisations
