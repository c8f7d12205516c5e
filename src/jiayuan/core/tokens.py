"""API bearer tokens: ``jy_`` + 40 random characters; the database keeps only a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from jiayuan.core.models import ApiToken

PREFIX = "jy_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(user, *, name: str = "API") -> tuple[ApiToken, str]:
    raw = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(user=user, name=name[:60] or "API", prefix=raw[:8], digest=_digest(raw))
    return token, raw


def token_revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_for_token(raw: str):
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(digest=_digest(raw), revoked_at__isnull=True).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
