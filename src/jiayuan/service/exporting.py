"""The monthly repair ledger (业主报修台帐, R4.1) as an Excel workbook, run as a background job
(core.jobs): one row per repair received in the month, and a summary by type, building and person.

Scoped like every read (the requester's ``readable`` requests of the project); phones are masked unless
the requester may see them in full, and every export holding personal data is audited."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from jiayuan.core.errors import ValidationFailed
from jiayuan.core.excel import append_row
from jiayuan.core.indicators import Period
from jiayuan.core.jobs import JobOutput, register_job
from jiayuan.core.masking import mask_phone
from jiayuan.core.models import PersonalDataAccess
from jiayuan.core.roles import Perm
from jiayuan.core.worktime import SHANGHAI
from jiayuan.estate.permissions import can_view_personal
from jiayuan.service.models import RequestType
from jiayuan.service.selectors import readable

LEDGER = "service.repair_ledger"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
COLUMNS = (
    "单号",
    "受理时间",
    "渠道",
    "报修范围",
    "紧急程度",
    "房屋/地点",
    "报修人",
    "联系电话",
    "报修内容",
    "首问责任人",
    "部门",
    "维修人",
    "派单时间",
    "到场时间",
    "完成时间",
    "客户确认时间",
    "处理结果",
    "材料",
    "材料金额(元)",
    "状态",
    "超时",
    "返修",
    "回访时间",
    "业主评价",
)


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def ledger_rows(user, project, period: Period):
    start = datetime.combine(period.start, time(0), tzinfo=SHANGHAI)
    end = datetime.combine(period.end, time(0), tzinfo=SHANGHAI)
    return (
        readable(user)
        .filter(project_id=project.pk, type=RequestType.REPAIR, received_at__gte=start, received_at__lt=end)
        .select_related("unit", "unit__building", "department", "assignee", "first_receiver")
        .prefetch_related("materials")
        .order_by("received_at", "id")
    )


def write_ledger(user, project, period: Period, out) -> int:
    reveal = can_view_personal(user, project.pk)
    wb = Workbook()
    ws = wb.active
    ws.title = "报修台帐"
    append_row(ws, COLUMNS)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    by_scope, by_building, by_person = Counter(), Counter(), Counter()
    count = 0
    for req in ledger_rows(user, project, period).iterator(chunk_size=500):
        materials = list(req.materials.all())
        amount = sum((m.quantity * m.unit_price for m in materials if m.unit_price is not None), start=0)
        append_row(
            ws,
            [
                req.number,
                _local(req.received_at),
                req.get_channel_display(),
                req.get_repair_scope_display(),
                req.get_urgency_display(),
                req.unit.address if req.unit_id else req.location,
                req.contact_name,
                req.contact_phone if reveal else mask_phone(req.contact_phone),
                req.content,
                _name(req.first_receiver),
                req.department.name if req.department_id else "",
                _name(req.assignee),
                _local(req.dispatched_at),
                _local(req.arrived_at),
                _local(req.completed_at),
                _local(req.confirmed_at),
                req.completion_note,
                "、".join(f"{m.name}×{m.quantity.normalize()}{m.measure}" for m in materials),
                float(amount) if materials else None,
                req.get_state_display(),
                "是" if req.breached else "",
                "是" if req.is_rework else "",
                _local(req.visited_at),
                req.rating,
            ],
        )
        count += 1
        by_scope[req.get_repair_scope_display()] += 1
        by_building[req.unit.building.name if req.unit_id else "公共区域"] += 1
        by_person[_name(req.assignee) or "（未指派）"] += 1
    summary = wb.create_sheet("汇总")
    append_row(summary, [f"{project.name} {period.label} 报修汇总", "", ""])
    summary["A1"].font = Font(bold=True)
    for title, counter in (("按报修范围", by_scope), ("按楼栋", by_building), ("按维修人", by_person)):
        append_row(summary, [])
        append_row(summary, [title, "单数"])
        summary.cell(summary.max_row, 1).font = Font(bold=True)
        for key, n in counter.most_common():
            append_row(summary, [key, n])
    append_row(summary, [])
    append_row(summary, ["合计", count])
    wb.save(out)
    if reveal and count:
        PersonalDataAccess.objects.create(
            actor=user, project=project, subject=f"报修台帐 {period.label}", field="phone", purpose="export"
        )
    return count


def run_ledger(job, report) -> JobOutput:
    try:
        period = Period.parse(job.params.get("month", ""))
    except ValueError:
        raise ValidationFailed("月份格式不正确，应为 2026-11") from None
    buf = io.BytesIO()
    count = write_ledger(job.requested_by, job.project, period, buf)
    return JobOutput(f"报修台帐-{job.project.code}-{period.label}.xlsx", buf.getvalue(), f"{count} 单")


def register() -> None:
    register_job(LEDGER, label=_("业主报修台帐"), perm=Perm.VIEW_REQUESTS, handler=run_ledger)
