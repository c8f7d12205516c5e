"""Billing work done in the background (core.jobs): the yearly disclosure workbook and the reminder
letters (the page posts, the job page polls, the requester downloads), and the meter-readings import (the
job page shows its progress, then the readings recorded or every bad row)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.permissions import can_read_meters
from jiayuan.core.errors import ValidationFailed
from jiayuan.core.jobs import JobFailed, JobOutput, Progress, register_job
from jiayuan.core.roles import Perm

DISCLOSURE_XLSX = "billing.disclosure_xlsx"
REMINDER_LETTERS = "billing.reminder_letters"
READINGS_IMPORT = "billing.readings_import"


def run_disclosure_xlsx(job, report) -> JobOutput:
    from jiayuan.billing.selectors import reports

    year = job.params.get("year")
    if not isinstance(year, int) or not reports.MIN_YEAR <= year <= reports.MAX_YEAR:
        raise ValidationFailed("年度不正确")
    data = reports.disclosure(job.project, year)
    report(50)
    return JobOutput(
        f"收支公示-{job.project.code}-{year}.xlsx", reports.disclosure_xlsx(data), f"{year} 年度"
    )


def run_reminder_letters(job, report) -> JobOutput:
    """Record the reminders of the units the arrears filters select (once per unit per day), notify their
    owners, and print one letter per unit into one PDF."""
    from jiayuan.billing import reminders, selectors

    params, user, project = job.params, job.requested_by, job.project
    as_of = timezone.localdate()
    try:
        min_amount = Decimal(str(params["min_amount"])) if params.get("min_amount") else None
    except InvalidOperation:
        raise ValidationFailed("最低欠费格式不正确") from None
    rows = selectors.arrears_filtered(
        selectors.arrears_for(user, project, as_of=as_of),
        building_id=params.get("building") or None,
        min_amount=min_amount,
        bucket=params.get("bucket") or None,
    )
    rows = selectors.fen_rows(rows[: reminders.MAX_UNITS])
    report(10)
    letters = reminders.reminders_send(project, rows, actor=user, as_of=as_of)
    if not letters:
        raise ValidationFailed("没有需要催缴的房屋")
    report(60)
    pdf = reminders.letters_pdf(project, letters)
    return JobOutput(f"催缴函-{project.code}-{as_of:%Y%m%d}.pdf", pdf, f"{len(letters)} 户")


def run_readings_import(job, report) -> JobOutput:
    """All or nothing, as ``readings_import``: any bad row fails the job with every problem in its result."""
    from jiayuan.billing.services.meters import readings_import

    with job.input_file.open("rb") as fh:
        result = readings_import(job.project_id, fh, actor=job.requested_by, progress=Progress(report))
    if not result.ok:
        raise JobFailed(f"发现 {result.error_count} 个问题，未导入任何数据", result=result.as_dict())
    return JobOutput(summary=f"已导入 {result.created} 条抄表记录", result=result.as_dict())


def register() -> None:
    register_job(
        DISCLOSURE_XLSX, label=_("收支公示 Excel"), perm=Perm.VIEW_LEDGER, handler=run_disclosure_xlsx
    )
    register_job(REMINDER_LETTERS, label=_("催缴函"), perm=Perm.TAKE_PAYMENTS, handler=run_reminder_letters)
    register_job(
        READINGS_IMPORT,
        label=_("抄表导入"),
        perm=can_read_meters,
        handler=run_readings_import,
        result_template="billing/readings_import_result.html",
    )
