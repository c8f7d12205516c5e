"""Request services: intake, first receiver, the field steps, warranty verification, confirmation, promises
and postponements, ratings, rework, complaints and return visits (R3.2–R3.7, R3.10, R4.1–R4.3, R8.1)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.models import OutboxMessage
from jiayuan.core.timeline import timeline_of
from jiayuan.service import services
from jiayuan.service.models import (
    Channel,
    ComplaintReview,
    RepairScope,
    RequestType,
    ReturnVisit,
    ServiceRequest,
    State,
    Urgency,
)
from jiayuan.service.selectors import visit_queue

SH = timezone.get_fixed_timezone(8 * 60)


def at(*args):
    return datetime(*args, tzinfo=SH)


# --- intake (R3.2, R3.3, R8.1) ------------------------------------------------------------------------


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r3_2_create_numbers_per_type_and_finds_the_caller_by_phone(world, make_request):
    req = make_request(unit=None, phone="13800138000", channel=Channel.PHONE)
    assert req.number == "BX-202611-0001"
    assert req.unit == world.unit and req.caller == world.owner_party
    assert req.repair_scope == RepairScope.IN_UNIT
    assert req.contact_phone == "13800138000" and req.contact_name == "张伟"
    assert make_request(RequestType.COMPLAINT).number == "TS-202611-0001"
    assert make_request().number == "BX-202611-0002"


def test_r8_1_special_service_order_is_a_request(world, make_request):
    from datetime import date, timedelta

    from django.utils import timezone

    from jiayuan.billing import services as billing

    item = billing.fee_item_create(
        world.p1.pk, actor=world.admin, code="TY9", name="家电清洗", kind="special"
    )
    billing.price_version_add(item, actor=world.admin, valid_from=date(2026, 1, 1), unit_price="60")
    when = timezone.now() + timedelta(days=1)
    req = make_request(
        RequestType.SPECIAL, content="家电清洗，约周六上午", fee_item=item, preferred_time=when
    )
    assert req.number.startswith("TY-") and req.state == State.NEW
    assert {t.kind for t in req.timers.all()} >= {"dispatch", "first_response", "appointment"}


def test_r3_3_first_receiver_is_recorded_and_informed_of_handover(world, eng, cs, make_request):
    req = make_request()
    assert req.first_receiver == world.clerk
    req = services.request_dispatch(req, actor=world.manager, department=eng, assignee=world.tech)
    assert req.first_receiver == world.clerk  # dispatching does not take it over
    services.request_handover(req, actor=world.manager, department=cs, note="需客服先联系业主")
    msg = OutboxMessage.objects.filter(recipient=world.clerk, subject__contains="转交").get()
    assert "需客服先联系业主" in msg.body


def test_portal_request_gets_its_first_receiver_at_dispatch(world, eng):
    req = services.request_create(
        actor=world.owner, project=world.p1, type=RequestType.REPAIR, content="卫生间漏水", unit=world.unit
    )
    assert req.channel == Channel.PORTAL and req.first_receiver is None and req.caller == world.owner_party
    req = services.request_dispatch(req, actor=world.clerk, department=eng)
    assert req.first_receiver == world.clerk


def test_owner_cannot_report_for_a_neighbours_unit(world):
    with pytest.raises(ValidationFailed):
        services.request_create(
            actor=world.owner, project=world.p1, type=RequestType.REPAIR, content="x", unit=world.other_unit
        )


def test_outsider_cannot_create_in_another_project(world):
    with pytest.raises(Forbidden):
        services.request_create(actor=world.outsider, project=world.p1, type=RequestType.REPAIR, content="x")


def test_idempotency_key_returns_the_first_request(world, make_request):
    first = make_request(idempotency_key="abc-1")
    again = make_request(idempotency_key="abc-1", content="另一个内容")
    assert again.pk == first.pk
    assert ServiceRequest.objects.count() == 1
    with pytest.raises(Conflict):
        make_request(idempotency_key="abc-1", actor=world.manager)


def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(world, make_request):
    with pytest.raises(ValidationFailed) as exc:
        make_request(content="   ")
    assert exc.value.field == "content" and "内容" in exc.value.message
    with pytest.raises(ValidationFailed):
        make_request(type="nonsense")
    with pytest.raises(ValidationFailed):
        make_request(unit=None, repair_scope=RepairScope.IN_UNIT)
    assert not ServiceRequest.objects.exists()


def test_r3_10_repeat_report_of_an_open_repair_is_flagged(world, make_request):
    first = make_request()
    second = make_request(content="还在漏水")
    assert second.repeat_of == first
    assert OutboxMessage.objects.filter(recipient=world.clerk, subject__contains="重复反映").exists()
    assert "重复反映" in timeline_of(second).get(action="create").note


# --- the field (R4.1) ---------------------------------------------------------------------------------


def test_r4_1_work_order_steps_set_the_derived_facts_and_timeline(world, eng, make_request):
    req = make_request()
    req = services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
    req = services.request_accept(req, actor=world.tech)
    req = services.request_depart(req, actor=world.tech)
    req = services.request_arrive(req, actor=world.tech)
    services.request_add_material(
        req, actor=world.tech, name="PPR 弯头", quantity="2", measure="个", unit_price="3.50"
    )
    req = services.request_complete(req, actor=world.tech, note="更换弯头，试水无渗漏")
    assert req.state == State.COMPLETED
    assert all([req.dispatched_at, req.accepted_at, req.departed_at, req.arrived_at, req.completed_at])
    assert str(req.materials.get().unit_price) == "3.50"
    actions = list(timeline_of(req).values_list("action", "from_state", "to_state"))
    assert actions[:3] == [
        ("create", "", "new"),
        ("dispatch", "new", "dispatched"),
        ("accept", "dispatched", "accepted"),
    ]
    assert actions[-1] == ("complete", "arrived", "completed")
    # The owner is asked to confirm.
    assert OutboxMessage.objects.filter(recipient=world.owner, subject__contains="请确认").exists()


def test_r4_1_repair_cannot_be_completed_before_arrival(world, eng, make_request):
    req = services.request_dispatch(make_request(), actor=world.clerk, department=eng, assignee=world.tech)
    with pytest.raises(Conflict) as exc:
        services.request_complete(req, actor=world.tech, note="done")
    assert "到场" in exc.value.message


def test_wrong_state_is_refused_with_a_clear_message(world, make_request):
    req = make_request()
    with pytest.raises(Conflict) as exc:
        services.request_arrive(req, actor=world.clerk)
    assert "待派单" in exc.value.message and "到场" in exc.value.message


def test_technician_of_another_department_cannot_work_the_job(world, cs, make_request):
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="tech_cs")
    MembershipFactory(user=other, project=world.p1, company=world.company, role="technician", department=cs)
    eng_req = services.request_dispatch(
        make_request(), actor=world.clerk, department=world.tech.memberships.get().department
    )
    with pytest.raises(Forbidden):
        services.request_accept(eng_req, actor=other)
    assert services.request_accept(eng_req, actor=world.tech).assignee == world.tech


def test_material_amounts_are_validated(world, worked):
    req = worked()
    for bad in ("0", "-1", "abc", "1e10"):
        with pytest.raises(ValidationFailed):
            services.request_add_material(req, actor=world.tech, name="螺丝", quantity=bad)


# --- warranty (R4.2) ----------------------------------------------------------------------------------


def test_r4_2_warranty_repair_goes_to_contractor_then_engineering_verifies(world, eng, make_request):
    req = make_request(repair_scope=RepairScope.WARRANTY, contractor="中建某局")
    req = services.request_dispatch(req, actor=world.clerk, department=eng)
    req = services.request_complete(req, actor=world.clerk, note="施工单位已更换窗扇")
    assert req.state == State.CONTRACTOR_DONE and req.completed_at is None
    with pytest.raises(Forbidden):
        services.request_verify(req, actor=world.clerk, passed=True)
    req = services.request_verify(req, actor=world.tech, passed=False, note="密封条未装")
    assert req.state == State.DISPATCHED
    req = services.request_complete(req, actor=world.clerk, note="补装密封条")
    req = services.request_verify(req, actor=world.tech, passed=True)
    assert req.state == State.COMPLETED and req.verified_at and req.completed_at


# --- closing (R3.5) -----------------------------------------------------------------------------------


def test_r3_5_owner_confirms_and_first_receiver_is_told(world, worked):
    req = services.request_complete(worked(), actor=world.tech, note="已修好")
    req = services.request_confirm(req, actor=world.owner)
    assert req.state == State.CLOSED and req.confirmed_by == world.owner and req.closed_at
    assert OutboxMessage.objects.filter(recipient=world.clerk, subject__contains="已确认").exists()
    assert not req.timers.filter(state="running").exists()


def test_r3_5_technician_confirms_only_with_a_signature(world, worked):
    req = services.request_complete(worked(), actor=world.tech, note="已修好")
    with pytest.raises(ValidationFailed):
        services.request_confirm(req, actor=world.tech)
    req = services.request_confirm(
        req,
        actor=world.tech,
        signature="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAsTj2FAAAAABJRU5ErkJggg==",
    )
    assert req.state == State.CLOSED and req.signature


def test_neighbour_cannot_confirm_or_rate(world, worked):
    req = services.request_complete(worked(), actor=world.tech, note="已修好")
    with pytest.raises(Forbidden):
        services.request_confirm(req, actor=world.neighbour)
    req = services.request_confirm(req, actor=world.owner)
    with pytest.raises(Forbidden):
        services.request_rate(req, actor=world.neighbour, rating=5)


def test_owner_rates_a_closed_request_once(world, worked):
    req = services.request_confirm(
        services.request_complete(worked(), actor=world.tech, note="ok"), actor=world.owner
    )
    with pytest.raises(ValidationFailed):
        services.request_rate(req, actor=world.owner, rating=6)
    req = services.request_rate(req, actor=world.owner, rating=5, comment="师傅很专业")
    assert req.rating == 5
    with pytest.raises(Conflict):
        services.request_rate(req, actor=world.owner, rating=4)


# --- promises and postponements (R3.4) ----------------------------------------------------------------


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r3_4_promise_over_seven_days_needs_a_special_reason(world, make_request):
    req = make_request()
    with pytest.raises(ValidationFailed) as exc:
        services.request_promise(req, actor=world.clerk, promised_at=at(2026, 11, 30, 10))
    assert exc.value.field == "special_reason"
    req = services.request_promise(
        req, actor=world.clerk, promised_at=at(2026, 11, 30, 10), special_reason="需厂家配件"
    )
    assert req.special_reason == "需厂家配件"
    assert req.timers.get(kind="promise").due_at == at(2026, 11, 30, 10)


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r3_4_second_postponement_is_refused(world, make_request):
    req = services.request_promise(make_request(), actor=world.clerk, promised_at=at(2026, 11, 21, 18))
    req = services.request_postpone(
        req, actor=world.clerk, to=at(2026, 11, 22, 18), reason="配件未到", customer_informed=True
    )
    assert req.promised_at == at(2026, 11, 22, 18) and req.postponements == 1
    assert req.timers.get(kind="promise", state="running").due_at == at(2026, 11, 22, 18)
    assert OutboxMessage.objects.filter(recipient=world.owner, subject__contains="推迟").exists()
    with pytest.raises(Conflict) as exc:
        services.request_postpone(
            req, actor=world.clerk, to=at(2026, 11, 23, 18), reason="又没到", customer_informed=True
        )
    assert "不得两次推迟" in exc.value.message


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r3_4_postponement_needs_reason_customer_told_and_before_deadline(world, make_request):
    req = services.request_promise(make_request(), actor=world.clerk, promised_at=at(2026, 11, 20, 12))
    with pytest.raises(ValidationFailed):
        services.request_postpone(
            req, actor=world.clerk, to=at(2026, 11, 21, 12), reason="", customer_informed=True
        )
    with pytest.raises(ValidationFailed):
        services.request_postpone(
            req, actor=world.clerk, to=at(2026, 11, 21, 12), reason="忙", customer_informed=False
        )
    with freeze_time("2026-11-20 12:30:00+08:00"), pytest.raises(Conflict) as exc:
        services.request_postpone(
            req, actor=world.clerk, to=at(2026, 11, 21, 12), reason="忙", customer_informed=True
        )
    assert "到期前" in exc.value.message


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r3_4_a_new_promise_may_be_postponed_once_again(world, make_request):
    req = services.request_promise(make_request(), actor=world.clerk, promised_at=at(2026, 11, 21, 18))
    req = services.request_postpone(
        req, actor=world.clerk, to=at(2026, 11, 22, 18), reason="a", customer_informed=True
    )
    req = services.request_promise(req, actor=world.clerk, promised_at=at(2026, 11, 24, 18))
    req = services.request_postpone(
        req, actor=world.clerk, to=at(2026, 11, 25, 18), reason="b", customer_informed=True
    )
    assert req.postponements == 2


# --- rework (R4.3) ------------------------------------------------------------------------------------


def test_r4_3_reopen_within_30_days_is_rework_linked_to_the_first(world, worked):
    with freeze_time("2026-11-01 10:00:00+08:00"):
        first = services.request_complete(worked(), actor=world.tech, note="ok")
        first = services.request_confirm(first, actor=world.owner)
    with freeze_time("2026-11-20 10:00:00+08:00"):
        again = services.request_reopen(first, actor=world.owner, content="又漏了")
    assert again.is_rework and again.rework_of == first and again.type == RequestType.REPAIR
    with freeze_time("2026-12-20 10:00:00+08:00"):
        late = services.request_reopen(first, actor=world.clerk, content="又又漏了")
    assert not late.is_rework and late.rework_of == first
    first.refresh_from_db()
    assert first.state == State.CLOSED  # history is not rewritten


# --- complaints (R3.7) and return visits (R3.6) -------------------------------------------------------


def test_r3_7_complaint_judgement_and_feedback(world, make_request):
    req = make_request(RequestType.COMPLAINT, content="保安态度差")
    with pytest.raises(Forbidden):
        services.complaint_judge(req, actor=world.clerk, valid=True, reason="属实", cause="service")
    services.complaint_feedback(req, actor=world.clerk, feedback="已联系业主致歉，正在调查")
    review = services.complaint_judge(
        req, actor=world.manager, valid=True, reason="监控核实属实", cause="service", handler=world.clerk
    )
    assert review.valid and review.cause == ComplaintReview.Cause.SERVICE
    assert req.timers.get(kind="complaint_feedback").state == "met"
    review = services.complaint_feedback(
        req, actor=world.clerk, feedback="已处理", result="当事保安调岗并道歉", resolved=True
    )
    assert review.resolved_at and review.result
    with pytest.raises(Conflict):
        services.complaint_judge(req, actor=world.manager, valid=False, reason="x", cause="other")
    req.refresh_from_db()
    assert req.visit_required  # every valid complaint is visited back


def test_r3_6_visit_queue_holds_valid_complaints_and_emergency_repairs(world, eng, make_request):
    emergency = make_request(urgency=Urgency.EMERGENCY, content="水管爆裂")
    complaint = make_request(RequestType.COMPLAINT, content="噪音")
    services.complaint_judge(complaint, actor=world.manager, valid=True, reason="属实", cause="neighbour")
    services.complaint_feedback(
        complaint, actor=world.clerk, feedback="已处理", result="已协调", resolved=False
    )
    complaint = services.request_complete(complaint, actor=world.clerk, note="已协调邻居")
    emergency = services.request_dispatch(emergency, actor=world.clerk, department=eng, assignee=world.tech)
    emergency = services.request_arrive(
        services.request_accept(emergency, actor=world.tech), actor=world.tech
    )
    emergency = services.request_complete(emergency, actor=world.tech, note="关阀换管")
    assert set(visit_queue(world.clerk)) == {emergency, complaint}
    visit = services.visit_record(emergency, actor=world.clerk, outcome="satisfied", satisfaction=5)
    assert visit.follow_up is None
    assert set(visit_queue(world.clerk)) == {complaint}


def test_r3_6_random_share_is_reproducible_and_at_least_the_standard():
    numbers = [f"BX-202611-{i:04d}" for i in range(1, 2001)]
    from decimal import Decimal

    picked = [n for n in numbers if services.sampled_for_visit(n, Decimal(30))]
    assert 0.27 < len(picked) / len(numbers) < 0.33
    assert picked == [n for n in numbers if services.sampled_for_visit(n, Decimal(30))]
    assert all(services.sampled_for_visit(n, Decimal(100)) for n in numbers)


def test_r3_6_unhappy_visit_creates_a_follow_up(world, worked):
    req = services.request_complete(worked(urgency=Urgency.EMERGENCY), actor=world.tech, note="ok")
    with pytest.raises(ValidationFailed):
        services.visit_record(req, actor=world.clerk, outcome=ReturnVisit.Outcome.UNSATISFIED, satisfaction=2)
    visit = services.visit_record(
        req, actor=world.clerk, outcome=ReturnVisit.Outcome.UNSATISFIED, satisfaction=2, follow_up="仍有渗水"
    )
    assert visit.follow_up is not None and visit.follow_up.rework_of == req and visit.follow_up.is_rework


def test_cancel_stops_the_timers(world, make_request):
    req = services.request_cancel(make_request(), actor=world.clerk, reason="业主已自行处理")
    assert req.state == State.CANCELLED
    assert not req.timers.filter(state="running").exists()


def test_services_keep_timestamps_aware(world, make_request):
    req = make_request()
    assert timezone.is_aware(req.received_at)
    assert req.received_at <= timezone.now() + timedelta(seconds=1)
