"""What every request service shares: locking, the acting user on history rows, text checks, messages.

States move through the machines of ``service/transitions.py`` (``REQUEST.move(req, "dispatch", …)``)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.outbox import notify
from jiayuan.service.models import ServiceRequest
from jiayuan.service.transitions import ACTION_LABELS

__all__ = ["ACTION_LABELS"]  # pages label a request's timeline with these


MAX_TEXT = 2000


def now():
    return timezone.now()


def request_link(req: ServiceRequest) -> str:
    return reverse("service:request", args=[req.pk])


def owner_link(req: ServiceRequest) -> str:
    """The owner's own page of the request in the portal (staff links would be a 403 for them)."""
    return reverse("portal:request", args=[req.pk])


def as_actor(obj, actor):
    obj._history_user = actor if getattr(actor, "pk", None) else None
    return obj


def lock(req: ServiceRequest) -> ServiceRequest:
    """Re-read the row under a lock: two clerks pressing the same button move it once."""
    return (
        ServiceRequest.objects.select_for_update(of=("self",)).select_related("caller", "unit").get(pk=req.pk)
    )


def require(condition: bool, message: str = "您没有执行此操作的权限") -> None:
    if not condition:
        raise Forbidden(message)


def text(value: str | None, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(value) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 字", field=field)
    return value


def tell(user, subject: str, body: str, req: ServiceRequest, *, link: str = "") -> None:
    """An outbox message about a request (rows written in the transaction, delivered after commit)."""
    if user is None:
        return
    notify(user, subject, body, project_id=req.project_id, link=link or request_link(req))


def tell_requester(req: ServiceRequest, subject: str, body: str = "") -> None:
    if req.caller_id is not None and req.caller.user_id is not None:
        tell(req.caller.user, subject, body, req, link=owner_link(req))


def atomic():
    return transaction.atomic()
