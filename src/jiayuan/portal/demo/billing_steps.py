"""Demo step: a year of billing in both projects — fee items with a mid-year price change, twelve monthly
runs, and the households' payments over the year (most pay within weeks, some pay quarterly, some stopped
paying, a few never paid), so the arrears, collection-rate and ledger pages are meaningful on first start.

Bills come from the real billing run (bulk SQL, issued on the 1st of each month). The year of payments is
written in bulk with the same rows the payment service writes (payment, receipt, allocations, one balanced
journal entry each) and the month counters of their numbers set to match; a handful of households also
prepay through the service itself.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from jiayuan.billing import ledger, services
from jiayuan.billing.ledger import Cr, Dr
from jiayuan.billing.models import Allocation, Bill, BillLine, Channel, JournalEntry, Payment, Receipt
from jiayuan.billing.pricing import month_start, next_month
from jiayuan.billing.services.common import bill_status
from jiayuan.core.models import Sequence
from jiayuan.core.worktime import SHANGHAI
from jiayuan.portal.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext

MONTHS = 12
CHANNELS = [(Channel.ONLINE, 0.45), (Channel.POS, 0.2), (Channel.BANK, 0.2), (Channel.CASH, 0.15)]


def _months(today: date) -> list[date]:
    first = month_start(today)
    out = [first]
    for _ in range(MONTHS - 1):
        prev = out[-1] - timedelta(days=1)
        out.append(prev.replace(day=1))
    return list(reversed(out))


def _fee_items(ctx: DemoContext, months: list[date]) -> None:
    finance, admin = ctx.users["finance"], ctx.users["admin"]
    p1, p2 = ctx.project(RESIDENTIAL_CODE), ctx.project(STATION_CODE)
    start, change = months[0], months[MONTHS // 2]
    mgmt = services.fee_item_create(
        p1.pk,
        actor=finance,
        code="WYF",
        name="物业管理费",
        kind="area",
        is_management_fee=True,
        unit_label="m²",
    )
    services.price_version_add(
        mgmt, actor=finance, valid_from=start, unit_price="2.20", note="前期物业服务合同"
    )
    # a price change from mid-year (业主大会决议), applied from its date
    services.price_version_add(
        mgmt,
        actor=finance,
        valid_from=change + timedelta(days=14),
        unit_price="2.50",
        note="业主大会决议调价",
    )
    rubbish = services.fee_item_create(p1.pk, actor=finance, code="LJF", name="生活垃圾清运费", kind="fixed")
    services.price_version_add(rubbish, actor=finance, valid_from=start, unit_price="8")
    parking = services.fee_item_create(p1.pk, actor=finance, code="CWF", name="车位管理费", kind="parking")
    services.price_version_add(parking, actor=finance, valid_from=start, unit_price="80")
    water = services.fee_item_create(
        p1.pk, actor=finance, code="SF", name="水费", kind="metered", unit_label="吨"
    )
    services.price_version_add(
        water,
        actor=finance,
        valid_from=start,
        unit_price="3.45",
        tiers=[["15", "3.45"], ["25", "4.83"], [None, "10.30"]],
        note="居民阶梯水价",
    )
    services.fee_item_create(p1.pk, actor=finance, code="TY", name="特约服务费", kind="special")
    station = services.fee_item_create(
        p2.pk,
        actor=admin,
        code="WYF",
        name="物业管理费",
        kind="area",
        is_management_fee=True,
        unit_label="m²",
    )
    services.price_version_add(station, actor=admin, valid_from=start, unit_price="6.80")


def _profile(ctx: DemoContext) -> tuple[str, int]:
    roll = ctx.rng.random()
    if roll < 0.80:
        return "prompt", 0
    if roll < 0.90:
        return "quarterly", 0
    if roll < 0.96:
        return "stopped", ctx.rng.randint(2, MONTHS)
    return "never", 0


def _channel(ctx: DemoContext) -> str:
    roll, acc = ctx.rng.random(), 0.0
    for channel, p in CHANNELS:
        acc += p
        if roll < acc:
            return channel
    return Channel.CASH


def _plan(ctx: DemoContext, bills: list[Bill], now: datetime) -> list[tuple[datetime, list[Bill]]]:
    """When this household pays which of its bills."""
    kind, stopped = _profile(ctx)
    if kind == "never":
        return []
    events: list[tuple[datetime, list[Bill]]] = []
    if kind == "quarterly":
        for i in range(0, len(bills), 3):
            group = bills[i : i + 3]
            at = datetime.combine(next_month(group[-1].period), time(10), tzinfo=SHANGHAI)
            events.append(
                (at + timedelta(days=ctx.rng.randint(5, 40), minutes=ctx.rng.randint(0, 480)), group)
            )
    else:
        cut = len(bills) - stopped if kind == "stopped" else len(bills)
        for bill in bills[:cut]:
            at = datetime.combine(bill.issued_on, time(9), tzinfo=SHANGHAI)
            events.append(
                (at + timedelta(days=ctx.rng.randint(2, 28), minutes=ctx.rng.randint(0, 600)), [bill])
            )
    return [(at, group) for at, group in events if at < now]


def _pay_history(ctx: DemoContext, project) -> int:
    now = timezone.now()
    bills = list(Bill.objects.filter(project=project).order_by("unit_id", "space_id", "period"))
    lines_by_bill: dict[int, list[BillLine]] = defaultdict(list)
    for line in BillLine.objects.filter(project=project).order_by("id"):
        lines_by_bill[line.bill_id].append(line)
    for bill in bills:
        bill.lines_cache = lines_by_bill[bill.pk]
    by_holder: dict[tuple, list[Bill]] = defaultdict(list)
    for bill in bills:
        by_holder[(bill.unit_id or 0, bill.space_id or 0)].append(bill)
    events = []
    for holder, holder_bills in by_holder.items():
        for at, group in _plan(ctx, holder_bills, now):
            events.append((at, holder, group))
    events.sort(key=lambda e: (e[0], e[1]))
    per_month: Counter = Counter()
    payments, drafts, shares = [], [], []
    for at, (unit_id, space_id), group in events:
        amount = sum((b.total for b in group), Decimal(0))
        month = timezone.localtime(at).strftime("%Y%m")
        per_month[month] += 1
        number = f"SK-{month}-{per_month[month]:04d}"
        key = f"demo:{project.code}:{number}"
        payments.append(
            Payment(
                project=project,
                number=number,
                idempotency_key=key,
                fingerprint=hashlib.sha256(key.encode()).hexdigest(),
                unit_id=unit_id or None,
                space_id=None if unit_id else space_id,
                channel=_channel(ctx),
                amount=amount,
                prepaid=Decimal(0),
                payer_name=group[0].payer_name,
                received_at=at,
                taken_by=None,
            )
        )
        shares.append([(line, line.amount) for bill in group for line in bill.lines_cache])
    Payment.objects.bulk_create(payments, batch_size=2000)
    chart = ledger.Chart(project.pk)
    for payment in payments:
        drafts.append(
            ledger.Draft(
                number=payment.number,
                on=timezone.localdate(payment.received_at),
                memo=f"收款 {payment.number} {Channel(payment.channel).label}",
                source="payment",
                source_id=payment.pk,
                lines=[
                    Dr(
                        chart.channel(payment.channel),
                        payment.amount,
                        unit_id=payment.unit_id,
                        space_id=payment.space_id,
                    ),
                    Cr(ledger.RECEIVABLE, payment.amount, unit_id=payment.unit_id, space_id=payment.space_id),
                ],
            )
        )
    entries = ledger.post_many(project.pk, drafts, chart=chart)
    for payment, entry in zip(payments, entries, strict=True):
        payment.entry = entry
    # One set-based UPDATE per table instead of bulk_update's CASE over thousands of ids (minutes on SQLite).
    Payment.objects.filter(project=project, entry__isnull=True).update(
        entry=Subquery(
            JournalEntry.objects.filter(source="payment", source_id=OuterRef("pk")).values("pk")[:1]
        )
    )
    Allocation.objects.bulk_create(
        [
            Allocation(project=project, line=line, payment=p, amount=a, at=p.received_at, entry=p.entry)
            for p, pairs in zip(payments, shares, strict=True)
            for line, a in pairs
        ],
        batch_size=5000,
    )
    Receipt.objects.bulk_create(
        [
            Receipt(
                project=project, number=p.number.replace("SK-", "SJ-"), payment=p, issued_at=p.received_at
            )
            for p in payments
        ],
        batch_size=2000,
    )
    # Every bill of a payment group is paid in full, so each paid line's paid is its amount.
    line_ids = [line.pk for pairs in shares for line, _ in pairs]
    for chunk in _chunks(line_ids):
        BillLine.objects.filter(pk__in=chunk).update(paid=F("amount"))
    by_status: dict[str, list[int]] = defaultdict(list)
    for bill in {b.pk: b for _, _, group in events for b in group}.values():
        by_status[bill_status(bill.total, bill.credited, bill.total)].append(bill.pk)
    for status, ids in by_status.items():
        for chunk in _chunks(ids):
            Bill.objects.filter(pk__in=chunk).update(paid=F("total"), status=status)
    for month, count in per_month.items():
        for prefix in ("SK", "SJ"):
            Sequence.objects.update_or_create(
                project_id=project.pk, prefix=prefix, period=month, defaults={"last": count}
            )
    return len(payments)


def _chunks(ids: list[int], size: int = 900):
    """Id lists in slices under SQLite's bound-parameter limit."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def create_billing(ctx: DemoContext) -> None:
    months = _months(ctx.today)
    _fee_items(ctx, months)
    for code in (RESIDENTIAL_CODE, STATION_CODE):
        project = ctx.project(code)
        actor = ctx.users["finance"] if code == RESIDENTIAL_CODE else ctx.users["admin"]
        for period in months:
            run = services.billing_run_start(project.pk, period, actor=actor, on=period)
            ctx.counts["bills"] += run.bills_created
        ctx.counts["payments"] += _pay_history(ctx, project)
    # A few households keep money in advance (预存款), through the payment service itself.
    for i, unit in enumerate(
        ctx.rng.sample(ctx.units[RESIDENTIAL_CODE], k=min(5, len(ctx.units[RESIDENTIAL_CODE])))
    ):
        services.payment_take(
            services.Holder.of(unit),
            actor=ctx.users["finance"],
            channel=Channel.BANK,
            amount=Decimal(ctx.rng.choice([1000, 2000, 3000])),
            idempotency_key=f"demo:prepay:{i}",
            payer_name="",
        )
        ctx.counts["payments"] += 1
