"""Real concurrency on PostgreSQL (skipped on SQLite, which has one writer at a time)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from jiayuan.billing import ledger, services
from jiayuan.billing.models import (
    Allocation,
    Bill,
    JournalEntry,
    JournalLine,
    Payment,
    PeriodBalance,
    Receipt,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers are a PostgreSQL matter")


def _in_thread(fn):
    def run(arg):
        try:
            return fn(arg)
        finally:
            connections.close_all()

    return run


def test_r7_2_100_concurrent_copies_of_one_payment_book_once(pg, world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    holder = services.Holder.of(world.unit)

    @_in_thread
    def take(_):
        payment, created = services.payment_take(
            holder, actor=world.clerk, channel="online", amount="100.00", idempotency_key="order-42"
        )
        return payment.pk, created

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(take, range(100)))
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
    assert JournalEntry.objects.filter(source="payment").count() == 1
    assert Bill.objects.get(unit=world.unit).paid == Decimal("100.00")


def test_r7_2_50_concurrent_payments_on_one_bill_never_over_allocate(pg, world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    bill = Bill.objects.get(unit=world.unit)
    holder = services.Holder.of(world.unit)

    @_in_thread
    def take(i):
        return services.payment_take(
            holder, actor=world.clerk, channel="cash", amount="10.00", idempotency_key=f"desk-{i}"
        )[0].pk

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert len(set(pool.map(take, range(50)))) == 50
    bill.refresh_from_db()
    assert bill.paid == bill.total and bill.status == Bill.Status.PAID
    allocated = sum(a.amount for a in Allocation.objects.filter(line__bill=bill))
    assert allocated == bill.total
    assert ledger.prepaid_of(world.p1.pk, unit_id=world.unit.pk) == Decimal("500.00") - bill.total
    assert ledger.unbalanced_entries() == []


def test_r7_2_concurrent_runs_of_one_month_bill_each_unit_once(pg, world, fees):
    @_in_thread
    def run(_):
        return services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance, chunk=1).pk

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert len(set(pool.map(run, range(4)))) == 1
    assert Bill.objects.count() == 2
    assert Bill.objects.values("unit").distinct().count() == 2


def test_r7_3_database_refuses_an_unbalanced_entry_and_edits_of_lines(pg, world):
    account = ledger.Chart(world.p1.pk).get(ledger.RECEIVABLE)
    entry = JournalEntry.objects.create(
        project=world.p1, number="X", date=date(2026, 11, 1), memo="x", source="t"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.create(project=world.p1, entry=entry, account=account, debit=Decimal("1"))
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    ok = ledger.post(
        world.p1.pk,
        number="Y",
        on=date(2026, 11, 1),
        memo="y",
        source="t",
        lines=[ledger.Dr(ledger.RECEIVABLE, "5"), ledger.Cr(ledger.PREPAID, "5")],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.filter(entry=ok).update(debit=Decimal("6"))


def test_r7_3_a_month_is_not_closed_while_an_entry_dated_in_it_is_uncommitted(pg, world):
    """Closing waits for the postings in flight (the books' advisory lock), so the entry is in the sums."""
    posted, release = threading.Event(), threading.Event()

    @_in_thread
    def post(_):
        with transaction.atomic():
            ledger.post(
                world.p1.pk,
                number="LATE",
                on=date(2026, 11, 30),
                memo="late",
                source="t",
                lines=[ledger.Dr(ledger.RECEIVABLE, "7"), ledger.Cr(ledger.PREPAID, "7")],
            )
            posted.set()
            assert release.wait(10)

    @_in_thread
    def close(_):
        return ledger.close_months(world.p1.pk, today=date(2026, 12, 5))

    with ThreadPoolExecutor(max_workers=2) as pool:
        poster = pool.submit(post, None)
        assert posted.wait(10)
        closer = pool.submit(close, None)
        time.sleep(0.5)
        assert not closer.done()  # waiting for the posting to commit
        release.set()
        poster.result()
        assert closer.result() == date(2026, 12, 1)
    stored = PeriodBalance.objects.filter(project=world.p1, month=date(2026, 11, 1))
    assert {(b.account.code, b.debit, b.credit) for b in stored} == {
        (ledger.RECEIVABLE, Decimal("7.00"), Decimal("0.00")),
        (ledger.PREPAID, Decimal("0.00"), Decimal("7.00")),
    }
