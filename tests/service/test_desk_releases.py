"""Goods-release slips (物品出门条, R3.9): issued by the desk with the owner's consent, printed with a QR code,
checked once at the gate by the guard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.models import TimelineEntry
from jiayuan.core.roles import Role
from jiayuan.estate.models import Occupancy
from jiayuan.service.models import GoodsRelease, ReleaseState
from jiayuan.service.services import desk
from tests.factories import MembershipFactory, PartyFactory, UserFactory

# These tests compare days with the code under test: a day must not turn over in the middle of one.
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def guard(world):
    user = UserFactory(username="guard")
    MembershipFactory(user=user, project=world.p1, company=world.company, role=Role.GUARD)
    return user


@pytest.fixture
def issue(world):
    def make(**kw):
        data = {
            "actor": world.clerk,
            "project": world.p1,
            "unit": world.unit,
            "applicant_relation": "owner",
            "carrier_name": "张伟",
            "carrier_phone": "13800138000",
            "items": "双人床 1 张\n衣柜 2 个",
            "item_count": 3,
        }
        data.update(kw)
        return desk.release_issue(**data)

    return make


def test_r3_9_issue_numbers_the_slip_per_project_and_month(world, issue):
    with freeze_time("2026-11-15 10:00:00+08:00"):
        first, second = issue(), issue(vehicle_plate="粤b 12345")
    assert first.number == "FX-202611-0001" and second.number == "FX-202611-0002"
    assert second.vehicle_plate == "粤B12345"
    assert first.valid_on.isoformat() == "2026-11-15"
    assert TimelineEntry.objects.filter(object_id=first.pk, action="issue").exists()


def test_r3_9_tenant_needs_a_registered_owners_consent(world, issue):
    with pytest.raises(ValidationFailed) as exc:
        issue(applicant_relation="tenant", carrier_name="租户小王", carrier_phone="13700000001")
    assert exc.value.field == "consent_name"
    with pytest.raises(ValidationFailed) as exc:
        issue(applicant_relation="tenant", consent_name="李娜", consent_method="phone")
    assert exc.value.field == "consent_name"  # the neighbour is not this unit's owner
    with pytest.raises(ValidationFailed) as exc:
        issue(applicant_relation="tenant", consent_name="张伟")
    assert exc.value.field == "consent_method"
    slip = issue(
        applicant_relation="tenant", consent_name="张伟", consent_method="phone", consent_note="电话确认"
    )
    assert slip.consent_name == "张伟" and slip.consent_method == "phone"
    assert GoodsRelease.objects.count() == 1


def test_r3_9_tenant_of_a_unit_without_registered_owner_is_refused(world, issue):
    Occupancy.objects.filter(unit=world.unit).update(relation=Occupancy.Relation.TENANT)
    with pytest.raises(ValidationFailed, match="没有登记业主"):
        issue(applicant_relation="tenant", consent_name="张伟", consent_method="phone")


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"carrier_phone": "12345"}, "carrier_phone"),
        ({"carrier_id_number": "110105194912310021"}, "carrier_id_number"),
        ({"item_count": 0}, "item_count"),
        ({"items": "  "}, "items"),
        ({"vehicle_plate": "ABC"}, "vehicle_plate"),
    ],
)
def test_r3_9_bad_input_is_refused_on_its_field(world, issue, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        issue(**kw)
    assert exc.value.field == field
    assert not GoodsRelease.objects.exists()


def test_r3_9_valid_date_is_bounded(world, issue):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="早于今天"):
        issue(valid_on=today - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="最多提前"):
        issue(valid_on=today + timedelta(days=8))
    assert issue(valid_on=today + timedelta(days=7)).valid_on == today + timedelta(days=7)


def test_r3_9_only_the_desk_issues_slips(world, issue, guard):
    for user in (world.tech, guard, world.outsider, world.owner):
        with pytest.raises(Forbidden):
            issue(actor=user)


def test_r3_9_unit_of_another_project_is_refused(world, issue):
    with pytest.raises(ValidationFailed) as exc:
        issue(unit=world.p2_unit)
    assert exc.value.field == "unit"


def test_r3_9_guard_releases_once(world, issue, guard):
    slip = issue()
    desk.release_release(slip, actor=guard)
    slip.refresh_from_db()
    assert slip.state == ReleaseState.RELEASED and slip.released_by == guard and slip.released_at
    with pytest.raises(Conflict, match="只能使用一次"):
        desk.release_release(slip, actor=guard)


def test_r3_9_expired_or_cancelled_slip_is_refused_at_the_gate(world, issue, guard):
    with freeze_time(timezone.now() - timedelta(days=2)):
        old = issue()
    with pytest.raises(Conflict, match="已过期"):
        desk.release_release(old, actor=guard)
    later = issue(valid_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(Conflict, match="未到有效日期"):
        desk.release_release(later, actor=guard)
    slip = issue()
    desk.release_cancel(slip, actor=world.clerk, reason="业主撤回同意")
    with pytest.raises(Conflict, match="已作废"):
        desk.release_release(slip, actor=guard)
    assert not GoodsRelease.objects.filter(state=ReleaseState.RELEASED).exists()


def test_r3_9_technician_cannot_release_and_guard_cannot_cancel(world, issue, guard):
    slip = issue()
    with pytest.raises(Forbidden):
        desk.release_release(slip, actor=world.tech)
    with pytest.raises(Forbidden):
        desk.release_cancel(slip, actor=guard, reason="x")
    slip.refresh_from_db()
    assert slip.state == ReleaseState.ISSUED


def test_r3_9_guard_refuses_goods_that_do_not_match(world, issue, guard):
    slip = desk.release_refuse(issue(), actor=guard, reason="实际搬出 5 件，与出门条 3 件不符")
    assert slip.state == ReleaseState.REFUSED and slip.closed_by == guard
    with pytest.raises(Conflict):
        desk.release_release(slip, actor=guard)


# --- pages ---------------------------------------------------------------------------------------------------


def test_r3_9_desk_issues_a_slip_from_the_form(world, as_user):
    client = as_user(world.clerk)
    data = {
        "unit": "3-2-1201",
        "applicant_relation": "tenant",
        "carrier_name": "王租户",
        "carrier_phone": "13700137001",
        "items": "冰箱 1 台",
        "item_count": "1",
        "valid_on": timezone.localdate().isoformat(),
        "consent_name": "张伟",
        "consent_method": "phone",
    }
    resp = client.post(reverse("service:release_new"), data)
    slip = GoodsRelease.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("service:release", args=[slip.pk])
    page = client.get(resp.url).content.decode()
    assert slip.number in page and "137****7001" in page and "13700137001" not in page


def test_r3_9_form_errors_in_chinese_and_nothing_written(world, as_user):
    client = as_user(world.clerk)
    resp = client.post(
        reverse("service:release_new"),
        {
            "unit": "9-9-9999",
            "applicant_relation": "owner",
            "carrier_name": "某",
            "carrier_phone": "13800138000",
            "items": "箱子",
            "item_count": "1",
            "valid_on": timezone.localdate().isoformat(),
        },
    )
    assert resp.status_code == 422
    assert "找不到该房屋" in resp.content.decode()
    assert not GoodsRelease.objects.exists()


def test_r3_9_pdf_has_the_qr_code_and_masked_id(world, issue, as_user):
    slip = issue(carrier_id_number="11010519491231002X")
    resp = as_user(world.clerk).get(reverse("service:release_pdf", args=[slip.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")


def test_r3_9_pdf_template_names_its_font_and_masks_the_id(world, issue, rf):
    from django.template.loader import render_to_string

    slip = issue(carrier_id_number="11010519491231002X")
    html = render_to_string(
        "service/desk/release_pdf.html",
        {"slip": slip, "qr": "", "carrier_id": "1101**********002X", "carrier_phone": "138****8000"},
    )
    assert "WenQuanYi Zen Hei" in html and "11010519491231002X" not in html and "物品出门条" in html


def test_r3_9_gate_lookup_by_number_then_release(world, issue, guard, as_user):
    slip = issue()
    client = as_user(guard)
    resp = client.get(reverse("service:gate"), {"number": slip.number.lower()})
    assert resp.status_code == 302 and resp.url == reverse("service:gate_slip", args=[slip.pk])
    page = client.get(resp.url).content.decode()
    assert 'data-testid="gate-valid"' in page
    resp = client.post(reverse("service:gate_release", args=[slip.pk]))
    assert resp.status_code == 302
    page = client.get(resp.url).content.decode()
    assert 'data-testid="gate-released"' in page
    # The second scan: a clear red refusal, and a second release is a 409.
    page = client.get(reverse("service:gate_slip", args=[slip.pk])).content.decode()
    assert 'data-testid="gate-refused"' in page and "已使用" in page
    assert client.post(reverse("service:gate_release", args=[slip.pk])).status_code == 409


def test_r3_9_gate_unknown_number_is_a_red_not_found(world, guard, as_user):
    resp = as_user(guard).get(reverse("service:gate"), {"number": "FX-209901-0001"})
    assert resp.status_code == 404 and "查无此出门条" in resp.content.decode()


def test_r3_9_gate_of_another_project_cannot_see_the_slip(world, issue, as_user):
    slip = issue()
    other_guard = UserFactory(username="guard2")
    MembershipFactory(user=other_guard, project=world.p2, company=world.company, role=Role.GUARD)
    client = as_user(other_guard)
    assert client.get(reverse("service:gate"), {"number": slip.number}).status_code == 404
    assert client.get(reverse("service:gate_slip", args=[slip.pk])).status_code == 404
    assert client.post(reverse("service:gate_release", args=[slip.pk])).status_code == 404
    slip.refresh_from_db()
    assert slip.state == ReleaseState.ISSUED


def test_r3_9_technician_and_owner_cannot_open_the_gate_page(world, as_user):
    assert as_user(world.tech).get(reverse("service:gate")).status_code == 403
    assert as_user(world.owner).get(reverse("service:gate")).status_code in (302, 403)


def test_r3_9_list_masks_personal_data_and_counts_states(
    world, issue, as_user, django_assert_max_num_queries
):
    PartyFactory(project=world.p1, name="王五", phone="13600136000")
    for n in range(5):
        issue(carrier_phone=f"1370013700{n}", carrier_id_number="11010519491231002X")
    client = as_user(world.clerk)
    with django_assert_max_num_queries(25):
        resp = client.get(reverse("service:releases"))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "137****7000" in body and "13700137000" not in body and "11010519491231002X" not in body
    assert "1101**********002X" in body


def test_r3_9_guard_sees_the_gate_in_navigation(world, guard, as_user):
    body = as_user(guard).get(reverse("service:gate")).content.decode()
    assert "出门条核验" in body
