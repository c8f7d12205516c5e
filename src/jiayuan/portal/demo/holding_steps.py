"""Demo step: water meters with two months of readings (the current month not billed yet), a few
decoration and key deposits (one partly forfeited, one refunded) and property in trust (some returned),
so the meters, deposits and trust pages have something to show on first start.

Meters and readings are bulk inserts; deposits and trust items go through the services (a few dozen).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from jiayuan.billing.models import FeeItem, Meter, MeterReading
from jiayuan.billing.services import deposits
from jiayuan.portal.demo.context import RESIDENTIAL_CODE, DemoContext


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
    start = ctx.today.replace(day=1) - timedelta(days=40)
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
    days = [ctx.today.replace(day=1) - timedelta(days=3), ctx.today - timedelta(days=1)]
    for meter in meters:
        value = meter.initial_reading
        for on in days:
            usage = Decimal(ctx.rng.randint(4, 30))
            readings.append(
                MeterReading(
                    project=project,
                    meter=meter,
                    read_on=max(on, start),
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
