"""The service journey of issue 3 "Done means": owner reports a leaking pipe with a photo in the portal →
clerk dispatches → technician accepts, arrives, completes on the phone → owner confirms and rates → clerk
records the return visit → the month's repair timeliness and return-visit rate show it, with drill-down."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from jiayuan.service.models import ServiceRequest, State
from tests.browser.conftest import DESKTOP, PHONE, login

pytestmark = pytest.mark.browser


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "steelblue").save(buf, "PNG")
    return buf.getvalue()


def _context(browser, viewport, mobile=False):
    ctx = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=mobile, has_touch=mobile)
    ctx.set_default_timeout(15_000)
    return ctx, ctx.new_page()


def test_owner_to_indicator_journey_R3_R4_1_R3_6_R10_1(world, live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from jiayuan.org.models import Department

    eng = Department.objects.get(project=world.p1, kind="engineering")

    # 1. The owner reports a leaking pipe with a photo (phone).
    ctx, owner = _context(browser, PHONE, mobile=True)
    login(owner, live_server, "owner1")
    owner.goto(f"{live_server.url}/h5/repair/")
    owner.click("[data-testid=report-repair]")
    owner.select_option("select[name=unit]", str(world.unit.pk))
    owner.fill("textarea[name=content]", "厨房水槽下水管漏水")
    owner.set_input_files(
        "input[name=photo]", {"name": "leak.png", "mimeType": "image/png", "buffer": _png()}
    )
    with owner.expect_navigation():
        owner.click("[data-testid=submit-request]")
    req = ServiceRequest.objects.get()
    expect(owner.locator("main")).to_contain_text(req.number)
    assert req.photos.count() == 1

    # 2. The clerk dispatches it from the request page (modal form).
    dctx, desk = _context(browser, DESKTOP)
    login(desk, live_server, "clerk")
    desk.goto(f"{live_server.url}/service/")
    expect(desk.locator("main")).to_contain_text(req.number)
    desk.goto(f"{live_server.url}/service/requests/{req.pk}/")
    desk.click("[data-testid=action-dispatch]")
    modal = desk.locator("#jy-modal")
    modal.locator("select[name=department]").select_option(str(eng.pk))
    modal.locator("select[name=assignee]").select_option(str(world.tech.pk))
    with desk.expect_navigation():
        modal.get_by_role("button", name="派单").click()
    expect(desk.locator("h1")).to_contain_text("已派单")

    # 3. The technician accepts, arrives, completes on the phone.
    tctx, tech = _context(browser, PHONE, mobile=True)
    login(tech, live_server, "tech")
    tech.goto(f"{live_server.url}/service/jobs/")
    for step, button in (("接单", "接单"), ("到场", "我已到场")):
        with tech.expect_navigation():
            tech.locator("[data-testid=job]").get_by_role("link", name=step, exact=True).click()
        with tech.expect_navigation():
            tech.get_by_role("button", name=button).click()
    with tech.expect_navigation():
        tech.locator("[data-testid=job]").get_by_role("link", name="登记完成").click()
    tech.fill("textarea[name=note]", "更换下水管接头，试水无渗漏")
    with tech.expect_navigation():
        tech.get_by_role("button", name="完成").click()
    req.refresh_from_db()
    assert req.state == State.COMPLETED and req.arrived_at

    # 4. The owner confirms and rates.
    owner.goto(f"{live_server.url}/h5/repair/{req.pk}/")
    with owner.expect_navigation():
        owner.click("[data-testid=confirm]")
    with owner.expect_navigation():
        owner.click("[data-testid=rate]")
    owner.locator("input[name=rating][value='5']").check()
    with owner.expect_navigation():
        owner.get_by_role("button", name="提交评价").click()
    req.refresh_from_db()
    assert req.state == State.CLOSED and req.rating == 5

    # 5. The clerk records the return visit.
    desk.goto(f"{live_server.url}/service/requests/{req.pk}/visit/")
    desk.select_option("select[name=outcome]", "satisfied")
    desk.select_option("select[name=satisfaction]", "5")
    with desk.expect_navigation():
        desk.get_by_role("button", name="保存回访").click()
    req.refresh_from_db()
    assert req.visited_at is not None

    # 6. The manager sees the month's timeliness and return-visit rate, and the drill-down lists it.
    mctx, board = _context(browser, DESKTOP)
    login(board, live_server, "manager")
    month = timezone.localtime(req.received_at).strftime("%Y-%m")  # the request's month, even past midnight
    for code in ("indicator.02_repair_timeliness", "indicator.24_repair_return_visit"):
        board.goto(
            f"{live_server.url}/quality/indicators/detail/?code={code}&project={world.p1.pk}&month={month}"
        )
        expect(board.locator("main")).to_contain_text("100")
        expect(board.locator("main")).to_contain_text(req.number)
    for c in (ctx, dctx, tctx, mctx):
        c.close()
