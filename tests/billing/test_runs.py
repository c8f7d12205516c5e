"""R7.2 billing runs: one bill per unit (and held parking space) per month, idempotent, bulk, balanced."""

from datetime import date
from decimal import Decimal

import pytest

from jiayuan.billing import ledger, services
from jiayuan.billing.models import Bill, BillingRun, BillLine, JournalEntry
from jiayuan.core.errors import Conflict, Forbidden
from tests.billing.conftest import unit_total
from tests.factories import ParkingSpaceFactory, UnitFactory

NOV = date(2026, 11, 1)


def test_r7_2_run_bills_each_unit_once_with_a_line_per_item(world, fees):
    run = services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    assert run.status == BillingRun.Status.DONE
    bills = Bill.objects.filter(project=world.p1, period=NOV)
    assert bills.count() == 2
    bill = bills.get(unit=world.unit)
    assert bill.number == "ZD-202611-3-2-1201"
    assert bill.payer_name == "张伟"
    assert bill.total == unit_total()
    assert sorted(bill.lines.values_list("fee_item__code", "amount")) == [
        ("LJF", Decimal("10.00")),
        ("WYF", Decimal("223.75")),
    ]
    assert not Bill.objects.filter(project=world.p2).exists()


def test_r7_2_each_bill_is_one_balanced_entry(world, fees):
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    bill = Bill.objects.get(unit=world.unit, period=NOV)
    entry = JournalEntry.objects.get(source="bill", source_id=bill.pk)
    assert sum(line.debit for line in entry.lines.all()) == bill.total
    assert sum(line.credit for line in entry.lines.all()) == bill.total
    assert ledger.unbalanced_entries() == []
    assert ledger.receivable_of(world.p1.pk, unit_id=world.unit.pk) == bill.total


def test_r7_2_running_twice_gives_the_same_bills(world, fees):
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    before = list(Bill.objects.order_by("pk").values_list("pk", "total"))
    entries = JournalEntry.objects.count()
    run = services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    assert list(Bill.objects.order_by("pk").values_list("pk", "total")) == before
    assert JournalEntry.objects.count() == entries
    assert run.bills_created == 2
    assert BillingRun.objects.count() == 1


def test_r7_2_a_run_killed_midway_completes_on_rerun_without_duplicates(world, fees, monkeypatch):
    for i in range(5):
        UnitFactory(building=world.building, entrance=3, room=f"0{i + 1}01")
    real = ledger.post_rows
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:  # the second chunk dies after writing its bills and lines, before its entries
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger, "post_rows", dying)
    with pytest.raises(RuntimeError):
        services.billing_run_start(world.p1.pk, NOV, actor=fees.finance, chunk=3)
    assert Bill.objects.filter(period=NOV).count() == 3
    assert BillLine.objects.filter(bill__period=NOV).count() == 6  # the dead chunk left nothing behind
    assert BillingRun.objects.get().status == BillingRun.Status.RUNNING
    monkeypatch.setattr(ledger, "post_rows", real)
    run = services.billing_run_start(world.p1.pk, NOV, actor=fees.finance, chunk=3)
    assert run.status == BillingRun.Status.DONE
    assert Bill.objects.filter(period=NOV).count() == 7
    assert Bill.objects.filter(period=NOV).values("unit").distinct().count() == 7
    assert run.bills_created == 7
    assert ledger.unbalanced_entries() == []
    assert JournalEntry.objects.filter(source="bill").count() == 7


def test_r7_2_run_uses_constant_queries_whatever_the_number_of_units(world, fees):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.billing_run_start(world.p1.pk, date(2026, 9, 1), actor=fees.finance)  # creates the accounts
    with CaptureQueriesContext(connection) as few:
        services.billing_run_start(world.p1.pk, date(2026, 10, 1), actor=fees.finance)
    for i in range(40):
        UnitFactory(building=world.building, entrance=4, room=f"{i + 1:02d}01")
    with CaptureQueriesContext(connection) as many:
        services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    assert Bill.objects.filter(period=NOV).count() == 42
    assert len(many) == len(few) <= 34


