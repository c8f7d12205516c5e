from celery import shared_task

from jiayuan.core.outbox import deliver_pending


@shared_task
def deliver_outbox() -> int:
    return deliver_pending()


@shared_task
def run_job(job_id: int) -> str:
    from jiayuan.core.jobs import job_run

    return job_run(job_id).state
