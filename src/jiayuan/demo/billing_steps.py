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
from typing import NamedTuple

from django.db import connection
from django.db.models import F
from django.utils import timezone

from jiayuan.billing import ledger, services
from jiayuan.billing.models import ZERO, Allocation, Bill, BillLine, Channel, Payment, Receipt
from jiayuan.billing.pricing import month_start, next_month
from jiayuan.billing.services.common import bill_status
from jiayuan.core.models import Sequence
from jiayuan.core.worktime import SHANGHAI
from jiayuan.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext

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


class _Bill(NamedTuple):
    pk: int
    period: date
    issued_on: date
    total: Decimal
    credited: Decimal
    payer_name: str
    lines: list  # (line id, amount)


def _plan(ctx: DemoContext, bills: list[_Bill], now: datetime) -> list[tuple[datetime, list[_Bill]]]:
    """When this household pays which of its bills."""
    kind, stopped = _profile(ctx)
    if kind == "never":
        return []
    events: list[tuple[datetime, list[_Bill]]] = []
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


PAYMENT_FIELDS = (
    "id",
    "project",
    "number",
    "idempotency_key",
    "fingerprint",
    "unit",
    "space",
    "channel",
    "amount",
    "prepaid",
    "payer_name",
    "reference",
    "received_at",
    "taken_by",
    "status",
    "reversed_at",
    "reversed_by",
    "reversal_reason",
    "entry",
)


def _pay_history(ctx: DemoContext, project) -> int:
    """The year's payments as plain rows (the rows ``payment_take`` writes: payment, one balanced entry,
    allocations, receipt), through ``ledger.reserve_ids``/``insert_rows``/``post_rows`` like the billing
    run: no model instance per row."""
    now = ctx.now
    lines_by_bill: dict[int, list] = defaultdict(list)
    for line_id, bill_id, amount in (
        BillLine.objects.filter(project=project).order_by("id").values_list("id", "bill_id", "amount")
    ):
        lines_by_bill[bill_id].append((line_id, amount))
    by_holder: dict[tuple, list[_Bill]] = defaultdict(list)
    for pk, unit_id, space_id, period, issued_on, total, credited, payer in (
        Bill.objects.filter(project=project)
        .order_by("unit_id", "space_id", "period")
        .values_list("pk", "unit_id", "space_id", "period", "issued_on", "total", "credited", "payer_name")
    ):
        by_holder[(unit_id or 0, space_id or 0)].append(
            _Bill(pk, period, issued_on, total, credited, payer, lines_by_bill[pk])
        )
    events = []
    for holder, holder_bills in by_holder.items():
        for at, group in _plan(ctx, holder_bills, now):
            events.append((at, holder, group))
    events.sort(key=lambda e: (e[0], e[1]))
    per_month: Counter = Counter()
    chart = ledger.Chart(project.pk)
    receivable = chart.get(ledger.RECEIVABLE).pk
    ids = ledger.reserve_ids(Payment, len(events))
    adapt = connection.ops.adapt_datetimefield_value
    labels = {channel: str(channel.label) for channel in Channel}
    payments, drafts = [], []
    for payment_id, (at, (unit_id, space_id), group) in zip(ids, events, strict=True):
        amount = sum((b.total for b in group), Decimal(0))
        local = timezone.localtime(at)
        month = local.strftime("%Y%m")
        per_month[month] += 1
        number = f"SK-{month}-{per_month[month]:04d}"
        channel = _channel(ctx).value
        unit_id, space_id = unit_id or None, None if unit_id else space_id
        payments.append((payment_id, number, unit_id, space_id, channel, amount, group[0].payer_name, at))
        drafts.append(
            (
                number,
                local.date(),
                f"收款 {number} {labels[channel]}",
                "payment",
                payment_id,
                [
                    (chart.channel(channel).pk, amount, ZERO, unit_id, space_id),
                    (receivable, ZERO, amount, unit_id, space_id),
                ],
            )
        )
    entry_ids = ledger.post_rows(project.pk, drafts)
    rows, allocations, receipts = [], [], []
    for (payment_id, number, unit_id, space_id, channel, amount, payer, at), entry_id, (_, _, group) in zip(
        payments, entry_ids, events, strict=True
    ):
        key = f"demo:{project.code}:{number}"
        when = adapt(at)
        rows.append(
            (
                payment_id,
                project.pk,
                number,
                key,
                hashlib.sha256(key.encode()).hexdigest(),
                unit_id,
                space_id,
                channel,
                amount,
                ZERO,
                payer,
                "",
                when,
                None,
                Payment.Status.BOOKED.value,
                None,
                None,
                "",
                entry_id,
            )
        )
        allocations += [
            (project.pk, line_id, payment_id, line_amount, when, False, entry_id)
            for bill in group
            for line_id, line_amount in bill.lines
        ]
        receipts.append((project.pk, number.replace("SK-", "SJ-"), payment_id, when, "valid", "", None))
    ledger.insert_rows(Payment, PAYMENT_FIELDS, rows)
    ledger.insert_rows(
        Allocation, ("project", "line", "payment", "amount", "at", "reversed", "entry"), allocations
    )
    ledger.insert_rows(
        Receipt, ("project", "number", "payment", "issued_at", "status", "void_reason", "voided_at"), receipts
    )
    # Every bill of a payment group is paid in full, so each paid line's paid is its amount.
    line_ids = [line_id for _, _, group in events for bill in group for line_id, _ in bill.lines]
    for chunk in _chunks(line_ids):
        BillLine.objects.filter(pk__in=chunk).update(paid=F("amount"))
    by_status: dict[str, list[int]] = defaultdict(list)
    for bill in {b.pk: b for _, _, group in events for b in group}.values():
        by_status[bill_status(bill.total, bill.credited, bill.total)].append(bill.pk)
    for status, ids_ in by_status.items():
        for chunk in _chunks(ids_):
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
