"""Payments, allocation, prepaid, reversals, credit notes and refunds (R7.2, R7.3)."""

from datetime import date
from decimal import Decimal

import pytest

from jiayuan.billing import ledger, services
from jiayuan.billing.models import Allocation, Bill, CreditNote, JournalEntry, Payment, Receipt
from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from tests.billing.conftest import unit_total

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
D = Decimal


@pytest.fixture
def billed(world, fees):
    services.billing_run_start(world.p1.pk, OCT, actor=fees.finance)
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    return services.Holder.of(world.unit)


def pay(world, holder, amount, key, **kw):
    kw.setdefault("channel", "cash")
    return services.payment_take(holder, actor=world.clerk, amount=amount, idempotency_key=key, **kw)


def balance(world, holder):
    return ledger.receivable_of(world.p1.pk, **holder.ids) - ledger.prepaid_of(world.p1.pk, **holder.ids)


def test_r7_2_payment_goes_to_the_oldest_unpaid_lines_first(world, billed):
    payment, created = pay(world, billed, unit_total(), "k1")
    assert created
    oct_bill, nov_bill = Bill.objects.filter(unit=world.unit).order_by("period")
    assert oct_bill.status == Bill.Status.PAID and nov_bill.status == Bill.Status.UNPAID
    assert payment.prepaid == 0
    assert Receipt.objects.get(payment=payment).number.startswith("SJ-")
    assert balance(world, billed) == unit_total()


def test_r7_2_partial_payment_leaves_the_rest_owed(world, billed):
    pay(world, billed, "100.00", "k1")
    oct_bill = Bill.objects.filter(unit=world.unit).order_by("period").first()
    assert oct_bill.status == Bill.Status.PARTIAL and oct_bill.paid == D("100.00")
    assert balance(world, billed) == 2 * unit_total() - D("100.00")


def test_r7_2_payment_to_chosen_lines(world, billed):
    nov_line = Bill.objects.get(unit=world.unit, period=NOV).lines.get(fee_item__code="LJF")
    pay(world, billed, "10.00", "k1", line_ids=[nov_line.pk])
    nov_line.refresh_from_db()
    assert nov_line.paid == D("10.00")
    assert Bill.objects.get(unit=world.unit, period=OCT).paid == 0


def test_chosen_lines_of_another_unit_are_refused(world, billed):
    other = Bill.objects.get(unit=world.other_unit, period=NOV).lines.first()
    with pytest.raises(ValidationFailed):
        pay(world, billed, "10.00", "k1", line_ids=[other.pk])
    assert not Payment.objects.exists()


def test_r7_2_overpayment_becomes_prepaid(world, billed):
    payment, _ = pay(world, billed, "1000.00", "k1")
    assert payment.prepaid == D("1000.00") - 2 * unit_total()
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == payment.prepaid
    assert Bill.objects.filter(unit=world.unit, status=Bill.Status.PAID).count() == 2


def test_r7_2_prepaid_is_applied_at_issue_oldest_bill_first(world, fees, billed):
    pay(world, billed, "1000.00", "k1")
    prepaid = ledger.prepaid_of(world.p1.pk, **billed.ids)
    services.billing_run_start(world.p1.pk, date(2026, 12, 1), actor=fees.finance)
    dec = Bill.objects.get(unit=world.unit, period=date(2026, 12, 1))
    assert dec.status == Bill.Status.PAID
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == prepaid - dec.total
    assert Allocation.objects.filter(payment__isnull=True, line__bill=dec).exists()
    assert ledger.unbalanced_entries() == []


def test_r7_2_same_idempotency_key_books_once(world, billed):
    first, created = pay(world, billed, "50.00", "same")
    again, created_again = pay(world, billed, "50.00", "same")
    assert created and not created_again and first.pk == again.pk
    assert Payment.objects.count() == 1 and JournalEntry.objects.filter(source="payment").count() == 1


def test_same_key_with_a_different_request_is_a_conflict(world, billed):
    pay(world, billed, "50.00", "same")
    with pytest.raises(Conflict):
        pay(world, billed, "60.00", "same")


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "abc", "NaN", "Infinity", "1e20"])
def test_bad_amounts_are_refused(world, billed, amount):
    with pytest.raises(ValidationFailed):
        pay(world, billed, amount, "k")
    assert not Payment.objects.exists()


def test_only_payment_takers_take_payments(world, billed):
    for user in (world.tech, world.outsider, world.owner, world.manager):
        with pytest.raises(Forbidden):
            services.payment_take(
                billed, actor=user, channel="cash", amount="10", idempotency_key=f"k-{user.pk}"
            )


