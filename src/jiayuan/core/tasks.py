from celery import shared_task

from jiayuan.core.outbox import deliver_pending


@shared_task
def deliver_outbox() -> int:
    return deliver_pending()
