"""R7.2 billing runs written as plain rows (ids reserved up front, ``COPY`` on PostgreSQL, ``executemany``
on SQLite): exactly the rows the rules give, on both databases; ids stay consistent with the ORM's."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from jiayuan.billing import ledger, services
from jiayuan.billing.models import Bill, BillLine, JournalEntry, JournalLine
from jiayuan.billing.services import runs
from jiayuan.core.errors import Forbidden, ValidationFailed
from tests.factories import ParkingSpaceFactory, UnitFactory

NOV = date(2026, 11, 1)
D = Decimal


@pytest.fixture
def priced(world, fees):
    """Mid-month price change, an inner-area item, a shop-only item, a parking contract, a late delivery."""
    finance = fees.finance
    services.price_version_add(fees.mgmt, actor=finance, valid_from=date(2026, 11, 11), unit_price="2.80")
    inner = services.fee_item_create(
        world.p1.pk, actor=finance, code="NBF", name="公共能耗费", kind="area", area_basis="inner"
    )
    services.price_version_add(inner, actor=finance, valid_from=date(2026, 1, 1), unit_price="1.00")
    shop = services.fee_item_create(
        world.p1.pk, actor=finance, code="SPF", name="商铺管理费", kind="fixed", unit_uses=["shop"]
    )
    services.price_version_add(shop, actor=finance, valid_from=date(2026, 1, 1), unit_price="99")
    parking = services.fee_item_create(
        world.p1.pk, actor=finance, code="CWF", name="车位管理费", kind="parking"
    )
    services.price_version_add(parking, actor=finance, valid_from=date(2026, 1, 1), unit_price="150")
    world.unit.inner_area = D("70.33")
    world.unit.save()
    world.other_unit.delivered_on = date(2026, 11, 16)
    world.other_unit.save()
    shop_unit = UnitFactory(
        building=world.building, entrance=9, room="0101", use="shop", building_area=D("40.00")
    )
    space = ParkingSpaceFactory(project=world.p1, code="B1-001", holder=world.owner_party)
    return shop_unit, space


def _bills():
    return {
        b.number: (b.unit_id, b.space_id, b.payer_name, b.issued_on, b.due_on, b.total, b.status, b.run_id)
        for b in Bill.objects.filter(period=NOV)
    }


def test_r7_2_bulk_run_writes_exactly_the_rows_of_the_rules(world, fees, priced):
    """R7.1/R7.2: numbers, payers, lines (quantity, price, days, text, amount rounded once per line), totals
    and one balanced entry per bill, Dr 1122 / Cr 6001.<item> per item, holder on every journal line."""
    shop_unit, space = priced
    run = services.billing_run_start(world.p1.pk, NOV, actor=fees.finance, on=date(2026, 11, 2))
    due, issued = date(2026, 12, 1), date(2026, 11, 2)
    assert _bills() == {
        "ZD-202611-3-2-1201": (world.unit.pk, None, "张伟", issued, due, D("321.98"), "unpaid", run.pk),
        "ZD-202611-3-1-0502": (world.other_unit.pk, None, "李娜", issued, due, D("130.30"), "unpaid", run.pk),
        f"ZD-202611-{shop_unit.address}": (
            shop_unit.pk,
            None,
            "",
            issued,
            due,
            D("217.00"),
            "unpaid",
            run.pk,
        ),
        "ZD-202611-PB1-001": (None, space.pk, "张伟", issued, due, D("150.00"), "unpaid", run.pk),
    }
    lines = sorted(
        BillLine.objects.filter(bill__period=NOV).values_list(
            "bill__number",
            "fee_item__code",
            "description",
            "quantity",
            "unit_price",
            "days",
            "amount",
            "paid",
        )
    )
    assert lines == sorted(
        [
            ("ZD-202611-3-1-0502", "LJF", "垃圾清运费 2026-11（15天）", D("1"), D("10"), 15, D("5.00"), 0),
            # delivered after the price change: 89.50 × 2.80 × 15/30 = 125.30
            (
                "ZD-202611-3-1-0502",
                "WYF",
                "物业管理费 2026-11（15天）",
                D("89.50"),
                D("2.80"),
                15,
                D("125.30"),
                0,
            ),
            ("ZD-202611-3-2-1201", "LJF", "垃圾清运费 2026-11", D("1"), D("10"), 30, D("10.00"), 0),
            ("ZD-202611-3-2-1201", "NBF", "公共能耗费 2026-11", D("70.33"), D("1.00"), 30, D("70.33"), 0),
            # 89.50 × (2.50 × 10 + 2.80 × 20) / 30 = 241.65
            ("ZD-202611-3-2-1201", "WYF", "物业管理费 2026-11", D("89.50"), D("2.80"), 30, D("241.65"), 0),
            ("ZD-202611-PB1-001", "CWF", "车位管理费 2026-11", D("1"), D("150"), 30, D("150.00"), 0),
            (
                f"ZD-202611-{shop_unit.address}",
                "LJF",
                "垃圾清运费 2026-11",
                D("1"),
                D("10"),
                30,
                D("10.00"),
                0,
            ),
            (
                f"ZD-202611-{shop_unit.address}",
                "SPF",
                "商铺管理费 2026-11",
                D("1"),
                D("99"),
                30,
                D("99.00"),
                0,
            ),
            # 40 × 2.70 = 108.00 (the inner-area item skips a unit without an inner area)
            (
                f"ZD-202611-{shop_unit.address}",
                "WYF",
                "物业管理费 2026-11",
                D("40.00"),
                D("2.80"),
                30,
                D("108.00"),
                0,
            ),
        ]
    )
    for bill in Bill.objects.filter(period=NOV):
        entry = JournalEntry.objects.get(source="bill", source_id=bill.pk)
        assert (entry.number, entry.memo, entry.date, entry.created_by) == (
            bill.number,
            f"出账 {bill.number}",
            issued,
            fees.finance,
        )
        got = sorted(
            (line.account.code, line.debit, line.credit, line.unit_id, line.space_id)
            for line in entry.lines.all()
        )
        want = [("1122", bill.total, 0, bill.unit_id, bill.space_id)] + [
            (f"6001.{line.fee_item.code}", 0, line.amount, bill.unit_id, bill.space_id)
            for line in bill.lines.all()
        ]
        assert got == sorted(want)
    assert ledger.unbalanced_entries() == []
    assert run.bills_created == 4 and run.total == D("819.28")


def test_r7_2_bulk_run_ids_stay_consistent_with_the_orm(world, fees, priced):
    """Reserved ids never collide with rows the ORM writes before or after (sequence / AUTOINCREMENT)."""
    holder = services.Holder.of(world.unit)
    special = services.fee_item_create(
        world.p1.pk, actor=fees.finance, code="TY", name="特约", kind="special"
    )
    before = services.charge_create(holder, special, actor=fees.finance, amount="5.00")
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    after = services.charge_create(holder, special, actor=fees.finance, amount="6.00")
    run_ids = list(Bill.objects.filter(period=NOV, kind="periodic").values_list("pk", flat=True))
    assert before.pk < min(run_ids) and after.pk > max(run_ids)
    entries = JournalEntry.objects.filter(source="bill", source_id__in=run_ids).values_list("pk", flat=True)
    assert len(entries) == len(run_ids)
    assert JournalEntry.objects.get(source_id=before.pk, source="bill").pk < min(entries)
    assert max(entries) < JournalEntry.objects.get(source_id=after.pk, source="bill").pk


def test_r7_2_prepaid_is_applied_oldest_first_by_the_bulk_run(world, fees):
    holder = services.Holder.of(world.unit)
    services.billing_run_start(world.p1.pk, date(2026, 10, 1), actor=fees.finance)
    services.payment_take(
        holder, actor=fees.finance, channel="cash", amount="300.00", idempotency_key="k", line_ids=None
    )
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    oct_bill = Bill.objects.get(unit=world.unit, period=date(2026, 10, 1))
    nov_bill = Bill.objects.get(unit=world.unit, period=NOV)
    assert oct_bill.status == "paid"
    assert nov_bill.paid == D("300.00") - oct_bill.total
    assert ledger.prepaid_of(world.p1.pk, unit_id=world.unit.pk) == 0
    assert ledger.unbalanced_entries() == []


def test_r7_3_post_rows_refuses_an_unbalanced_or_two_sided_entry_before_writing(world, fees):
    account = ledger.Chart(world.p1.pk).get(ledger.RECEIVABLE).pk
    good = (
        "A",
        NOV,
        "a",
        "t",
        None,
        [(account, D("1"), D("0"), None, None), (account, D("0"), D("1"), None, None)],
    )
    for bad_lines in (
        [(account, D("1"), D("0"), None, None), (account, D("0"), D("2"), None, None)],
        [(account, D("1"), D("1"), None, None)],
        [(account, D("-1"), D("0"), None, None), (account, D("0"), D("-1"), None, None)],
        [],
    ):
        with pytest.raises(ValidationFailed):
            ledger.post_rows(world.p1.pk, [good, ("B", NOV, "b", "t", None, bad_lines)])
    assert not JournalEntry.objects.exists() and not JournalLine.objects.exists()


def test_r7_2_bulk_run_refuses_wrong_role_and_writes_nothing(world, fees, priced):
    for user in (world.clerk, world.owner, world.outsider):
        with pytest.raises(Forbidden):
            services.billing_run_start(world.p1.pk, NOV, actor=user)
    assert not Bill.objects.exists() and not JournalEntry.objects.exists()


def test_r7_2_postgresql_run_copies_rows_and_reserves_ids_from_the_sequence(world, fees):
    """The PostgreSQL path: ids from the table's sequence, rows by COPY (CI's PostgreSQL pass)."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY and sequences are the PostgreSQL path")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "nextval" in sql
    assert 'INSERT INTO "billing_bill"' not in sql and 'INSERT INTO "billing_journalline"' not in sql
    assert Bill.objects.filter(period=NOV).count() == 2
    assert ledger.unbalanced_entries() == []


