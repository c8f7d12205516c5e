"""The indicator board in a real browser (R10.1): a manager opens it from the navigation, drills into
indicator 23 with its trend chart, and types in indicator 1 with evidence. Desktop and phone."""

from __future__ import annotations

import os
from datetime import date

import pytest
from playwright.sync_api import expect

from jiayuan.org.models import Certificate, Department
from jiayuan.quality.models import IndicatorEntry
from tests.browser.conftest import login
from tests.factories import StaffFactory

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("JIAYUAN_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def electrician(world):
    eng = Department.objects.get(project=world.p1, kind=Department.Kind.ENGINEERING)
    person = StaffFactory(project=world.p1, department=eng, name="赵电工", post="电工")
    Certificate.objects.create(
        project=world.p1, staff=person, kind="electrician", number="E-2030", expires_on=date(2030, 1, 1)
    )
    return person


def test_r10_1_manager_reads_the_board_drills_down_and_enters_a_figure(world, electrician, live_server, page):
    login(page, live_server, "manager")
    with page.expect_navigation():
        page.locator("#jy-nav").get_by_role("link", name="指标看板").click()
    board = page.locator("[data-testid=indicator-board]")
    expect(board.locator("tbody tr")).to_have_count(25)
    row23 = board.locator("tr[data-code='indicator.23_special_ops_certified']")
    expect(row23).to_contain_text("100.0%")
    expect(row23).to_contain_text("达标")
    _shot(page, "board-desktop")

    with page.expect_navigation():
        row23.get_by_role("link", name="特种作业员工持证上岗率").click()
    expect(page.locator("#q-trend svg")).to_have_count(1)  # ECharts drew the trend from local static files
    expect(page.locator("[data-testid=numerator-rows]")).to_contain_text("赵电工")
    expect(page.locator("[data-testid=denominator-rows]")).to_contain_text("E-2030")
    _shot(page, "indicator-desktop")

    page.goto(f"{live_server.url}/quality/indicators/")
    row1 = board.locator("tr[data-code='indicator.01_house_intact']")
    expect(row1).to_contain_text("待录入/未计量")
    with page.expect_navigation():
        row1.get_by_role("link", name="录入").click()
    page.fill("input[name=numerator]", "99")
    page.fill("input[name=denominator]", "100")
    page.fill("textarea[name=evidence]", "11月房屋巡检表 FW-11，1 处外墙渗水待修")
    _shot(page, "entry-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(row1).to_contain_text("99.0%")
    expect(row1).to_contain_text("录入")
    expect(row1).to_contain_text("未达标")
    assert IndicatorEntry.objects.filter(project=world.p1, code="indicator.01_house_intact").count() == 1


def test_board_on_a_phone(world, electrician, live_server, phone_page):
    login(phone_page, live_server, "inspector")
    phone_page.goto(f"{live_server.url}/quality/indicators/?project={world.p1.pk}")
    expect(phone_page.locator("[data-testid=indicator-board] tbody tr")).to_have_count(25)
    _shot(phone_page, "board-phone")
    phone_page.goto(
        f"{live_server.url}/quality/indicators/detail/?project={world.p1.pk}&code=indicator.23_special_ops_certified"
    )
    expect(phone_page.locator("#q-trend svg")).to_have_count(1)
    _shot(phone_page, "indicator-phone")
