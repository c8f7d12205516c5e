"""Celery tasks of the billing app: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task

from jiayuan.billing import ledger


@shared_task(name="jiayuan.billing.tasks.close_ledgers")
def close_ledgers() -> int:
    """Every hour (beat): close the months before the current one in every project's books, so that the
    first trial balance of a month does not do it (a no-op, one query per project, once done)."""
    return ledger.close_all()
