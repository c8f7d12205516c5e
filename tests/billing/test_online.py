"""Online payments through the sandbox provider: create order → pay on the provider's page → signed
notification → verified, booked once, answered; forged and repeated notifications handled."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from jiayuan.billing import providers, services
from jiayuan.billing.models import Bill, OnlineOrder, Payment
from jiayuan.core.errors import Forbidden, ValidationFailed

SANDBOX = providers.PROVIDERS["sandbox"]


@pytest.fixture
def order(world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    return services.online_order_create(world.unit, actor=world.owner, amount="233.75")


def notify(client, body: bytes, signature: str):
    return client.post(
        reverse("billing:online_notify", args=["sandbox"]),
        body,
        content_type="application/json",
        HTTP_JIAYUAN_SIGNATURE=signature,
    )


def test_r7_2_signed_notification_books_once_and_repeats_are_answered(world, order, client):
    body = SANDBOX.notification_body(order, "TX1")
    first = notify(client, body, SANDBOX.sign(body))
    again = notify(client, body, SANDBOX.sign(body))
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content)["code"] == "SUCCESS"
    assert Payment.objects.count() == 1
    payment = Payment.objects.get()
    assert payment.channel == "online" and payment.reference == "TX1" and payment.taken_by is None
    order.refresh_from_db()
    assert order.status == OnlineOrder.Status.PAID and order.payment == payment
    assert Bill.objects.get(unit=world.unit).status == Bill.Status.PAID


def test_forged_notification_books_nothing(world, order, client):
    body = SANDBOX.notification_body(order, "TX1")
    assert notify(client, body, "0" * 64).status_code == 400
    assert notify(client, body, "").status_code == 400
    tampered = body.replace(b"233.75", b"1.00")
    assert notify(client, tampered, SANDBOX.sign(body)).status_code == 400
    assert not Payment.objects.exists()


def test_notification_with_the_wrong_amount_or_order_books_nothing(world, order, client):
    order.amount = Decimal("1.00")
    body = SANDBOX.notification_body(order, "TX1")  # signed correctly, but not what the order says
    assert notify(client, body, SANDBOX.sign(body)).status_code == 400
    assert notify(client, b"not json", SANDBOX.sign(b"not json")).status_code == 400
    assert notify(client, b"{}", SANDBOX.sign(b"{}")).status_code == 400
    assert not Payment.objects.exists()


def test_only_an_occupant_creates_an_order_for_a_unit(world, fees):
    with pytest.raises(Forbidden):
        services.online_order_create(world.unit, actor=world.neighbour, amount="10")
    with pytest.raises(Forbidden):
        services.online_order_create(world.unit, actor=world.clerk, amount="10")


def test_r7_2_owner_pays_online_from_the_portal(world, fees, as_user):
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    owner = as_user(world.owner)
    resp = owner.post(reverse("portal:pay_online", args=[world.unit.pk]))
    order = OnlineOrder.objects.get()
    assert order.amount == Decimal("233.75")
    assert resp.url.startswith(reverse("billing:sandbox_pay", args=[order.out_trade_no]))
    # the neighbour cannot open or pay the owner's order
    assert as_user(world.neighbour).post(resp.url).status_code == 404
    assert (
        as_user(world.neighbour).post(reverse("portal:pay_online", args=[world.unit.pk])).status_code == 404
    )
    paid = owner.post(resp.url)
    assert paid.status_code == 302 and paid.url == reverse("portal:pay")
    assert Payment.objects.get().amount == Decimal("233.75")
    assert "¥0.00" in owner.get(reverse("portal:pay")).content.decode()


FORMAT, RANGE, PLACES, POSITIVE = "金额格式不正确", "金额超出范围", "金额最多两位小数", "金额必须大于零"
BAD_AMOUNTS = [
    ("sNaN", FORMAT),
    ("NaN", FORMAT),
    ("-NaN", FORMAT),
    ("Infinity", FORMAT),
    ("１２", FORMAT),  # full-width digits
    ("٣", FORMAT),  # Arabic-Indic digit
    ("1_000", FORMAT),
    ("", FORMAT),
    (None, FORMAT),
    (True, FORMAT),
    ("1e9999", RANGE),
    ("0.001", PLACES),
    ("-1", POSITIVE),
    ("0", POSITIVE),
]


@pytest.mark.parametrize(("amount", "message"), BAD_AMOUNTS)
def test_signed_notification_with_a_bad_amount_is_refused_with_a_message(
    world, order, client, amount, message
):
    """A correctly signed notification whose amount a cashier's form would refuse books nothing."""
    payload = json.loads(SANDBOX.notification_body(order, "TX1"))
    payload["amount"] = amount
    body = json.dumps(payload).encode()
    resp = notify(client, body, SANDBOX.sign(body))
    assert (resp.status_code, json.loads(resp.content)) == (400, {"code": "FAIL", "message": message})
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == OnlineOrder.Status.CREATED


def test_signed_notification_with_the_amount_as_a_json_number_books(world, order, client):
    payload = json.loads(SANDBOX.notification_body(order, "TX1"))
    payload["amount"] = 233.75
    body = json.dumps(payload).encode()
    assert notify(client, body, SANDBOX.sign(body)).status_code == 200
    assert Payment.objects.get().amount == Decimal("233.75")


@pytest.mark.parametrize("amount", ["sNaN", "Infinity", "１２", "1_000", "0.001", "-1", "1e9999"])
def test_amounts_are_checked_like_a_cashiers_in_one_function(amount):
    with pytest.raises(ValidationFailed):
        services.parse_amount(amount)
