"""The shell, login page and owner portal in a real browser (headless Chromium)."""

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_clerk_logs_in_in_chinese_and_sees_the_shell_with_the_project(world, live_server, page):
    page.goto(f"{live_server.url}/login/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "家园 · 物业服务管理系统"
    login(page, live_server, "clerk")
    assert page.url == f"{live_server.url}/"
    assert page.locator("[data-testid=project-switcher]").inner_text().strip() == "翠湖花园"
    nav = page.locator("[data-testid=sidenav]")
    assert nav.is_visible()
    assert nav.get_by_role("link", name="房屋").is_visible()
    assert page.locator("h1.jy-page-title").inner_text() == "工作台"


def test_login_page_switches_to_english_and_back(db, live_server, page):
    page.goto(f"{live_server.url}/login/")
    assert page.locator("label[for=id_username]").inner_text() == "用户名"
    with page.expect_navigation():
        page.click("[data-testid=language-switch] button[value=en]")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("label[for=id_username]").inner_text() == "Username"
    with page.expect_navigation():
        page.click("[data-testid=language-switch] button[value=zh-hans]")
    assert page.get_attribute("html", "lang") == "zh-hans"


def test_wrong_password_is_refused_in_chinese(world, live_server, page):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "wrong")
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert "/login/" in page.url
    assert "用户名" in page.locator(".alert-danger").inner_text()


def test_owner_lands_in_the_h5_portal_and_sees_own_unit(world, live_server, phone_page):
    login(phone_page, live_server, "owner1")
    assert phone_page.url == f"{live_server.url}/h5/"
    units = phone_page.locator("[data-testid=my-unit]")
    assert units.count() == 1
    assert "3-2-1201" in units.inner_text()
    assert world.other_unit.address not in phone_page.content()
    tabbar = phone_page.locator("[data-testid=tabbar]")
    assert tabbar.is_visible()
    box = tabbar.get_by_role("link", name="我的").bounding_box()
    assert box["height"] >= 44  # touch target (UI.md "Phones")


def test_phone_navigation_opens_as_an_offcanvas(world, live_server, phone_page):
    login(phone_page, live_server, "clerk")
    nav = phone_page.locator("[data-testid=sidenav]")
    assert not nav.is_visible()
    phone_page.click("button[aria-controls=jy-nav]")
    nav.get_by_role("link", name="房屋").wait_for(state="visible")
    assert phone_page.locator("[data-testid=project-switcher]").is_visible()
