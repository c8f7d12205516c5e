"""Indicators entered with evidence where the records do not measure them (R10.1): never edited, a new
entry supersedes the one in force; only project managers, inspectors and admins may enter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.indicators import Period
from jiayuan.core.timeline import timeline_of
from jiayuan.quality import selectors
from jiayuan.quality.models import IndicatorEntry
from jiayuan.quality.services import indicator_entry_record
from tests.quality.conftest import FAKE_CODE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_clock")]

NOV = Period.month(2026, 11)
HOUSES = "indicator.01_house_intact"
CRIME = "indicator.13_major_crime"
CASES = "indicator.14_public_order_cases"
ENTER = reverse("quality:entry_add")


@pytest.fixture
def _clock():
    with freeze_time("2026-11-20 10:00:00+08:00"):
        yield


def _enter(world, code=HOUSES, period=NOV, actor=None, **kw):
    values = {"numerator": Decimal(98), "denominator": Decimal(100), "evidence": "11月房屋巡检记录 FW-11"}
    values.update(kw)
    return indicator_entry_record(world.p1, actor=actor or world.manager, code=code, period=period, **values)


def _row(world, code, period=NOV, user=None):
    rows, _ = selectors.board(user or world.manager, world.p1, period)
    return next(r for r in rows if r.code == code)


def test_r10_1_entered_figure_shows_on_the_board_marked_entered(world):
    _enter(world)
    row = _row(world, HOUSES)
    assert row.origin == selectors.Origin.ENTERED
    assert row.figure == Decimal("98.00") and row.state == selectors.State.NOT_MET  # target 100%
    assert row.entry.evidence == "11月房屋巡检记录 FW-11"


def test_r10_1_a_correction_supersedes_and_keeps_the_history(world):
    first = _enter(world)
    second = _enter(world, numerator=Decimal(100), evidence="复查：已全部修复")
    assert second.supersedes == first
    assert IndicatorEntry.objects.filter(project=world.p1, code=HOUSES).count() == 2
    row = _row(world, HOUSES)
    assert row.entry == second and row.state == selectors.State.MET
    assert list(selectors.entries_of(world.p1.pk, HOUSES, NOV)) == [second, first]
    assert timeline_of(second).get().action == "indicator_entered"


def test_entries_of_another_month_or_project_do_not_count(world):
    _enter(world, period=Period.month(2026, 10))
    indicator_entry_record(
        world.p2, actor=world.outsider, code=HOUSES, period=NOV, numerator=1, denominator=1, evidence="P2"
    )
    assert _row(world, HOUSES).origin == selectors.Origin.MISSING


def test_r10_1_count_indicator_takes_cases_and_judges_the_year_total(world):
    """14 治安案件 ≤ 1 起/年: one case in October and one in November → the year is not met."""
    _enter(world, code=CASES, period=Period.month(2026, 10), numerator=Decimal(1), denominator=None)
    oct_row = _row(world, CASES, Period.month(2026, 10))
    assert oct_row.state == selectors.State.MET and oct_row.figure == Decimal(1)
    entry = _enter(world, code=CASES, numerator=Decimal(1), denominator=Decimal(5))
    assert entry.denominator is None  # a count has no denominator
    row = _row(world, CASES)
    assert row.figure == Decimal(1) and row.year_total == Decimal(2)
    assert row.state == selectors.State.NOT_MET


def test_r10_1_zero_major_crimes_is_met(world):
    _enter(world, code=CRIME, numerator=Decimal(0), denominator=None)
    assert _row(world, CRIME).state == selectors.State.MET


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"numerator": Decimal(101)}, "numerator"),
        ({"numerator": Decimal(-1)}, "numerator"),
        ({"denominator": None}, "denominator"),
        ({"denominator": Decimal(0)}, "denominator"),
        ({"evidence": "  "}, "evidence"),
        ({"evidence": "x" * 2001}, "evidence"),
        ({"numerator": Decimal("1.001")}, "numerator"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_saved(world, values, field):
    with pytest.raises(ValidationFailed) as err:
        _enter(world, **values)
    assert err.value.field == field
    assert not IndicatorEntry.objects.exists()


def test_a_future_month_is_refused(world):
    with pytest.raises(ValidationFailed):
        _enter(world, period=Period.month(2026, 12))


def test_a_measured_indicator_cannot_be_typed_in(world, fake_source):
    with pytest.raises(ValidationFailed):
        _enter(world, code=FAKE_CODE)
    with pytest.raises(ValidationFailed):
        _enter(world, code="indicator.23_special_ops_certified")


@pytest.mark.parametrize("who", ["clerk", "tech", "outsider", "owner"])
def test_only_managers_inspectors_and_admins_may_enter(world, who):
    with pytest.raises(Forbidden):
        _enter(world, actor=getattr(world, who))
    assert not IndicatorEntry.objects.exists()


@pytest.mark.parametrize("who", ["manager", "inspector", "admin"])
def test_entering_roles(world, who):
    assert _enter(world, actor=getattr(world, who)).pk


def test_entry_form_saves_with_evidence_file(world, as_user):
    client = as_user(world.manager)
    url = f"{ENTER}?project={world.p1.pk}&month=2026-11&code={HOUSES}"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("巡检.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    resp = client.post(
        url, {"numerator": "99", "denominator": "100", "evidence": "巡检表", "evidence_file": upload}
    )
    assert resp.status_code == 302
    entry = IndicatorEntry.objects.get()
    assert entry.evidence_file and entry.numerator == Decimal(99)
    evidence = reverse("quality:evidence")
    got = client.get(evidence, {"id": entry.pk})
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 test"
    assert as_user(world.outsider).get(evidence, {"id": entry.pk}).status_code == 404
    assert as_user(world.neighbour).get(evidence, {"id": entry.pk}).status_code == 403
    assert as_user(world.clerk).get(evidence, {"id": entry.pk}).status_code == 403


def test_evidence_download_is_a_private_attachment_named_after_the_entry(world, as_user, settings):
    entry = _enter(world, evidence_file=SimpleUploadedFile("巡检.pdf", b"%PDF-1.4 test"))
    got = as_user(world.manager).get(reverse("quality:evidence"), {"id": entry.pk})
    assert got["Content-Disposition"] == f'attachment; filename="{HOUSES}-2026-11.pdf"'
    assert got["X-Content-Type-Options"] == "nosniff" and "private" in got["Cache-Control"]
    settings.FILE_SERVING = "nginx"
    got = as_user(world.manager).get(reverse("quality:evidence"), {"id": entry.pk})
    assert got["X-Accel-Redirect"] == "/protected-media/" + entry.evidence_file.name and got.content == b""


def test_entry_form_states_the_limit_and_refuses_a_fake_picture(world, as_user):
    client = as_user(world.manager)
    url = f"{ENTER}?project={world.p1.pk}&month=2026-11&code={HOUSES}"
    assert "不超过 20 MB" in client.get(url).content.decode()
    fake = SimpleUploadedFile("现场.png", b"%PDF-1.4 not a picture", content_type="image/png")
    resp = client.post(
        url, {"numerator": "99", "denominator": "100", "evidence": "巡检表", "evidence_file": fake}
    )
    assert resp.status_code == 200 and "不是有效的图片" in resp.content.decode()
    assert not IndicatorEntry.objects.exists()


def test_service_refuses_evidence_over_20_mb(world):
    big = SimpleUploadedFile("巡检.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="20 MB"):
        _enter(world, evidence_file=big)
    assert not IndicatorEntry.objects.exists()


def test_entry_form_errors_in_chinese_keep_the_input(world, as_user):
    url = f"{ENTER}?project={world.p1.pk}&code={HOUSES}"
    resp = as_user(world.manager).post(url, {"numerator": "120", "denominator": "100", "evidence": "巡检"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "分子不能大于分母" in body and 'value="120"' in body
    assert not IndicatorEntry.objects.exists()


def test_entry_form_refuses_measured_indicators_and_other_roles(world, fake_source, as_user):
    assert as_user(world.manager).get(ENTER, {"code": FAKE_CODE}).status_code == 404
    assert as_user(world.clerk).get(ENTER, {"code": HOUSES}).status_code == 403
    post = as_user(world.outsider).post(f"{ENTER}?project={world.p1.pk}&code={HOUSES}", {"numerator": "1"})
    assert post.status_code == 404
    assert not IndicatorEntry.objects.exists()


def test_count_form_has_no_denominator(world, as_user):
    resp = as_user(world.manager).get(ENTER, {"code": CASES})
    assert "denominator" not in resp.context["form"].fields


def test_indicator_page_of_an_entered_indicator_lists_entries_and_trend(world, as_user):
    _enter(world, period=Period.month(2026, 10), numerator=Decimal(100))
    _enter(world)
    resp = as_user(world.inspector).get(
        reverse("quality:indicator"), {"code": HOUSES, "project": world.p1.pk}
    )
    assert resp.status_code == 200
    assert len(resp.context["entries"]) == 1
    values = [p["value"] for p in resp.context["trend"]]
    assert values[-2:] == [100.0, 98.0] and values[0] is None
