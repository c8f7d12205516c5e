"""Each record's own timeline (append-only)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from jiayuan.core.models import TimelineEntry


def timeline_append(
    obj: models.Model,
    *,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
    at=None,
    project_id: int | None = None,
) -> TimelineEntry:
    """``project_id`` is taken from ``obj``; pass it for rows without a project of their own (a company
    standard overridden for one project)."""
    return TimelineEntry.objects.create(
        project_id=project_id if project_id is not None else getattr(obj, "project_id", None),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def timeline_of(obj: models.Model):
    return TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=obj.pk
    ).select_related("actor")
