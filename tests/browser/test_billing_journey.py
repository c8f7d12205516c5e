"""Browser journey (R7.2): the owner opens a bill, pays in the sandbox and sees the receipt; the cashier
takes a payment at the desk; the finance clerk sees the payments, the ledger balances and the collection
rate moves."""

from __future__ import annotations

import os
from datetime import date

import pytest

from jiayuan.billing import services
from jiayuan.billing.indicators import measure_collection
from jiayuan.core.indicators import Period
from jiayuan.core.roles import Role
from tests.browser.conftest import login
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("JIAYUAN_SHOTS")  # a folder: save screenshots there for review


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_owner_pays_in_sandbox_and_finance_sees_it_R7_2(world, live_server, page, phone_page):
    finance = UserFactory(username="finance")
    MembershipFactory(user=finance, project=world.p1, company=world.company, role=Role.FINANCE)
    item = services.fee_item_create(
        world.p1.pk, actor=finance, code="WYF", name="物业管理费", kind="area", is_management_fee=True
    )
    services.price_version_add(item, actor=finance, valid_from=date(2026, 1, 1), unit_price="2.50")
    services.billing_run_start(world.p1.pk, date(2026, 10, 1), actor=finance)
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=finance)
    nov = Period.month(2026, 11)
    assert measure_collection(world.p1.pk, nov).ratio == 0

    login(phone_page, live_server, "owner1")
    phone_page.goto(f"{live_server.url}/h5/pay/")
    assert "¥447.50" in phone_page.content()
    _shot(phone_page, "portal-pay")
    with phone_page.expect_navigation():  # read the page only once the bill has opened
        phone_page.click("[data-testid=bill] >> nth=0")
    assert "物业管理费 2026-11" in phone_page.content()
    _shot(phone_page, "portal-bill")
    phone_page.goto(f"{live_server.url}/h5/pay/")
    with phone_page.expect_navigation():
        phone_page.click("[data-testid=pay-online]")
    assert "模拟支付" in phone_page.content()
    _shot(phone_page, "portal-sandbox")
    with phone_page.expect_navigation():
        phone_page.click("[data-testid=sandbox-pay]")
    assert "/h5/pay/" in phone_page.url
    phone_page.goto(f"{live_server.url}/h5/pay/receipts/")
    with phone_page.expect_navigation():
        phone_page.click("[data-testid=receipt] >> nth=0")
    assert "¥447.50" in phone_page.content()
    _shot(phone_page, "portal-receipt")

    login(page, live_server, "finance")
    page.goto(f"{live_server.url}/billing/payments/")
    assert "在线支付" in page.content() and "3-2-1201" in page.content()
    _shot(page, "billing-payments")
    page.goto(f"{live_server.url}/billing/desk/?unit=3-1-0502")
    assert "¥447.50" in page.content()
    _shot(page, "billing-desk")
    page.fill("input[name=amount]", "500.00")
    with page.expect_navigation():
        page.click("text=确认收款并开收据")
    assert "/billing/receipts/" in page.url and "预存款" in page.content()
    _shot(page, "billing-receipt")
    for path, name in [
        ("/billing/bills/", "billing-bills"),
        ("/billing/arrears/", "billing-arrears"),
        ("/billing/runs/", "billing-runs"),
        ("/billing/fee-items/", "billing-fee-items"),
    ]:
        page.goto(f"{live_server.url}{path}")
        _shot(page, name)
    page.goto(f"{live_server.url}/billing/ledger/")
    assert "借贷平衡" in page.content()
    _shot(page, "billing-ledger")
    assert measure_collection(world.p1.pk, nov).ratio == 100
