"""Demo step for the shops of 翠湖花园's commercial podium 'S', and the helper the station reuses.

Each shop unit has an owner (small investors, a few owning several); most are let to an operator —
a self-employed person (个体工商户) or a company — some are run by their owner, a few stand empty.
"""

from __future__ import annotations

from datetime import timedelta

from jiayuan.demo.context import RESIDENTIAL_CODE, DemoContext
from jiayuan.demo.residents import Ledger
from jiayuan.estate.models import Occupancy, Party, Shop, Unit

PODIUM_SHOPS = (
    ("翠湖生鲜超市", "零售"),
    ("鲜丰水果", "零售"),
    ("老杭州面馆", "餐饮"),
    ("星河咖啡", "餐饮"),
    ("康寿大药房", "医药"),
    ("美佳洗衣", "生活服务"),
    ("丽人美发", "生活服务"),
    ("快乐宝贝早教中心", "教育培训"),
    ("菜鸟驿站", "快递物流"),
    ("麦香烘焙", "餐饮"),
    ("翠湖口腔诊所", "医疗"),
    ("阳光宠物店", "生活服务"),
    ("平安五金", "零售"),
    ("明亮眼镜", "零售"),
    ("顺心家政", "生活服务"),
    ("百味麻辣烫", "餐饮"),
    ("万家房产中介", "房产中介"),
    ("福利彩票投注站", "零售"),
    ("尚品健身工作室", "休闲健身"),
    ("小熊绘本馆", "教育培训"),
    ("一品茶庄", "零售"),
    ("惠民便利店", "零售"),
)


def licence_expiry(ctx: DemoContext):
    # A few licences lapse or fall due soon, so the shop inspections have something to chase.
    if ctx.chance(0.12):
        return ctx.today + timedelta(days=ctx.rng.randint(-60, 30))
    return ctx.today + timedelta(days=ctx.rng.randint(90, 3000))


def let_shop(ctx: DemoContext, ledger: Ledger, unit: Unit, owner: Party, name: str, trade: str) -> Shop:
    """Let ``unit`` to an operator (or have the owner run it); returns the unsaved Shop row."""
    roll = ctx.rng.random()
    if roll < 0.25:
        operator, unit.state = owner, Unit.State.OCCUPIED
    else:
        since = ctx.today - timedelta(days=ctx.rng.randint(60, 1800))
        if roll < 0.65:
            operator = ledger.party(ctx.people.person(born=(1965, 1998)), note="个体工商户")
        else:
            operator = ledger.organisation(f"杭州{name.removeprefix('杭州')}经营有限公司")
        ledger.relate(unit, operator, Occupancy.Relation.TENANT, primary=True, since=since)
        unit.state = Unit.State.RENTED
    return Shop(
        project=ledger.project,
        unit=unit,
        name=name,
        licence_no=ctx.people.credit_code(individual=operator.kind == Party.Kind.PERSON),
        trade=trade,
        operator=operator,
        licence_expires_on=licence_expiry(ctx),
    )


def create_podium_shops(ctx: DemoContext) -> None:
    ledger = Ledger(ctx, ctx.project(RESIDENTIAL_CODE))
    units = [u for u in ctx.units[RESIDENTIAL_CODE] if u.use == Unit.Use.SHOP]
    names = list(PODIUM_SHOPS)
    ctx.rng.shuffle(names)
    empty = set(ctx.rng.sample(range(len(units)), max(0, len(units) - len(names))))
    owners: list[Party] = []
    shops = []
    for i, unit in enumerate(units):
        if owners and ctx.chance(0.3):
            owner = ctx.rng.choice(owners)
        else:
            owner = ledger.party(ctx.people.person(born=(1955, 1985)))
            owners.append(owner)
        ledger.relate(unit, owner, Occupancy.Relation.OWNER, primary=True, since=unit.delivered_on)
        ctx.unit_owner[unit.pk] = owner
        if i not in empty:
            shops.append(let_shop(ctx, ledger, unit, owner, *names.pop()))
        else:
            unit.state = Unit.State.VACANT
    ledger.save()
    Unit.objects.bulk_update(units, ["state"])
    Shop.objects.bulk_create(shops)
    ctx.counts["shops"] += len(shops)
