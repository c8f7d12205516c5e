"""Quality fixtures: a fake indicator source registered for one test (and taken away after), so the board,
its targets, drill-down and refusals are proved without the service and billing modules."""

from __future__ import annotations

from decimal import Decimal

import pytest

import jiayuan.urls  # noqa: F401  (API schemas built before any frozen clock)
from jiayuan.core import indicators
from jiayuan.core.indicators import Column, IndicatorSource, Measurement, Side
from jiayuan.org.models import Staff

FAKE_CODE = "indicator.24_repair_return_visit"
SUPPORTING_CODE = "test.fake_supporting"


def fake_measure(project_id, period):
    """Numerator: active staff whose post is 回访; denominator: every active staff member."""
    everyone = Staff.objects.filter(project_id=project_id, active=True).order_by("name", "id")
    visits = everyone.filter(post="回访")
    return Measurement(
        numerator=Side(Decimal(visits.count()), visits),
        denominator=Side(Decimal(everyone.count()), everyone),
        note="测试口径",
    )


def make_source(code=FAKE_CODE, perm=None):
    return IndicatorSource(
        code=code,
        label="假维修回访率",
        numerator_label="已回访",
        denominator_label="应回访",
        measure=fake_measure,
        columns=(Column("姓名", "name"), Column("岗位", "post")),
        row_url=lambda s: f"/org/staff/{s.pk}/",
        perm=perm,
        module="test",
        order=24,
    )


@pytest.fixture
def fake_source():
    previous = indicators.source(FAKE_CODE)
    source = make_source()
    indicators.register(source)
    yield source
    indicators.unregister(FAKE_CODE)
    if previous is not None:
        indicators.register(previous)


@pytest.fixture
def register_source():
    """``register_source(source)``: registered for this test only."""
    added: list[tuple[str, IndicatorSource | None]] = []

    def add(source):
        added.append((source.code, indicators.source(source.code)))
        indicators.register(source)
        return source

    yield add
    for code, previous in reversed(added):
        indicators.unregister(code)
        if previous is not None:
            indicators.register(previous)
