"""The desk's intake form in a real browser: typing a unit address or a phone shows the unit and its
occupants (htmx), one click shows the caller's recent requests (R3.10 repeat hint), submitting creates the
request; the fields follow the chosen type (special-service item, public-area fault category); and the
technician's customer signature is drawn on a canvas with the mouse (R4.1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jiayuan.service import services
from jiayuan.service.models import ServiceRequest, State
from jiayuan.service.services.requests import SIGNATURE_PREFIX
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_intake_lookup_by_address_and_phone_R3_10(world, live_server, page):
    earlier = services.request_create(
        actor=world.clerk, project=world.p1, type="repair", content="厨房水管漏水", unit=world.unit
    )
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/service/new/")

    # An address: the unit and its occupants appear; a click shows the unit's recent requests.
    page.fill("input[name=who]", "3-2-1201")
    results = page.locator("[data-testid=lookup-results]")
    expect(results).to_contain_text("3-2-1201")
    expect(results).to_contain_text("张伟")
    results.locator("[data-testid=pick-unit]").first.click()
    picked = page.locator("[data-testid=picked]")
    expect(picked).to_contain_text("3-2-1201")
    expect(page.locator("[data-testid=recent-requests]")).to_contain_text(earlier.number)

    # A phone number finds the same owner; picking them keeps unit and caller.
    page.fill("input[name=who]", "13800138000")
    expect(results).to_contain_text("张伟")
    results.locator("[data-testid=pick-caller]").first.click()
    expect(picked).to_contain_text("张伟")
    expect(picked).to_contain_text("138****8000")

    page.fill("textarea[name=content]", "厨房水管还在漏水")
    with page.expect_navigation():
        page.click("[data-testid=submit-request]")
    new = ServiceRequest.objects.exclude(pk=earlier.pk).get()
    assert new.unit == world.unit and new.caller == world.owner_party and new.repeat_of == earlier
    expect(page.locator("[data-testid=repeat-alert]")).to_contain_text(earlier.number)


def test_intake_fields_follow_the_type(world, live_server, page):
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/service/new/")
    fee = page.locator("[data-field=fee_item]")
    fault = page.locator("[data-field=fault_category]")
    expect(fee).to_be_hidden()
    expect(fault).to_be_hidden()
    page.select_option("select[name=repair_scope]", "public")
    expect(fault).to_be_visible()
    page.select_option("select[name=fault_category]", "doors_windows")
    page.select_option("select[name=type]", "special")
    expect(fee).to_be_visible()
    expect(fault).to_be_hidden()
    expect(page.locator("[data-field=repair_scope]")).to_be_hidden()
    page.select_option("select[name=type]", "repair")
    page.select_option("select[name=repair_scope]", "public")
    expect(fault).to_be_visible()
    # Hiding cleared the category, so a type switch never submits a stale one.
    expect(page.locator("select[name=fault_category]")).to_have_value("")


def test_technician_draws_the_customer_signature_R4_1(world, live_server, page):
    from jiayuan.org.models import Department

    eng = Department.objects.get(project=world.p1, kind="engineering")
    req = services.request_create(
        actor=world.clerk, project=world.p1, type="repair", content="水龙头滴水", unit=world.unit
    )
    services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
    services.request_accept(req, actor=world.tech)
    services.request_arrive(req, actor=world.tech)
    services.request_complete(req, actor=world.tech, note="更换阀芯")

    login(page, live_server, "tech")
    page.goto(f"{live_server.url}/service/requests/{req.pk}/confirm/")
    canvas = page.locator("[data-testid=signature-canvas]")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 20 + i * 18, box["y"] + 30 + (i % 3) * 15)
    page.mouse.up()
    expect(page.locator("[data-signature-state]")).to_have_text("已签名")
    with page.expect_navigation():
        page.get_by_role("button", name="确认完成").click()
    req.refresh_from_db()
    assert req.state == State.CLOSED and req.signature.startswith(SIGNATURE_PREFIX)
    expect(page.locator("[data-testid=signature-image]")).to_be_visible()
