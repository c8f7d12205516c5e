"""The foundation's two browser journeys (issue 2 "Done means")."""

import re

import pytest
from playwright.sync_api import expect

from jiayuan.standards.models import Standard, StandardVersion
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_clerk_finds_3_2_1201_and_opens_the_owner_R2_1(world, live_server, page):
    login(page, live_server, "clerk")
    search = page.locator("header input[type=search]").first
    search.fill("3-2-1201")
    with page.expect_navigation():
        search.press("Enter")
    # An exact address goes straight to the unit page.
    assert re.search(rf"/estate/units/{world.unit.pk}/$", page.url), page.url
    expect(page.locator("h1")).to_contain_text("3-2-1201")
    expect(page.get_by_text("138****8000").first).to_be_visible()  # masked in the list of occupants
    with page.expect_navigation():
        page.get_by_role("link", name="张伟").first.click()
    assert f"/estate/parties/{world.owner_party.pk}/" in page.url
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.get_by_text("3-2-1201").first).to_be_visible()


def test_admin_overrides_a_standard_for_project_2_and_sees_its_history_R3_4(world, live_server, page):
    standard = Standard.objects.get(code="service.complaint_feedback")
    login(page, live_server, "admin")
    with page.expect_navigation():
        page.locator("[data-testid=project-switcher] select").select_option(str(world.p2.pk))
    expect(page.locator("[data-testid=project-switcher]")).to_contain_text(world.p2.name)

    page.goto(f"{live_server.url}/standards/{standard.pk}/")
    page.get_by_role("button", name="调整本项目标准").click()
    modal = page.locator("#override-modal")
    expect(modal).to_be_visible()
    modal.locator("input[name$=amount]").fill("3")
    modal.locator("textarea[name$=reason]").fill("客运站节假日客流大，投诉反馈放宽至3个工作日")
    with page.expect_navigation():
        modal.get_by_role("button", name="保存为新版本").click()

    override = StandardVersion.objects.get(standard=standard, project=world.p2, valid_to__isnull=True)
    assert override.amount == 3 and override.created_by == world.admin
    # Project 1 keeps the company default.
    assert not StandardVersion.objects.filter(standard=standard, project=world.p1).exists()
    body = page.locator("main")
    expect(body).to_contain_text("3 个工作日")
    expect(body).to_contain_text("客运站节假日客流大")
    expect(body).to_contain_text("2 个工作日")  # the company default, still shown in the history
