"""The pages under the Content-Security-Policy in a real browser (issue 10 "Headers"): staff pages, the
owners' H5 pages, record pages, the Django admin and the API docs, each opened as the person who uses it,
with DEBUG off (pytest-django's live server). No page may report a policy violation or a console error,
and the interactive parts must still work: the htmx modal, the intake form's fields, a drawn signature,
the trend chart, a select that submits its form, a confirmation that can be refused.

``JIAYUAN_SHOTS=/some/folder`` also saves a screenshot of each page (desktop and phone) for review."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from jiayuan.billing import services as billing
from jiayuan.billing.models import BillingRun
from jiayuan.core.roles import Role
from jiayuan.org.models import Department
from jiayuan.service import services
from jiayuan.standards.models import Standard
from tests.browser.conftest import DESKTOP, PHONE, login
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("JIAYUAN_SHOTS")

# Runs in every document before its own scripts: collects what the policy blocked.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "?") + " in " +
    (e.sourceFile || document.location.pathname) + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


class Watched:
    """A browser page that records console errors, uncaught exceptions and CSP violations."""

    def __init__(self, browser, viewport, *, mobile=False):
        self.context = browser.new_context(
            viewport=viewport, locale="zh-CN", is_mobile=mobile, has_touch=mobile
        )
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda msg: (
                msg.type == "error" and self.problems.append(f"console: {msg.text} ({self.page.url})")
            ),
        )
        self.page.on("pageerror", lambda exc: self.problems.append(f"exception: {exc} ({self.page.url})"))
        self.mobile = mobile

    def collect(self) -> None:
        """Add the violations the current document saw (each document starts a new list)."""
        seen = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"csp: {v} ({self.page.url})" for v in seen]
        self.page.evaluate("window.__cspViolations = []")

    def open(self, url: str, shot: str = "") -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe" not in policy, f"{url}: {policy!r}"
        self.page.wait_for_load_state("load")
        self.collect()
        if SHOTS and shot:
            self.page.screenshot(
                path=f"{SHOTS}/csp-{shot}-{'phone' if self.mobile else 'desktop'}.png", full_page=True
            )

    def assert_clean(self) -> None:
        self.collect()
        assert not self.problems, "\n".join(self.problems)
        self.context.close()


@pytest.fixture
def scene(world):
    """A request waiting for the customer's signature, one new request, a month of bills, a finance clerk."""
    eng = Department.objects.get(project=world.p1, kind="engineering")
    done = services.request_create(
        actor=world.clerk, project=world.p1, type="repair", content="水龙头滴水", unit=world.unit
    )
    services.request_dispatch(done, actor=world.clerk, department=eng, assignee=world.tech)
    services.request_accept(done, actor=world.tech)
    services.request_arrive(done, actor=world.tech)
    services.request_complete(done, actor=world.tech, note="更换阀芯")
    new = services.request_create(
        actor=world.owner,
        project=world.p1,
        type="repair",
        content="厨房下水管漏水",
        unit=world.unit,
        channel="portal",
    )
    finance = UserFactory(username="finance")
    MembershipFactory(user=finance, project=world.p1, company=world.company, role=Role.FINANCE)
    item = billing.fee_item_create(
        world.p1.pk, actor=finance, code="WYF", name="物业管理费", kind="area", is_management_fee=True
    )
    billing.price_version_add(item, actor=finance, valid_from=date(2026, 1, 1), unit_price="2.50")
    billing.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=finance)
    return {"done": done, "new": new, "finance": finance}


def test_production_settings_in_the_browser():
    assert settings.DEBUG is False  # the pages below run as in production (no debug toolbar or script)


def test_staff_desk_pages_keep_the_policy_and_still_work(world, scene, live_server, browser):
    w = Watched(browser, DESKTOP)
    login(w.page, live_server, "clerk")
    base = live_server.url
    w.collect()
    w.open(f"{base}/", "home")
    w.open(f"{base}/service/", "desk-queue")

    # A record page: the dispatch form opens in the htmx modal.
    w.open(f"{base}/service/requests/{scene['new'].pk}/", "request")
    w.page.click("[data-testid=action-dispatch]")
    modal = w.page.locator("#jy-modal")
    expect(modal.locator("select[name=department]")).to_be_visible()
    if SHOTS:
        w.page.screenshot(path=f"{SHOTS}/csp-request-modal-desktop.png")
    w.collect()

    # The intake form shows the fields its type needs (was an inline script).
    w.open(f"{base}/service/new/", "intake")
    fee = w.page.locator("[data-field=fee_item]")
    expect(fee).to_be_hidden()
    w.page.select_option("select[name=type]", "special")
    expect(fee).to_be_visible()

    # The unit page's edit form in the modal; the project switcher submits on change.
    w.open(f"{base}/estate/units/{world.unit.pk}/", "unit")
    w.page.get_by_role("link", name="编辑房屋").click()
    expect(w.page.locator("#jy-modal form")).to_be_visible()
    w.page.keyboard.press("Escape")

    for path in (
        "/estate/units/",
        "/estate/import/",
        "/profile/",
        "/messages/",
        "/service/gate/",
        "/standards/",
    ):
        w.open(f"{base}{path}", path.strip("/").replace("/", "-"))
    standard = Standard.objects.order_by("pk").first()
    w.open(f"{base}/standards/{standard.pk}/", "standard")
    w.assert_clean()


