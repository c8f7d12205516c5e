"""Closed months (结账, issue 11): the trial balance adds the stored sums of the closed months to the lines of
the open ones, and always equals the sum of every journal line — before and after closing, after entries
posted late into a closed month (which reopen it), and up to any day."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum

from jiayuan.billing import ledger, services
from jiayuan.billing.models import ExpenseCategory, JournalLine, LedgerClose, PeriodBalance
from jiayuan.billing.pricing import next_month
from jiayuan.billing.services.expenses import ensure_categories, expense_record
from jiayuan.core.worktime import SHANGHAI

SEP, OCT, NOV, DEC = (date(2026, month, 1) for month in (9, 10, 11, 12))
UNTIL = [
    None,
    date(2026, 8, 31),
    date(2026, 9, 30),
    date(2026, 10, 2),
    date(2026, 11, 30),
    date(2026, 12, 31),
]


def at(day: date):
    """The clock on ``day``, 10:00 in Shanghai, standing still."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def every_line(project_id: int, until: date | None = None) -> dict[str, tuple[Decimal, Decimal]]:
    """The trial balance as it was read before months were closed: every journal line, per account."""
    lines = JournalLine.objects.filter(project_id=project_id)
    if until is not None:
        lines = lines.filter(entry__date__lte=until)
    rows = lines.values("account__code").annotate(d=Sum("debit"), c=Sum("credit"))
    return {r["account__code"]: (ledger._q(r["d"]), ledger._q(r["c"])) for r in rows}


def shown(project_id: int, until: date | None = None) -> dict[str, tuple[Decimal, Decimal]]:
    rows = ledger.trial_balance(project_id, until=until)
    assert [r["code"] for r in rows] == sorted(r["code"] for r in rows)
    assert all(r["balance"] == r["debit"] - r["credit"] for r in rows)
    return {r["code"]: (r["debit"], r["credit"]) for r in rows}


def assert_exact(project_id: int) -> None:
    for until in UNTIL:
        assert shown(project_id, until) == every_line(project_id, until), until


def stored_months(project_id: int) -> set[date]:
    return set(PeriodBalance.objects.filter(project_id=project_id).values_list("month", flat=True))


def open_from(project_id: int) -> date | None:
    return LedgerClose.objects.filter(project_id=project_id).values_list("open_from", flat=True).first()


@pytest.fixture
def books(world, fees):
    """September to November: a billing run, a payment and an expense each month, in the month."""
    ensure_categories()
    holder = services.Holder.of(world.unit)
    for month in (SEP, OCT, NOV):
        with at(month.replace(day=3)):
            services.billing_run_start(world.p1.pk, month, actor=fees.finance)
            services.payment_take(
                holder, actor=world.clerk, channel="cash", amount="150.00", idempotency_key=f"k-{month}"
            )
            expense(world, fees, month.replace(day=2), "800.00")
    return holder


def expense(world, fees, spent_on: date, amount: str):
    return expense_record(
        world.p1.pk,
        actor=fees.finance,
        category=ExpenseCategory.objects.get(code="CLEAN"),
        amount=amount,
        spent_on=spent_on,
        payee="洁美保洁公司",
        paid_from="bank",
    )


def test_trial_balance_equals_every_line_before_and_after_closing(world, fees, books):
    p = world.p1.pk
    with at(date(2026, 9, 20)):  # nothing before September to close
        assert_exact(p)
        assert stored_months(p) == set() and open_from(p) == SEP
    with at(date(2026, 12, 5)):  # September to November closed on the first read
        assert_exact(p)
        assert stored_months(p) == {SEP, OCT, NOV} and open_from(p) == DEC
        for month in (SEP, OCT, NOV):
            stored = PeriodBalance.objects.filter(project_id=p, month=month)
            lines = JournalLine.objects.filter(
                project_id=p, entry__date__gte=month, entry__date__lt=next_month(month)
            )
            assert {(b.account_id, b.debit, b.credit) for b in stored} == {
                (r["account_id"], ledger._q(r["d"]), ledger._q(r["c"]))
                for r in lines.values("account_id").annotate(d=Sum("debit"), c=Sum("credit"))
            }
        # December's entries are summed from the journal, on top of the closed months
        services.payment_take(books, actor=world.clerk, channel="pos", amount="99.99", idempotency_key="dec")
        assert_exact(p)
        assert open_from(p) == DEC


def test_an_entry_posted_into_a_closed_month_reopens_it_and_the_next_read_closes_it_again(world, fees, books):
    p = world.p1.pk
    with at(date(2026, 12, 5)):
        ledger.close_months(p)
        assert stored_months(p) == {SEP, OCT, NOV}
        expense(world, fees, date(2026, 10, 15), "1234.56")  # an October invoice entered in December
        assert open_from(p) == OCT and stored_months(p) == {SEP}
        assert_exact(p)
        assert stored_months(p) == {SEP, OCT, NOV} and open_from(p) == DEC
        october = PeriodBalance.objects.get(project_id=p, month=OCT, account__code="6601.CLEAN")
        assert october.debit == Decimal("2034.56")  # October's 800.00 and this one
        # a payment received in November, booked in December
        services.payment_take(
            books,
            actor=world.clerk,
            channel="bank",
            amount="20.00",
            idempotency_key="late",
            received_at=datetime(2026, 11, 28, 15, tzinfo=SHANGHAI),
        )
        assert open_from(p) == NOV and stored_months(p) == {SEP, OCT}
        assert_exact(p)
        # an entry dated in an open month leaves the closed ones alone
        expense(world, fees, date(2026, 12, 4), "10.00")
        assert open_from(p) == DEC and stored_months(p) == {SEP, OCT, NOV}
        assert_exact(p)


def test_closing_is_idempotent_and_reads_the_stored_sums(world, fees, books):
    p = world.p1.pk
    with at(date(2026, 12, 5)):
        assert ledger.close_months(p) == DEC
        rows = set(
            PeriodBalance.objects.filter(project_id=p).values_list("id", "account_id", "month", "debit")
        )
        assert ledger.close_months(p) == DEC
        call_command("close_ledger", verbosity=0)
        assert (
            set(PeriodBalance.objects.filter(project_id=p).values_list("id", "account_id", "month", "debit"))
            == rows
        )
        # the closed months are read from their stored sums, not from their lines
        receivable = PeriodBalance.objects.get(project_id=p, month=OCT, account__code=ledger.RECEIVABLE)
        before = shown(p)[ledger.RECEIVABLE]
        PeriodBalance.objects.filter(pk=receivable.pk).update(debit=receivable.debit + 1)
        assert shown(p)[ledger.RECEIVABLE] == (before[0] + 1, before[1])
        # … except up to a day inside a closed month: that month is summed from its lines
        assert shown(p, date(2026, 10, 20)) == every_line(p, date(2026, 10, 20))


def test_each_project_closes_its_own_books(world, fees, books):
    with at(date(2026, 12, 5)):
        assert ledger.trial_balance(world.p2.pk) == []
        assert stored_months(world.p2.pk) == set() and open_from(world.p2.pk) == DEC
        assert stored_months(world.p1.pk) == set() and open_from(world.p1.pk) is None
        ledger.close_months(world.p1.pk)
        assert stored_months(world.p1.pk) == {SEP, OCT, NOV}
