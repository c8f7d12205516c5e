"""Demo step: water meters with seven months of readings (the current month not billed yet), a few
decoration and key deposits (one partly forfeited, one refunded) and property in trust (some returned),
so the meters, deposits and trust pages have something to show on first start.

Meters and readings are bulk inserts; deposits and trust items go through the services (a few dozen).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from jiayuan.billing.models import FeeItem, Meter, MeterReading
from jiayuan.billing.services import deposits
from jiayuan.demo.context import RESIDENTIAL_CODE, DemoContext
from jiayuan.estate.models import Unit


def create_holdings(ctx: DemoContext) -> None:
    project = ctx.project(RESIDENTIAL_CODE)
    finance = ctx.users["finance"]
    water = FeeItem.objects.filter(project=project, code="SF").first()
    units = ctx.units[RESIDENTIAL_CODE]
    if water is not None and units:
        _meters(ctx, project, water, ctx.rng.sample(units, k=min(ctx.scaled(300, 10), len(units))), finance)
    for unit in ctx.rng.sample(units, k=min(ctx.scaled(12, 3), len(units))):
        kind = ctx.rng.choice(["decoration", "decoration", "key", "card"])
        amount = {"decoration": 3000, "key": 100, "card": 50}[kind]
        owner = ctx.unit_owner.get(unit.pk)
        dep = deposits.deposit_receive(
            unit,
            actor=finance,
            kind=kind,
            amount=Decimal(amount),
            channel="bank" if kind == "decoration" else "cash",
            payer_name=owner.name if owner else "业主",
        )
        ctx.counts["deposits"] += 1
        roll = ctx.rng.random()
        if kind == "decoration" and roll < 0.25:
            deposits.deposit_forfeit(
                dep, actor=ctx.users["admin"], amount=Decimal(500), reason="装修损坏公共区域墙面，修复费用"
            )
            deposits.deposit_refund(
                dep, actor=finance, amount=Decimal(2500), reason="装修验收合格", channel="bank"
            )
        elif roll < 0.5:
            deposits.deposit_refund(dep, actor=finance, amount=dep.amount, reason="退还押金", channel="cash")
    # The demo owner is decorating: a deposit held, so the portal's deposits page shows one (R13.2).
    owner1 = ctx.users.get("owner1")
    home = Unit.objects.filter(occupancies__party__user=owner1, occupancies__ended_on__isnull=True).first()
    if owner1 is not None and home is not None:
        deposits.deposit_receive(
            home,
            actor=finance,
            kind="decoration",
            amount=Decimal(3000),
            channel="bank",
            payer_name=getattr(ctx.unit_owner.get(home.pk), "name", "") or "业主",
        )
        ctx.counts["deposits"] += 1
    things = [
        ("item", "快递包裹"),
        ("document", "房产证复印件"),
        ("key", "入户门钥匙一把"),
        ("item", "外卖保温箱"),
        ("cash", "代收邻居转交现金"),
    ]
    for i, unit in enumerate(ctx.rng.sample(units, k=min(ctx.scaled(10, 5), len(units)))):
        kind, text = things[i % len(things)]
        owner = ctx.unit_owner.get(unit.pk)
        item = deposits.trust_receive(
            project.pk,
            actor=finance,
            kind=kind,
            description=text,
            from_name=ctx.fake.name(),
            unit=unit,
            cash_amount=Decimal(200) if kind == "cash" else None,
            location="客服中心前台",
        )
        ctx.counts["trust_items"] += 1
        if ctx.rng.random() < 0.4:
            name = owner.name if owner else "业主"
            deposits.trust_return(item, actor=finance, returned_to=name, signature=f"{name}（本人签收）")


def _meters(ctx, project, water, units, reader) -> None:
    """Seven monthly readings per meter around each household's own usual use (±20 %), so the usage
    analysis (R7.5) flags only what a reader would: a few leaks (four times the usual use last month)
    and one meter that stood still on an occupied unit."""
    first = ctx.today.replace(day=1)
    days = []
    for back in range(6, 0, -1):
        month = (first - timedelta(days=28 * back)).replace(day=1)
        days.append(month + timedelta(days=24))
    days.append(ctx.today - timedelta(days=1))
    start = days[0] - timedelta(days=30)
    meters = Meter.objects.bulk_create(
        [
            Meter(
                project=project,
                unit=unit,
                kind=Meter.Kind.WATER,
                fee_item=water,
                serial=f"W{unit.pk:06d}",
                initial_reading=Decimal(ctx.rng.randint(0, 900)),
                installed_on=start,
            )
            for unit in units
        ],
        batch_size=1000,
    )
    readings = []
    for i, meter in enumerate(meters):
        value = meter.initial_reading
        usual = ctx.rng.randint(6, 18)
        for n, on in enumerate(days):
            usage = Decimal(max(1, round(usual * ctx.rng.uniform(0.8, 1.2))))
            if n == len(days) - 1 and i < 3:
                usage = Decimal(usual * 4 + i)  # a running toilet or a burst pipe
            elif n == len(days) - 1 and i == 3:
                usage = Decimal(0)  # the meter stood still: broken, skipped or bypassed
            readings.append(
                MeterReading(
                    project=project,
                    meter=meter,
                    read_on=on,
                    value=value + usage,
                    previous=value,
                    usage=usage,
                    source=MeterReading.Source.IMPORT,
                    read_by=reader,
                )
            )
            value += usage
        meter.baseline, meter.last_on = value, days[-1]
    MeterReading.objects.bulk_create(readings, batch_size=2000)
    Meter.objects.bulk_update(meters, ["baseline", "last_on"], batch_size=1000)
    ctx.counts["meter_readings"] += len(readings)
