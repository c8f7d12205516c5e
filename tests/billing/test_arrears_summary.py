"""Arrears summaries (R7.2): arrears per unit, per building and for the project, with ageing buckets,
filters (building, minimum amount, bucket), pagination and a bounded number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.billing import selectors, services

LATER = "2027-02-15 10:00:00+08:00"


@pytest.fixture
def billed(world, fees):
    services.billing_run_start(world.p1.pk, date(2026, 10, 1), actor=fees.finance)
    services.billing_run_start(world.p1.pk, date(2026, 11, 1), actor=fees.finance)
    return fees


@freeze_time(LATER)
def test_r7_2_arrears_per_unit_building_and_project_agree(
    world, billed, as_user, django_assert_max_num_queries
):
    client = as_user(billed.finance)
    with django_assert_max_num_queries(30):
        resp = client.get(reverse("billing:arrears"))
    assert resp.status_code == 200
    ctx = resp.context
    units = selectors.fen_rows(selectors.arrears_for(billed.finance, world.p1, as_of=date(2027, 2, 15)))
    project = ctx["project_totals"]
    assert project["units"] == len(units) >= 2
    assert project["owed"] == sum((r["owed"] for r in units), Decimal("0.00")) > 0
    assert project["owed"] == sum((project[f"b_{b[0]}"] for b in selectors.BUCKETS), Decimal("0.00"))
    assert project["b_91_180"] > 0  # the October bills are over 90 days late by mid-February
    by_building = ctx["by_building"]
    assert sum((b["owed"] for b in by_building), Decimal("0.00")) == project["owed"]
    assert sum(b["units"] for b in by_building) == project["units"]
    body = resp.content.decode()
    assert "按楼栋汇总" in body and "3-2-1201" in body


@freeze_time(LATER)
def test_r7_2_arrears_filters(world, billed, as_user):
    client = as_user(billed.finance)
    everything = client.get(reverse("billing:arrears")).context["project_totals"]
    top = max(
        r["owed"]
        for r in selectors.fen_rows(selectors.arrears_for(billed.finance, world.p1, as_of=date(2027, 2, 15)))
    )
    resp = client.get(reverse("billing:arrears"), {"min_amount": str(top)})
    assert resp.context["totals"]["units"] >= 1 and resp.context["totals"]["owed"] <= everything["owed"]
    assert client.get(reverse("billing:arrears"), {"min_amount": "99999999"}).context["totals"]["units"] == 0
    assert client.get(reverse("billing:arrears"), {"bucket": "over_365"}).context["totals"]["units"] == 0
    assert client.get(reverse("billing:arrears"), {"bucket": "91_180"}).context["totals"]["units"] >= 1
    building = client.get(reverse("billing:arrears"), {"building": str(world.building.pk)}).context["totals"]
    assert 1 <= building["units"] <= everything["units"]
    # bad input: a Chinese form error, nothing listed, no 500
    for bad in ({"min_amount": "abc"}, {"building": "999999"}, {"bucket": "x"}, {"min_amount": "-1"}):
        resp = client.get(reverse("billing:arrears"), bad)
        assert resp.status_code == 200 and resp.context["totals"]["units"] == 0, bad


@freeze_time(LATER)
def test_arrears_paginates(world, billed, as_user):
    resp = as_user(billed.finance).get(reverse("billing:arrears"), {"per_page": "10", "page": "1"})
    assert resp.status_code == 200
    assert len(resp.context["table"].page.object_list) <= 10


@freeze_time(LATER)
def test_arrears_summary_stays_in_the_project(world, billed, as_user):
    resp = as_user(world.outsider).get(reverse("billing:arrears"))
    assert resp.status_code == 200 and resp.context["project_totals"]["units"] == 0
    assert "3-1-0502" not in resp.content.decode() and world.p1.name not in resp.content.decode()
