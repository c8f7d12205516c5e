"""Refunds of a prepaid balance with a second person's approval, credit notes on paid lines, and the
desk finding a parking space (R7.2, R7.3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from jiayuan.billing import ledger, services
from jiayuan.billing.models import Allocation, Bill, BillLine, CreditNote, FeeItem, Payment, Refund
from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.timeline import timeline_of
from tests.billing.conftest import unit_total
from tests.factories import ParkingSpaceFactory

NOV = date(2026, 11, 1)
D = Decimal


@pytest.fixture
def billed(world, fees):
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    return services.Holder.of(world.unit)


def pay(world, holder, amount, key="k1"):
    return services.payment_take(
        holder, actor=world.clerk, channel="cash", amount=amount, idempotency_key=key
    )


def net(world, holder):
    return ledger.receivable_of(world.p1.pk, **holder.ids) - ledger.prepaid_of(world.p1.pk, **holder.ids)


def balanced(world):
    return sum(r["balance"] for r in ledger.trial_balance(world.p1.pk)) == 0


def books_identity(world, holder):
    """billed − credited − paid + refunded, from the documents (not the ledger)."""
    billed_ = sum((b.total for b in Bill.objects.filter(unit_id=holder.unit_id)), D(0))
    credited = sum(
        (c.amount for c in CreditNote.objects.filter(line__bill__unit_id=holder.unit_id, status="approved")),
        D(0),
    )
    paid = sum((p.amount for p in Payment.objects.filter(unit_id=holder.unit_id, status="booked")), D(0))
    refunded = sum((r.amount for r in Refund.objects.filter(unit_id=holder.unit_id, status="paid")), D(0))
    return billed_ - credited - paid + refunded


# --- refunds -----------------------------------------------------------------------------------------


def test_r7_2_refund_request_moves_nothing_until_a_second_person_approves(world, billed):
    pay(world, billed, "500.00")
    prepaid = ledger.prepaid_of(world.p1.pk, **billed.ids)
    refund = services.refund_request(billed, actor=world.clerk, amount="100", channel="bank", reason="多缴")
    assert refund.status == Refund.Status.PENDING and refund.entry is None
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == prepaid
    services.refund_approve(refund, actor=world.manager)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PAID and refund.entry is not None
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == prepaid - D("100.00")
    assert balanced(world)
    assert net(world, billed) == books_identity(world, billed)


def test_r7_2_refund_cannot_be_approved_by_its_requester(world, billed):
    pay(world, billed, "500.00")
    refund = services.refund_request(billed, actor=world.manager, amount="10", channel="cash", reason="退")
    with pytest.raises(ValidationFailed):
        services.refund_approve(refund, actor=world.manager)


def test_r7_2_refund_approval_needs_the_approver_role(world, billed, fees):
    pay(world, billed, "500.00")
    refund = services.refund_request(billed, actor=world.clerk, amount="10", channel="cash", reason="退")
    with pytest.raises(Forbidden):
        services.refund_approve(refund, actor=fees.finance)
    with pytest.raises(Forbidden):
        services.refund_request(billed, actor=world.tech, amount="1", channel="cash", reason="退")


def test_r7_2_refund_is_bounded_by_the_balance_less_pending_requests(world, billed):
    pay(world, billed, str(unit_total() + D("100")))
    services.refund_request(billed, actor=world.clerk, amount="60", channel="cash", reason="退")
    with pytest.raises(ValidationFailed) as exc:
        services.refund_request(billed, actor=world.clerk, amount="40.01", channel="cash", reason="退")
    assert "40.00" in exc.value.message
    assert Refund.objects.count() == 1
    with pytest.raises(ValidationFailed):
        services.refund_request(billed, actor=world.clerk, amount="1", channel="online", reason="退")


def test_r7_2_refund_approval_refused_when_the_balance_is_gone_meanwhile(world, billed):
    payment, _ = pay(world, billed, str(unit_total() + D("100")))
    refund = services.refund_request(billed, actor=world.clerk, amount="100", channel="cash", reason="退")
    services.payment_reverse(payment, actor=world.manager, reason="错收")  # its prepaid leaves with it
    with pytest.raises(Conflict):
        services.refund_approve(refund, actor=world.manager)
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING
    assert balanced(world)


def test_r7_2_rejected_refund_frees_the_balance(world, billed):
    pay(world, billed, str(unit_total() + D("50")))
    refund = services.refund_request(billed, actor=world.clerk, amount="50", channel="cash", reason="退")
    services.refund_reject(refund, actor=world.manager, reason="业主撤回")
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.REJECTED
    again = services.refund_request(billed, actor=world.clerk, amount="50", channel="cash", reason="退")
    assert again.status == Refund.Status.PENDING
    with pytest.raises(Conflict):
        services.refund_approve(refund, actor=world.manager)


def test_r7_2_desk_refund_form_request_and_voucher_approval(world, billed, as_user):
    pay(world, billed, str(unit_total() + D("80")))
    desk = reverse("billing:desk")
    clerk = as_user(world.clerk)
    page = clerk.get(desk, {"unit": world.unit.address})
    assert "退还预存款" in page.content.decode()
    too_much = clerk.post(
        desk,
        {
            "unit": world.unit.address,
            "action": "refund",
            "rf-amount": "80.01",
            "rf-channel": "bank",
            "rf-reason": "多缴",
        },
    )
    assert too_much.status_code == 200 and "不能超过" in too_much.content.decode()
    assert not Refund.objects.exists()
    resp = clerk.post(
        desk,
        {
            "unit": world.unit.address,
            "action": "refund",
            "rf-amount": "80.00",
            "rf-channel": "bank",
            "rf-reason": "多缴",
        },
    )
    refund = Refund.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("billing:refund", kwargs={"pk": refund.pk})
    voucher = clerk.get(resp.url).content.decode()
    assert "退款凭证" in voucher and "批准退款" not in voucher
    manager = as_user(world.manager)
    assert "批准退款" in manager.get(resp.url).content.decode()
    assert refund.number in manager.get(desk).content.decode()  # the approver's queue
    manager.post(reverse("billing:refund_approve", kwargs={"pk": refund.pk}))
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PAID
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == 0
    assert balanced(world)


def test_refund_voucher_refused_to_outsider_and_owner(world, billed, as_user):
    pay(world, billed, str(unit_total() + D("80")))
    refund = services.refund_request(billed, actor=world.clerk, amount="8", channel="cash", reason="退")
    url = reverse("billing:refund", kwargs={"pk": refund.pk})
    assert as_user(world.outsider).get(url).status_code in (403, 404)
    assert as_user(world.owner).get(url).status_code in (302, 403, 404)
    for name in ("billing:refund_approve", "billing:refund_reject"):
        resp = as_user(world.clerk).post(reverse(name, kwargs={"pk": refund.pk}))
        assert resp.status_code == 403
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING


# --- credit notes on paid lines -------------------------------------------------------------------------


def test_r7_2_credit_on_a_paid_line_goes_to_prepaid_and_books_stay_balanced(world, billed, fees):
    payment, _ = pay(world, billed, str(unit_total()))
    line = BillLine.objects.get(bill__unit=world.unit, fee_item__code="LJF")
    assert line.outstanding == 0
    note = services.credit_note_request(line, actor=world.clerk, amount="10.00", reason="重复收取")
    services.credit_note_approve(note, actor=world.manager)
    line.refresh_from_db()
    assert (line.credited, line.paid) == (D("10.00"), D("0.00"))
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == D("10.00")
    assert Bill.objects.get(pk=line.bill_id).status == Bill.Status.PAID
    payment.refresh_from_db()
    assert payment.prepaid == D("10.00")
    from jiayuan.billing.selectors import receipt_lines

    rows = receipt_lines(payment.receipt)
    assert sum(r["amount"] for r in rows) == payment.amount and rows[-1]["amount"] == D("10.00")
    assert balanced(world)
    assert net(world, billed) == books_identity(world, billed)
    # … and can then be refunded, still balanced
    services.refund_create(
        billed, actor=world.clerk, approver=world.manager, amount="10", channel="cash", reason="退"
    )
    assert net(world, billed) == books_identity(world, billed)
    assert balanced(world)


def test_r7_2_credit_on_a_partly_paid_line_splits_receivable_and_prepaid(world, billed):
    line = BillLine.objects.get(bill__unit=world.unit, fee_item__code="WYF")
    services.payment_take(
        billed, actor=world.clerk, channel="cash", amount="100", idempotency_key="p", line_ids=[line.pk]
    )
    line.refresh_from_db()
    outstanding = line.outstanding
    note = services.credit_note_request(
        line, actor=world.clerk, amount=str(outstanding + D("30")), reason="面积更正"
    )
    services.credit_note_approve(note, actor=world.manager)
    line.refresh_from_db()
    assert line.paid == D("70.00") and line.outstanding == 0
    assert ledger.prepaid_of(world.p1.pk, **billed.ids) == D("30.00")
    assert balanced(world)
    assert net(world, billed) == books_identity(world, billed)


def test_r7_2_payment_reversal_after_a_paid_line_credit_stays_balanced(world, billed):
    payment, _ = pay(world, billed, str(unit_total()))
    line = BillLine.objects.get(bill__unit=world.unit, fee_item__code="LJF")
    note = services.credit_note_request(line, actor=world.clerk, amount="10.00", reason="减免")
    services.credit_note_approve(note, actor=world.manager)
    services.payment_reverse(payment, actor=world.manager, reason="错收")
    assert balanced(world)
    assert net(world, billed) == books_identity(world, billed)
    for line in BillLine.objects.filter(bill__unit=world.unit):
        assert line.paid == 0
    assert not Allocation.objects.filter(payment=payment, reversed=False).exists()


def test_credit_beyond_the_line_amount_is_refused(world, billed):
    pay(world, billed, str(unit_total()))
    line = BillLine.objects.get(bill__unit=world.unit, fee_item__code="LJF")
    with pytest.raises(ValidationFailed):
        services.credit_note_request(line, actor=world.clerk, amount="10.01", reason="x")


def _pending_credit(world, billed):
    line = BillLine.objects.get(bill__unit=world.unit, fee_item__code="LJF")
    return line, services.credit_note_request(line, actor=world.clerk, amount="4.00", reason="空置减免")


def test_r7_2_rejected_credit_note_moves_no_money_and_frees_the_line(world, billed):
    line, note = _pending_credit(world, billed)
    receivable = ledger.receivable_of(world.p1.pk, **billed.ids)
    entries = ledger.JournalEntry.objects.count()
    services.credit_note_reject(note, actor=world.manager, reason="未核实空置")
    note.refresh_from_db()
    assert note.status == CreditNote.Status.REJECTED
    assert note.approved_by == world.manager and note.decided_at is not None and note.entry is None
    line.refresh_from_db()
    assert line.credited == 0 and Bill.objects.get(pk=line.bill_id).credited == 0
    assert ledger.receivable_of(world.p1.pk, **billed.ids) == receivable
    assert ledger.JournalEntry.objects.count() == entries
    # the whole line may be asked for again
    again = services.credit_note_request(line, actor=world.clerk, amount=str(line.amount), reason="重新申请")
    assert again.status == CreditNote.Status.PENDING


def test_r7_2_credit_note_rejection_is_on_its_timeline_with_the_reason(world, billed):
    _, note = _pending_credit(world, billed)
    services.credit_note_reject(note, actor=world.manager, reason="未核实空置")
    steps = [(e.action, e.from_state, e.to_state, e.actor, e.note) for e in timeline_of(note)]
    assert steps == [
        ("request", "", "pending", world.clerk, "空置减免"),
        ("reject", "pending", "rejected", world.manager, "未核实空置"),
    ]


def test_r7_2_credit_note_rejection_needs_the_approver_role_of_its_project(world, billed, fees):
    _, note = _pending_credit(world, billed)
    for user in (world.clerk, fees.finance, world.tech, world.inspector, world.outsider):
        with pytest.raises(Forbidden):
            services.credit_note_reject(note, actor=user, reason="越权")
    note.refresh_from_db()
    assert note.status == CreditNote.Status.PENDING and note.approved_by is None
    assert [e.action for e in timeline_of(note)] == ["request"]


def test_r7_2_a_decided_credit_note_cannot_be_rejected_or_approved_again(world, billed):
    line, note = _pending_credit(world, billed)
    services.credit_note_reject(note, actor=world.manager, reason="驳回")
    with pytest.raises(Conflict):
        services.credit_note_reject(note, actor=world.admin, reason="再驳回")
    with pytest.raises(Conflict):
        services.credit_note_approve(note, actor=world.admin)
    line.refresh_from_db()
    assert line.credited == 0
    approved = services.credit_note_request(line, actor=world.clerk, amount="1.00", reason="减免")
    services.credit_note_approve(approved, actor=world.manager)
    with pytest.raises(Conflict):
        services.credit_note_reject(approved, actor=world.admin, reason="批后驳回")
    assert CreditNote.objects.get(pk=approved.pk).status == CreditNote.Status.APPROVED


def test_r7_2_requester_with_approval_rights_may_withdraw_but_not_approve_own_credit_note(world, billed):
    """Four eyes guard the money: approving needs a second person; rejecting moves nothing, so the person
    who asked may take their own request back."""
    line = BillLine.objects.get(bill__unit=world.unit, fee_item__code="LJF")
    note = services.credit_note_request(line, actor=world.admin, amount="2.00", reason="减免")
    with pytest.raises(ValidationFailed):
        services.credit_note_approve(note, actor=world.admin)
    services.credit_note_reject(note, actor=world.admin, reason="撤回")
    assert CreditNote.objects.get(pk=note.pk).status == CreditNote.Status.REJECTED


def test_r7_2_bill_page_rejects_a_credit_note_for_the_approver_only(world, billed, as_user):
    line, note = _pending_credit(world, billed)
    url = reverse("billing:credit_reject", kwargs={"pk": note.pk})
    assert as_user(world.clerk).post(url, {"reason": "越权"}).status_code == 403
    assert as_user(world.outsider).post(url, {"reason": "越权"}).status_code == 404
    assert CreditNote.objects.get(pk=note.pk).status == CreditNote.Status.PENDING
    manager = as_user(world.manager)
    resp = manager.post(url, {"reason": "未核实空置"})
    assert resp.status_code == 302 and resp.url == reverse("billing:bill", kwargs={"pk": line.bill_id})
    assert CreditNote.objects.get(pk=note.pk).status == CreditNote.Status.REJECTED
    page = manager.get(resp.url).content.decode()
    assert "冲减已驳回" in page and "已驳回" in page
    # a second click on a stale page says so, and changes nothing
    manager.post(url, {"reason": "再驳回"})
    assert "该冲减单已处理" in manager.get(resp.url).content.decode()


def test_r7_2_credit_that_moves_a_paid_line_to_its_limit_is_booked(world, billed, fees):
    """The paid part of a credited line ends exactly at amount − credited; the database's check must
    accept that limit (SQLite computed 66.66 − 6.67 in binary floating point, 59.989999…, and refused 59.99:
    a 500 on approving, found by the ledger property)."""
    extra = services.fee_item_create(
        world.p1.pk, actor=fees.finance, code="TY", name="特约服务", kind="special"
    )
    services.charge_create(billed, extra, actor=fees.finance, amount="66.66")
    line = BillLine.objects.get(bill__unit=world.unit, amount=D("66.66"))
    services.payment_take(
        billed, actor=world.clerk, channel="cash", amount="66.66", idempotency_key="lim", line_ids=[line.pk]
    )
    note = services.credit_note_request(line, actor=world.clerk, amount="6.67", reason="多收")
    services.credit_note_approve(note, actor=world.manager)
    line.refresh_from_db()
    assert (line.credited, line.paid, line.outstanding) == (D("6.67"), D("59.99"), D("0.00"))
    assert balanced(world)
    assert net(world, billed) == books_identity(world, billed)


# --- the desk finds a parking space ----------------------------------------------------------------------


@pytest.fixture
def space_billed(world, fees):
    parking = services.fee_item_create(
        world.p1.pk, actor=fees.finance, code="TCF", name="停车费", kind=FeeItem.Kind.PARKING
    )
    services.price_version_add(parking, actor=fees.finance, valid_from=date(2026, 1, 1), unit_price="300")
    space = ParkingSpaceFactory(project=world.p1, code="B1-023", holder=world.owner_party)
    from jiayuan.estate.models import Vehicle

    Vehicle.objects.create(project=world.p1, plate="沪A12345", owner=world.owner_party, space=space)
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    return space


@pytest.mark.parametrize("text", ["B1-023", "b1-023", "沪A12345", "沪a 12345"])
def test_r7_2_desk_finds_a_parking_space_by_number_or_plate(world, space_billed, as_user, text):
    page = as_user(world.clerk).get(reverse("billing:desk"), {"unit": text})
    body = page.content.decode()
    assert page.status_code == 200 and "B1-023" in body and "300.00" in body


def test_r7_2_desk_takes_payment_for_a_parking_space(world, space_billed, as_user):
    resp = as_user(world.clerk).post(
        reverse("billing:desk"),
        {
            "unit": "沪A12345",
            "amount": "300.00",
            "channel": "cash",
            "payer_name": "张伟",
            "reference": "",
            "key": "s1",
        },
    )
    assert resp.status_code == 302
    payment = Payment.objects.get()
    assert payment.space_id == space_billed.pk and payment.unit_id is None
    assert Bill.objects.get(space=space_billed).status == Bill.Status.PAID
    assert balanced(world)


def test_desk_does_not_find_a_space_of_another_project(world, space_billed, as_user):
    page = as_user(world.outsider).get(reverse("billing:desk"), {"unit": "B1-023"})
    assert page.context["account"] is None and page.context["not_found"]
