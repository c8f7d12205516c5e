"""The estate import in a real browser (R2.3, issue 10 "imports run as jobs"): the upload opens the job
page, which polls with htmx while the job is queued, then shows every bad row by row and column; a good
file shows its counts. No console error or policy violation on the way.

``JIAYUAN_SHOTS=/some/folder`` saves the job pages (import errors, dry run, export) for review and the docs."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from jiayuan.core.jobs import job_run
from jiayuan.core.models import Job
from jiayuan.estate.models import Unit
from tests.browser.conftest import login
from tests.estate.xlsx import row, workbook

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("JIAYUAN_SHOTS")

BAD_ROWS = [
    row("3", "", room="1701", area=89.5, name="周明"),
    row("3", "", room="1702", area="八十九", name="吴芳"),
    row("3", "", room="1701", area=95.2, name="周明"),
    row("Z9", "", room="0101", area=66, name="孙丽"),
    row("3", "", room="1703", area=88, name="", phone="13900001111"),
]


def _watch(page) -> list[str]:
    """Console errors, uncaught exceptions and failed requests (but the favicon the browser asks for)."""
    problems: list[str] = []

    def console(msg) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console: {msg.text}")

    def response(resp) -> None:
        if resp.status >= 400 and not resp.url.endswith("/favicon.ico"):
            problems.append(f"{resp.status}: {resp.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda exc: problems.append(f"exception: {exc}"))
    return problems


def _upload(page, live_server, rows, *, dry_run=False) -> None:
    page.goto(f"{live_server.url}/estate/import/")
    page.set_input_files(
        "[data-testid=import-form] input[type=file]",
        files=[
            {"name": "房屋.xlsx", "mimeType": "application/octet-stream", "buffer": workbook(rows).getvalue()}
        ],
    )
    if dry_run:
        page.check("[data-testid=import-form] input[type=checkbox]")
    with page.expect_navigation():
        page.click("[data-testid=import-form] button[type=submit]")
    assert "/jobs/" in page.url


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_job_page_polls_then_lists_each_bad_row_R2_3(world, live_server, page, phone_page, monkeypatch):
    monkeypatch.setattr("jiayuan.core.tasks.run_job.delay", lambda job_id: None)  # a worker, later
    problems = _watch(page)
    login(page, live_server, "clerk")

    _upload(page, live_server, BAD_ROWS)
    status = page.locator("[data-testid=job-status]")
    expect(status).to_have_attribute("data-state", "queued")
    expect(page.locator(".progress")).to_be_visible()

    job_run(Job.objects.get().pk)  # the worker's turn; the page finds out by itself

    expect(status).to_have_attribute("data-state", "failed", timeout=5_000)
    expect(page.get_by_text("发现 4 个问题，未导入任何数据")).to_be_visible()
    cells = page.locator("[data-testid=import-errors] tbody tr").all_inner_texts()
    assert [c.split("\t")[-2:] for c in cells] == [
        ["建筑面积(m²)", "必须是大于0的数字"],
        ["建筑面积(m²)", "房屋 3-1-1701 与第2行重复且面积不同"],
        ["楼栋号", "楼栋「Z9」不存在，请在「楼栋名称」列填写名称以新建"],
        ["业主姓名", "必填，不能为空（本行填写了手机、证件号或关系）"],
    ]
    _shot(page, "import-errors")
    login(phone_page, live_server, "clerk")
    phone_page.goto(page.url)
    expect(phone_page.get_by_text("楼栋「Z9」不存在，请在「楼栋名称」列填写名称以新建")).to_be_visible()
    _shot(phone_page, "import-errors-phone")
    assert not Unit.objects.filter(address__startswith="3-1-170").exists()
    assert not problems, problems


def test_dry_run_then_import_show_their_counts_on_the_job_page_R2_3(world, live_server, page):
    problems = _watch(page)
    login(page, live_server, "clerk")
    rows = [
        row(room="101"),
        row(room="102", name="赵六", phone=""),
        row(room="103", name="", phone="", relation=""),
    ]

    _upload(page, live_server, rows, dry_run=True)
    expect(page.get_by_text("检查通过：3 行都没有问题，尚未导入")).to_be_visible()
    _shot(page, "import-dry-run")
    _upload(page, live_server, rows)
    expect(page.get_by_text("导入完成：共 3 行")).to_be_visible()
    _shot(page, "import-done")

    assert Unit.objects.filter(project=world.p1, building__code="5").count() == 3
    page.goto(f"{live_server.url}/estate/import/")
    with page.expect_navigation():
        page.click("[data-testid=export-all]")
    expect(page.locator("[data-testid=job-download]")).to_be_visible()
    _shot(page, "export-job")
    assert not problems, problems
