"""The monthly repair ledger (业主报修台帐, R4.1): an Excel job with one row per repair of the month and a
summary by scope, building and person; phones masked unless the requester may see them."""

from __future__ import annotations

import io

from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from jiayuan.core.models import Job
from jiayuan.service import services


def _book(job):
    job.refresh_from_db()
    with job.file.open("rb") as fh:
        return load_workbook(io.BytesIO(fh.read()))


def test_r4_1_repair_ledger_lists_the_months_repairs(world, as_user, worked, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with freeze_time("2026-11-10 10:00:00+08:00"):
        req = worked()
        services.request_add_material(req, actor=world.tech, name="阀门", quantity="2", unit_price="12.50")
        services.request_complete(req, actor=world.tech, note="更换阀门")
    with freeze_time("2026-10-10 10:00:00+08:00"):
        services.request_create(
            actor=world.clerk, project=world.p1, type="repair", content="上月的", unit=world.unit
        )
    resp = as_user(world.clerk).post(reverse("service:ledger_export"), {"month": "2026-11"})
    job = Job.objects.get()
    assert resp.status_code == 302 and job.state == Job.State.DONE, job.message
    wb = _book(job)
    rows = list(wb["报修台帐"].values)
    assert rows[0][0] == "单号" and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["单号"] == req.number and row["材料金额(元)"] == 25.0 and "阀门×2" in row["材料"]
    assert row["联系电话"] == "13800138000"  # the clerk may see phones (the export is audited)
    summary = [r for r in wb["汇总"].values if r and r[0]]
    assert ("合计", 1) in [tuple(r[:2]) for r in summary]


def test_ledger_refused_to_technician_and_owner(world, as_user):
    for user in (world.tech, world.owner):
        assert as_user(user).post(reverse("service:ledger_export"), {"month": "2026-11"}).status_code in {
            302,
            403,
        }
    assert not Job.objects.exists()


def test_repair_ledger_writes_formula_like_text_as_text(world, as_user, worked, settings, tmp_path):
    """An owner's ``=HYPERLINK(...)`` is a string cell in the staff ledger, not a live formula."""
    settings.MEDIA_ROOT = tmp_path
    evil = '=HYPERLINK("http://evil","x")'
    with freeze_time("2026-11-10 10:00:00+08:00"):
        req = worked(content=evil, contact_name="@SUM(1+1)")
        services.request_complete(req, actor=world.tech, note="+1+2")
    as_user(world.clerk).post(reverse("service:ledger_export"), {"month": "2026-11"})
    ws = _book(Job.objects.get())["报修台帐"]
    header = [c.value for c in ws[1]]
    cells = {h: c for h, c in zip(header, ws[2], strict=True)}
    for column, text in (("报修内容", evil), ("报修人", "@SUM(1+1)"), ("处理结果", "+1+2")):
        assert (cells[column].value, cells[column].data_type) == (text, "s")
        assert cells[column].quotePrefix  # Excel keeps it text when the clerk edits the cell