def test_pricer_prices_each_distinct_line_once(world, fees, monkeypatch):
    calls = []
    real = runs.monthly_line

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(runs, "monthly_line", counting)
    for i in range(6):
        UnitFactory(building=world.building, entrance=5, room=f"0{i + 1}01")  # all 89.50 m²
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    assert Bill.objects.filter(period=NOV).count() == 8
    assert len(calls) == 2  # one per fee item: every unit has the same area and a full month


def test_r7_2_a_chunk_meeting_a_billed_holder_is_redone_without_it(world, fees, monkeypatch):
    """Optimistic chunks: a holder already billed (resumed or concurrent run) makes the write hit the unique
    constraint; the chunk is rolled back to its savepoint and redone for the others only, nothing doubled."""
    real_pending, real_unbilled = runs._pending, runs._unbilled
    monkeypatch.setattr(runs, "_pending", lambda *a: [h for h in real_pending(*a) if h[0] != world.unit.pk])
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)  # misses world.unit
    assert list(Bill.objects.values_list("unit", flat=True)) == [world.other_unit.pk]
    monkeypatch.setattr(runs, "_pending", real_pending)
    lookups = []
    monkeypatch.setattr(runs, "_unbilled", lambda *a: lookups.append(a) or real_unbilled(*a))
    run = services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    assert len(lookups) == 1
    assert sorted(Bill.objects.values_list("unit", flat=True)) == sorted([world.unit.pk, world.other_unit.pk])
    assert JournalEntry.objects.filter(source="bill").count() == 2
    assert BillLine.objects.count() == 4
    assert run.bills_created == 2
    assert ledger.unbalanced_entries() == []
