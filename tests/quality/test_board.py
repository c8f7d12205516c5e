"""The indicator board (R10.1): every registered source with its target from the project's effective
standard, the catalogue indicators not measured yet, the drill-down and the refusals — proved with a fake
source, independent of the service and billing modules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.core import indicators
from jiayuan.core.indicators import Period
from jiayuan.core.roles import Perm
from jiayuan.org.models import Department
from jiayuan.quality import selectors
from jiayuan.standards.models import Standard
from jiayuan.standards.services import standard_override
from tests.factories import StaffFactory
from tests.quality.conftest import FAKE_CODE, SUPPORTING_CODE, make_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_clock")]

NOV = Period.month(2026, 11)
BOARD = reverse("quality:board")
DETAIL = reverse("quality:indicator")


@pytest.fixture
def _clock():
    with freeze_time("2026-11-20 10:00:00+08:00"):
        yield


@pytest.fixture
def staff(world):
    """Four active staff in project 1, one of them 回访 (the fake source: 1 of 4 = 25%); one in project 2."""
    cs = Department.objects.get(project=world.p1, kind=Department.Kind.CUSTOMER_SERVICE)
    people = [StaffFactory(project=world.p1, department=cs, name=n, post="客服") for n in ("甲", "乙", "丙")]
    people.append(StaffFactory(project=world.p1, department=cs, name="丁回访", post="回访"))
    StaffFactory(project=world.p2, name="二号项目员工", post="回访")
    return people


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def test_r10_1_board_lists_all_25_catalogue_indicators_in_order(world, fake_source, staff):
    rows, _ = selectors.board(world.manager, world.p1, NOV)
    assert [r.number for r in rows] == list(range(1, 26))


def test_r10_1_measured_figure_is_judged_against_the_effective_standard(world, fake_source, staff):
    """Indicator 24 ≥30%: the fake source gives 1/4 = 25% → not met, against company default v1."""
    rows, _ = selectors.board(world.manager, world.p1, NOV)
    row = _row(rows, FAKE_CODE)
    assert row.origin == selectors.Origin.MEASURED
    assert (row.numerator, row.denominator, row.figure) == (Decimal(1), Decimal(4), Decimal("25.00"))
    assert row.target_text == "≥ 30%"
    assert row.state == selectors.State.NOT_MET
    assert row.version.project_id is None and row.version_label.startswith("v1")


def test_r10_1_a_project_override_moves_the_target(world, fake_source, staff):
    standard = Standard.objects.get(code=FAKE_CODE)
    standard_override(standard, actor=world.admin, project=world.p1, amount="20", enabled=True, reason="试行")
    rows, _ = selectors.board(world.manager, world.p1, NOV)
    row = _row(rows, FAKE_CODE)
    assert row.target_text == "≥ 20%"
    assert row.state == selectors.State.MET
    assert row.version.project_id == world.p1.pk


def test_r10_1_a_switched_off_standard_is_not_judged(world, fake_source, staff):
    standard = Standard.objects.get(code=FAKE_CODE)
    standard_override(
        standard, actor=world.admin, project=world.p1, amount="30", enabled=False, reason="不适用"
    )
    row = _row(selectors.board(world.manager, world.p1, NOV)[0], FAKE_CODE)
    assert row.state == selectors.State.OFF


def test_r10_1_no_rows_means_no_data_not_zero(world, fake_source):
    row = _row(selectors.board(world.manager, world.p1, NOV)[0], FAKE_CODE)
    assert row.figure is None and row.state == selectors.State.NO_DATA


def test_r10_1_unmeasured_indicators_are_listed_as_missing(world, fake_source, staff):
    rows, _ = selectors.board(world.manager, world.p1, NOV)
    missing = [r for r in rows if r.origin == selectors.Origin.MISSING]
    assert "indicator.01_house_intact" in {r.code for r in missing}
    assert FAKE_CODE not in {r.code for r in missing}
    assert all(r.figure is None for r in missing)


def test_a_module_measure_without_catalogue_number_is_a_supporting_row(world, register_source, staff):
    register_source(make_source(code=SUPPORTING_CODE))
    rows, supporting = selectors.board(world.manager, world.p1, NOV)
    assert SUPPORTING_CODE not in {r.code for r in rows}
    row = _row(supporting, SUPPORTING_CODE)
    assert row.state == selectors.State.NO_TARGET and row.figure == Decimal("25.00")


def test_board_page_shows_figure_target_and_state(world, fake_source, staff, as_user):
    resp = as_user(world.manager).get(BOARD, {"month": "2026-11"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "假维修回访率" in body and "25.0%" in body and "≥ 30%" in body and "未达标" in body
    assert "待录入/未计量" in body and "房屋完好率" in body


def test_board_page_queries_are_bounded(world, fake_source, staff, as_user, django_assert_max_num_queries):
    """A fixed few (standards, catalogue, entries, shell) plus each registered source's own counts."""
    client = as_user(world.inspector)
    client.get(BOARD)  # warm the session and caches
    with django_assert_max_num_queries(14 + 3 * len(indicators.sources())):
        assert client.get(BOARD, {"project": world.p1.pk}).status_code == 200


