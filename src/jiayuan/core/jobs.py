"""Background jobs (exports first): one table row per request, one handler per kind.

An app registers a kind from its ``AppConfig.ready()``::

    register_job("estate.export", label=_("房屋导出"), perm=Perm.VIEW_ESTATE, handler=run_estate_export)

``handler(job, report)`` returns a ``JobOutput`` (file name, bytes, a one-line summary) or raises a
``DomainError`` whose Chinese message becomes the job's result. ``report(percent)`` records progress.
``job_start`` checks the permission, writes the row and queues ``run_job`` after commit: Celery runs it in
production; the demo and the tests run it in-process (eager), so the file is ready when the page opens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from jiayuan.core.errors import DomainError, Forbidden, NotFound
from jiayuan.core.models import Job
from jiayuan.core.scoping import has_perm

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobOutput:
    filename: str
    content: bytes
    summary: str = ""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    perm: str
    handler: Callable[[Job, Callable[[int], None]], JobOutput]


_KINDS: dict[str, JobKind] = {}


def register_job(name: str, *, label, perm: str, handler) -> None:
    _KINDS[name] = JobKind(name, label, perm, handler)


def job_kind(name: str) -> JobKind | None:
    return _KINDS.get(name)


def job_start(kind: str, *, actor, project_id: int | None, params: dict | None = None) -> Job:
    """Queue one job for ``actor``; refused (403) without the kind's permission in the project."""
    spec = _KINDS.get(kind)
    if spec is None:
        raise NotFound("没有这种后台任务")
    if not has_perm(actor, spec.perm, project_id):
        raise Forbidden("您没有执行该任务的权限")
    job = Job.objects.create(
        kind=kind,
        project_id=project_id,
        requested_by=actor,
        params=params or {},
        language=translation.get_language() or "zh-hans",
    )
    from jiayuan.core.tasks import run_job  # the task module imports this one

    if run_job.app.conf.task_always_eager:
        # In-process (demo, tests): run now, inside the caller's transaction, so the page that follows
        # finds the file ready. A worker in production must wait for the commit to see the row.
        run_job.delay(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def job_run(job_id: int) -> Job:
    """Run a queued job once (a second delivery of the same task finds it no longer queued)."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    spec = _KINDS.get(job.kind)

    def report(percent: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(percent))))

    try:
        if spec is None:
            raise DomainError("没有这种后台任务")
        with translation.override(job.language):
            output = spec.handler(job, report)
    except DomainError as exc:
        job.state, job.message = Job.State.FAILED, exc.message[:500]
    except Exception:  # a bug: recorded on the job, logged with its traceback for the operator
        log.exception("job %s (%s) failed", job.pk, job.kind)
        job.state, job.message = Job.State.FAILED, "任务出错，请稍后重试或联系管理员"
    else:
        job.file.save(output.filename, ContentFile(output.content), save=False)
        job.filename = output.filename
        job.state, job.message, job.progress = Job.State.DONE, output.summary[:500], 100
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "progress", "file", "filename", "finished_at"])
    return job


def job_for(user, job_id: int) -> Job:
    """A job its requester may open; anybody else gets 404 (a file may hold personal data)."""
    job = Job.objects.filter(pk=job_id, requested_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise NotFound("找不到该任务")
    return job
