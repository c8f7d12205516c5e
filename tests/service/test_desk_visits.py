"""Home visits (上门走访, R3.11): phone first, go at the agreed time, two staff when entering a unit, knock
again after 30 seconds and leave a note when nobody is home, record the owner's opinions (one needing action
opens a customer request)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.service.models import HomeVisit, ServiceRequest, VisitOpinion, VisitState
from jiayuan.service.services import desk

# These tests compare days with the code under test: a day must not turn over in the middle of one.
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def planned(world):
    def make(**kw):
        data = {
            "actor": world.clerk,
            "project": world.p1,
            "unit": world.unit,
            "purpose": "入住满一年回访",
            "planned_on": timezone.localdate(),
        }
        data.update(kw)
        return desk.visit_plan(**data)

    return make


@pytest.fixture
def agreed(world, planned):
    def make(**kw):
        visit = planned(**kw)
        return desk.visit_call(visit, actor=world.clerk, agreed_time=timezone.now() + timedelta(minutes=10))

    return make


def _record(world, visit, **kw):
    data = {
        "actor": world.clerk,
        "visited_at": timezone.now(),
        "staff": [world.clerk, world.manager],
        "outcome": "met",
    }
    data.update(kw)
    return desk.visit_record(visit, **data)


def test_r3_11_phone_first_the_visit_is_recorded_only_after_the_call(world, planned):
    visit = planned(staff=[world.clerk])
    assert visit.number.startswith("ZF-")
    with pytest.raises(Conflict):
        _record(world, visit)
    agreed_time = timezone.now() + timedelta(hours=2)
    visit = desk.visit_call(visit, actor=world.clerk, agreed_time=agreed_time, note="业主说下午在家")
    assert visit.state == VisitState.AGREED and visit.called_at and visit.agreed_time == agreed_time
    assert visit.called_by == world.clerk


def test_r3_11_entering_the_unit_with_fewer_than_two_staff_is_refused(world, agreed):
    visit = agreed()
    with pytest.raises(ValidationFailed) as exc:
        _record(world, visit, staff=[world.clerk], entered_unit=True)
    assert exc.value.field == "staff"
    visit.refresh_from_db()
    assert visit.state == VisitState.AGREED and visit.outcome == ""
    # Staying at the door, one may go.
    visit = _record(world, visit, staff=[world.clerk], entered_unit=False)
    assert visit.state == VisitState.DONE


def test_r3_11_two_staff_may_enter(world, agreed):
    visit = _record(world, agreed(), entered_unit=True, opinions="希望加装楼道扶手")
    assert visit.entered_unit and set(visit.staff.all()) == {world.clerk, world.manager}


def test_r3_11_nobody_home_requires_knocking_again_and_a_note(world, agreed):
    visit = agreed()
    with pytest.raises(ValidationFailed) as exc:
        _record(world, visit, outcome="nobody_home", note_left="已留便条")
    assert exc.value.field == "knocked_again"
    with pytest.raises(ValidationFailed) as exc:
        _record(world, visit, outcome="nobody_home", knocked_again=True)
    assert exc.value.field == "note_left"
    with pytest.raises(ValidationFailed) as exc:
        _record(world, visit, outcome="nobody_home", knocked_again=True, note_left="便条", entered_unit=True)
    assert exc.value.field == "entered_unit"
    visit = _record(
        world, visit, outcome="nobody_home", knocked_again=True, note_left="今日来访未遇，请回电客服中心"
    )
    assert visit.note_left == "今日来访未遇，请回电客服中心"


def test_r3_11_staff_must_belong_to_the_project(world, agreed):
    with pytest.raises(ValidationFailed) as exc:
        _record(world, agreed(), staff=[world.clerk, world.outsider], entered_unit=True)
    assert exc.value.field == "staff"


def test_r3_11_opinion_needing_action_opens_a_request(world, agreed):
    visit = _record(world, agreed())
    opinion = desk.visit_add_opinion(
        visit, actor=world.clerk, content="卫生间吊顶渗水", open_request=True, request_type="repair"
    )
    req = opinion.request
    assert req is not None and req.unit == world.unit and req.type == "repair"
    assert visit.number in req.content
    plain = desk.visit_add_opinion(visit, actor=world.clerk, content="对保洁满意")
    assert plain.request is None
    assert VisitOpinion.objects.filter(visit=visit).count() == 2


def test_r3_11_opinion_before_the_visit_is_refused(world, agreed):
    with pytest.raises(Conflict):
        desk.visit_add_opinion(agreed(), actor=world.clerk, content="x")


def test_r3_11_opinion_without_request_type_writes_nothing(world, agreed):
    visit = _record(world, agreed())
    before = ServiceRequest.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        desk.visit_add_opinion(
            visit, actor=world.clerk, content="x", open_request=True, request_type="praise"
        )
    assert exc.value.field == "request_type"
    assert ServiceRequest.objects.count() == before and not VisitOpinion.objects.exists()


def test_r3_11_only_the_desk_plans_and_records(world, planned, agreed):
    for user in (world.tech, world.outsider, world.owner, world.inspector):
        with pytest.raises(Forbidden):
            planned(actor=user)
    visit = agreed()
    with pytest.raises(Forbidden):
        _record(world, visit, actor=world.tech)


def test_r3_11_agreed_time_is_bounded(world, planned):
    visit = planned()
    with pytest.raises(ValidationFailed):
        desk.visit_call(visit, actor=world.clerk, agreed_time=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationFailed):
        desk.visit_call(visit, actor=world.clerk, agreed_time=timezone.now() + timedelta(days=61))


def test_r3_11_cancel_with_reason(world, planned):
    visit = desk.visit_cancel(planned(), actor=world.clerk, reason="业主出差")
    assert visit.state == VisitState.CANCELLED and visit.cancel_reason == "业主出差"


# --- pages ---------------------------------------------------------------------------------------------------


def test_r3_11_list_filters_by_state_month_staff_and_unit(
    world, planned, as_user, django_assert_max_num_queries
):
    mine = planned(staff=[world.clerk])
    other = planned(
        unit=world.other_unit, staff=[world.manager], planned_on=timezone.localdate() + timedelta(days=40)
    )
    desk.visit_call(mine, actor=world.clerk, agreed_time=timezone.now() + timedelta(hours=1))
    client = as_user(world.clerk)
    url = reverse("service:home_visits")
    with django_assert_max_num_queries(25):
        body = client.get(url).content.decode()
    assert mine.number in body and other.number in body
    body = client.get(url, {"state": "agreed"}).content.decode()
    assert mine.number in body and other.number not in body
    body = client.get(url, {"staff": world.manager.pk}).content.decode()
    assert other.number in body and mine.number not in body
    body = client.get(url, {"month": timezone.localdate().strftime("%Y-%m")}).content.decode()
    assert mine.number in body
    body = client.get(url, {"unit": world.other_unit.pk}).content.decode()
    assert other.number in body and mine.number not in body and "只显示" in body
    assert client.get(url, {"month": "2026-99"}).status_code == 200


def test_r3_11_visit_page_lists_the_units_other_visits(world, planned, as_user):
    first, second = planned(), planned(purpose="装修后走访")
    body = as_user(world.clerk).get(reverse("service:home_visit", args=[second.pk])).content.decode()
    assert first.number in body and "装修后走访" in body


def test_r3_11_record_form_refuses_one_person_entering(world, agreed, as_user):
    visit = agreed()
    resp = as_user(world.clerk).post(
        reverse("service:home_visit_action", args=[visit.pk, "record"]),
        {
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "staff": [world.clerk.pk],
            "outcome": "met",
            "entered_unit": "on",
        },
    )
    assert resp.status_code == 422 and "两名以上员工" in resp.content.decode()
    visit.refresh_from_db()
    assert visit.state == VisitState.AGREED


def test_r3_11_plan_from_the_form(world, as_user):
    resp = as_user(world.clerk).post(
        reverse("service:home_visit_new"),
        {"unit": "3-2-1201", "purpose": "节前走访", "planned_on": timezone.localdate().isoformat()},
    )
    visit = HomeVisit.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("service:home_visit", args=[visit.pk])


def test_r3_11_technician_cannot_open_visits(world, planned, as_user):
    visit = planned()
    client = as_user(world.tech)
    assert client.get(reverse("service:home_visits")).status_code == 403
    assert client.get(reverse("service:home_visit", args=[visit.pk])).status_code == 403
