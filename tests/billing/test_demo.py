"""The demo's year of billing: balanced books, realistic arrears, a collection rate below 100%."""

import pytest
from freezegun import freeze_time

from jiayuan.billing import ledger
from jiayuan.billing.indicators import measure_collection
from jiayuan.billing.models import Bill, BillingRun, Payment, Receipt
from jiayuan.billing.selectors import arrears_for
from jiayuan.core.indicators import Period
from jiayuan.demo import DEFAULT_SEED, load_demo
from jiayuan.demo.context import RESIDENTIAL_CODE


@pytest.fixture
def demo(db):
    # Built on a fixed day: which months are paid by now depends on the day the demo is built.
    with freeze_time("2026-11-20 10:00:00+08:00"):
        return load_demo(seed=DEFAULT_SEED, scale=0.02)


def test_demo_has_a_year_of_bills_payments_and_arrears(demo):
    p1 = demo.project(RESIDENTIAL_CODE)
    assert BillingRun.objects.filter(project=p1).count() == 12
    assert Bill.objects.filter(project=p1).count() >= 12 * len(demo.units[RESIDENTIAL_CODE])
    assert Payment.objects.filter(project=p1).count() == Receipt.objects.filter(project=p1).count() > 0
    assert ledger.unbalanced_entries() == []
    assert sum(r["balance"] for r in ledger.trial_balance(p1.pk)) == 0
    admin = demo.users["admin"]
    rows = list(arrears_for(admin, p1, as_of=demo.today))
    assert rows, "some households owe"
    assert any(r["b_91_180"] or r["b_181_365"] for r in rows), "some arrears are old"
    # September's bills (issued 1 September) had time to be paid, except by the quarterly payers (whose
    # September–November quarter falls due in December) and the households that do not pay.
    rate = measure_collection(p1.pk, Period.month(2026, 9)).ratio
    assert rate is not None and 50 < rate < 100


def test_every_unit_balance_on_the_books_matches_its_bills(demo):
    p1 = demo.project(RESIDENTIAL_CODE)
    for unit in demo.units[RESIDENTIAL_CODE][:20]:
        owed = sum(b.outstanding for b in Bill.objects.filter(unit=unit))
        prepaid = ledger.prepaid_of(p1.pk, unit_id=unit.pk)
        assert ledger.receivable_of(p1.pk, unit_id=unit.pk) - prepaid == owed - prepaid