def test_r7_1_unit_delivered_mid_month_is_prorated(world, fees):
    world.other_unit.delivered_on = date(2026, 11, 16)
    world.other_unit.save()
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    bill = Bill.objects.get(unit=world.other_unit)
    # 89.50 × 2.50 × 15/30 = 111.875 → 111.88; 10 × 15/30 = 5.00
    assert sorted(bill.lines.values_list("amount", "days")) == [
        (Decimal("5.00"), 15),
        (Decimal("111.88"), 15),
    ]
    assert "15天" in bill.lines.first().description


def test_unit_delivered_after_the_month_is_not_billed(world, fees):
    world.other_unit.delivered_on = date(2026, 12, 3)
    world.other_unit.save()
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    assert not Bill.objects.filter(unit=world.other_unit).exists()


def test_r7_2_parking_space_contract_gets_its_own_bill(world, fees):
    item = services.fee_item_create(
        world.p1.pk, actor=fees.finance, code="CWF", name="车位管理费", kind="parking"
    )
    services.price_version_add(item, actor=fees.finance, valid_from=date(2026, 1, 1), unit_price="150")
    space = ParkingSpaceFactory(project=world.p1, code="B1-001", holder=world.owner_party)
    ParkingSpaceFactory(project=world.p1, code="B1-002")  # nobody holds it: no bill
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    bill = Bill.objects.get(space=space)
    assert bill.total == Decimal("150.00") and bill.unit_id is None
    assert Bill.objects.filter(space__isnull=False).count() == 1


def test_fee_item_limited_to_unit_uses(world, fees):
    shop = services.fee_item_create(
        world.p1.pk, actor=fees.finance, code="SPF", name="商铺管理费", kind="fixed", unit_uses=["shop"]
    )
    services.price_version_add(shop, actor=fees.finance, valid_from=date(2026, 1, 1), unit_price="99")
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    assert not BillLine.objects.filter(fee_item=shop).exists()


def test_price_may_not_start_inside_a_billed_month(world, fees):
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    with pytest.raises(Conflict):
        services.price_version_add(
            fees.mgmt, actor=fees.finance, valid_from=date(2026, 11, 20), unit_price="3"
        )
    services.price_version_add(fees.mgmt, actor=fees.finance, valid_from=date(2026, 12, 1), unit_price="3")


def test_only_fee_managers_start_runs(world, fees):
    for user in (world.clerk, world.outsider, world.owner, world.manager):
        with pytest.raises(Forbidden):
            services.billing_run_start(world.p1.pk, NOV, actor=user)
    assert not Bill.objects.exists()


def test_r8_1_one_off_and_metered_charges_are_bills_of_their_own(world, fees):
    water = services.fee_item_create(world.p1.pk, actor=fees.finance, code="SF", name="水费", kind="metered")
    services.price_version_add(
        water,
        actor=fees.finance,
        valid_from=date(2026, 1, 1),
        unit_price="0.588",
        tiers=[["180", "0.588"], ["260", "0.638"], [None, "0.888"]],
    )
    holder = services.Holder.of(world.unit)
    bill = services.charge_create(holder, water, actor=fees.finance, quantity="250")
    assert bill.total == Decimal("150.50") and bill.kind == Bill.Kind.CHARGE
    special = services.fee_item_create(
        world.p1.pk, actor=fees.finance, code="TY", name="家电清洗", kind="special"
    )
    bill2 = services.charge_create(
        holder, special, actor=fees.finance, amount="80.00", description="空调清洗"
    )
    assert bill2.lines.get().description == "空调清洗"
    assert ledger.receivable_of(world.p1.pk, unit_id=world.unit.pk) == Decimal("230.50")
