"""API for meters and readings, deposits and expenses (R7.1 metered, R7.3, R7.4, R7.5, R13.2): paginated,
filtered and scoped lists; a reading posted over the API keeps the "lower than last unless replaced" rule;
owners see only their own units' data, project 2 nothing of project 1."""

from datetime import date

import pytest
from freezegun import freeze_time

from jiayuan.billing import services
from jiayuan.billing.models import ExpenseCategory, MeterReading
from jiayuan.billing.services import deposits, meters
from jiayuan.billing.services.expenses import ensure_categories, expense_record

TODAY = date(2026, 11, 20)


@pytest.fixture
def data(world, fees):
    item = services.fee_item_create(world.p1.pk, actor=fees.finance, code="SF", name="水费", kind="metered")
    services.price_version_add(item, actor=fees.finance, valid_from=date(2026, 1, 1), unit_price="3")
    mine = meters.meter_create(world.unit, actor=fees.finance, kind="water", fee_item=item, initial="100")
    theirs = meters.meter_create(
        world.other_unit, actor=fees.finance, kind="water", fee_item=item, initial="5"
    )
    with freeze_time(TODAY):
        meters.reading_record(mine, actor=world.tech, value="110", read_on=date(2026, 10, 31))
        meters.reading_record(theirs, actor=world.tech, value="9", read_on=date(2026, 10, 31))
        deposits.deposit_receive(
            world.unit, actor=world.admin, kind="decoration", amount="2000", channel="bank", payer_name="张伟"
        )
        deposits.deposit_receive(
            world.other_unit, actor=world.admin, kind="key", amount="50", channel="cash", payer_name="李娜"
        )
        ensure_categories()
        expense_record(
            world.p1.pk,
            actor=fees.finance,
            category=ExpenseCategory.objects.get(code="CLEAN"),
            amount="300",
            spent_on=TODAY,
            payee="保洁公司",
            paid_from="bank",
        )
    return mine, theirs


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_r7_1_staff_list_meters_and_readings_with_filters(world, fees, data, as_user):
    mine, _theirs = data
    client = as_user(fees.finance)
    page = client.get("/api/v1/meters", {"limit": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert (
        client.get("/api/v1/meters", {"unit": world.unit.pk}).json()["items"][0]["last_reading"] == "110.00"
    )
    readings = client.get("/api/v1/meter-readings", {"meter": mine.pk}).json()
    assert readings["count"] == 1 and readings["items"][0]["usage"] == "10.00"
    assert client.get("/api/v1/meter-readings", {"from": "2026-11-01"}).json()["count"] == 0
    assert client.get("/api/v1/meters", {"kind": "nope"}).status_code == 422


@freeze_time(TODAY)
def test_r7_1_reading_over_the_api_lower_than_last_is_refused(world, data, as_user):
    mine, _ = data
    tech = as_user(world.tech)
    low = post(tech, f"/api/v1/meters/{mine.pk}/readings", {"value": "109.99", "read_on": "2026-11-20"})
    assert low.status_code == 422 and low.json()["field"] == "value" and "换表" in low.json()["message"]
    ok = post(tech, f"/api/v1/meters/{mine.pk}/readings", {"value": "125.5", "read_on": "2026-11-20"})
    assert ok.status_code == 201 and ok.json()["usage"] == "15.50"
    assert MeterReading.objects.filter(meter=mine).count() == 2
    bad = post(tech, f"/api/v1/meters/{mine.pk}/readings", {"value": "abc"})
    assert bad.status_code == 422
    extra = post(tech, f"/api/v1/meters/{mine.pk}/readings", {"value": "130", "hack": 1})
    assert extra.status_code == 422


@freeze_time(TODAY)
def test_r7_1_reading_after_a_replacement_may_be_lower(world, fees, data, as_user):
    mine, _ = data
    meters.meter_replace(mine, actor=fees.finance, old_final="112", new_initial="0", reason="表坏")
    resp = post(as_user(world.tech), f"/api/v1/meters/{mine.pk}/readings", {"value": "3"})
    assert resp.status_code == 201 and resp.json()["usage"] == "5.00"  # 2 on the old meter + 3


def test_owner_sees_only_own_meters_readings_and_deposits_and_cannot_post(world, data, as_user):
    mine, theirs = data
    owner = as_user(world.owner)
    assert [m["id"] for m in owner.get("/api/v1/meters").json()["items"]] == [mine.pk]
    assert {r["meter"] for r in owner.get("/api/v1/meter-readings").json()["items"]} == {mine.pk}
    deps = owner.get("/api/v1/deposits").json()["items"]
    assert [d["kind"] for d in deps] == ["decoration"] and deps[0]["address"] == "3-2-1201"
    assert owner.get("/api/v1/expenses").json()["count"] == 0
    assert post(owner, f"/api/v1/meters/{theirs.pk}/readings", {"value": "20"}).status_code == 404
    assert post(owner, f"/api/v1/meters/{mine.pk}/readings", {"value": "200"}).status_code == 403
    assert MeterReading.objects.count() == 2


def test_project_2_sees_nothing_of_project_1(world, data, as_user):
    mine, _ = data
    outsider = as_user(world.outsider)
    for path in ("/api/v1/meters", "/api/v1/meter-readings", "/api/v1/deposits", "/api/v1/expenses"):
        assert outsider.get(path).json()["count"] == 0, path
    assert post(outsider, f"/api/v1/meters/{mine.pk}/readings", {"value": "200"}).status_code == 404


def test_r7_3_expenses_list_for_finance_with_filters(world, fees, data, as_user):
    client = as_user(fees.finance)
    page = client.get("/api/v1/expenses", {"category": "clean", "year": 2026}).json()
    assert page["count"] == 1 and page["items"][0]["amount"] == "300.00"
    assert page["items"][0]["category_name"] == "清洁卫生"
    assert client.get("/api/v1/expenses", {"status": "reversed"}).json()["count"] == 0
    assert as_user(world.clerk).get("/api/v1/expenses").json()["count"] == 0  # the desk reads no ledger


def test_r13_2_deposits_filter_by_status_and_kind(world, fees, data, as_user):
    client = as_user(fees.finance)
    assert client.get("/api/v1/deposits", {"kind": "key"}).json()["count"] == 1
    assert client.get("/api/v1/deposits", {"status": "closed"}).json()["count"] == 0
