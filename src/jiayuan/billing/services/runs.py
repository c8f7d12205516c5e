"""Billing runs (R7.2): one bill per unit and per held parking space for a month, in bulk SQL.

Idempotent by construction: a unique constraint on (project, period, unit|space) for periodic bills, and
each chunk selects only the holders without a bill yet, under a lock on the run row. A chunk commits its
bills, lines and journal entries together, so a run killed midway leaves whole bills behind and the next
start completes it. Queries per chunk are constant (no query per unit).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from jiayuan.billing import ledger
from jiayuan.billing.ledger import Cr, Dr
from jiayuan.billing.models import Allocation, Bill, BillingRun, BillLine, FeeItem, PriceVersion
from jiayuan.billing.permissions import can_manage_fees, require
from jiayuan.billing.pricing import days_in_month, month_start, monthly_line, next_month, tiered
from jiayuan.billing.services.common import Holder, apply_to_lines, bill_status, parse_amount, spread
from jiayuan.core.errors import ValidationFailed
from jiayuan.core.numbering import next_number
from jiayuan.core.timeline import timeline_append
from jiayuan.core.worktime import SHANGHAI
from jiayuan.estate.models import Occupancy, ParkingSpace, Unit

CHUNK = 2000
ZERO = Decimal("0.00")
LINE_FIELDS = (
    "project",
    "bill",
    "fee_item",
    "description",
    "quantity",
    "unit_price",
    "days",
    "amount",
    "credited",
    "paid",
)


def _prices(project_id: int) -> dict[int, list[tuple[date, Decimal]]]:
    out: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for fid, valid_from, price in PriceVersion.objects.filter(project_id=project_id).values_list(
        "fee_item_id", "valid_from", "unit_price"
    ):
        out[fid].append((valid_from, price))
    return out


def _payer_name():
    return Subquery(
        Occupancy.objects.filter(
            unit=OuterRef("pk"), ended_on__isnull=True, relation=Occupancy.Relation.OWNER
        )
        .order_by("-is_primary", "id")
        .values("party__name")[:1]
    )


def _unit_lines(unit: dict, items: list[FeeItem], prices, period: date) -> list[dict]:
    lines = []
    delivered = unit["delivered_on"]
    charge_from = delivered if delivered and delivered > period else None
    for item in items:
        if item.unit_uses and unit["use"] not in item.unit_uses:
            continue
        if item.kind == FeeItem.Kind.AREA:
            qty = unit["inner_area"] if item.area_basis == FeeItem.AreaBasis.INNER else unit["building_area"]
            if qty is None:
                continue
        else:
            qty = Decimal(1)
        amount, days, price = monthly_line(qty, period, prices.get(item.pk, []), charge_from=charge_from)
        if amount > 0:
            lines.append({"item": item, "qty": qty, "price": price, "days": days, "amount": amount})
    return lines


def _line_text(item: FeeItem, period: date, days: int) -> str:
    text = f"{item.name} {period:%Y-%m}"
    if days != days_in_month(period):
        text += f"（{days}天）"
    return text


def billing_run_start(
    project_id: int, period: date, *, actor, chunk: int = CHUNK, on: date | None = None
) -> BillingRun:
    """Start (or resume) the run of ``period`` for a project and complete it. ``on``: the issue date
    (today unless loading history, e.g. the demo's past year)."""
    require(can_manage_fees, actor, project_id)
    period = month_start(period)
    if not (date(2000, 1, 1) <= period <= date(2100, 1, 1)):
        raise ValidationFailed("账期超出范围", field="period")
    try:
        run, created = BillingRun.objects.get_or_create(
            project_id=project_id, period=period, defaults={"started_by": actor}
        )
    except IntegrityError:
        run, created = BillingRun.objects.get(project_id=project_id, period=period), False
    if created:
        timeline_append(run, actor=actor, action="start", to_state=run.status)
    items = list(FeeItem.objects.filter(project_id=project_id, active=True).order_by("sort_order", "code"))
    unit_items = [i for i in items if i.kind in (FeeItem.Kind.AREA, FeeItem.Kind.FIXED)]
    space_items = [i for i in items if i.kind == FeeItem.Kind.PARKING]
    prices = _prices(project_id)
    chart = ledger.Chart(project_id)
    for kind, kind_items in (("unit", unit_items), ("space", space_items)):
        after = 0
        while kind_items and after is not None:
            after = _run_chunk(run, kind, kind_items, prices, chart, actor, chunk, after, on)
    with transaction.atomic():
        run = BillingRun.objects.select_for_update().get(pk=run.pk)
        if run.status != BillingRun.Status.DONE:
            run.status = BillingRun.Status.DONE
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "finished_at"])
            timeline_append(
                run,
                actor=actor,
                action="finish",
                from_state="running",
                to_state="done",
                data={"bills": run.bills_created},
            )
    return run


