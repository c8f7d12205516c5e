"""Periodic work runs in-process without Redis: the same task functions Celery runs in production."""

from django.conf import settings

from jiayuan.celery import app
from jiayuan.core.models import OutboxMessage
from jiayuan.core.tasks import deliver_outbox


def test_tasks_run_in_process_without_a_broker(world):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    OutboxMessage.objects.create(recipient=world.owner, subject="测试消息")
    assert deliver_outbox.delay().get() == 1
    assert OutboxMessage.objects.get(subject="测试消息").status == "sent"


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
