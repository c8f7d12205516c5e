"""Finance pages: the desk takes a payment and prints the receipt; lists, arrears and the trial balance."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from jiayuan.billing import services
from jiayuan.billing.indicators import measure_collection, measure_with_arrears
from jiayuan.billing.models import Bill, CreditNote, FeeItem, Payment, Receipt
from jiayuan.core.indicators import Period, source

NOV = date(2026, 11, 1)


@pytest.fixture
def billed(world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 10, 1), actor=fees.finance)
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    return fees


@pytest.mark.parametrize(
    "name",
    [
        "billing:fee_items",
        "billing:runs",
        "billing:bills",
        "billing:payments",
        "billing:arrears",
        "billing:ledger",
        "billing:desk",
    ],
)
def test_finance_pages_open(world, billed, as_user, name, django_assert_max_num_queries):
    client = as_user(billed.finance)
    with django_assert_max_num_queries(40):
        resp = client.get(reverse(name))
    assert resp.status_code == 200
    assert "翠湖花园" in resp.content.decode()


def test_r7_2_desk_finds_unit_takes_payment_and_shows_receipt(world, billed, as_user):
    client = as_user(world.clerk)
    page = client.get(reverse("billing:desk"), {"unit": "3-2-1201"})
    body = page.content.decode()
    assert "ZD-202610-3-2-1201" in body and "¥467.50" in body
    key = page.context["form"].initial["key"]
    resp = client.post(
        reverse("billing:desk"), {"unit": "3-2-1201", "amount": "500.00", "channel": "cash", "key": key}
    )
    assert resp.status_code == 302
    receipt = Receipt.objects.get()
    assert resp.url == reverse("billing:receipt", args=[receipt.pk])
    # a double click (same form, same key) books nothing more
    client.post(
        reverse("billing:desk"), {"unit": "3-2-1201", "amount": "500.00", "channel": "cash", "key": key}
    )
    assert Payment.objects.count() == 1
    body = client.get(resp.url).content.decode()
    assert receipt.number in body and "预存款" in body
    pdf = client.get(reverse("billing:receipt_pdf", args=[receipt.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_desk_unknown_unit_says_so(world, billed, as_user):
    body = as_user(world.clerk).get(reverse("billing:desk"), {"unit": "9-9-9999"}).content.decode()
    assert "未找到该房号" in body


def test_desk_bad_amount_is_a_form_error(world, billed, as_user):
    resp = as_user(world.clerk).post(
        reverse("billing:desk"), {"unit": "3-2-1201", "amount": "-1", "channel": "cash", "key": "k"}
    )
    assert resp.status_code == 200 and not Payment.objects.exists()


def test_r7_2_reversal_from_the_receipt_page_keeps_the_receipt_visible(world, billed, as_user):
    payment, _ = services.payment_take(
        services.Holder.of(world.unit), actor=world.clerk, channel="cash", amount="10", idempotency_key="x"
    )
    url = reverse("billing:payment_reverse", args=[payment.receipt.pk])
    assert as_user(world.clerk).post(url, {"reason": "错收"}).status_code == 403
    as_user(world.manager).post(url, {"reason": "错收"})
    body = as_user(world.clerk).get(reverse("billing:receipt", args=[payment.receipt.pk])).content.decode()
    assert "已作废" in body and "错收" in body


def test_r7_2_credit_note_request_and_approval_on_the_bill_page(world, billed, as_user):
    bill = Bill.objects.get(unit=world.unit, period=NOV)
    line = bill.lines.get(fee_item__code="LJF")
    url = reverse("billing:bill", args=[bill.pk])
    as_user(world.clerk).post(url, {"line": line.pk, "amount": "5.00", "reason": "空置"})
    note = CreditNote.objects.get()
    as_user(world.manager).post(reverse("billing:credit_approve", args=[note.pk]))
    bill.refresh_from_db()
    assert bill.credited == Decimal("5.00")
    assert "空置" in as_user(world.clerk).get(url).content.decode()


def test_arrears_page_shows_ageing(world, billed, as_user):
    body = as_user(billed.finance).get(reverse("billing:arrears")).content.decode()
    assert "3-2-1201" in body and "31–90天" in body


def test_ledger_page_balances(world, billed, as_user):
    body = as_user(billed.finance).get(reverse("billing:ledger")).content.decode()
    assert "借贷平衡" in body and "1122" in body


def test_run_page_starts_a_run(world, billed, as_user):
    resp = as_user(billed.finance).post(reverse("billing:runs"), {"period": "2026-12"})
    assert resp.status_code == 302
    assert Bill.objects.filter(period=date(2026, 12, 1)).count() == 2
    assert as_user(world.clerk).post(reverse("billing:runs"), {"period": "2027-01"}).status_code == 403


def test_fee_item_page_creates_item_and_price(world, billed, as_user):
    client = as_user(billed.finance)
    client.post(reverse("billing:fee_items"), {"item-code": "DT", "item-name": "电梯费", "item-kind": "area"})
    dt = FeeItem.objects.get(code="DT")
    client.post(
        reverse("billing:fee_items"),
        {"item": dt.pk, "price-valid_from": "2027-01-01", "price-unit_price": "0.35"},
    )
    assert dt.prices.get().unit_price == Decimal("0.3500")


def test_r10_1_collection_rate_counts_management_fees_of_the_period(world, billed):
    holder = services.Holder.of(world.unit)
    nov = Period.month(2026, 11)
    before = measure_collection(world.p1.pk, nov)
    assert before.numerator.value == 0 and before.denominator.value == Decimal("447.50")  # 2 × 223.75
    # pays October and part of November: oldest first
    services.payment_take(holder, actor=world.clerk, channel="cash", amount="300", idempotency_key="a")
    m = measure_collection(world.p1.pk, nov)
    # October (233.75) first, then 66.25 on November's first line (垃圾清运费 10, then 物业管理费 56.25)
    nov_bill = Bill.objects.get(unit=world.unit, period=NOV)
    mgmt_paid = nov_bill.lines.get(fee_item__code="WYF").paid
    assert m.numerator.value == mgmt_paid
    assert m.ratio == (mgmt_paid * 100 / Decimal("447.50")).quantize(Decimal("0.01"))
    assert list(m.numerator.rows) == [nov_bill]
    assert source("indicator.04_fee_collection") is not None


def test_r10_1_rate_with_arrears_counts_older_bills_paid_in_the_period(world, billed):
    from freezegun import freeze_time

    with freeze_time("2026-11-20 10:00:00"):
        services.payment_take(
            services.Holder.of(world.other_unit),
            actor=world.clerk,
            channel="cash",
            amount="233.75",
            idempotency_key="b",
        )
    m = measure_with_arrears(world.p1.pk, Period.month(2026, 11))
    assert m.numerator.value == Decimal("223.75")  # October's management fee recovered in November
    assert measure_collection(world.p1.pk, Period.month(2026, 11)).numerator.value == 0