def _pending(run: BillingRun, kind: str, chunk: int, after: int) -> list[dict]:
    """The next holders (id above ``after``) without a periodic bill of this period."""
    billed = Bill.objects.filter(project_id=run.project_id, period=run.period, kind=Bill.Kind.PERIODIC)
    if kind == "unit":
        return list(
            Unit.objects.filter(project_id=run.project_id, pk__gt=after)
            .exclude(delivered_on__gte=next_month(run.period))
            .filter(~Exists(billed.filter(unit=OuterRef("pk"))))
            .annotate(payer=_payer_name())
            .order_by("pk")
            .values("pk", "address", "use", "building_area", "inner_area", "delivered_on", "payer")[:chunk]
        )
    return list(
        ParkingSpace.objects.filter(project_id=run.project_id, holder__isnull=False, pk__gt=after)
        .filter(~Exists(billed.filter(space=OuterRef("pk"))))
        .order_by("pk")
        .values("pk", "code", "holder__name")[:chunk]
    )


def _run_chunk(run, kind, items, prices, chart, actor, chunk, after, on=None) -> int | None:
    """Bill the next chunk of holders; returns the last holder id seen, None when none is left."""
    today = on or timezone.localdate()
    with transaction.atomic():
        # One run at a time per (project, period): the second waits here, then sees the first's bills.
        BillingRun.objects.select_for_update().filter(pk=run.pk).exists()
        holders = _pending(run, kind, chunk, after)
        if not holders:
            return None
        drafts = []
        for h in holders:
            if kind == "unit":
                lines = _unit_lines(h, items, prices, run.period)
                key = {"unit_id": h["pk"]}
                number, payer = f"ZD-{run.period:%Y%m}-{h['address']}", h["payer"] or ""
            else:
                lines = []
                for item in items:
                    amount, days, price = monthly_line(Decimal(1), run.period, prices.get(item.pk, []))
                    if amount > 0:
                        lines.append(
                            {"item": item, "qty": Decimal(1), "price": price, "days": days, "amount": amount}
                        )
                key = {"space_id": h["pk"]}
                number, payer = f"ZD-{run.period:%Y%m}-P{h['code']}", h["holder__name"] or ""
            if lines:
                drafts.append((key, number, payer, lines))
        if not drafts:
            # Holders with nothing to pay this month (no item applies): nothing to write.
            return holders[-1]["pk"]
        due = next_month(run.period).replace(day=1)
        bills = Bill.objects.bulk_create(
            [
                Bill(
                    project_id=run.project_id,
                    number=number[:60],
                    kind=Bill.Kind.PERIODIC,
                    period=run.period,
                    run=run,
                    payer_name=payer[:60],
                    issued_on=today,
                    due_on=due,
                    total=sum((line["amount"] for line in lines), Decimal(0)),
                    **key,
                )
                for key, number, payer, lines in drafts
            ],
            batch_size=1000,
        )
        ledger.insert_rows(
            BillLine,
            LINE_FIELDS,
            [
                (
                    run.project_id,
                    bill.pk,
                    line["item"].pk,
                    _line_text(line["item"], run.period, line["days"]),
                    line["qty"],
                    line["price"],
                    line["days"],
                    line["amount"],
                    ZERO,
                    ZERO,
                )
                for bill, (_, _, _, lines) in zip(bills, drafts, strict=True)
                for line in lines
            ],
        )
        ledger.post_many(
            run.project_id,
            [_issue_draft(bill, lines, chart) for bill, (_, _, _, lines) in zip(bills, drafts, strict=True)],
            actor=actor,
            chart=chart,
        )
        total = sum((b.total for b in bills), Decimal(0))
        BillingRun.objects.filter(pk=run.pk).update(
            bills_created=run.bills_created + len(bills), total=run.total + total
        )
        run.bills_created += len(bills)
        run.total += total
        holders_done = [Holder(run.project_id, **key) for key, *_ in drafts]
        prepaid_apply(run.project_id, holders_done, actor=actor, chart=chart, on=on)
    return holders[-1]["pk"]