def test_r7_2_reversal_takes_back_allocations_and_voids_the_receipt(world, billed):
    payment, _ = pay(world, billed, "1000.00", "k1")
    services.payment_reverse(payment, actor=world.manager, reason="收错房号")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REVERSED
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.status == Receipt.Status.VOID and receipt.void_reason == "收错房号"
    assert balance(world, billed) == 2 * unit_total()
    assert not Bill.objects.filter(unit=world.unit).exclude(status=Bill.Status.UNPAID).exists()
    with pytest.raises(Conflict):
        services.payment_reverse(payment, actor=world.manager, reason="again")


def test_reversal_needs_a_reason_and_an_approver(world, billed):
    payment, _ = pay(world, billed, "10.00", "k1")
    with pytest.raises(Forbidden):
        services.payment_reverse(payment, actor=world.clerk, reason="x")
    with pytest.raises(ValidationFailed):
        services.payment_reverse(payment, actor=world.manager, reason=" ")


def test_r7_2_credit_note_needs_an_approver_other_than_the_requester(world, fees, billed):
    line = Bill.objects.get(unit=world.unit, period=NOV).lines.get(fee_item__code="LJF")
    note = services.credit_note_request(line, actor=world.clerk, amount="4.00", reason="空置减免")
    assert balance(world, billed) == 2 * unit_total()  # pending: nothing moved
    with pytest.raises(Forbidden):
        services.credit_note_approve(note, actor=fees.finance)
    services.credit_note_approve(note, actor=world.manager)
    line.refresh_from_db()
    assert line.credited == D("4.00")
    assert balance(world, billed) == 2 * unit_total() - D("4.00")
    assert CreditNote.objects.get().status == CreditNote.Status.APPROVED
    bill = Bill.objects.get(unit=world.unit, period=NOV)
    assert bill.total == unit_total()  # the issued bill is not edited
    with pytest.raises(Conflict):
        services.credit_note_approve(note, actor=world.manager)


def test_credit_note_beyond_what_is_owed_is_refused(world, billed):
    line = Bill.objects.get(unit=world.unit, period=NOV).lines.get(fee_item__code="LJF")
    with pytest.raises(ValidationFailed):
        services.credit_note_request(line, actor=world.clerk, amount="10.01", reason="x")


def test_r7_2_refund_of_prepaid_with_reason(world, billed):
    pay(world, billed, "1000.00", "k1")
    prepaid = ledger.prepaid_of(world.p1.pk, **billed.ids)
    services.refund_create(
        billed, actor=world.clerk, approver=world.manager, amount="100.00", channel="bank", reason="业主退房"
    )
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == prepaid - D("100.00")
    with pytest.raises(ValidationFailed):
        services.refund_create(
            billed,
            actor=world.clerk,
            approver=world.manager,
            amount=str(prepaid),
            channel="bank",
            reason="超额",
        )


def test_reversal_of_a_prepayment_already_used_is_refused(world, fees, billed):
    payment, _ = pay(world, billed, "1000.00", "k1")
    services.refund_create(
        billed,
        actor=world.clerk,
        approver=world.manager,
        amount=str(payment.prepaid),
        channel="cash",
        reason="退",
    )
    with pytest.raises(Conflict):
        services.payment_reverse(payment, actor=world.manager, reason="x")


def test_r7_3_unbalanced_entries_are_refused_before_anything_is_written(world):
    with pytest.raises(ValidationFailed):
        ledger.post(
            world.p1.pk,
            number="X",
            on=NOV,
            memo="x",
            source="test",
            lines=[ledger.Dr(ledger.RECEIVABLE, "10"), ledger.Cr(ledger.PREPAID, "9.99")],
        )
    with pytest.raises(ValidationFailed):
        ledger.post(
            world.p1.pk,
            number="X",
            on=NOV,
            memo="x",
            source="test",
            lines=[ledger.Dr(ledger.RECEIVABLE, "0")],
        )
    assert not JournalEntry.objects.exists()


def test_r7_3_trial_balance_sums_to_zero(world, billed):
    pay(world, billed, "1000.00", "k1", channel="pos")
    rows = ledger.trial_balance(world.p1.pk)
    assert sum(r["balance"] for r in rows) == 0
    codes = {r["code"] for r in rows}
    assert {"1122", "2203", "1002.02", "6001.WYF", "6001.LJF"} <= codes
