"""A user's own notifications (the outbox rows addressed to them): read and mark read.

Staff read them at /messages/, owners in the portal's 我的 page; both go through these functions so the
rule "a user sees and marks only their own messages" lives in one place.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from jiayuan.core.models import OutboxMessage


def inbox_for(user, *, unread_only: bool = False) -> QuerySet[OutboxMessage]:
    qs = OutboxMessage.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    return inbox_for(user, unread_only=True).count()


def message_mark_read(message: OutboxMessage, *, actor) -> bool:
    """Mark one of the actor's own messages read; True when it was unread. Idempotent."""
    if message.recipient_id != actor.pk:
        raise PermissionError("not the recipient")
    changed = OutboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    return bool(changed)


def inbox_mark_all_read(*, actor) -> int:
    """Mark every unread message of the actor read; returns how many changed."""
    return inbox_for(actor, unread_only=True).update(read_at=timezone.now())
