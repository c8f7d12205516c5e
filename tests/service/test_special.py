"""Special-service orders (R8.1): ordered from billing's special-service menu with the price stated
before ordering, the arrival measured against the appointment (≤5 min early, ≤2 min late), one charge
raised through billing on completion, rated and visited back like any request. And the three-minute
exception of R3.4: the customer told beforehand and agreeing to a later arrival."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.billing import services as billing
from jiayuan.billing.models import Bill
from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.roles import Role
from jiayuan.core.timeline import timeline_of
from jiayuan.service import services
from jiayuan.service.models import RequestType, State, Timer, TimerKind
from tests.factories import MembershipFactory, UserFactory

SH = timezone.get_fixed_timezone(8 * 60)


def at(*args):
    return datetime(*args, tzinfo=SH)


APPOINTMENT = at(2026, 11, 20, 14, 0)


@pytest.fixture
def menu(world):
    finance = UserFactory(username="finance")
    MembershipFactory(user=finance, project=world.p1, company=world.company, role=Role.FINANCE)
    ac = billing.fee_item_create(world.p1.pk, actor=finance, code="TY01", name="空调清洗", kind="special")
    billing.price_version_add(ac, actor=finance, valid_from=date(2026, 1, 1), unit_price="80")
    unpriced = billing.fee_item_create(
        world.p1.pk, actor=finance, code="TY02", name="开荒保洁", kind="special"
    )
    mgmt = billing.fee_item_create(world.p1.pk, actor=finance, code="WYF", name="物业管理费", kind="area")
    return type("Menu", (), {"finance": finance, "ac": ac, "unpriced": unpriced, "mgmt": mgmt})


@pytest.fixture
def order(world, menu, eng):
    def make(appointment=APPOINTMENT, *, actor=None):
        req = services.request_create(
            actor=actor or world.clerk,
            project=world.p1,
            type=RequestType.SPECIAL,
            content="客厅挂机清洗",
            unit=world.unit,
            fee_item=menu.ac,
            preferred_time=appointment,
        )
        return services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)

    return make


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r8_1_order_states_the_menu_price_and_books_the_appointment(world, menu, order):
    req = order()
    assert req.fee_item == menu.ac and req.quoted_price == Decimal("80.00")
    timer = Timer.objects.get(request=req, kind=TimerKind.APPOINTMENT)
    assert timer.due_at == at(2026, 11, 20, 14, 2)  # at most 2 minutes late
    assert timer.standard_code == "service.special_late"
    assert "报价 80.00 元" in timeline_of(req)[0].note


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r8_1_order_needs_a_priced_special_menu_item_a_unit_and_a_time(world, menu):
    base = {"actor": world.clerk, "project": world.p1, "type": RequestType.SPECIAL, "content": "清洗"}
    when = at(2026, 11, 21, 9, 0)
    for item in (None, menu.unpriced, menu.mgmt):
        with pytest.raises(ValidationFailed) as exc:
            services.request_create(**base, unit=world.unit, fee_item=item, preferred_time=when)
        assert exc.value.field == "fee_item"
    with pytest.raises(ValidationFailed) as exc:
        services.request_create(**base, unit=world.unit, fee_item=menu.ac)
    assert exc.value.field == "preferred_time"
    with pytest.raises(ValidationFailed) as exc:
        services.request_create(**base, location="大堂", fee_item=menu.ac, preferred_time=when)
    assert exc.value.field == "unit"


@pytest.mark.parametrize(
    ("arrival", "punctual", "timer_state"),
    [
        (at(2026, 11, 20, 13, 55), True, Timer.State.MET),  # 5 minutes early: on time
        (at(2026, 11, 20, 13, 54), False, Timer.State.MET),  # 6 minutes early: too early
        (at(2026, 11, 20, 14, 2), True, Timer.State.MET),  # 2 minutes late: on time
        (at(2026, 11, 20, 14, 3), False, Timer.State.BREACHED),  # 3 minutes late: breached
    ],
)
def test_r8_1_arrival_window_five_early_two_late(world, order, arrival, punctual, timer_state):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = order()
        req = services.request_accept(req, actor=world.tech)
    with freeze_time(arrival):
        req = services.request_arrive(req, actor=world.tech)
    assert req.punctual is punctual
    assert Timer.objects.get(request=req, kind=TimerKind.APPOINTMENT).state == timer_state


def test_r8_1_completion_by_fee_staff_charges_once_and_owner_sees_the_bill(world, menu, order):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = order()
        req = services.request_accept(req, actor=world.tech)
    with freeze_time("2026-11-20 14:00:00+08:00"):
        req = services.request_arrive(req, actor=world.tech)
        # The technician may not raise charges: the order waits, fee staff are told.
        req = services.request_complete(req, actor=world.tech, note="清洗完毕")
        assert req.charge_id is None and req.state == State.COMPLETED
        bill = services.special_charge(req, actor=menu.finance)
        again = services.special_charge(req, actor=menu.finance)
    assert again.pk == bill.pk
    assert Bill.objects.filter(unit=world.unit, kind=Bill.Kind.CHARGE).count() == 1
    assert bill.total == Decimal("80.00")
    req.refresh_from_db()
    assert req.charge_id == bill.pk
    # The owner of the unit sees it among their bills.
    assert Bill.objects.visible_to(world.owner).filter(pk=bill.pk).exists()
    assert not Bill.objects.visible_to(world.neighbour).filter(pk=bill.pk).exists()
    # Rated like any request.
    with freeze_time("2026-11-20 15:00:00+08:00"):
        req = services.request_confirm(req, actor=world.owner)
        req = services.request_rate(req, actor=world.owner, rating=5, comment="准时")
    assert req.rating == 5


def test_r8_1_completion_by_an_admin_charges_right_away(world, menu, order):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = order()
        req = services.request_accept(req, actor=world.admin)
    with freeze_time("2026-11-20 14:00:00+08:00"):
        req = services.request_arrive(req, actor=world.admin)
        req = services.request_complete(req, actor=world.admin, note="完成")
    req.refresh_from_db()
    assert req.charge is not None and req.charge.total == Decimal("80.00")
    with pytest.raises(Forbidden):
        services.special_charge(req, actor=world.clerk)


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r8_1_an_open_order_cannot_be_charged(world, menu, order):
    req = order()
    with pytest.raises(Conflict):
        services.special_charge(req, actor=menu.finance)


def test_r3_4_customer_agrees_to_a_later_arrival_before_the_three_minutes(world, make_request, eng):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = make_request()
    with freeze_time("2026-11-20 10:02:00+08:00"):
        req = services.request_agree_delay(
            req, actor=world.clerk, until=at(2026, 11, 20, 10, 30), note="维修工在外"
        )
    assert req.delay_agreed_until == at(2026, 11, 20, 10, 30)
    assert req.delay_agreed_by == world.clerk and req.delay_agreed_at == at(2026, 11, 20, 10, 2)
    timer = Timer.objects.get(request=req, kind=TimerKind.DISPATCH)
    assert timer.due_at == at(2026, 11, 20, 10, 30)
    assert "客户同意" in list(timeline_of(req))[-1].note
    # Dispatched after the three minutes but before the agreed time: the promise is kept.
    with freeze_time("2026-11-20 10:20:00+08:00"):
        services.timers_sweep(timezone.now())
        req = services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
    timer.refresh_from_db()
    assert timer.state == Timer.State.MET and not req.breached


def test_r3_4_agreement_must_come_before_the_deadline(world, make_request):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = make_request()
    with freeze_time("2026-11-20 10:04:00+08:00"), pytest.raises(Conflict):
        services.request_agree_delay(req, actor=world.clerk, until=at(2026, 11, 20, 10, 30))
    with freeze_time("2026-11-20 10:01:00+08:00"):
        for bad in (at(2026, 11, 20, 9, 0), timezone.now() + timedelta(days=8)):
            with pytest.raises(ValidationFailed):
                services.request_agree_delay(req, actor=world.clerk, until=bad)
        with pytest.raises(Forbidden):
            services.request_agree_delay(req, actor=world.tech, until=at(2026, 11, 20, 10, 30))
