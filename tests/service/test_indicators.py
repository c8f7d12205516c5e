"""Service indicators of R10.1 (core.indicators contract): figures per project and month with the rows
behind numerator and denominator (R4.3 timeliness and rework, R3.6 return visits, R3.7 complaints)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from freezegun import freeze_time

from jiayuan.core.indicators import Period, source
from jiayuan.service import services
from jiayuan.service.models import RequestType, Urgency

NOV = Period.month(2026, 11)


def measure(code, world, period=NOV):
    return source(code).measure(world.p1.pk, period)


def test_sources_are_registered_with_drill_down_permission():
    for code in (
        "indicator.02_repair_timeliness",
        "indicator.20_valid_complaints",
        "indicator.21_complaints_handled",
        "indicator.24_repair_return_visit",
        "service.return_visit_satisfaction",
        "service.rework_rate",
        "service.timer.dispatch",
    ):
        assert source(code) is not None and source(code).perm == "view_requests", code


def test_r4_3_timeliness_counts_breached_repairs_and_lists_them(world, eng, make_request):
    with freeze_time("2026-11-10 10:00:00+08:00"):
        on_time = make_request(urgency=Urgency.EMERGENCY)
        late = make_request(unit=world.other_unit)
        services.request_dispatch(on_time, actor=world.clerk, department=eng, assignee=world.tech)
    with freeze_time("2026-11-10 10:10:00+08:00"):
        services.request_dispatch(late, actor=world.clerk, department=eng, assignee=world.tech)  # after 3 min
        for req in (on_time, late):
            services.request_arrive(services.request_accept(req, actor=world.tech), actor=world.tech)
            services.request_complete(req, actor=world.tech, note="ok")
    m = measure("indicator.02_repair_timeliness", world)
    assert (m.numerator.value, m.denominator.value, m.ratio) == (1, 2, Decimal("50.00"))
    assert list(m.numerator.rows) == [on_time]
    assert set(m.denominator.rows) == {on_time, late}
    src = source("indicator.02_repair_timeliness")
    row = m.denominator.rows.first()
    assert [c.cell(row) for c in src.columns][0].startswith("BX-")
    timer = measure("service.timer.dispatch", world)
    assert (timer.numerator.value, timer.denominator.value) == (1, 2)
    # Nothing counted in another month.
    assert measure("indicator.02_repair_timeliness", world, Period.month(2026, 10)).ratio is None


def test_r3_6_return_visit_rate_and_satisfaction(world, worked):
    with freeze_time("2026-11-12 10:00:00+08:00"):
        a = services.request_complete(worked(), actor=world.tech, note="ok")
        b = services.request_complete(worked(unit=world.other_unit), actor=world.tech, note="ok")
    with freeze_time("2026-11-13 10:00:00+08:00"):
        services.visit_record(a, actor=world.clerk, outcome="satisfied", satisfaction=5)
        services.visit_record(b, actor=world.clerk, outcome="satisfied", satisfaction=3, comments="一般")
    visits = measure("indicator.24_repair_return_visit", world)
    assert (visits.numerator.value, visits.denominator.value) == (2, 2)
    sat = measure("service.return_visit_satisfaction", world)
    assert (sat.numerator.value, sat.denominator.value) == (1, 2)


def test_r4_3_rework_rate(world, worked):
    with freeze_time("2026-11-01 10:00:00+08:00"):
        first = services.request_complete(worked(), actor=world.tech, note="ok")
    with freeze_time("2026-11-05 10:00:00+08:00"):
        services.request_reopen(first, actor=world.clerk, content="又漏")
    m = measure("service.rework_rate", world)
    assert (m.numerator.value, m.denominator.value) == (1, 2)


def test_r3_7_valid_complaint_rate_over_households_and_handling_rate(world, make_request):
    with freeze_time("2026-11-15 10:00:00+08:00"):
        valid = make_request(RequestType.COMPLAINT, content="电梯常坏")
        invalid = make_request(RequestType.COMPLAINT, content="邻居装修", unit=world.other_unit)
        services.complaint_judge(valid, actor=world.manager, valid=True, reason="属实", cause="facility")
        services.complaint_judge(
            invalid, actor=world.manager, valid=False, reason="非物业责任", cause="neighbour"
        )
    m = measure("indicator.20_valid_complaints", world)
    assert (m.numerator.value, m.denominator.value) == (1, 2)  # two units in project 1
    src = source("indicator.20_valid_complaints")
    assert [c.cell(m.denominator.rows.first()) for c in src.columns][0] in {"3-2-1201", "3-1-0502"}
    assert [c.cell(m.numerator.rows.first()) for c in src.columns][3] == "属实"
    handled = measure("indicator.21_complaints_handled", world)
    assert (handled.numerator.value, handled.denominator.value) == (0, 1)
    with freeze_time("2026-11-16 10:00:00+08:00"):
        services.complaint_feedback(
            valid, actor=world.clerk, feedback="已报修电梯", result="已更换主板", resolved=True
        )
    handled = measure("indicator.21_complaints_handled", world)
    assert handled.ratio == Decimal("100.00")
    assert timezone.now()  # clock restored
