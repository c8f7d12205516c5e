"""Owner portal 缴费 tab: my bills with breakdown, receipts, prepaid balance; never the neighbour's."""

from datetime import date

import pytest
from django.urls import reverse

from jiayuan.billing import services
from jiayuan.billing.models import Bill


@pytest.fixture
def paid(world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    payment, _ = services.payment_take(
        services.Holder.of(world.unit), actor=world.clerk, channel="cash", amount="300", idempotency_key="p"
    )
    return payment


def test_r7_1_owner_sees_bills_breakdown_receipts_and_prepaid(world, paid, as_user):
    owner = as_user(world.owner)
    body = owner.get(reverse("portal:pay")).content.decode()
    assert "3-2-1201" in body and "预存款余额" in body and "¥66.25" in body  # 300 − 233.75
    assert "3-1-0502" not in body
    bill = Bill.objects.get(unit=world.unit)
    body = owner.get(reverse("portal:bill", args=[bill.pk])).content.decode()
    assert "物业管理费 2026-11" in body and "89.50 × 2.5" in body
    assert paid.receipt.number in owner.get(reverse("portal:receipts")).content.decode()
    assert owner.get(reverse("portal:receipt", args=[paid.receipt.pk])).status_code == 200


def test_neighbour_and_staff_cannot_open_the_owners_bill_or_receipt(world, paid, as_user):
    bill = Bill.objects.get(unit=world.unit)
    for user in (world.neighbour, world.outsider, world.clerk):
        client = as_user(user)
        assert client.get(reverse("portal:bill", args=[bill.pk])).status_code == 404
        assert client.get(reverse("portal:receipt", args=[paid.receipt.pk])).status_code == 404
        assert paid.receipt.number not in client.get(reverse("portal:receipts")).content.decode()


def test_owner_cannot_open_staff_billing_pages(world, paid, as_user):
    owner = as_user(world.owner)
    bill = Bill.objects.get(unit=world.unit)
    assert owner.get(reverse("billing:bill", args=[bill.pk])).status_code in (302, 403, 404)
    assert owner.get(reverse("billing:receipt", args=[paid.receipt.pk])).status_code in (302, 403, 404)
