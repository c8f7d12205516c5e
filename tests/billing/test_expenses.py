"""Expenses (R7.3): recorded by finance as one balanced entry each, corrected by reversal, never deleted."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.billing import ledger
from jiayuan.billing.models import Expense, ExpenseCategory, JournalEntry, JournalLine
from jiayuan.billing.services.expenses import ensure_categories, expense_record, expense_reverse
from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed

TODAY = date(2026, 11, 29)


@pytest.fixture
def cats(db):
    ensure_categories()
    return {c.code: c for c in ExpenseCategory.objects.all()}


def _record(world, fees, cats, **kw):
    data = {
        "category": cats["CLEAN"],
        "amount": "1200.00",
        "spent_on": TODAY,
        "payee": "洁美保洁公司",
        "paid_from": "bank",
        "note": "11月保洁外包",
    }
    data.update(kw)
    return expense_record(world.p1.pk, actor=fees.finance, **data)


def _balance(project_id, code):
    return {r["code"]: r["balance"] for r in ledger.trial_balance(project_id)}.get(code, Decimal("0.00"))


def test_categories_are_seeded(cats):
    assert {
        "STAFF",
        "CLEAN",
        "GREEN",
        "SECURITY",
        "REPAIR",
        "UTILITY",
        "OFFICE",
        "INSURANCE",
        "OTHER",
    } <= set(cats)


@freeze_time("2026-11-29 10:00:00+08:00")
def test_r7_3_expense_is_one_balanced_entry(world, fees, cats):
    """R7.3: an expense posts Dr 6601.<category> / Cr bank, balanced."""
    expense = _record(world, fees, cats)
    assert expense.number.startswith("ZC-202611-")
    lines = list(JournalLine.objects.filter(entry=expense.entry).select_related("account"))
    assert {(line.account.code, line.debit, line.credit) for line in lines} == {
        ("6601.CLEAN", Decimal("1200.00"), Decimal("0.00")),
        ("1002.01", Decimal("0.00"), Decimal("1200.00")),
    }
    assert ledger.unbalanced_entries(world.p1.pk) == []
    cash = _record(world, fees, cats, paid_from="cash", amount="35.50", category=cats["OFFICE"])
    assert JournalLine.objects.filter(
        entry=cash.entry, account__code="1001", credit=Decimal("35.50")
    ).exists()


@freeze_time("2026-11-29 10:00:00+08:00")
def test_r7_3_expense_reversal_with_reason_never_deletes(world, fees, cats):
    expense = _record(world, fees, cats)
    with pytest.raises(ValidationFailed):
        expense_reverse(expense, actor=fees.finance, reason="  ")
    expense_reverse(expense, actor=fees.finance, reason="重复登记")
    expense.refresh_from_db()
    assert expense.status == Expense.Status.REVERSED and expense.reversal_reason == "重复登记"
    assert Expense.objects.count() == 1
    assert JournalEntry.objects.filter(source="expense_reversal", source_id=expense.pk).count() == 1
    assert _balance(world.p1.pk, "6601.CLEAN") == Decimal("0.00")
    with pytest.raises(Conflict):
        expense_reverse(expense, actor=fees.finance, reason="再次")
    assert ledger.unbalanced_entries(world.p1.pk) == []


@freeze_time("2026-11-29 10:00:00+08:00")
@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"payee": " "}, "payee"),
        ({"paid_from": "pos"}, "paid_from"),
        ({"spent_on": TODAY + timedelta(days=1)}, "spent_on"),
        ({"spent_on": date(2020, 1, 1)}, "spent_on"),
    ],
)
def test_bad_expense_changes_nothing(world, fees, cats, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        _record(world, fees, cats, **kw)
    assert exc.value.field == field
    assert not Expense.objects.exists() and not JournalEntry.objects.exists()


def test_only_record_expenses_may_record(world, fees, cats):
    with pytest.raises(Forbidden):
        expense_record(
            world.p1.pk,
            actor=world.clerk,
            category=cats["CLEAN"],
            amount="1",
            spent_on=date.today(),
            payee="x",
            paid_from="cash",
        )
    with pytest.raises(Forbidden):
        expense_record(
            world.p1.pk,
            actor=world.outsider,
            category=cats["CLEAN"],
            amount="1",
            spent_on=date.today(),
            payee="x",
            paid_from="cash",
        )


@freeze_time("2026-11-29 10:00:00+08:00")
def test_expenses_page_records_lists_and_reverses(world, fees, cats, as_user, django_assert_max_num_queries):
    client = as_user(fees.finance)
    resp = client.post(
        reverse("billing:expenses"),
        {
            "category": cats["GREEN"].pk,
            "amount": "800.00",
            "spent_on": "2026-11-20",
            "payee": "绿源园艺",
            "paid_from": "cash",
            "note": "修剪",
        },
    )
    assert resp.status_code == 302
    expense = Expense.objects.get()
    for _ in range(3):
        _record(world, fees, cats)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("billing:expenses"))
    body = page.content.decode()
    assert "绿源园艺" in body and "¥800.00" in body
    bad = client.post(reverse("billing:expenses"), {"category": cats["GREEN"].pk, "amount": "-1"})
    assert bad.status_code == 200 and Expense.objects.count() == 4
    resp = client.post(reverse("billing:expense_reverse", args=[expense.pk]), {"reason": "金额有误"})
    assert resp.status_code == 302
    expense.refresh_from_db()
    assert expense.status == "reversed"
    filtered = client.get(reverse("billing:expenses"), {"status": "reversed", "year": "2026"})
    assert len(filtered.context["table"].rows) == 1


@freeze_time("2026-11-29 10:00:00+08:00")
def test_expenses_hidden_from_other_roles(world, fees, cats, as_user):
    expense = _record(world, fees, cats)
    manager = as_user(world.manager)  # reads the ledger, does not record
    page = manager.get(reverse("billing:expenses"))
    assert page.status_code == 200 and "洁美保洁公司" in page.content.decode()
    assert (
        manager.post(reverse("billing:expense_reverse", args=[expense.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert as_user(world.clerk).get(reverse("billing:expenses")).status_code == 403
    outsider = as_user(world.outsider)
    assert (
        outsider.post(reverse("billing:expense_reverse", args=[expense.pk]), {"reason": "x"}).status_code
        == 404
    )
    expense.refresh_from_db()
    assert expense.status == "booked"
