"""Deposits (押金, R13.2 decoration deposit, key deposits…) and customer property in trust (R7.4).

Every money event is one balanced journal entry under the unit's lock:

- received: Dr cash/bank (channel), Cr 2241 其他应付款-押金 — with a receipt number (收据);
- refunded in part or whole, with a reason: Dr 2241, Cr channel;
- forfeited in part, with a reason and an approver (APPROVE_ADJUSTMENTS): Dr 2241, Cr 6051.01 其他业务收入;
- cash in trust: Dr channel, Cr 2241.09 代管款 on receipt, and the reverse when it is returned.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jiayuan.billing import ledger
from jiayuan.billing.ledger import Cr, Dr
from jiayuan.billing.models import Account, Channel, Deposit, DepositMove, TrustItem
from jiayuan.billing.permissions import can_approve_adjustments, can_keep_trust, can_take_payments, require
from jiayuan.billing.services.common import Holder, parse_amount
from jiayuan.billing.transitions import TRUST_ITEM
from jiayuan.core.errors import ValidationFailed
from jiayuan.core.numbering import next_number
from jiayuan.core.timeline import timeline_append
from jiayuan.estate.models import Unit

FORFEIT_INCOME = ("6051.01", "其他业务收入-押金扣除", Account.Kind.INCOME)
TRUST_CASH = ("2241.09", "其他应付款-代管款", Account.Kind.LIABILITY)


def _text(value, field: str, message: str, max_length: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value[:max_length]


def _channel(channel: str) -> str:
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise ValidationFailed("收付方式不正确", field="channel")
    return channel


def deposit_receive(
    unit: Unit, *, actor, kind: str, amount, channel: str, payer_name: str, note: str = ""
) -> Deposit:
    """Receive a deposit: one entry (Dr channel, Cr 2241) and a receipt number."""
    require(can_take_payments, actor, unit.project_id)
    if kind not in Deposit.Kind.values:
        raise ValidationFailed("押金类型不正确", field="kind")
    amount = parse_amount(amount)
    channel = _channel(channel)
    payer_name = _text(payer_name, "payer_name", "请填写缴款人", 60)
    holder = Holder.of(unit)
    with transaction.atomic():
        holder.lock()
        now = timezone.now()
        number = next_number(unit.project_id, "YJ", now)
        chart = ledger.Chart(unit.project_id)
        entry = ledger.post(
            unit.project_id,
            number=number,
            on=timezone.localdate(now),
            memo=f"收押金 {number} {Deposit.Kind(kind).label}",
            source="deposit",
            lines=[
                Dr(chart.channel(channel), amount, **holder.ids),
                Cr(ledger.DEPOSITS, amount, **holder.ids),
            ],
            actor=actor,
            chart=chart,
        )
        deposit = Deposit.objects.create(
            project_id=unit.project_id,
            number=number,
            receipt_number=next_number(unit.project_id, "SJ", now),
            unit=unit,
            kind=kind,
            payer_name=payer_name,
            channel=channel,
            amount=amount,
            held=amount,
            note=(note or "")[:200],
            received_at=now,
            taken_by=actor,
            entry=entry,
        )
        entry.source_id = deposit.pk
        entry.save(update_fields=["source_id"])
        timeline_append(
            deposit, actor=actor, action="receive", to_state=deposit.status, data={"amount": str(amount)}
        )
    return deposit


def _move(deposit: Deposit, kind: str, *, actor, amount, reason: str, channel: str = "") -> DepositMove:
    amount = parse_amount(amount)
    reason = _text(reason, "reason", "请填写原因")
    holder = Holder.of(deposit)
    with transaction.atomic():
        holder.lock()
        deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
        if amount > deposit.held:
            raise ValidationFailed(f"金额超过押金余额 {deposit.held}", field="amount")
        now = timezone.now()
        chart = ledger.Chart(deposit.project_id)
        if kind == DepositMove.Kind.REFUND:
            other, label = chart.channel(channel), "退押金"
        else:
            other, label = chart.get(*FORFEIT_INCOME), "押金扣除"
        number = next_number(deposit.project_id, "YT" if kind == DepositMove.Kind.REFUND else "YK", now)
        entry = ledger.post(
            deposit.project_id,
            number=number,
            on=timezone.localdate(now),
            memo=f"{label} {deposit.number} {reason}",
            source="deposit",
            source_id=deposit.pk,
            lines=[Dr(ledger.DEPOSITS, amount, **holder.ids), Cr(other, amount, **holder.ids)],
            actor=actor,
            chart=chart,
        )
        move = DepositMove.objects.create(
            project_id=deposit.project_id,
            deposit=deposit,
            kind=kind,
            amount=amount,
            reason=reason,
            channel=channel,
            by=actor,
            approved_by=actor,
            at=now,
            entry=entry,
        )
        before = deposit.status
        deposit.held -= amount
        if deposit.held == 0:
            deposit.status = Deposit.Status.CLOSED
        deposit.save(update_fields=["held", "status"])
        timeline_append(
            deposit,
            actor=actor,
            action=kind,
            from_state=before,
            to_state=deposit.status,
            note=reason,
            data={"amount": str(amount)},
        )
    return move


def deposit_refund(deposit: Deposit, *, actor, amount, reason: str, channel: str) -> DepositMove:
    """Pay back part or all of what is held (Dr 2241, Cr channel)."""
    require(can_take_payments, actor, deposit.project_id)
    return _move(
        deposit, DepositMove.Kind.REFUND, actor=actor, amount=amount, reason=reason, channel=_channel(channel)
    )


def deposit_forfeit(deposit: Deposit, *, actor, amount, reason: str) -> DepositMove:
    """Keep part or all of a deposit (e.g. damage during decoration): approved by a role with
    APPROVE_ADJUSTMENTS, who is recorded as the approver (Dr 2241, Cr 其他业务收入)."""
    require(can_approve_adjustments, actor, deposit.project_id)
    return _move(deposit, DepositMove.Kind.FORFEIT, actor=actor, amount=amount, reason=reason)


# --- property in trust (R7.4) -------------------------------------------------------------------------


def trust_receive(
    project_id: int,
    *,
    actor,
    kind: str,
    description: str,
    from_name: str,
    unit: Unit | None = None,
    quantity: int = 1,
    cash_amount=None,
    channel: str = Channel.CASH,
    from_phone: str = "",
    location: str = "",
) -> TrustItem:
    """Receive an item, document, key or cash to keep for a customer, with a record."""
    require(can_keep_trust, actor, project_id)
    if kind not in TrustItem.Kind.values:
        raise ValidationFailed("类别不正确", field="kind")
    if unit is not None and unit.project_id != project_id:
        raise ValidationFailed("房屋不属于本项目", field="unit")
    description = _text(description, "description", "请填写物品描述")
    from_name = _text(from_name, "from_name", "请填写交来人", 60)
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise ValidationFailed("数量格式不正确", field="quantity") from None
    if not 1 <= quantity <= 10000:
        raise ValidationFailed("数量应在 1 至 10000 之间", field="quantity")
    cash = None
    if kind == TrustItem.Kind.CASH:
        require(can_take_payments, actor, project_id)
        cash = parse_amount(cash_amount, field="cash_amount")
        channel = _channel(channel)
    holder = {"unit_id": unit.pk if unit else None, "space_id": None}
    with transaction.atomic():
        now = timezone.now()
        number = next_number(project_id, "DG", now)
        entry = None
        if cash is not None:
            chart = ledger.Chart(project_id)
            entry = ledger.post(
                project_id,
                number=number,
                on=timezone.localdate(now),
                memo=f"代管现金 {number} {from_name}",
                source="trust",
                lines=[
                    Dr(chart.channel(channel), cash, **holder),
                    Cr(chart.get(*TRUST_CASH), cash, **holder),
                ],
                actor=actor,
                chart=chart,
            )
        item = TrustItem.objects.create(
            project_id=project_id,
            number=number,
            unit=unit,
            kind=kind,
            description=description,
            quantity=quantity,
            cash_amount=cash,
            from_name=from_name,
            from_phone=(from_phone or "")[:20],
            received_at=now,
            received_by=actor,
            location=(location or "")[:60],
            entry=entry,
        )
        if entry is not None:
            entry.source_id = item.pk
            entry.save(update_fields=["source_id"])
        timeline_append(item, actor=actor, action="receive", to_state=item.status)
    return item


def trust_return(
    item: TrustItem, *, actor, returned_to: str, signature: str, note: str = "", channel: str = Channel.CASH
) -> TrustItem:
    """Return a kept item with a record (to whom, their signature text, when); cash leaves 2241.09."""
    require(can_keep_trust, actor, item.project_id)
    returned_to = _text(returned_to, "returned_to", "请填写领取人", 60)
    signature = _text(signature, "signature", "请填写领取人签收", 120)
    with transaction.atomic():
        item = TrustItem.objects.select_for_update().get(pk=item.pk)
        TRUST_ITEM.guard(item, "return")
        now = timezone.now()
        fields = {
            "returned_to": returned_to,
            "signature": signature,
            "returned_at": now,
            "returned_by": actor,
            "return_note": (note or "")[:200],
        }
        if item.kind == TrustItem.Kind.CASH:
            require(can_take_payments, actor, item.project_id)
            chart = ledger.Chart(item.project_id)
            holder = {"unit_id": item.unit_id, "space_id": None}
            fields["return_entry"] = ledger.post(
                item.project_id,
                number=f"{item.number}-R",
                on=timezone.localdate(now),
                memo=f"归还代管现金 {item.number} {returned_to}",
                source="trust",
                source_id=item.pk,
                lines=[
                    Dr(chart.get(*TRUST_CASH), item.cash_amount, **holder),
                    Cr(chart.channel(_channel(channel)), item.cash_amount, **holder),
                ],
                actor=actor,
                chart=chart,
            )
        TRUST_ITEM.move(item, "return", actor=actor, at=now, note=note, fields=fields)
    return item
