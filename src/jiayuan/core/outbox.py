"""The outbox: notifications are rows written in the same transaction as the change that causes them,
delivered afterwards by a pluggable backend (log, email, SMS, WeChat template). Owners read theirs in the
portal."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jiayuan.core.models import OutboxMessage

log = logging.getLogger("jiayuan.outbox")


class LogBackend:
    """Writes each message to the log: the embedded demo's and the tests' delivery."""

    def send(self, message: OutboxMessage) -> None:
        log.info("outbox → %s [%s] %s", message.recipient_id, message.channel, message.subject)


def notify(
    recipient,
    subject: str,
    body: str = "",
    *,
    project_id: int | None = None,
    link: str = "",
    channel: str = "default",
) -> OutboxMessage:
    """Queue a message; delivery is attempted after the surrounding transaction commits."""
    msg = OutboxMessage.objects.create(
        recipient=recipient,
        subject=subject[:200],
        body=body,
        project_id=project_id,
        link=link,
        channel=channel,
    )
    transaction.on_commit(lambda: deliver_pending(ids=[msg.pk]))
    return msg


def _backend(channel: str):
    backends = settings.JIAYUAN_OUTBOX_BACKENDS
    return import_string(backends.get(channel) or backends["default"])()


def deliver_pending(ids: list[int] | None = None, *, limit: int = 500) -> int:
    """Deliver pending messages (idempotent: a sent message is never sent again). Returns how many were sent."""
    qs = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, attempts__lt=5)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    sent = 0
    for msg in qs.order_by("id")[:limit]:
        try:
            _backend(msg.channel).send(msg)
        except Exception as exc:  # a backend failure is recorded and retried, never lost
            OutboxMessage.objects.filter(pk=msg.pk).update(
                attempts=msg.attempts + 1,
                error=str(exc)[:2000],
                status=OutboxMessage.Status.FAILED if msg.attempts + 1 >= 5 else OutboxMessage.Status.PENDING,
            )
            continue
        OutboxMessage.objects.filter(pk=msg.pk, status=OutboxMessage.Status.PENDING).update(
            status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=msg.attempts + 1
        )
        sent += 1
    return sent
