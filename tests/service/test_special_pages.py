"""Pages of the special-service orders (R8.1), the desk's intake lookup (R3.2, R3.10) and the three-minute
exception (R3.4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.billing import services as billing
from jiayuan.core.roles import Role
from jiayuan.estate.models import Occupancy
from jiayuan.service import services
from jiayuan.service.models import RequestType, ServiceRequest, Timer, TimerKind
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def finance(world):
    user = UserFactory(username="finance")
    MembershipFactory(user=user, project=world.p1, company=world.company, role=Role.FINANCE)
    return user


@pytest.fixture
def ac(world, finance):
    item = billing.fee_item_create(world.p1.pk, actor=finance, code="TY01", name="空调清洗", kind="special")
    billing.price_version_add(item, actor=finance, valid_from=date(2026, 1, 1), unit_price="80")
    return item


def test_r3_10_intake_lookup_shows_units_callers_and_recent_requests(world, as_user, make_request):
    earlier = make_request(content="卫生间漏水")
    client = as_user(world.clerk)
    resp = client.get(reverse("service:lookup"), {"who": "13800138000"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200 and "3-2-1201" in body and "张伟" in body
    assert "13800138000" not in body  # the phone is masked
    caller = Occupancy.objects.get(unit=world.unit, party__name="张伟").party
    resp = client.get(reverse("service:lookup"), {"unit": world.unit.pk, "caller": caller.pk})
    body = resp.content.decode()
    assert f'name="unit_id" value="{world.unit.pk}"' in body and earlier.number in body
    assert client.get(reverse("service:lookup"), {"unit": "x"}).status_code == 404
    # An owner or another project's manager gets nothing.
    assert as_user(world.owner).get(reverse("service:lookup"), {"who": "3-2"}).status_code == 403
    resp = as_user(world.outsider).get(reverse("service:lookup"), {"unit": world.unit.pk})
    assert resp.status_code in (403, 404)
    # One click selected them: the form takes the ids.
    data = {
        "who": "张",
        "unit_id": world.unit.pk,
        "caller_id": caller.pk,
        "type": "consultation",
        "urgency": "normal",
        "channel": "phone",
        "content": "咨询停车",
    }
    resp = client.post(reverse("service:new"), data)
    req = ServiceRequest.objects.get(type="consultation")
    assert resp.status_code == 302 and req.unit == world.unit and req.caller == caller


@freeze_time("2026-11-20 10:00:00+08:00")
def test_r8_1_desk_takes_a_special_order_with_its_price(world, as_user, ac):
    client = as_user(world.clerk)
    page = client.get(reverse("service:new")).content.decode()
    assert "空调清洗 ¥80.00" in page
    data = {
        "who": "3-2-1201",
        "type": "special",
        "fee_item": ac.pk,
        "urgency": "normal",
        "channel": "phone",
        "content": "挂机清洗",
        "preferred_time": "2026-11-21T09:00",
    }
    resp = client.post(reverse("service:new"), data)
    req = ServiceRequest.objects.get(type=RequestType.SPECIAL)
    assert resp.status_code == 302 and str(req.quoted_price) == "80.00"
    body = client.get(reverse("service:request", args=[req.pk])).content.decode()
    assert "空调清洗" in body and "待出账" in body
    resp = client.post(reverse("service:new"), {**data, "preferred_time": ""})
    assert resp.status_code == 422 and "请约定上门时间" in resp.content.decode()


def test_r8_1_owner_browses_the_menu_orders_and_fee_staff_charge(world, as_user, ac, finance, eng):
    owner = as_user(world.owner)
    with freeze_time("2026-11-20 10:00:00+08:00"):
        menu = owner.get(reverse("portal:special_services")).content.decode()
        assert "空调清洗" in menu and "¥80.00" in menu
        form = owner.get(reverse("portal:request_new"), {"type": "special", "item": ac.pk})
        assert "空调清洗 ¥80.00" in form.content.decode()
        resp = owner.post(
            reverse("portal:request_new"),
            {
                "unit": world.unit.pk,
                "type": "special",
                "fee_item": ac.pk,
                "content": "挂机清洗",
                "preferred_time": "2026-11-20T14:00",
            },
        )
        req = ServiceRequest.objects.get(type=RequestType.SPECIAL)
        assert resp.status_code == 302 and req.channel == "portal"
        assert Timer.objects.filter(request=req, kind=TimerKind.APPOINTMENT).exists()
        req = services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
        req = services.request_accept(req, actor=world.tech)
    with freeze_time("2026-11-20 14:01:00+08:00"):
        req = services.request_arrive(req, actor=world.tech)
        req = services.request_complete(req, actor=world.tech, note="完成")
    assert req.punctual is True
    fin = as_user(finance)
    # Fee staff don't see the request page (no VIEW_REQUESTS); the desk can't charge.
    clerk = as_user(world.clerk)
    assert clerk.get(reverse("service:action", args=[req.pk, "charge"])).status_code == 403
    admin = as_user(world.admin)
    resp = admin.post(reverse("service:action", args=[req.pk, "charge"]), {})
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.charge_id is not None
    assert admin.post(reverse("service:action", args=[req.pk, "charge"]), {}).status_code == 403
    detail = owner.get(reverse("portal:request", args=[req.pk])).content.decode()
    assert "¥80.00" in detail and reverse("portal:bill", args=[req.charge_id]) in detail
    assert owner.get(reverse("portal:bill", args=[req.charge_id])).status_code == 200
    del fin


def test_r3_4_desk_records_the_customer_agreed_to_a_later_arrival(world, as_user, make_request):
    with freeze_time("2026-11-20 10:00:00+08:00"):
        req = make_request()
    client = as_user(world.clerk)
    with freeze_time("2026-11-20 10:01:00+08:00"):
        url = reverse("service:action", args=[req.pk, "agree_delay"])
        resp = client.post(url, {"until": "2026-11-20T10:20", "note": "维修工在 5 号楼"})
        assert resp.status_code == 422  # the customer's agreement must be ticked
        resp = client.post(url, {"until": "2026-11-20T10:20", "informed": "on", "note": "维修工在 5 号楼"})
        assert resp.status_code == 302
        body = client.get(reverse("service:request", args=[req.pk])).content.decode()
    assert 'data-testid="agreed-time"' in body and 'data-testid="delay-agreed"' in body
    due = Timer.objects.get(request=req, kind=TimerKind.DISPATCH).due_at
    assert timezone.localtime(due).strftime("%H:%M") == "10:20"