def _issue_draft(bill: Bill, lines: list[dict], chart) -> ledger.Draft:
    holder = {"unit_id": bill.unit_id, "space_id": bill.space_id}
    by_item: dict[int, Decimal] = defaultdict(Decimal)
    items = {}
    for line in lines:
        by_item[line["item"].pk] += line["amount"]
        items[line["item"].pk] = line["item"]
    return ledger.Draft(
        number=bill.number,
        on=bill.issued_on,
        memo=f"出账 {bill.number}",
        source="bill",
        source_id=bill.pk,
        lines=[Dr(ledger.RECEIVABLE, bill.total, **holder)]
        + [Cr(chart.income(items[pk]), amount, **holder) for pk, amount in by_item.items()],
    )


def prepaid_apply(
    project_id: int, holders: list[Holder], *, actor=None, chart=None, on: date | None = None
) -> int:
    """Apply prepaid balances to the holders' unpaid lines, oldest bill first: one entry per holder
    (Dr 预收账款, Cr 应收账款). Constant queries for any number of holders. Returns entries posted."""
    unit_ids = [h.unit_id for h in holders if h.unit_id is not None]
    space_ids = [h.space_id for h in holders if h.space_id is not None]
    balances = ledger.prepaid_by_unit(project_id, unit_ids) if unit_ids else {}
    space_balances = ledger.prepaid_by_space(project_id, space_ids) if space_ids else {}
    with_money = [h for h in holders if h.unit_id in balances]
    with_money += [h for h in holders if h.space_id is not None and h.space_id in space_balances]
    if not with_money:
        return 0
    chart = chart or ledger.Chart(project_id)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk__in=[h.unit_id for h in with_money if h.unit_id]).exists()
        ParkingSpace.objects.select_for_update().filter(
            pk__in=[h.space_id for h in with_money if h.space_id]
        ).exists()
        # Re-read under the lock: a payment may have used the balance meanwhile.
        balances = ledger.prepaid_by_unit(project_id, [h.unit_id for h in with_money if h.unit_id])
        spaces = ledger.prepaid_by_space(project_id, [h.space_id for h in with_money if h.space_id])
        balances.update({("s", space_id): amount for space_id, amount in spaces.items()})
        lines = list(
            BillLine.objects.select_related("bill", "fee_item")
            .filter(project_id=project_id)
            .filter(
                _any_holder_q(
                    [h.unit_id for h in with_money if h.unit_id],
                    [h.space_id for h in with_money if h.space_id],
                )
            )
            .select_for_update(of=("self",))
            .order_by("bill__period", "bill__issued_on", "bill_id", "id")
        )
        per_holder: dict[tuple, list[BillLine]] = defaultdict(list)
        for line in lines:
            if line.outstanding > 0:
                key = line.bill.unit_id if line.bill.unit_id else ("s", line.bill.space_id)
                per_holder[key].append(line)
        now = timezone.now()
        if on is not None and on < timezone.localdate():
            now = datetime.combine(on, time(8), tzinfo=SHANGHAI)
        plans = []
        for h in with_money:
            key = h.unit_id if h.unit_id is not None else ("s", h.space_id)
            shares = spread(balances.get(key, Decimal(0)), per_holder.get(key, []))
            if shares:
                plans.append((h, shares))
        if not plans:
            return 0
        drafts = [
            ledger.Draft(
                number=f"YC-{now:%Y%m%d}-{h.unit_id or 's' + str(h.space_id)}",
                on=timezone.localdate(now),
                memo="预存款抵扣",
                source="prepaid",
                source_id=None,
                lines=[
                    Dr(ledger.PREPAID, sum((a for _, a in shares), Decimal(0)), **h.ids),
                    Cr(ledger.RECEIVABLE, sum((a for _, a in shares), Decimal(0)), **h.ids),
                ],
            )
            for h, shares in plans
        ]
        entries = ledger.post_many(project_id, drafts, actor=actor, chart=chart)
        Allocation.objects.bulk_create(
            [
                Allocation(project_id=project_id, line=line, payment=None, amount=amount, at=now, entry=entry)
                for (_, shares), entry in zip(plans, entries, strict=True)
                for line, amount in shares
            ],
            batch_size=2000,
        )
        apply_to_lines([share for _, shares in plans for share in shares])
    return len(plans)


