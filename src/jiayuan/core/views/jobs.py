"""The job page (progress, then the download) and the download itself; only the requester sees either."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_safe

from jiayuan.core.files import serve_file
from jiayuan.core.jobs import job_for, job_kind
from jiayuan.core.web import fetch


@login_required
@require_GET
def job_page(request, job_id: int):
    job = fetch(job_for, request.user, job_id)
    kind = job_kind(job.kind)
    context = {
        "job": job,
        "label": kind.label if kind else job.kind,
        # An import's counts or its errors by row and column, once it has finished.
        "result_template": kind.result_template if kind and job.finished and job.result else None,
    }
    # htmx polls the status card until the job is finished.
    template = "core/job_status.html" if request.htmx else "core/job.html"
    return render(request, template, context)


@login_required
@require_safe
def job_download(request, job_id: int):
    job = fetch(job_for, request.user, job_id)
    if job.state != job.State.DONE or not job.file:
        raise Http404("文件尚未生成")
    return serve_file(request, job.file, download_name=job.filename or None)
