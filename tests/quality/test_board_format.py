"""How the indicator board (R10.1) writes its numbers (UI.md "Colours and formats"): thousands separators,
percentages with one decimal (two where one would hide a miss), counts as whole numbers, money as
``¥1,234.56``; the trend of one indicator as a table of months; drill-down numbers right-aligned; and the
demo's entered figures, so every one of the 25 indicators shows a figure on first start."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.core.indicators import Column, IndicatorSource, Measurement, Period, Side
from jiayuan.org.models import Staff
from jiayuan.quality import selectors
from jiayuan.quality.models import IndicatorEntry
from jiayuan.quality.services import indicator_entry_record
from jiayuan.quality.templatetags.quality_format import q_money, q_number, q_percent, q_side
from jiayuan.standards.models import Standard
from tests.factories import StaffFactory
from tests.quality.conftest import FAKE_CODE

NOV = Period.month(2026, 11)
BOARD = reverse("quality:board")
DETAIL = reverse("quality:indicator")
HOUSES = "indicator.01_house_intact"
CASES = "indicator.14_public_order_cases"
FIRE_ALARMS = "indicator.16_fire_alarms"


# --- the filters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "text"),
    [
        (Decimal("98.30"), None, "98.3%"),
        (Decimal("100.00"), Decimal(100), "100.0%"),
        (Decimal("80.31"), Decimal(98), "80.3%"),
        (Decimal("99.96"), Decimal(100), "99.96%"),  # not "100.0%" next to 未达标
        (Decimal("98.96"), Decimal(99), "98.96%"),  # not "99.0%" against a 99% target
        (Decimal("99.04"), Decimal(99), "99.04%"),
        (Decimal("0.04"), Decimal(1), "0.04%"),  # one alarm in 2,454 households is not "0.0%"
        (Decimal("0.00"), Decimal(0), "0.0%"),
        (Decimal("1234.5"), None, "1,234.5%"),
        (None, None, "—"),
        ("", None, "—"),
        ("abc", None, "—"),
    ],
)
def test_percent_has_one_decimal_and_two_where_one_would_hide_the_miss(value, target, text):
    assert q_percent(value, target) == text


def test_percent_takes_the_standard_version_as_target():
    class Version:
        amount = Decimal("100.000")

    assert q_percent(Decimal("99.96"), Version()) == "99.96%"
    assert q_percent(Decimal("99.40"), Version()) == "99.4%"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2454.00"), "2,454"),
        (Decimal("0.00"), "0"),
        (7, "7"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("573598.92"), "573,598.92"),
        (None, "—"),
    ],
)
def test_counts_are_whole_numbers_with_thousands_separators(value, text):
    assert q_number(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("573598.92"), "¥573,598.92"),
        (Decimal("0"), "¥0.00"),
        (Decimal("-12.5"), "-¥12.50"),
        (None, "—"),
    ],
)
def test_money_has_yuan_sign_separators_and_cents(value, text):
    assert q_money(value) == text


def test_a_side_is_money_only_for_money_rows():
    class Row:
        money = True

    assert q_side(Decimal("714204.74"), Row()) == "¥714,204.74"
    assert q_side(Decimal("2454"), object()) == "2,454"


# --- pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def _clock():
    with freeze_time("2026-11-20 10:00:00+08:00"):
        yield


def _enter(world, code, numerator, denominator=None, period=NOV):
    return indicator_entry_record(
        world.p1,
        actor=world.manager,
        code=code,
        period=period,
        numerator=Decimal(numerator),
        denominator=None if denominator is None else Decimal(denominator),
        evidence="巡查记录",
    )


def _cell(body: str, code: str) -> str:
    """The board row of one indicator."""
    match = re.search(rf'<tr data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', body, re.S)
    assert match, code
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_r10_1_board_writes_figures_with_separators_and_colours_a_miss(world, as_user):
    _enter(world, HOUSES, 2453, 2454)  # 99.96% against 100%: not met
    _enter(world, FIRE_ALARMS, 1, 2454)  # 0.04% against ≤1%: met
    _enter(world, CASES, 1, period=Period.month(2026, 3))
    _enter(world, CASES, 0)
    body = as_user(world.manager).get(BOARD, {"month": "2026-11"}).content.decode()
    houses = _cell(body, HOUSES)
    assert "2,453" in houses and "2,454" in houses
    assert "99.96%" in houses and "text-danger" in houses and "未达标" in houses
    alarms = _cell(body, FIRE_ALARMS)
    assert "0.04%" in alarms and "text-danger" not in alarms and "达标" in alarms
    cases = _cell(body, CASES)
    assert "本年累计 1 起" in cases and ".00" not in cases
    # The 序号 heading does not break into one character per line.
    assert re.search(r'<th class="num text-nowrap[^"]*q-no[^"]*">序号</th>', body)


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_r10_1_detail_lists_the_trend_month_by_month(world, as_user):
    _enter(world, HOUSES, 2453, 2454)
    _enter(world, HOUSES, 1200, 1200, period=Period.month(2026, 10))
    body = as_user(world.manager).get(DETAIL, {"code": HOUSES, "month": "2026-11"}).content.decode()
    table = re.search(r'data-testid="trend-table">(.*?)</table>', body, re.S).group(1)
    rows = re.findall(r"<tr[ >].*?</tr>", table.split("<tbody>")[1], re.S)
    assert len(rows) == 12  # one row a month, readable on a phone
    assert "2026-11" in rows[-1] and "table-active" in rows[-1] and "99.96%" in rows[-1]
    assert "2026-10" in rows[-2] and "100.0%" in rows[-2] and "1,200" in rows[-2]
    assert 'data-testid="numerator">2,453<' in body and 'data-testid="denominator">2,454<' in body


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_r10_1_count_detail_shows_the_year_total_it_is_judged_by(world, as_user):
    _enter(world, CASES, 1, period=Period.month(2026, 3))
    _enter(world, CASES, 1)
    body = as_user(world.manager).get(DETAIL, {"code": CASES, "month": "2026-11"}).content.decode()
    total = re.search(r'data-testid="year-total">(.*?)</div>', body, re.S).group(1)
    assert total.startswith("2 ") and "text-danger" in body  # ≤ 1 起/年 missed


def _money_measure(project_id, period):
    staff = Staff.objects.filter(project_id=project_id).order_by("name")
    return Measurement(Side(Decimal("573598.92"), staff), Side(Decimal("714204.74"), staff))


def _money_source():
    return IndicatorSource(
        code=FAKE_CODE,
        label="假收缴率",
        numerator_label="已收",
        denominator_label="应收",
        measure=_money_measure,
        columns=(
            Column("姓名", "name"),
            Column("金额", lambda s: Decimal("1234.50")),
            Column("户数", lambda s: 2454),
        ),
        module="billing",
        order=24,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_r10_1_money_sides_are_yuan_and_drill_down_numbers_right_aligned(world, as_user, register_source):
    register_source(_money_source())
    StaffFactory(project=world.p1, name="甲")
    client = as_user(world.manager)
    board = client.get(BOARD, {"month": "2026-11"}).content.decode()
    row = _cell(board, FAKE_CODE)
    assert "¥573,598.92" in row and "¥714,204.74" in row and "80.3%" in row
    detail = client.get(DETAIL, {"code": FAKE_CODE, "month": "2026-11"}).content.decode()
    assert "¥573,598.92" in detail
    assert re.search(r'<td class="num text-nowrap"[^>]*>\s*1,234.50\s*</td>', detail)
    assert re.search(r'<td class="num text-nowrap"[^>]*>\s*2,454\s*</td>', detail)


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_detail_is_refused_outside_the_users_projects(world, as_user):
    _enter(world, HOUSES, 2453, 2454)
    assert as_user(world.outsider).get(DETAIL, {"code": HOUSES, "project": world.p1.pk}).status_code == 404
    assert as_user(world.owner).get(DETAIL, {"code": HOUSES}).status_code == 403
    assert as_user(world.clerk).get(BOARD).status_code == 403


@pytest.mark.django_db
@pytest.mark.usefixtures("_clock")
def test_r10_1_correction_form_shows_the_figure_in_force(world, as_user):
    enter = reverse("quality:entry_add")
    client = as_user(world.manager)
    fresh = client.get(enter, {"code": HOUSES, "month": "2026-11"}).content.decode()
    assert 'data-testid="entry-in-force"' not in fresh and "录入指标" in fresh
    _enter(world, HOUSES, 2453, 2454)
    body = client.get(enter, {"code": HOUSES, "month": "2026-11"}).content.decode()
    box = re.search(r'data-testid="entry-in-force">(.*?)</div>\s*</div>', body, re.S).group(1)
    assert "99.96%" in box and "2,453 / 2,454" in box and "巡查记录" in box
    assert "更正指标" in body
    assert as_user(world.clerk).get(enter, {"code": HOUSES}).status_code == 403


# --- the demo ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r10_1_demo_enters_a_year_of_every_unmeasured_indicator_in_both_projects():
    from jiayuan.core import indicators
    from jiayuan.demo import DEFAULT_SEED, load_demo

    ctx = load_demo(seed=DEFAULT_SEED, scale=0.05)
    unmeasured = {
        s.code
        for s in Standard.objects.filter(indicator_no__isnull=False)
        if indicators.source(s.code) is None
    }
    assert len(unmeasured) >= 10
    this_month = selectors.current_month(ctx.today)
    for code in ("CUIHU", "CHENGDONG"):
        project = ctx.project(code)
        entries = IndicatorEntry.objects.filter(project=project)
        assert set(entries.values_list("code", flat=True)) == unmeasured
        assert entries.filter(code=HOUSES).values("period").distinct().count() == 12
        manager = ctx.users["manager" if code == "CUIHU" else "manager2"]
        rows, _ = selectors.board(manager, project, this_month)
        assert len(rows) == 25
        assert not [r.code for r in rows if r.origin == selectors.Origin.MISSING]
        entered = [r for r in rows if r.origin == selectors.Origin.ENTERED]
        assert all(r.figure is not None and r.entry.evidence for r in entered)
    entries = IndicatorEntry.objects.all()
    # Some months miss their targets, some entries carry a check sheet, a correction keeps its history.
    states = set()
    for code in ("CUIHU", "CHENGDONG"):
        project = ctx.project(code)
        for months_back in range(12):
            period = selectors.shift(this_month, -months_back)
            rows, _ = selectors.board(ctx.users["admin"], project, period)
            states |= {r.state for r in rows if r.origin == selectors.Origin.ENTERED}
    assert {selectors.State.MET, selectors.State.NOT_MET} <= states
    assert entries.exclude(evidence_file="").exists()
    corrected = entries.filter(supersedes__isnull=False).first()
    assert corrected is not None and corrected.entered_at >= corrected.supersedes.entered_at
    assert corrected.evidence.startswith("更正")


def test_demo_corrects_a_figure_even_in_a_month_without_shortfalls(world):
    """The demo's correction does not depend on the random figures of the day it is built."""
    from collections import Counter
    from datetime import date, datetime
    from types import SimpleNamespace

    from jiayuan.core.worktime import SHANGHAI
    from jiayuan.demo.quality_steps import _corrections

    entered = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
    full = IndicatorEntry.objects.create(
        project=world.p1,
        code=HOUSES,
        period=date(2026, 10, 1),
        numerator=Decimal(120),
        denominator=Decimal(120),
        evidence="10月巡查 120 户，完好 120 户。",
        entered_by=world.manager,
        entered_at=entered,
    )
    ctx = SimpleNamespace(now=datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), counts=Counter())
    _corrections(ctx, [full], [date(2026, 10, 1), date(2026, 11, 1)], world.manager)
    fix = IndicatorEntry.objects.get(supersedes=full)
    assert fix.numerator == 119 and fix.denominator == 120 and fix.evidence.startswith("更正")
    assert entered <= fix.entered_at <= ctx.now
