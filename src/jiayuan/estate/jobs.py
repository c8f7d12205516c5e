"""The estate export and import as background jobs (core.jobs): the file a clerk downloads from the job
page, and the workbook a clerk uploaded, imported with its progress and its errors by row on the job page."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.core.jobs import JobFailed, JobOutput, Progress, register_job
from jiayuan.core.roles import Perm
from jiayuan.estate.exporting import export_estate
from jiayuan.estate.importing import import_estate

EXPORT = "estate.export"
IMPORT = "estate.import"


def run_estate_export(job, report) -> JobOutput:
    buf = io.BytesIO()
    count = export_estate(job.project, buf, actor=job.requested_by, params=job.params)
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return JobOutput(f"房屋导出-{job.project.code}-{stamp}.xlsx", buf.getvalue(), f"{count} 行")


def run_estate_import(job, report) -> JobOutput:
    """All or nothing, as ``import_estate``: any bad row fails the job with every problem in its result."""
    with job.input_file.open("rb") as fh:
        result = import_estate(
            job.project,
            fh,
            actor=job.requested_by,
            dry_run=bool(job.params.get("dry_run")),
            progress=Progress(report),
        )
    if not result.ok:
        raise JobFailed(f"发现 {result.error_count} 个问题，未导入任何数据", result=result.as_dict())
    return JobOutput(summary=result.summary(), result=result.as_dict())


def register() -> None:
    register_job(EXPORT, label=_("房屋导出"), perm=Perm.VIEW_ESTATE, handler=run_estate_export)
    register_job(
        IMPORT,
        label=_("房屋导入"),
        perm=Perm.IMPORT_ESTATE,
        handler=run_estate_import,
        result_template="estate/import_result.html",
    )
