"""Payments, reversals, credit notes and refunds: each one balanced journal entry, under the holder's lock.

Idempotency: every payment carries a client key, unique in the database. The same key with the same
request returns the first payment (booked once, however many copies arrive together); the same key with a
different request is a 409.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from jiayuan.billing import ledger
from jiayuan.billing.ledger import Cr, Dr
from jiayuan.billing.models import Allocation, Bill, BillLine, Channel, CreditNote, Payment, Receipt, Refund
from jiayuan.billing.permissions import (
    can_approve_adjustments,
    can_request_credit,
    can_take_payments,
    require,
)
from jiayuan.billing.services.common import (
    Holder,
    apply_to_lines,
    bill_status,
    open_lines,
    parse_amount,
    spread,
)
from jiayuan.billing.transitions import CREDIT_NOTE, PAYMENT, REFUND
from jiayuan.core.errors import Conflict, ValidationFailed
from jiayuan.core.numbering import next_number
from jiayuan.core.timeline import timeline_append

KEY_MAX = 80


def _fingerprint(holder: Holder, channel: str, amount: Decimal, line_ids) -> str:
    raw = json.dumps(
        [holder.unit_id, holder.space_id, channel, str(amount), sorted(line_ids) if line_ids else None]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _same_request(existing: Payment, fingerprint: str) -> Payment:
    if existing.fingerprint != fingerprint:
        raise Conflict("该幂等键已用于另一笔不同的收款", code="idempotency_conflict", field="Idempotency-Key")
    return existing


def payment_take(
    holder: Holder,
    *,
    actor,
    channel: str,
    amount,
    idempotency_key: str,
    line_ids: Sequence[int] | None = None,
    payer_name: str = "",
    reference: str = "",
    received_at: datetime | None = None,
    system: bool = False,
) -> tuple[Payment, bool]:
    """Book a payment once per key. Returns ``(payment, created)``.

    Allocation: to the chosen lines (``line_ids``) or else to the oldest unpaid lines first; what is left
    over becomes prepaid (预存款). ``system=True`` is the online provider's verified notification, which
    books on the owner's behalf without a staff role.
    """
    if not system:
        require(can_take_payments, actor, holder.project_id)
    if channel not in Channel.values:
        raise ValidationFailed("收款方式不正确", field="channel")
    amount = parse_amount(amount)
    key = (idempotency_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationFailed("缺少幂等键（Idempotency-Key，1–80 个字符）", field="Idempotency-Key")
    fingerprint = _fingerprint(holder, channel, amount, line_ids)
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_request(existing, fingerprint), False
    try:
        with transaction.atomic():
            holder.lock()
            # A copy that waited on the lock finds the first one's row here.
            existing = Payment.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return _same_request(existing, fingerprint), False
            return _book(
                holder, actor, channel, amount, key, fingerprint, line_ids, payer_name, reference, received_at
            ), True
    except IntegrityError:
        existing = Payment.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _same_request(existing, fingerprint), False


def _book(holder, actor, channel, amount, key, fingerprint, line_ids, payer_name, reference, received_at):
    now = timezone.now()
    received_at = received_at or now
    if line_ids is not None:
        lines = open_lines(holder, line_ids)
        if len(lines) != len(set(line_ids)):
            raise ValidationFailed("所选明细不属于该房屋或已结清", field="lines")
    else:
        lines = open_lines(holder)
    shares = spread(amount, lines)
    allocated = sum((a for _, a in shares), Decimal(0))
    prepaid = amount - allocated
    chart = ledger.Chart(holder.project_id)
    payment = Payment.objects.create(
        project_id=holder.project_id,
        number=next_number(holder.project_id, "SK", received_at),
        idempotency_key=key,
        fingerprint=fingerprint,
        channel=channel,
        amount=amount,
        prepaid=prepaid,
        payer_name=payer_name[:60],
        reference=reference[:64],
        received_at=received_at,
        taken_by=actor if getattr(actor, "pk", None) else None,
        **holder.ids,
    )
    entry_lines = [Dr(chart.channel(channel), amount, **holder.ids)]
    if allocated:
        entry_lines.append(Cr(ledger.RECEIVABLE, allocated, **holder.ids))
    if prepaid:
        entry_lines.append(Cr(ledger.PREPAID, prepaid, **holder.ids))
    entry = ledger.post(
        holder.project_id,
        number=payment.number,
        on=timezone.localdate(received_at),
        memo=f"收款 {payment.number} {Channel(channel).label}",
        source="payment",
        source_id=payment.pk,
        lines=entry_lines,
        actor=actor,
        chart=chart,
    )
    payment.entry = entry
    payment.save(update_fields=["entry"])
    Allocation.objects.bulk_create(
        [
            Allocation(
                project_id=holder.project_id, line=line, payment=payment, amount=a, at=now, entry=entry
            )
            for line, a in shares
        ]
    )
    apply_to_lines(shares)
    Receipt.objects.create(
        project_id=holder.project_id,
        number=next_number(holder.project_id, "SJ", received_at),
        payment=payment,
        issued_at=now,
    )
    timeline_append(
        payment, actor=actor, action="book", to_state=payment.status, data={"prepaid": str(prepaid)}
    )
    return payment


def payment_reverse(payment: Payment, *, actor, reason: str) -> Payment:
    """Reverse a booked payment (冲正): the opposite entry, its allocations taken back, its receipt void."""
    require(can_approve_adjustments, actor, payment.project_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写冲正原因", field="reason")
    holder = Holder.of(payment)
    with transaction.atomic():
        holder.lock()
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        PAYMENT.guard(payment, "reverse")
        if payment.prepaid and ledger.prepaid_of(payment.project_id, **holder.ids) < payment.prepaid:
            raise Conflict("该笔收款转入的预存款已被使用或退还，不能整笔冲正")
        allocations = list(
            Allocation.objects.select_related("line__bill").filter(payment=payment, reversed=False)
        )
        lines = {
            line.pk: line
            for line in BillLine.objects.select_for_update(of=("self",))
            .select_related("bill")
            .filter(pk__in=[a.line_id for a in allocations])
        }
        shares = [(lines[a.line_id], a.amount) for a in allocations]
        allocated = sum((a.amount for a in allocations), Decimal(0))
        chart = ledger.Chart(payment.project_id)
        entry_lines = [Cr(chart.channel(payment.channel), payment.amount, **holder.ids)]
        if allocated:
            entry_lines.append(Dr(ledger.RECEIVABLE, allocated, **holder.ids))
        if payment.prepaid:
            entry_lines.append(Dr(ledger.PREPAID, payment.prepaid, **holder.ids))
        ledger.post(
            payment.project_id,
            number=f"{payment.number}-R",
            on=timezone.localdate(),
            memo=f"冲正 {payment.number}：{reason}"[:120],
            source="reversal",
            source_id=payment.pk,
            lines=entry_lines,
            actor=actor,
            chart=chart,
        )
        Allocation.objects.filter(pk__in=[a.pk for a in allocations]).update(reversed=True)
        apply_to_lines(shares, sign=-1)
        now = timezone.now()
        PAYMENT.move(
            payment,
            "reverse",
            actor=actor,
            at=now,
            note=reason,
            fields={"reversed_at": now, "reversed_by": actor, "reversal_reason": reason[:200]},
        )
        Receipt.objects.filter(payment=payment).update(
            status=Receipt.Status.VOID, void_reason=reason[:200], voided_at=now
        )
    return payment


def credit_note_request(line: BillLine, *, actor, amount, reason: str) -> CreditNote:
    """Ask to credit part of an issued line (the bill itself is never edited)."""
    require(can_request_credit, actor, line.project_id)
    amount = parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写冲减原因", field="reason")
    creditable = line.amount - line.credited
    if amount > creditable:
        raise ValidationFailed(f"冲减金额不能超过该明细可冲减金额 {creditable}", field="amount")
    with transaction.atomic():
        note = CreditNote.objects.create(
            project_id=line.project_id,
            number=next_number(line.project_id, "CJ"),
            line=line,
            amount=amount,
            reason=reason[:200],
            requested_by=actor,
        )
        timeline_append(note, actor=actor, action="request", to_state=note.status, note=reason)
    return note


def credit_note_approve(note: CreditNote, *, actor) -> CreditNote:
    """Approve (by someone other than the requester): the line is credited, in one balanced entry.

    The accountant's answer for a line already (partly) paid: the unpaid part is credited against the
    receivable (Dr fee income, Cr 应收账款); what exceeds it was money received for a charge that is now
    cancelled, so it goes to the holder's prepaid balance (Dr fee income, Cr 预收账款), from where it
    pays the next bill or is refunded (``refund_request``). The latest allocations of the line give that
    money back, and a payment's own ``prepaid`` grows by the same amount, so reversing the payment later
    still balances."""
    require(can_approve_adjustments, actor, note.project_id)
    if note.requested_by_id == actor.pk:
        raise ValidationFailed("冲减须由申请人以外的人审批")
    line = note.line
    holder = Holder.of(line.bill)
    with transaction.atomic():
        holder.lock()
        note = CreditNote.objects.select_for_update().get(pk=note.pk)
        CREDIT_NOTE.guard(note, "approve")
        line = (
            BillLine.objects.select_for_update(of=("self",))
            .select_related("bill", "fee_item")
            .get(pk=line.pk)
        )
        creditable = line.amount - line.credited
        if note.amount > creditable:
            raise Conflict(f"明细可冲减金额已变为 {creditable}，冲减金额超出，请驳回后重新申请")
        against_receivable = min(note.amount, line.outstanding)
        to_prepaid = note.amount - against_receivable
        chart = ledger.Chart(note.project_id)
        entry_lines = [Dr(chart.income(line.fee_item), note.amount, **holder.ids)]
        if against_receivable:
            entry_lines.append(Cr(ledger.RECEIVABLE, against_receivable, **holder.ids))
        if to_prepaid:
            entry_lines.append(Cr(ledger.PREPAID, to_prepaid, **holder.ids))
        entry = ledger.post(
            note.project_id,
            number=note.number,
            on=timezone.localdate(),
            memo=f"冲减 {line.bill.number} {line.fee_item.name}：{note.reason}"[:120],
            source="credit",
            source_id=note.pk,
            lines=entry_lines,
            actor=actor,
            chart=chart,
        )
        if to_prepaid:
            _give_back_allocations(line, to_prepaid)
        line.credited += note.amount
        line.paid -= to_prepaid
        line.save(update_fields=["credited", "paid"])
        bill = Bill.objects.select_for_update().get(pk=line.bill_id)
        bill.credited += note.amount
        bill.paid -= to_prepaid
        bill.status = bill_status(bill.total, bill.credited, bill.paid)
        bill.save(update_fields=["credited", "paid", "status"])
        now = timezone.now()
        CREDIT_NOTE.move(
            note,
            "approve",
            actor=actor,
            at=now,
            fields={"approved_by": actor, "decided_at": now, "entry": entry},
        )
    return note


def _give_back_allocations(line: BillLine, amount: Decimal) -> None:
    """Take ``amount`` off the line's latest live allocations (their money becomes prepaid): a payment's
    allocation shrinks and its ``prepaid`` grows by the same amount; one from the prepaid balance shrinks."""
    left = amount
    allocations = (
        Allocation.objects.select_for_update().filter(line=line, reversed=False).order_by("-at", "-id")
    )
    for allocation in allocations:
        if left <= 0:
            break
        take = min(left, allocation.amount)
        left -= take
        if allocation.payment_id:
            Payment.objects.filter(pk=allocation.payment_id).update(prepaid=F("prepaid") + take)
        if take == allocation.amount:
            # an allocation cannot be zero: it is taken back whole (like a reversal)
            allocation.reversed = True
            allocation.save(update_fields=["reversed"])
        else:
            allocation.amount -= take
            allocation.save(update_fields=["amount"])
    if left > 0:  # the line's paid and its allocations disagree: refuse rather than book half
        raise Conflict("该明细的核销记录与已缴金额不一致，请联系管理员")


def credit_note_reject(note: CreditNote, *, actor, reason: str = "") -> CreditNote:
    require(can_approve_adjustments, actor, note.project_id)
    with transaction.atomic():
        note = CreditNote.objects.select_for_update().get(pk=note.pk)
        now = timezone.now()
        CREDIT_NOTE.move(
            note, "reject", actor=actor, at=now, note=reason, fields={"approved_by": actor, "decided_at": now}
        )
    return note


def refund_pending_total(holder: Holder) -> Decimal:
    """What pending refund requests of the holder would take from its prepaid balance."""
    agg = Refund.objects.filter(
        holder.q(), project_id=holder.project_id, status=Refund.Status.PENDING
    ).aggregate(total=Sum("amount"))
    return Decimal(str(agg["total"] or 0)).quantize(Decimal("0.01"))


def refund_request(
    holder: Holder, *, actor, amount, channel: str, reason: str, payee_name: str = ""
) -> Refund:
    """Ask to pay back part or all of a prepaid balance (退款申请). Bounded by the balance less what other
    pending requests already ask for; nothing moves until someone else approves (``refund_approve``)."""
    from jiayuan.billing.permissions import can_request_refund

    require(can_request_refund, actor, holder.project_id)
    amount = parse_amount(amount)
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise ValidationFailed("退款方式不正确（现金、银行转账或POS）", field="channel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写退款原因", field="reason")
    with transaction.atomic():
        holder.lock()
        available = ledger.prepaid_of(holder.project_id, **holder.ids) - refund_pending_total(holder)
        if amount > available:
            raise ValidationFailed(f"退款金额不能超过可退预存款 {max(available, Decimal(0))}", field="amount")
        refund = Refund.objects.create(
            project_id=holder.project_id,
            number=next_number(holder.project_id, "TK"),
            status=Refund.Status.PENDING,
            channel=channel,
            amount=amount,
            reason=reason[:200],
            payee_name=(payee_name or "").strip()[:60],
            requested_by=actor,
            requested_at=timezone.now(),
            **holder.ids,
        )
        timeline_append(refund, actor=actor, action="request", to_state=refund.status, note=reason)
    return refund


def refund_approve(refund: Refund, *, actor) -> Refund:
    """Approve and pay a refund (by someone other than the requester): Dr 预收账款, Cr cash/bank."""
    require(can_approve_adjustments, actor, refund.project_id)
    if refund.requested_by_id == actor.pk:
        raise ValidationFailed("退款须由申请人以外的人审批")
    holder = Holder.of(refund)
    with transaction.atomic():
        holder.lock()
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        REFUND.guard(refund, "approve")
        balance = ledger.prepaid_of(holder.project_id, **holder.ids)
        if refund.amount > balance:
            raise Conflict(f"预存款余额已变为 {balance}，不足退款，请驳回后重新申请")
        chart = ledger.Chart(holder.project_id)
        entry = ledger.post(
            holder.project_id,
            number=refund.number,
            on=timezone.localdate(),
            memo=f"退款 {refund.number}：{refund.reason}"[:120],
            source="refund",
            source_id=refund.pk,
            lines=[
                Dr(ledger.PREPAID, refund.amount, **holder.ids),
                Cr(chart.channel(refund.channel), refund.amount, **holder.ids),
            ],
            actor=actor,
            chart=chart,
        )
        now = timezone.now()
        REFUND.move(
            refund, "approve", actor=actor, at=now, fields={"approved_by": actor, "at": now, "entry": entry}
        )
    return refund


def refund_reject(refund: Refund, *, actor, reason: str = "") -> Refund:
    require(can_approve_adjustments, actor, refund.project_id)
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        now = timezone.now()
        REFUND.move(
            refund,
            "reject",
            actor=actor,
            at=now,
            note=reason,
            fields={"approved_by": actor, "at": now, "reject_reason": (reason or "").strip()[:200]},
        )
    return refund


def refund_create(holder: Holder, *, actor, amount, channel: str, reason: str, approver) -> Refund:
    """Request and approve in one go (imports, demo data and tests): ``actor`` asks, ``approver`` pays."""
    with transaction.atomic():
        refund = refund_request(holder, actor=actor, amount=amount, channel=channel, reason=reason)
        return refund_approve(refund, actor=approver)
