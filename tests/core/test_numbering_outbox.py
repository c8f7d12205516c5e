"""Per-project document numbering and the outbox."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from jiayuan.core.models import OutboxMessage
from jiayuan.core.numbering import next_number
from jiayuan.core.outbox import deliver_pending, notify

SH = ZoneInfo("Asia/Shanghai")


def test_numbers_count_per_project_prefix_and_month(world):
    at = datetime(2026, 11, 29, 10, tzinfo=SH)
    assert next_number(world.p1.pk, "BX", at) == "BX-202611-0001"
    assert next_number(world.p1.pk, "BX", at) == "BX-202611-0002"
    assert next_number(world.p2.pk, "BX", at) == "BX-202611-0001"
    assert next_number(world.p1.pk, "TS", at) == "TS-202611-0001"
    assert next_number(world.p1.pk, "BX", datetime(2026, 12, 1, 0, 5, tzinfo=SH)) == "BX-202612-0001"


def test_month_follows_shanghai_time_not_utc(world):
    # 2026-11-30 16:30 UTC is already 1 December in Shanghai.
    at = datetime(2026, 11, 30, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert next_number(world.p1.pk, "BX", at).startswith("BX-202612-")


@pytest.mark.django_db(transaction=True)
def test_outbox_message_delivered_after_commit_once(world):
    with transaction.atomic():
        msg = notify(world.owner, "您的报修已派单", project_id=world.p1.pk)
        assert OutboxMessage.objects.get(pk=msg.pk).status == "pending"
    msg.refresh_from_db()
    assert msg.status == "sent" and msg.sent_at is not None
    assert deliver_pending() == 0


@pytest.mark.django_db(transaction=True)
def test_outbox_rolled_back_with_its_transaction(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(world.owner, "不应发送")
        raise RuntimeError
    assert not OutboxMessage.objects.filter(subject="不应发送").exists()


@pytest.mark.django_db(transaction=True)
def test_failing_backend_keeps_message_for_retry(world, settings):
    settings.JIAYUAN_OUTBOX_BACKENDS = {"default": "tests.core.test_numbering_outbox.BrokenBackend"}
    msg = notify(world.owner, "重试")
    msg.refresh_from_db()
    assert msg.status == "pending" and msg.attempts == 1 and "down" in msg.error


class BrokenBackend:
    def send(self, message):
        raise ConnectionError("sms gateway down")


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_distinct_consecutive_numbers(world):
    """Many desks numbering at once (PostgreSQL; SQLite serialises writers anyway)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite has one writer at a time")
    at = datetime(2026, 11, 29, 10, tzinfo=SH)

    def take(_):
        try:
            return next_number(world.p1.pk, "CC", at)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(take, range(40)))
    assert sorted(numbers) == [f"CC-202611-{n:04d}" for n in range(1, 41)]
