"""The requests API: create with Idempotency-Key, list/filter, read with timeline and timers, one endpoint
per action, owners only their own units' requests, errors as {code, message, field}."""

from __future__ import annotations

import json

import pytest

from jiayuan.service.models import ServiceRequest, State

URL = "/api/v1/requests"


def post(client, url, data=None, **headers):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **headers)


@pytest.fixture
def clerk(world, as_user):
    return as_user(world.clerk)


def create(client, world, **kw):
    data = {"project": world.p1.pk, "type": "repair", "content": "水管漏水", "unit": world.unit.pk, **kw}
    return post(client, URL, data)


def test_create_with_idempotency_key_returns_the_first(world, clerk):
    r1 = post(
        clerk,
        URL,
        {"project": world.p1.pk, "type": "repair", "content": "漏水", "unit": world.unit.pk},
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert r1.status_code == 201, r1.content
    r2 = post(
        clerk,
        URL,
        {"project": world.p1.pk, "type": "repair", "content": "漏水", "unit": world.unit.pk},
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert r2.status_code == 200 and r2.json()["id"] == r1.json()["id"]
    assert ServiceRequest.objects.count() == 1
    body = r1.json()
    assert body["number"].startswith("BX-") and body["address"] == "3-2-1201"
    assert {t["kind"] for t in body["timers"]} == {"dispatch", "first_response"}
    assert body["timeline"][0]["action"] == "create"


def test_list_filters_and_masks_phones(world, clerk):
    create(clerk, world)
    create(clerk, world, type="complaint", content="噪音")
    page = clerk.get(URL, {"type": "complaint"}).json()
    assert page["count"] == 1 and page["items"][0]["type"] == "complaint"
    assert page["items"][0]["contact_phone"] == "138****8000"
    assert clerk.get(URL, {"q": "3-2-1201"}).json()["count"] == 2
    assert clerk.get(URL, {"state": "bogus"}).status_code == 422
    assert clerk.get(URL, {"limit": 1000}).status_code == 422


def test_full_repair_journey_through_the_api(world, as_user, clerk):
    from jiayuan.org.models import Department

    eng = Department.objects.get(project=world.p1, kind="engineering")
    rid = create(clerk, world).json()["id"]
    tech = as_user(world.tech)
    owner = as_user(world.owner)
    r = post(clerk, f"{URL}/{rid}/dispatch", {"department": eng.pk, "assignee": world.tech.pk})
    assert r.status_code == 200 and r.json()["state"] == State.DISPATCHED
    for step in ("accept", "depart", "arrive"):
        assert post(tech, f"{URL}/{rid}/{step}").status_code == 200
    assert (
        post(
            tech, f"{URL}/{rid}/materials", {"name": "阀门", "quantity": "1", "unit_price": "25.00"}
        ).status_code
        == 200
    )
    assert post(tech, f"{URL}/{rid}/complete", {"note": "换阀门"}).status_code == 200
    assert post(owner, f"{URL}/{rid}/confirm").json()["state"] == State.CLOSED
    r = post(owner, f"{URL}/{rid}/rate", {"rating": 5, "comment": "好"})
    assert r.status_code == 200 and r.json()["rating"] == 5
    detail = owner.get(f"{URL}/{rid}").json()
    assert detail["contact_phone"] == "13800138000"  # the owner's own number
    assert [e["action"] for e in detail["timeline"]][-2:] == ["confirm", "rate"]
    assert detail["materials"][0]["unit_price"] == "25.00"


def test_errors_are_chinese_json_with_code(world, clerk):
    rid = create(clerk, world).json()["id"]
    r = post(clerk, f"{URL}/{rid}/arrive")
    assert r.status_code == 409 and r.json()["code"] == "bad_state" and "不能到场" in r.json()["message"]
    r = post(
        clerk,
        f"{URL}/{rid}/postpone",
        {"to": "2026-12-01T10:00:00", "reason": "x", "customer_informed": True},
    )
    assert r.status_code == 422 and r.json()["field"] == "to"


def test_owner_sees_only_own_units_requests(world, as_user, clerk):
    mine = create(clerk, world).json()["id"]
    theirs = create(clerk, world, unit=world.other_unit.pk).json()["id"]
    owner = as_user(world.owner)
    assert [i["id"] for i in owner.get(URL).json()["items"]] == [mine]
    assert owner.get(f"{URL}/{theirs}").status_code == 404
    assert post(owner, f"{URL}/{theirs}/rate", {"rating": 5}).status_code == 404


def test_owner_reports_through_the_api_for_own_unit_only(world, as_user):
    owner = as_user(world.owner)
    r = post(owner, URL, {"type": "repair", "content": "门锁坏了", "unit": world.unit.pk})
    assert r.status_code == 201 and r.json()["channel"] == "portal"
    r = post(owner, URL, {"type": "repair", "content": "x", "unit": world.other_unit.pk})
    assert r.status_code == 422


def test_outsider_and_other_project_cannot_reach(world, as_user, clerk):
    rid = create(clerk, world).json()["id"]
    outsider = as_user(world.outsider)
    assert outsider.get(f"{URL}/{rid}").status_code == 404
    assert outsider.get(URL).json()["count"] == 0
    assert post(outsider, f"{URL}/{rid}/cancel", {"reason": "x"}).status_code == 404
    r = post(outsider, URL, {"project": world.p1.pk, "type": "repair", "content": "x"})
    assert r.status_code == 403


def test_technician_sees_only_department_jobs(world, as_user, clerk):
    from jiayuan.org.models import Department

    eng = Department.objects.get(project=world.p1, kind="engineering")
    undispatched = create(clerk, world).json()["id"]
    sent = create(clerk, world, type="suggestion", content="家电清洗").json()["id"]
    post(clerk, f"{URL}/{sent}/dispatch", {"department": eng.pk})
    tech = as_user(world.tech)
    assert [i["id"] for i in tech.get(URL).json()["items"]] == [sent]
    assert tech.get(f"{URL}/{undispatched}").status_code == 404


def test_technician_follows_the_finding_he_reported(world, as_user, clerk):
    """A technician reports what he finds (REPORT_ISSUES). The request was created, so he must get it back and
    follow it; before, the API answered 404 after creating it and a retry made a second one."""
    tech = as_user(world.tech)
    r = post(tech, URL, {"project": world.p1.pk, "type": "repair", "content": "2号楼路灯不亮"})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert tech.get(f"{URL}/{rid}").status_code == 200
    assert rid in [i["id"] for i in tech.get(URL).json()["items"]]
    # another clerk's report stays out of his sight until it is sent to his department
    other = create(clerk, world).json()["id"]
    assert tech.get(f"{URL}/{other}").status_code == 404
    assert as_user(world.outsider).get(f"{URL}/{rid}").status_code == 404


def test_visit_queue_endpoint(world, clerk):
    assert clerk.get(f"{URL}/visit-queue").json() == {"count": 0, "items": []}


@pytest.mark.usefixtures("pinned_clock")  # times built from now: a fixed day, not the machine's
def test_r8_1_api_menu_order_and_charge(world, as_user, clerk):
    from datetime import date, timedelta

    from django.utils import timezone

    from jiayuan.billing import services as billing

    item = billing.fee_item_create(
        world.p1.pk, actor=world.admin, code="TY1", name="空调清洗", kind="special"
    )
    billing.price_version_add(item, actor=world.admin, valid_from=date(2026, 1, 1), unit_price="80")
    menu = clerk.get("/api/v1/special-services", {"project": world.p1.pk}).json()
    assert [(m["code"], m["price"]) for m in menu] == [("TY1", "80.00")]
    owner_menu = as_user(world.owner).get("/api/v1/special-services", {"project": world.p1.pk}).json()
    assert [m["id"] for m in owner_menu] == [item.pk]
    assert as_user(world.outsider).get("/api/v1/special-services", {"project": world.p1.pk}).json() == []
    when = (timezone.now() + timedelta(days=1)).isoformat()
    r = create(clerk, world, type="special", content="挂机", fee_item=item.pk, preferred_time=when)
    assert r.status_code == 201 and r.json()["quoted_price"] == "80.00" and r.json()["fee_item"] == item.pk
    r2 = create(clerk, world, type="special", content="挂机", fee_item=999999, preferred_time=when)
    assert r2.status_code == 422 and r2.json()["field"] == "fee_item"
    # Not done yet: can't be charged; the desk may not charge at all.
    assert post(clerk, f"{URL}/{r.json()['id']}/charge", {}).status_code == 403
    assert post(as_user(world.admin), f"{URL}/{r.json()['id']}/charge", {}).status_code == 409


@pytest.mark.usefixtures("pinned_clock")  # times built from now: a fixed day, not the machine's
def test_r3_4_api_agree_delay(world, clerk):
    from datetime import timedelta

    from django.utils import timezone

    rid = create(clerk, world).json()["id"]
    until = (timezone.now() + timedelta(minutes=30)).isoformat()
    r = post(clerk, f"{URL}/{rid}/agree-delay", {"until": until, "note": "维修工在外"})
    assert r.status_code == 200 and r.json()["delay_agreed_until"]
    timer = next(t for t in r.json()["timers"] if t["kind"] == "dispatch")
    assert timer["due_at"] == r.json()["delay_agreed_until"]
    far = (timezone.now() + timedelta(days=30)).isoformat()
    assert post(clerk, f"{URL}/{rid}/agree-delay", {"until": far}).status_code in (409, 422)
