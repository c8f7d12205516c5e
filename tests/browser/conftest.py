"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's ``live_server``.

Mark tests ``@pytest.mark.browser``; they are skipped (with a message) where /usr/bin/chromium is missing
— CI installs it. ``live_server`` makes the test transactional, so the shared ``world`` fixture works here
as is: its rows are committed and visible to the server thread.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django would then refuse the ORM calls that
# fixtures and assertions make. The test process is single-threaded per test, so this is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "jiayuan-demo"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium); skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


def _new_page(browser, viewport: dict, *, mobile: bool = False):
    # zh-CN like the users' own browsers; LocaleMiddleware would otherwise pick English from Accept-Language.
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=mobile, has_touch=mobile)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    """A fresh desktop page (1366×900) in its own context: no cookies shared between tests."""
    context, new_page = _new_page(browser, DESKTOP)
    yield new_page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A fresh phone page (390×844, touch)."""
    context, new_page = _new_page(browser, PHONE, mobile=True)
    yield new_page
    context.close()


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the page it lands on."""
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert "/login/" not in page.url, f"login as {username!r} failed"
