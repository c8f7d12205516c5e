"""Celery wiring. Tasks are thin wrappers over services; the beat schedule lists all periodic work."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiayuan.settings")

app = Celery("jiayuan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "outbox-deliver": {"task": "jiayuan.core.tasks.deliver_outbox", "schedule": 30.0},
    "service-timers-sweep": {"task": "jiayuan.service.tasks.sweep_timers", "schedule": 60.0},
    "billing-ledgers-close": {"task": "jiayuan.billing.tasks.close_ledgers", "schedule": 3600.0},
}
