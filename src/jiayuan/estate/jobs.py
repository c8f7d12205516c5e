"""The estate export as a background job (core.jobs): the file a clerk downloads from the job page."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.core.jobs import JobOutput, register_job
from jiayuan.core.roles import Perm
from jiayuan.estate.exporting import export_estate

EXPORT = "estate.export"


def run_estate_export(job, report) -> JobOutput:
    buf = io.BytesIO()
    count = export_estate(job.project, buf, actor=job.requested_by, params=job.params)
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return JobOutput(f"房屋导出-{job.project.code}-{stamp}.xlsx", buf.getvalue(), f"{count} 行")


def register() -> None:
    register_job(EXPORT, label=_("房屋导出"), perm=Perm.VIEW_ESTATE, handler=run_estate_export)