def test_the_error_page_back_button_works(world, scene, live_server, browser):
    w = Watched(browser, DESKTOP)
    login(w.page, live_server, "clerk")
    w.open(f"{live_server.url}/service/visits/")
    w.page.goto(f"{live_server.url}/no-such-page/")
    w.collect()
    # Chromium reports the page's own 404 in the console; that one is the point of this page.
    w.problems = [p for p in w.problems if "status of 404" not in p]
    with w.page.expect_navigation():
        w.page.get_by_role("button", name="返回上一页").click()  # data-history-back
    assert w.page.url.endswith("/service/visits/")
    w.assert_clean()


def test_cashier_desk_and_bills_keep_the_policy_and_a_refused_confirmation_stops(
    world, scene, live_server, browser
):
    w = Watched(browser, DESKTOP)
    login(w.page, live_server, "finance")
    base = live_server.url
    for path in (
        "/billing/desk/",
        "/billing/bills/",
        "/billing/arrears/",
        "/billing/ledger/",
        "/billing/payments/",
    ):
        w.open(f"{base}{path}", path.strip("/").replace("/", "-"))
    w.page.goto(f"{base}/billing/bills/")
    with w.page.expect_navigation():
        w.page.locator("main table a[href*='/billing/bills/']").first.click()
    w.collect()

    # Billing runs ask before they start; a refused confirmation starts nothing (was onclick="return confirm").
    w.open(f"{base}/billing/runs/", "runs")
    runs = BillingRun.objects.count()
    asked = []
    w.page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    w.page.get_by_role("button", name="开始计费").click()
    w.page.wait_for_timeout(300)
    assert asked and "确定开始" in asked[0]
    assert BillingRun.objects.count() == runs
    w.assert_clean()


def test_indicator_board_chart_and_month_select_keep_the_policy(world, live_server, browser):
    w = Watched(browser, DESKTOP)
    login(w.page, live_server, "manager")
    w.open(f"{live_server.url}/quality/indicators/", "board")
    month = w.page.locator("select[name=month]")
    options = month.locator("option")
    if options.count() > 1:
        with w.page.expect_navigation():  # data-autosubmit (was onchange="this.form.submit()")
            month.select_option(index=1)
        w.collect()
    row = w.page.locator("tr[data-code='indicator.23_special_ops_certified']")
    with w.page.expect_navigation():
        row.get_by_role("link").first.click()
    expect(w.page.locator("#q-trend svg")).to_have_count(1)
    w.collect()
    if SHOTS:
        w.page.screenshot(path=f"{SHOTS}/csp-indicator-desktop.png", full_page=True)
    w.assert_clean()


def test_technician_signature_pad_draws_on_the_phone(world, scene, live_server, browser):
    w = Watched(browser, PHONE, mobile=True)
    login(w.page, live_server, "tech")
    w.open(f"{live_server.url}/service/jobs/", "jobs")
    w.open(f"{live_server.url}/service/requests/{scene['done'].pk}/confirm/", "signature")
    canvas = w.page.locator("[data-testid=signature-canvas]")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    w.page.mouse.move(box["x"] + 20, box["y"] + 30)
    w.page.mouse.down()
    for i in range(1, 10):
        w.page.mouse.move(box["x"] + 20 + i * 18, box["y"] + 30 + (i % 3) * 15)
    w.page.mouse.up()
    expect(w.page.locator("[data-signature-state]")).to_have_text("已签名")
    assert w.page.locator("input[name=signature]").input_value().startswith("data:image/png;base64,")
    w.assert_clean()


def test_owner_h5_pages_keep_the_policy(world, scene, live_server, browser):
    w = Watched(browser, PHONE, mobile=True)
    login(w.page, live_server, "owner1")
    base = live_server.url
    for path in ("/h5/", "/h5/pay/", "/h5/repair/", "/h5/repair/new/", "/h5/me/", "/h5/messages/"):
        w.open(f"{base}{path}", path.strip("/").replace("/", "-") or "h5")
    w.page.goto(f"{base}/h5/pay/")
    with w.page.expect_navigation():
        w.page.click("[data-testid=bill] >> nth=0")
    w.collect()
    if SHOTS:
        w.page.screenshot(path=f"{SHOTS}/csp-h5-bill-phone.png", full_page=True)
    w.open(f"{base}/h5/repair/{scene['new'].pk}/", "h5-request")
    w.assert_clean()


def test_django_admin_and_api_docs_keep_the_policy(world, live_server, browser):
    w = Watched(browser, DESKTOP)
    login(w.page, live_server, "admin")
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    base = live_server.url
    for path in (
        "/django-admin/",
        "/django-admin/org/project/",
        f"/django-admin/org/project/{world.p1.pk}/change/",
    ):
        w.open(f"{base}{path}")
    w.open(f"{base}/api/v1/docs", "api-docs")
    expect(w.page.locator(".swagger-ui .info")).to_be_visible()  # Swagger UI ran from our static files
    w.page.locator(".opblock").first.click()
    w.assert_clean()