def _any_holder_q(unit_ids, space_ids):
    from django.db.models import Q

    return Q(bill__unit_id__in=unit_ids) | Q(bill__space_id__in=space_ids, bill__unit__isnull=True)


def charge_create(
    holder: Holder,
    item: FeeItem,
    *,
    actor,
    quantity=None,
    amount=None,
    description: str = "",
    on: date | None = None,
) -> Bill:
    """A one-off, special-service or metered charge (R8.1): a bill of its own, issued now.

    Metered: ``quantity`` is the usage, priced with the item's tiers in force on ``on``. One-off and
    special: ``amount`` as agreed, or ``quantity`` × the price in force.
    """
    require(can_manage_fees, actor, holder.project_id)
    if item.project_id != holder.project_id or item.is_periodic:
        raise ValidationFailed("该收费项目不能单独收费", field="fee_item")
    on = on or timezone.localdate()
    version = PriceVersion.objects.filter(fee_item=item, valid_from__lte=on).order_by("-valid_from").first()
    qty = parse_amount(quantity if quantity is not None else 1, field="quantity")
    if amount is not None:
        total, price = parse_amount(amount), None
    elif version is None:
        raise ValidationFailed("该项目尚无生效价格", field="fee_item")
    elif item.kind == FeeItem.Kind.METERED and version.tiers:
        tiers = [(Decimal(u) if u is not None else None, Decimal(p)) for u, p in version.tiers]
        total, price = tiered(qty, tiers), version.unit_price
    else:
        total, price = tiered(qty, [(None, version.unit_price)]), version.unit_price
    if total <= 0:
        raise ValidationFailed("金额必须大于零", field="amount")
    with transaction.atomic():
        holder.lock()
        number = next_number(holder.project_id, "SF")
        bill = Bill.objects.create(
            project_id=holder.project_id,
            number=number,
            kind=Bill.Kind.CHARGE,
            period=month_start(on),
            payer_name="",
            issued_on=timezone.localdate(),
            due_on=on,
            total=total,
            status=bill_status(total, Decimal(0), Decimal(0)),
            **holder.ids,
        )
        BillLine.objects.create(
            project_id=holder.project_id,
            bill=bill,
            fee_item=item,
            description=(description or item.name)[:120],
            quantity=qty,
            unit_price=price if price is not None else total,
            amount=total,
        )
        ledger.post(
            holder.project_id,
            number=number,
            on=bill.issued_on,
            memo=f"出账 {number} {item.name}",
            source="bill",
            source_id=bill.pk,
            lines=[
                Dr(ledger.RECEIVABLE, total, **holder.ids),
                Cr(ledger.Chart(holder.project_id).income(item), total, **holder.ids),
            ],
            actor=actor,
        )
        timeline_append(bill, actor=actor, action="issue", to_state=bill.status)
        prepaid_apply(holder.project_id, [holder], actor=actor)
    return bill
