"""Service-promise timers (R3.4): started from the project's effective standards through core.worktime,
met by the action that keeps them, breached on time by the sweep (frozen clock), across the 2026 National
Day holiday, one notification per breach."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from freezegun import freeze_time

from jiayuan.core.models import OutboxMessage
from jiayuan.core.timeline import timeline_of
from jiayuan.service import services
from jiayuan.service.models import RequestType, Timer, Urgency
from jiayuan.service.tasks import sweep_timers
from jiayuan.standards.models import Standard
from jiayuan.standards.services import standard_override

SH = timezone.get_fixed_timezone(8 * 60)


def at(*args):
    return datetime(*args, tzinfo=SH)


def timers(req):
    return {t.kind: t for t in Timer.objects.filter(request=req)}


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r3_4_timers_by_type_and_urgency(world, make_request):
    repair = timers(make_request())
    assert set(repair) == {"dispatch", "first_response"}
    assert repair["dispatch"].due_at == at(2026, 11, 20, 10, 3)
    assert repair["first_response"].due_at == at(2026, 11, 20, 10, 30)
    assert repair["dispatch"].standard_code == "service.dispatch" and repair["dispatch"].standard_version_id
    emergency = timers(make_request(urgency=Urgency.EMERGENCY))
    assert emergency["emergency_on_site"].due_at == at(2026, 11, 20, 10, 30)
    assert "incident_notify" in emergency
    complaint = timers(make_request(RequestType.COMPLAINT))
    assert set(complaint) == {"first_response", "complaint_feedback", "incident_notify"}
    suggestion = timers(make_request(RequestType.SUGGESTION))
    # 2 calendar days, the day of receipt not counted: end of 22 November.
    assert suggestion["suggestion_feedback"].due_at == at(2026, 11, 23, 0, 0)
    assert timers(make_request(RequestType.PRAISE)) == {}


@freeze_time("2026-09-30 15:00:00+08:00")
def test_r3_4_complaint_feedback_counts_working_days_across_national_day(world, make_request):
    t = timers(make_request(RequestType.COMPLAINT))
    # 1–7 October are holidays: the 2 working days after 30 September are 8 and 9 October.
    assert t["complaint_feedback"].due_at == at(2026, 10, 10, 0, 0)
    assert t["incident_notify"].due_at == at(2026, 10, 9, 0, 0)


@freeze_time("2026-10-09 11:00:00+08:00")
def test_r3_4_adjusted_saturday_counts_as_a_working_day(world, make_request):
    # Saturday 10 October 2026 is a 调休上班日; Sunday the 11th is not.
    t = timers(make_request(RequestType.COMPLAINT))
    assert t["complaint_feedback"].due_at == at(2026, 10, 13, 0, 0)


def test_r3_4_sweep_breaches_on_time_and_notifies_the_supervisor_once(world, make_request):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = make_request()
    with freeze_time("2026-11-20 10:02:59+08:00"):
        assert services.timers_sweep(timezone.now()) == {"breached": 0, "notified": 0}
    with freeze_time("2026-11-20 10:04:00+08:00"):
        result = sweep_timers()  # the Celery task, run in-process
    assert result == {"breached": 1, "notified": 1}
    t = timers(req)["dispatch"]
    assert t.state == "breached" and t.breached_at == at(2026, 11, 20, 10, 3) and t.supervisor_notified_at
    req.refresh_from_db()
    assert req.breached
    assert OutboxMessage.objects.filter(recipient=world.manager, subject__contains="超时").count() == 1
    assert timeline_of(req).filter(action="timer_breached").count() == 1
    with freeze_time("2026-11-20 10:05:00+08:00"):
        assert services.timers_sweep(timezone.now()) == {"breached": 0, "notified": 0}
    assert OutboxMessage.objects.filter(recipient=world.manager, subject__contains="超时").count() == 1
    with freeze_time("2026-11-20 10:31:00+08:00"):
        assert services.timers_sweep(timezone.now())["breached"] == 1  # first response too


def test_r3_4_emergency_arrival_in_time_is_met_late_arrival_is_breached(world, eng, make_request):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        on_time = make_request(urgency=Urgency.EMERGENCY)
        late = make_request(urgency=Urgency.EMERGENCY, unit=world.other_unit)
        for req in (on_time, late):
            services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
    with freeze_time("2026-11-20 10:20:00+08:00"):
        services.request_arrive(services.request_accept(on_time, actor=world.tech), actor=world.tech)
    with freeze_time("2026-11-20 10:45:00+08:00"):
        services.request_arrive(services.request_accept(late, actor=world.tech), actor=world.tech)
        assert timers(on_time)["emergency_on_site"].state == "met"
        assert timers(on_time)["dispatch"].state == "met"
        t = timers(late)["emergency_on_site"]
        assert t.state == "breached" and t.met_at == at(2026, 11, 20, 10, 45)
        late.refresh_from_db()
        assert late.breached
        # A late arrival is notified by the next sweep, once.
        assert services.timers_sweep(timezone.now())["notified"] == 2  # on site and first response


def test_r3_4_standard_switched_off_for_the_project_starts_no_timer(world, make_request):
    standard_override(
        Standard.objects.get(code="service.dispatch"),
        actor=world.admin,
        project=world.p1,
        amount=3,
        enabled=False,
        reason="本项目无服务中心",
    )
    assert "dispatch" not in timers(make_request())


def test_r3_4_project_override_changes_the_due_time_and_keeps_its_version(world, make_request):
    with freeze_time("2026-11-20 09:00:00+08:00"):
        version = standard_override(
            Standard.objects.get(code="service.first_response"),
            actor=world.admin,
            project=world.p1,
            amount=20,
            enabled=True,
            reason="提高标准",
        )
    with freeze_time("2026-11-20 10:00:00+08:00"):
        t = timers(make_request())["first_response"]
    assert t.due_at == at(2026, 11, 20, 10, 20) and t.standard_version == version
