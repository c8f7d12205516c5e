"""R7.3 journal exports: Beancount text that bean-check accepts, and an Excel journal."""

import io
from datetime import date

from beancount import loader
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from jiayuan.billing import services
from jiayuan.billing.exporting import beancount_account, journal_beancount
from jiayuan.billing.models import Account, ExpenseCategory
from jiayuan.billing.selectors import reports
from jiayuan.billing.services.expenses import expense_record


def _books(world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    holder = services.Holder.of(world.unit)
    services.payment_take(holder, actor=world.clerk, channel="pos", amount="500", idempotency_key="a")
    services.refund_create(
        holder, actor=world.clerk, approver=world.manager, amount="10", channel="cash", reason="退"
    )


def test_r7_3_beancount_export_passes_bean_check(world, fees):
    _books(world, fees)
    text = journal_beancount(world.p1.pk)
    entries, errors, _options = loader.load_string(text)
    assert errors == []
    assert sum(1 for e in entries if type(e).__name__ == "Transaction") == 4  # 2 bills, payment, refund
    assert 'holder: "3-2-1201"' in text and "Assets:A1122" in text


def test_r7_3_journal_downloads_for_ledger_readers_only(world, fees, as_user):
    _books(world, fees)
    resp = as_user(fees.finance).get(reverse("billing:ledger_xlsx"))
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws.max_row == 1 + 2 * 3 + 3 + 2  # header, 2 bills × 3 lines, payment 3 lines, refund 2
    assert as_user(fees.finance).get(reverse("billing:ledger_beancount")).content.startswith(b"option")
    assert as_user(world.clerk).get(reverse("billing:ledger_beancount")).status_code == 403
    assert as_user(world.owner).get(reverse("billing:ledger_xlsx")).status_code in (302, 403)


EVIL = '=HYPERLINK("http://evil","x")'


@freeze_time("2026-11-20 10:00:00+08:00")
def test_journal_and_disclosure_excel_write_formula_like_text_as_text(world, fees, as_user):
    """A fee item or expense category named like a formula is a string cell in both workbooks."""
    fees.rubbish.name = EVIL
    fees.rubbish.save(update_fields=["name"])
    _books(world, fees)
    category = ExpenseCategory.objects.create(code="EVIL", name=EVIL)
    expense_record(
        world.p1.pk,
        actor=fees.finance,
        category=category,
        amount="1.00",
        spent_on=date(2026, 11, 5),
        payee="+1",
        paid_from="cash",
    )
    journal = load_workbook(io.BytesIO(as_user(fees.finance).get(reverse("billing:ledger_xlsx")).content))
    memos = [row[2] for row in journal.active.iter_rows(min_row=2)]
    memo = next(c for c in memos if c.value.startswith("=HYPERLINK"))
    assert (memo.value, memo.data_type) == (f"{EVIL}：+1", "s")
    report = reports.disclosure(world.p1, 2026)
    ws = load_workbook(io.BytesIO(reports.disclosure_xlsx(report))).active
    evil = [c for (c,) in ws.iter_rows(max_col=1) if c.value == EVIL]
    assert len(evil) == 2 and {c.data_type for c in evil} == {"s"}  # the income and the expense row


def test_fee_items_whose_codes_differ_in_punctuation_get_their_own_beancount_accounts(world, fees):
    """``DUP_1`` and ``DUP-1`` once both became ``Income:A6001-DUP-1``, which bean-check refuses."""
    for code in ("DUP_1", "DUP-1"):
        item = services.fee_item_create(world.p1.pk, actor=fees.finance, code=code, name=code, kind="fixed")
        services.price_version_add(item, actor=fees.finance, valid_from=date(2026, 1, 1), unit_price="7")
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    entries, errors, _options = loader.load_string(journal_beancount(world.p1.pk))
    assert errors == []
    income = {}
    for entry in entries:
        for posting in getattr(entry, "postings", []):
            if posting.account.startswith("Income:A6001-DUP"):
                income[posting.account] = income.get(posting.account, 0) - posting.units.number
    assert len(income) == 2 and len(set(income.values())) == 1 and min(income.values()) > 0


def test_plain_account_codes_keep_their_readable_beancount_names(world):
    account = Account(project=world.p1, code="1002.01", name="银行存款", kind=Account.Kind.ASSET)
    assert beancount_account(account) == "Assets:A1002-01"


@freeze_time("2026-12-31 17:00:00+00:00")  # New Year's Day 01:00 in Shanghai
def test_beancount_without_entries_opens_accounts_on_the_local_date(world):
    Account.objects.create(project=world.p1, code="1001", name="库存现金", kind=Account.Kind.ASSET)
    assert "2027-01-01 open Assets:A1001 CNY" in journal_beancount(world.p1.pk)