def test_board_queries_do_not_grow_with_the_records(world, fake_source, staff, as_user):
    client = as_user(world.manager)
    client.get(BOARD)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(BOARD).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    cs = Department.objects.get(project=world.p1, kind=Department.Kind.CUSTOMER_SERVICE)
    for i in range(20):
        StaffFactory(project=world.p1, department=cs, name=f"新员工{i}", post="回访", is_manager=True)
    assert count() == before


@pytest.mark.parametrize("month", ["2026-12", "1999-12", "abc", "2026-13", "9" * 30, "2026-1-1"])
def test_month_outside_bounds_falls_back_to_this_month(world, fake_source, as_user, month):
    resp = as_user(world.manager).get(BOARD, {"month": month})
    assert resp.status_code == 200
    assert resp.context["period"] == NOV


def test_past_month_is_shown(world, fake_source, as_user):
    resp = as_user(world.manager).get(BOARD, {"month": "2025-02"})
    assert resp.context["period"] == Period.month(2025, 2)


def test_drill_down_lists_numerator_and_denominator_rows_with_links(world, fake_source, staff, as_user):
    resp = as_user(world.manager).get(DETAIL, {"code": FAKE_CODE, "month": "2026-11"})
    assert resp.status_code == 200
    numerator = list(resp.context["numerator_table"].paginated_rows)
    denominator = list(resp.context["denominator_table"].paginated_rows)
    assert [r.record.name for r in numerator] == ["丁回访"]
    assert len(denominator) == 4
    body = resp.content.decode()
    assert f'href="/org/staff/{staff[3].pk}/"' in body
    assert "二号项目员工" not in body


def test_drill_down_has_a_12_month_trend(world, fake_source, staff, as_user):
    resp = as_user(world.manager).get(DETAIL, {"code": FAKE_CODE, "month": "2026-11"})
    trend = resp.context["row"].trend
    assert [p.period.label for p in trend][0] == "2025-12" and trend[-1].period == NOV
    assert len(trend) == 12 and resp.context["trend"][-1]["value"] == 25.0
    assert "quality/echarts/echarts.min.js" in resp.content.decode()


def test_drill_down_pages_each_side(world, fake_source, as_user):
    cs = Department.objects.get(project=world.p1, kind=Department.Kind.CUSTOMER_SERVICE)
    for i in range(30):
        StaffFactory(project=world.p1, department=cs, name=f"员工{i:02d}", post="客服")
    resp = as_user(world.manager).get(DETAIL, {"code": FAKE_CODE, "d-page": "2"})
    table = resp.context["denominator_table"]
    assert table.page.number == 2 and len(list(table.paginated_rows)) == 5


def test_unknown_code_is_404(world, as_user):
    client = as_user(world.manager)
    assert client.get(DETAIL, {"code": "indicator.99_nothing"}).status_code == 404
    assert client.get(DETAIL, {"code": "<script>"}).status_code == 404
    assert client.get(DETAIL).status_code == 404


def test_source_permission_guards_the_drill_down(world, register_source, staff, as_user):
    """A source naming a permission the manager lacks: the figure shows, the rows do not."""
    register_source(make_source(perm=Perm.WORK_ORDERS))
    resp = as_user(world.manager).get(DETAIL, {"code": FAKE_CODE})
    assert resp.status_code == 200
    assert "numerator_table" not in resp.context
    assert "丁回访" not in resp.content.decode()
    assert as_user(world.admin).get(DETAIL, {"code": FAKE_CODE}).context["numerator_table"] is not None


@pytest.mark.parametrize("name", ["board", "indicator"])
def test_outsider_of_project_2_cannot_open_project_1(world, fake_source, staff, as_user, name):
    resp = as_user(world.outsider).get(
        reverse(f"quality:{name}"), {"project": world.p1.pk, "code": FAKE_CODE}
    )
    assert resp.status_code == 404


def test_outsider_board_shows_only_project_2(world, fake_source, staff, as_user):
    resp = as_user(world.outsider).get(BOARD)
    assert resp.status_code == 200
    assert resp.context["project"] == world.p2
    assert world.p1.name not in resp.content.decode()


@pytest.mark.parametrize("who", ["owner", "neighbour", "clerk", "tech"])
@pytest.mark.parametrize("name", ["board", "indicator", "entry_add", "evidence"])
def test_owners_and_roles_without_indicators_are_refused(world, fake_source, as_user, who, name):
    resp = as_user(getattr(world, who)).get(reverse(f"quality:{name}"), {"code": FAKE_CODE, "id": "1"})
    assert resp.status_code in {403, 404}


def test_clerk_asking_for_own_project_gets_403(world, as_user):
    assert as_user(world.clerk).get(BOARD, {"project": world.p1.pk}).status_code == 403


def test_inspector_sees_every_project(world, fake_source, staff, as_user):
    client = as_user(world.inspector)
    assert client.get(BOARD, {"project": world.p2.pk}).context["project"] == world.p2
    assert client.get(BOARD, {"project": world.p1.pk}).context["project"] == world.p1


def test_board_is_in_the_quality_navigation(world, as_user):
    body = as_user(world.manager).get(reverse("home")).content.decode()
    assert BOARD in body
    assert BOARD not in as_user(world.clerk).get(reverse("home")).content.decode()
