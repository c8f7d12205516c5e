"""Online payments through a provider (see billing/providers.py for the flow and how to add one)."""

from __future__ import annotations

import logging
import secrets

from django.db import transaction
from django.utils import timezone

from jiayuan.billing import providers
from jiayuan.billing.models import Channel, OnlineOrder, Payment
from jiayuan.billing.services.common import Holder, parse_amount
from jiayuan.billing.services.money import payment_take
from jiayuan.billing.transitions import ONLINE_ORDER
from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.timeline import timeline_append
from jiayuan.estate.models import Occupancy

log = logging.getLogger("jiayuan.billing.online")


def _occupies(user, unit) -> bool:
    return Occupancy.objects.filter(unit=unit, party__user=user, ended_on__isnull=True).exists()


def online_order_create(
    unit, *, actor, amount, description: str = "", provider: str = "sandbox"
) -> OnlineOrder:
    """An owner (a current occupant of ``unit``) starts paying ``amount`` online."""
    if not getattr(actor, "is_authenticated", False) or not _occupies(actor, unit):
        raise Forbidden("只能为自己的房屋在线缴费")
    if providers.provider(provider) is None:
        raise ValidationFailed("不支持的支付渠道", field="provider")
    amount = parse_amount(amount)
    with transaction.atomic():
        order = OnlineOrder.objects.create(
            project_id=unit.project_id,
            out_trade_no=f"JY{timezone.localtime():%Y%m%d%H%M%S}{secrets.token_hex(6).upper()}",
            provider=provider,
            unit=unit,
            amount=amount,
            description=(description or f"物业费 {unit.address}")[:120],
            created_by=actor,
        )
        timeline_append(order, actor=actor, action="create", to_state=order.status)
    return order


def online_notify(provider_name: str, body: bytes, signature: str) -> tuple[int, str]:
    """Handle a provider's notification: verify, book once, answer. Forged, malformed or mismatched
    notifications book nothing and get the provider's FAIL answer; a repeated one gets SUCCESS again."""
    provider = providers.provider(provider_name)
    if provider is None:
        return 404, ""
    if not provider.verify(body, signature):
        log.warning("online notify: bad signature from %s", provider_name)
        return provider.answer(False)
    note = provider.parse(body)
    if note is None or not note.paid:
        return provider.answer(False)
    try:
        amount = parse_amount(note.amount)
    except ValidationFailed as exc:
        log.warning("online notify: bad amount %r for %s", note.amount[:40], note.out_trade_no)
        return provider.answer(False, exc.message)
    order = OnlineOrder.objects.filter(out_trade_no=note.out_trade_no, provider=provider_name).first()
    if order is None or order.amount != amount:
        log.warning("online notify: unknown order or amount mismatch %s", note.out_trade_no)
        return provider.answer(False)
    payment, _created = payment_take(
        Holder.of(order.unit),
        actor=None,
        system=True,
        channel=Channel.ONLINE,
        amount=order.amount,
        idempotency_key=f"online:{order.out_trade_no}",
        payer_name=order.created_by.get_full_name() or order.created_by.username,
        reference=note.transaction_id,
    )
    with transaction.atomic():
        now = timezone.now()
        ONLINE_ORDER.move_if_current(
            order,
            "paid",
            actor=None,
            at=now,
            fields={"paid_at": now, "transaction_id": note.transaction_id, "payment": payment},
        )
    return provider.answer(True)


def sandbox_pay(order: OnlineOrder, *, actor) -> Payment | None:
    """The sandbox's "pay" button: the provider takes the money and sends its signed notification (here
    in-process, through the same ``online_notify`` the HTTP endpoint calls)."""
    if order.created_by_id != getattr(actor, "pk", None):
        raise Forbidden()
    sandbox = providers.PROVIDERS["sandbox"]
    body = sandbox.notification_body(order, transaction_id=f"SBX{secrets.token_hex(8).upper()}")
    online_notify("sandbox", body, sandbox.sign(body))
    order.refresh_from_db()
    return order.payment
