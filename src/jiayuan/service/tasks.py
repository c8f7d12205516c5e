"""Celery tasks of the service app: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from jiayuan.service.services import timers_sweep


@shared_task(name="jiayuan.service.tasks.sweep_timers")
def sweep_timers() -> dict[str, int]:
    """Every minute (beat): breach the service-promise timers past due and notify supervisors once."""
    return timers_sweep(timezone.now())
