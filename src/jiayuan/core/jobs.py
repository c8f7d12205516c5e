"""Background jobs (exports and imports): one table row per request, one handler per kind.

An app registers a kind from its ``AppConfig.ready()``::

    register_job("estate.export", label=_("房屋导出"), perm=Perm.VIEW_ESTATE, handler=run_estate_export)

``handler(job, report)`` returns a ``JobOutput`` (file name, bytes, a one-line summary; an import has no
file but a ``result`` for the job page) or raises a ``DomainError`` whose Chinese message becomes the job's
result (``JobFailed`` also keeps a ``result``: an import's errors by row and column). ``report(percent)``
records progress; ``Progress`` calls it in steps, never once per row.
``job_start`` checks the permission, writes the row (with the uploaded file an import reads, stored under a
random name and deleted when the job ends) and queues ``run_job`` after commit: Celery runs it in
production; the demo and the tests run it in-process (eager), so the result is ready when the page opens.
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
    filename: str = ""
    content: bytes | None = None  # None: the job made no file (an import)
    summary: str = ""
    result: dict | None = None  # shown by the kind's ``result_template`` on the job page


class JobFailed(DomainError):
    """A refusal with details for the job page, e.g. every bad row of an import."""

    def __init__(self, message: str, *, result: dict | None = None, **kw):
        super().__init__(message, **kw)
        self.result = result or {}


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    perm: str | Callable[..., bool]  # a Perm, or a predicate ``(user, project_id)`` of the app's permissions
    handler: Callable[[Job, Callable[[int], None]], JobOutput]
    result_template: str | None = None  # shows ``job.result`` when the job has finished


_KINDS: dict[str, JobKind] = {}


def register_job(name: str, *, label, perm, handler, result_template: str | None = None) -> None:
    _KINDS[name] = JobKind(name, label, perm, handler, result_template)


class Progress:
    """Progress reported in steps: ``report`` (which writes the job row) is called only when the percentage
    has moved ``step`` points, however often a stage ticks. ``Progress()`` reports nothing."""

    def __init__(self, report: Callable[[int], None] | None = None, *, step: int = 5):
        self._report = report
        self._step = step
        self._last = 0

    def at(self, percent: float) -> None:
        percent = max(0, min(100, int(percent)))
        if self._report is not None and percent >= self._last + self._step:
            self._last = percent
            self._report(percent)

    def stage(self, start: int, end: int) -> Callable[[int, int], None]:
        """The ``tick(done, total)`` of one stage spanning ``start``–``end`` percent."""

        def tick(done: int, total: int) -> None:
            if total > 0:
                self.at(start + (end - start) * min(done, total) / total)

        return tick


def job_kind(name: str) -> JobKind | None:
    return _KINDS.get(name)


def job_start(
    kind: str, *, actor, project_id: int | None, params: dict | None = None, input_file=None
) -> Job:
    """Queue one job for ``actor``; refused (403) without the kind's permission in the project.

    ``input_file`` (an upload the job reads, e.g. an import's workbook) is stored privately under a random
    name; the job deletes it when it ends."""
    spec = _KINDS.get(kind)
    if spec is None:
        raise NotFound("没有这种后台任务")
    allowed = spec.perm(actor, project_id) if callable(spec.perm) else has_perm(actor, spec.perm, project_id)
    if not allowed:
        raise Forbidden("您没有执行该任务的权限")
    job = Job.objects.create(
        kind=kind,
        project_id=project_id,
        requested_by=actor,
        params=params or {},
        language=translation.get_language() or "zh-hans",
        **({"input_file": input_file} if input_file is not None else {}),
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
        job.result = getattr(exc, "result", None) or {}
    except Exception:  # a bug: recorded on the job, logged with its traceback for the operator
        log.exception("job %s (%s) failed", job.pk, job.kind)
        job.state, job.message = Job.State.FAILED, "任务出错，请稍后重试或联系管理员"
    else:
        if output.content is not None:
            job.file.save(output.filename, ContentFile(output.content), save=False)
            job.filename = output.filename
        job.result = output.result or {}
        job.state, job.message, job.progress = Job.State.DONE, output.summary[:500], 100
    if job.input_file:
        # The upload (personal data) is kept only as long as the job needs it.
        job.input_file.delete(save=False)
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "state",
            "message",
            "progress",
            "file",
            "filename",
            "result",
            "input_file",
            "finished_at",
        ]
    )
    return job


def job_for(user, job_id: int) -> Job:
    """A job its requester may open; anybody else gets 404 (a file may hold personal data)."""
    job = Job.objects.filter(pk=job_id, requested_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise NotFound("找不到该任务")
    return job
