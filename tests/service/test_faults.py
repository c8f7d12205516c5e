"""R4.6: a public-area repair with a fault category runs a FAULT_REPAIR timer due by the project's effective
standard (doors/windows 2 working days, ordinary lighting 2 days, other lighting 5 working days), met by
completion, breached by the sweep, shown on the request page and counted in the timer indicator."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.core.errors import ValidationFailed
from jiayuan.core.indicators import Period, source
from jiayuan.service import services
from jiayuan.service.models import RequestType, ServiceRequest, Timer, TimerKind

SH = timezone.get_fixed_timezone(8 * 60)


def at(*args):
    return datetime(*args, tzinfo=SH)


def fault_timer(req):
    return Timer.objects.get(request=req, kind=TimerKind.FAULT_REPAIR)


def public(make_request, category, **kw):
    return make_request(unit=None, repair_scope="public", location="3号楼大堂", fault_category=category, **kw)


@freeze_time("2026-09-30 15:00:00+08:00")
def test_r4_6_fault_deadlines_across_national_day(world, make_request):
    # 1–7 October 2026 are holidays, Saturday 10 October is a 调休 working day.
    doors = fault_timer(public(make_request, "doors_windows"))
    assert doors.standard_code == "engineering.doors_windows_repair" and doors.standard_version_id
    assert doors.due_at == at(2026, 10, 10, 0, 0)  # working days 8 and 9 October
    lighting = fault_timer(public(make_request, "lighting_ordinary"))
    assert lighting.due_at == at(2026, 10, 3, 0, 0)  # 2 calendar days: holidays count
    other = fault_timer(public(make_request, "lighting_other"))
    assert other.due_at == at(2026, 10, 14, 0, 0)  # 8, 9, 10 (adjusted), 12, 13 October


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r4_6_no_fault_timer_without_category_or_outside_public_area(world, make_request):
    plain = make_request(unit=None, repair_scope="public", location="车库")
    assert not Timer.objects.filter(request=plain, kind=TimerKind.FAULT_REPAIR).exists()
    with pytest.raises(ValidationFailed) as err:
        make_request(repair_scope="in_unit", fault_category="doors_windows")
    assert err.value.field == "fault_category"
    with pytest.raises(ValidationFailed):
        make_request(RequestType.COMPLAINT, fault_category="lighting_other")
    with pytest.raises(ValidationFailed):
        public(make_request, "bogus")
    assert ServiceRequest.objects.count() == 1  # nothing half-written


def test_r4_6_fault_timer_met_by_completion(world, eng, make_request):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = public(make_request, "doors_windows")
        services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
        services.request_accept(req, actor=world.tech)
        services.request_arrive(req, actor=world.tech)
    with freeze_time("2026-11-23 16:00:00+08:00"):  # Monday, within 2 working days
        services.request_complete(req, actor=world.tech, note="已更换门锁")
    t = fault_timer(req)
    assert t.state == Timer.State.MET and t.met_at == at(2026, 11, 23, 16, 0)


def test_r4_6_fault_timer_breached_by_the_sweep_and_counted(world, make_request):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = public(make_request, "lighting_ordinary")
    with freeze_time("2026-11-22 23:59:00+08:00"):
        services.timers_sweep(timezone.now())
        assert fault_timer(req).state == Timer.State.RUNNING
    with freeze_time("2026-11-23 00:01:00+08:00"):
        services.timers_sweep(timezone.now())
    t = fault_timer(req)
    assert t.state == Timer.State.BREACHED and t.breached_at == at(2026, 11, 23, 0, 0)
    req.refresh_from_db()
    assert req.breached
    m = source("service.timer.fault_repair").measure(world.p1.pk, Period.month(2026, 11))
    assert (m.numerator.value, m.denominator.value) == (0, 1)
    assert list(m.denominator.rows) == [t]


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r4_6_timer_and_category_on_the_request_page(world, as_user, make_request):
    req = public(make_request, "lighting_other")
    page = as_user(world.clerk).get(reverse("service:request", args=[req.pk])).content.decode()
    assert "故障修复时限" in page and "照明其他故障" in page


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r4_6_desk_form_sets_the_category(world, as_user):
    client = as_user(world.clerk)
    data = {
        "type": "repair",
        "repair_scope": "public",
        "fault_category": "doors_windows",
        "urgency": "normal",
        "channel": "phone",
        "content": "2单元大门闭门器坏了",
        "location": "2单元大门",
    }
    r = client.post(reverse("service:new"), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    req = ServiceRequest.objects.get()
    assert req.fault_category == "doors_windows" and fault_timer(req)
    bad = client.post(reverse("service:new"), {**data, "repair_scope": "in_unit", "who": "3-2-1201"})
    assert bad.status_code == 422 and "故障类别只适用于公共区域报修" in bad.content.decode()
    assert ServiceRequest.objects.count() == 1


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r4_6_api_sets_the_category_and_refuses_it_elsewhere(world, as_user):
    client = as_user(world.clerk)
    body = {
        "project": world.p1.pk,
        "type": "repair",
        "content": "楼道灯不亮",
        "repair_scope": "public",
        "location": "3号楼5层",
        "fault_category": "lighting_ordinary",
    }
    r = client.post("/api/v1/requests", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["fault_category"] == "lighting_ordinary"
    assert "fault_repair" in {t["kind"] for t in r.json()["timers"]}
    r = client.post(
        "/api/v1/requests",
        json.dumps({**body, "repair_scope": "in_unit", "unit": world.unit.pk}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "fault_category"


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r4_6_owner_reports_a_public_fault_in_the_portal(world, as_user):
    client = as_user(world.owner)
    r = client.post(
        reverse("portal:request_new"),
        {
            "unit": str(world.unit.pk),
            "type": "repair",
            "repair_scope": "public",
            "fault_category": "lighting_ordinary",
            "content": "楼道声控灯不亮",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    req = ServiceRequest.objects.get()
    assert req.repair_scope == "public" and fault_timer(req).due_at == at(2026, 11, 23, 0, 0)
