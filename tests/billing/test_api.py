"""The billing API: Idempotency-Key on payments, owners see only their own bills, outsiders nothing."""

from datetime import date

import pytest

from jiayuan.billing import services
from jiayuan.billing.models import Bill, Payment

NOV = date(2026, 11, 1)


@pytest.fixture
def billed(world, fees):
    services.billing_run_start(world.p1.pk, NOV, actor=fees.finance)
    return fees


def post(client, url, body, **headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_r7_2_payment_requires_an_idempotency_key(world, billed, as_user):
    resp = post(
        as_user(world.clerk), "/api/v1/payments", {"unit": world.unit.pk, "channel": "cash", "amount": "10"}
    )
    assert resp.status_code == 422
    assert not Payment.objects.exists()


def test_r7_2_same_key_books_once_over_http(world, billed, as_user):
    client = as_user(world.clerk)
    body = {"unit": world.unit.pk, "channel": "pos", "amount": "50.00"}
    first = post(client, "/api/v1/payments", body, HTTP_IDEMPOTENCY_KEY="abc")
    again = post(client, "/api/v1/payments", body, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["receipt"].startswith("SJ-")
    other = post(client, "/api/v1/payments", {**body, "amount": "51.00"}, HTTP_IDEMPOTENCY_KEY="abc")
    assert other.status_code == 409
    assert Payment.objects.count() == 1


def test_bills_api_shows_lines(world, billed, as_user):
    bill = Bill.objects.get(unit=world.unit)
    data = as_user(world.clerk).get(f"/api/v1/bills/{bill.pk}").json()
    assert data["number"] == "ZD-202611-3-2-1201"
    assert {line["description"] for line in data["lines"]} == {"物业管理费 2026-11", "垃圾清运费 2026-11"}


def test_owner_sees_only_own_bills_payments_and_receipts(world, billed, as_user):
    services.payment_take(
        services.Holder.of(world.other_unit),
        actor=world.clerk,
        channel="cash",
        amount="5",
        idempotency_key="n1",
    )
    owner = as_user(world.owner)
    bills = owner.get("/api/v1/bills").json()
    assert [b["unit"] for b in bills["items"]] == [world.unit.pk]
    neighbours = Bill.objects.get(unit=world.other_unit)
    assert owner.get(f"/api/v1/bills/{neighbours.pk}").status_code == 404
    assert owner.get("/api/v1/payments").json()["count"] == 0
    assert owner.get("/api/v1/receipts").json()["count"] == 0
    assert as_user(world.neighbour).get("/api/v1/receipts").json()["count"] == 1
    assert owner.get("/api/v1/billing-runs").json()["count"] == 0
    # Both bills are overdue by then (due 2026-12-01): the owner's arrears are his own unit's only.
    overdue = owner.get("/api/v1/arrears", {"as_of": "2027-02-15"}).json()["items"]
    assert [r["unit"] for r in overdue] == [world.unit.pk]
    assert {r["unit"] for r in owner.get("/api/v1/arrears").json()["items"]} <= {world.unit.pk}
    resp = post(
        owner,
        "/api/v1/payments",
        {"unit": world.unit.pk, "channel": "cash", "amount": "1"},
        HTTP_IDEMPOTENCY_KEY="o",
    )
    assert resp.status_code in (403, 404)


def test_finance_of_project_2_sees_nothing_of_project_1(world, billed, as_user):
    outsider = as_user(world.outsider)
    for path in (
        "/api/v1/bills",
        "/api/v1/payments",
        "/api/v1/receipts",
        "/api/v1/billing-runs",
        "/api/v1/arrears",
    ):
        assert outsider.get(path).json()["count"] == 0, path
    bill = Bill.objects.get(unit=world.unit)
    assert outsider.get(f"/api/v1/bills/{bill.pk}").status_code == 404
    resp = post(
        outsider,
        "/api/v1/payments",
        {"unit": world.unit.pk, "channel": "cash", "amount": "1"},
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert resp.status_code == 404
    resp = post(outsider, "/api/v1/billing-runs", {"project": world.p1.pk, "period": "2026-12"})
    assert resp.status_code == 404


def test_billing_run_over_the_api_is_idempotent(world, billed, as_user):
    client = as_user(billed.finance)
    first = post(client, "/api/v1/billing-runs", {"project": world.p1.pk, "period": "2026-12"})
    again = post(client, "/api/v1/billing-runs", {"project": world.p1.pk, "period": "2026-12"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again.json()["bills_created"] == 2
    assert (
        post(client, "/api/v1/billing-runs", {"project": world.p1.pk, "period": "2026-13"}).status_code == 422
    )


def test_arrears_buckets(world, billed, as_user):
    rows = as_user(world.clerk).get("/api/v1/arrears", {"as_of": "2027-02-15"}).json()["items"]
    mine = next(r for r in rows if r["unit"] == world.unit.pk)
    # due 2026-12-01, 76 days before 2027-02-15
    assert mine["b_31_90"] == mine["owed"] and mine["b_0_30"] == "0.00"


def test_fee_item_and_price_over_the_api(world, billed, as_user):
    client = as_user(billed.finance)
    resp = post(
        client, "/api/v1/fee-items", {"project": world.p1.pk, "code": "DT", "name": "电梯费", "kind": "area"}
    )
    assert resp.status_code == 201
    item = resp.json()["id"]
    resp = post(
        client, f"/api/v1/fee-items/{item}/prices", {"valid_from": "2027-01-01", "unit_price": "0.35"}
    )
    assert resp.status_code == 201 and resp.json()["prices"][0]["unit_price"] == "0.3500"
    assert (
        post(
            as_user(world.clerk),
            "/api/v1/fee-items",
            {"project": world.p1.pk, "code": "X", "name": "x", "kind": "fixed"},
        ).status_code
        == 403
    )


def test_owner_scope_is_the_own_units_and_spaces_each_bill_once(world, billed, as_user):
    """The owner condition reads a bill's own unit and space among the owner's: two current occupancies of
    one unit (owner and tenant) give its bill once, an ended one none, a held space's bill is theirs; a
    finance clerk of project 2 who lives in project 1 gets project 2's bills and their own, nobody else's."""
    from jiayuan.core.roles import Role
    from jiayuan.estate.models import Occupancy
    from tests.factories import MembershipFactory, OccupancyFactory, ParkingSpaceFactory, UnitFactory

    OccupancyFactory(unit=world.unit, party=world.owner_party, relation=Occupancy.Relation.TENANT)
    OccupancyFactory(unit=world.other_unit, party=world.owner_party, ended_on=date(2026, 10, 1))
    space = ParkingSpaceFactory(project=world.p1, holder=world.owner_party)
    space_bill = Bill.objects.create(
        project=world.p1, number="CW-1", period=NOV, space=space, issued_on=NOV, due_on=NOV, total="300.00"
    )
    unit_bill = Bill.objects.get(unit=world.unit)
    rows = as_user(world.owner).get("/api/v1/bills").json()
    assert sorted(b["id"] for b in rows["items"]) == sorted([unit_bill.pk, space_bill.pk])
    assert rows["count"] == 2

    MembershipFactory(user=world.neighbour, project=world.p2, company=world.company, role=Role.FINANCE)
    p2_unit = UnitFactory(building=world.p2_unit.building, room="102")
    p2_bill = Bill.objects.create(
        project=world.p2, number="ZD-P2", period=NOV, unit=p2_unit, issued_on=NOV, due_on=NOV, total="1.00"
    )
    rows = as_user(world.neighbour).get("/api/v1/bills").json()
    assert sorted(b["id"] for b in rows["items"]) == sorted(
        [p2_bill.pk, Bill.objects.get(unit=world.other_unit).pk]
    )
