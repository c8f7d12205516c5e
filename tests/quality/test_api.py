"""Indicator API (R10.1): board and drill-down rows, bounded, scoped and refused like the pages."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from jiayuan.core.roles import Perm
from jiayuan.org.models import Department
from tests.factories import StaffFactory
from tests.quality.conftest import FAKE_CODE, make_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_clock")]

BOARD = "/api/v1/indicators"


@pytest.fixture
def _clock():
    with freeze_time("2026-11-20 10:00:00+08:00"):
        yield


@pytest.fixture
def staff(world):
    cs = Department.objects.get(project=world.p1, kind=Department.Kind.CUSTOMER_SERVICE)
    StaffFactory(project=world.p1, department=cs, name="甲", post="客服")
    StaffFactory(project=world.p1, department=cs, name="乙回访", post="回访")
    StaffFactory(project=world.p2, name="二号项目员工", post="回访")


def test_r10_1_api_board_gives_figures_targets_and_states(world, fake_source, staff, as_user):
    resp = as_user(world.manager).get(BOARD, {"project": world.p1.pk, "month": "2026-11"})
    assert resp.status_code == 200
    payload = resp.json()
    assert payload["project"] == world.p1.pk and payload["month"] == "2026-11"
    items = {i["code"]: i for i in payload["items"]}
    assert len([i for i in payload["items"] if i["number"]]) == 25
    fake = items[FAKE_CODE]
    assert fake["origin"] == "measured" and float(fake["figure"]) == 50.0
    assert fake["target"]["comparator"] == "ge" and fake["target"]["text"] == "≥ 30%"
    assert fake["state"] == "met" and fake["rows_available"] is True
    assert items["indicator.01_house_intact"]["origin"] == "missing"


def test_api_rows_pages_one_side(world, fake_source, staff, as_user):
    url = f"{BOARD}/{FAKE_CODE}/rows"
    resp = as_user(world.manager).get(url, {"project": world.p1.pk, "side": "denominator", "page_size": 1})
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 2 and len(body["items"]) == 1 and body["columns"] == ["姓名", "岗位"]
    assert body["items"][0]["url"].startswith("/org/staff/")
    numerator = as_user(world.manager).get(url, {"project": world.p1.pk}).json()
    assert [i["cells"][0] for i in numerator["items"]] == ["乙回访"]
    beyond = as_user(world.manager).get(url, {"project": world.p1.pk, "page": 99}).json()
    assert beyond["items"] == [] and beyond["count"] == 1


def test_api_refusals(world, fake_source, staff, as_user):
    rows = f"{BOARD}/{FAKE_CODE}/rows"
    assert as_user(world.outsider).get(BOARD, {"project": world.p1.pk}).status_code == 404
    assert as_user(world.outsider).get(rows, {"project": world.p1.pk}).status_code == 404
    assert as_user(world.clerk).get(BOARD, {"project": world.p1.pk}).status_code == 403
    assert as_user(world.owner).get(BOARD).status_code == 403
    assert as_user(world.neighbour).get(rows).status_code == 403
    outsider_board = as_user(world.outsider).get(BOARD).json()
    assert outsider_board["project"] == world.p2.pk


def test_api_rows_respect_the_source_permission(world, register_source, staff, as_user):
    register_source(make_source(perm=Perm.WORK_ORDERS))
    rows = f"{BOARD}/{FAKE_CODE}/rows"
    assert as_user(world.manager).get(rows, {"project": world.p1.pk}).status_code == 403
    assert as_user(world.admin).get(rows, {"project": world.p1.pk}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"month": "2026-12"}, {"month": "1999-01"}, {"month": "abc"}, {"project": 0}, {"project": "x"}],
)
def test_api_bad_parameters_are_422(world, fake_source, as_user, params):
    assert as_user(world.manager).get(BOARD, params).status_code == 422


def test_api_rows_of_a_typed_in_or_unknown_indicator_are_404(world, as_user):
    client = as_user(world.manager)
    assert client.get(f"{BOARD}/indicator.01_house_intact/rows").status_code == 404
    assert client.get(f"{BOARD}/nothing.here/rows").status_code == 404
    assert client.get(f"{BOARD}/BAD CODE/rows").status_code in {404, 422}
