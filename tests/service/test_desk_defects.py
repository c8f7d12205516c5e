"""Legacy defects of the developer (遗留问题, R3.12): registered, reported to the developer with a deadline,
rectified, verified by engineering — or closed as not a defect; ageing and overdue deadlines in red."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.service.models import DefectState, LegacyDefect
from jiayuan.service.services import desk

# A 1×1 GIF.
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

# These tests compare days with the code under test: a day must not turn over in the middle of one.
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def register(world):
    def make(**kw):
        data = {
            "actor": world.clerk,
            "project": world.p1,
            "category": "leak",
            "description": "地下车库顶板渗水",
            "found_on": timezone.localdate() - timedelta(days=10),
            "location": "地下车库 B2-17",
        }
        data.update(kw)
        return desk.defect_register(**data)

    return make


def _report(world, defect, *, deadline_days=15, reported_days_ago=5):
    today = timezone.localdate()
    return desk.defect_report(
        defect,
        actor=world.clerk,
        developer_contact="开发商工程部 刘工",
        reported_on=today - timedelta(days=reported_days_ago),
        deadline=today - timedelta(days=reported_days_ago) + timedelta(days=deadline_days),
    )


def test_r3_12_full_path_to_verification(world, register):
    defect = register()
    assert defect.number.startswith("YL-") and defect.state == DefectState.OPEN
    assert defect.found_by  # defaults to the one registering
    defect = _report(world, defect)
    assert defect.state == DefectState.REPORTED and defect.deadline
    defect = desk.defect_rectified(
        defect, actor=world.clerk, rectified_on=timezone.localdate(), note="已重做防水"
    )
    assert defect.state == DefectState.RECTIFIED
    defect = desk.defect_verify(defect, actor=world.tech, passed=True)
    assert defect.state == DefectState.VERIFIED and defect.verified_by == world.tech
    assert defect.days_open() == 10


def test_r3_12_failed_verification_goes_back_to_the_developer(world, register):
    defect = _report(world, register())
    defect = desk.defect_rectified(
        defect, actor=world.clerk, rectified_on=timezone.localdate(), note="已处理"
    )
    with pytest.raises(ValidationFailed) as exc:
        desk.defect_verify(defect, actor=world.tech, passed=False)
    assert exc.value.field == "note"
    defect = desk.defect_verify(defect, actor=world.tech, passed=False, note="雨后仍渗水")
    assert defect.state == DefectState.REPORTED and defect.rectified_on is None


def test_r3_12_unit_or_location_is_required(world, register):
    with pytest.raises(ValidationFailed) as exc:
        register(location="")
    assert exc.value.field == "location"
    assert register(location="", unit=world.unit).unit == world.unit


def test_r3_12_bad_dates_are_refused(world, register):
    with pytest.raises(ValidationFailed):
        register(found_on=timezone.localdate() + timedelta(days=1))
    defect = register()
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        desk.defect_report(
            defect,
            actor=world.clerk,
            developer_contact="刘工",
            reported_on=today,
            deadline=today - timedelta(days=1),
        )
    assert exc.value.field == "deadline"
    with pytest.raises(ValidationFailed) as exc:
        desk.defect_report(
            defect,
            actor=world.clerk,
            developer_contact="刘工",
            reported_on=defect.found_on - timedelta(days=1),
            deadline=today,
        )
    assert exc.value.field == "reported_on"
    defect.refresh_from_db()
    assert defect.state == DefectState.OPEN


def test_r3_12_overdue_is_past_the_deadline_and_not_rectified(world, register):
    late = _report(world, register(), deadline_days=2, reported_days_ago=5)
    assert late.overdue()
    on_time = _report(world, register(), deadline_days=30)
    assert not on_time.overdue()
    rectified = desk.defect_rectified(
        late, actor=world.clerk, rectified_on=timezone.localdate(), note="已整改"
    )
    assert not rectified.overdue()


def test_r3_12_close_as_not_a_defect_needs_engineering_or_the_manager(world, register):
    defect = register()
    with pytest.raises(Forbidden):
        desk.defect_close(defect, actor=world.clerk, reason="业主自行改造")
    defect = desk.defect_close(defect, actor=world.manager, reason="业主自行改造造成，非开发商遗留问题")
    assert defect.state == DefectState.CLOSED and defect.close_reason
    with pytest.raises(Conflict):
        _report(world, defect)


def test_r3_12_refusals_by_role_and_project(world, register):
    for user in (world.tech, world.outsider, world.owner, world.inspector):
        with pytest.raises(Forbidden):
            register(actor=user)
    defect = _report(world, register())
    defect = desk.defect_rectified(defect, actor=world.clerk, rectified_on=timezone.localdate(), note="x")
    for user in (world.clerk, world.outsider, world.inspector):
        with pytest.raises(Forbidden):
            desk.defect_verify(defect, actor=user, passed=True)
    with pytest.raises(ValidationFailed):
        register(unit=world.p2_unit)


# --- pages ---------------------------------------------------------------------------------------------------


def test_r3_12_list_shows_ageing_overdue_in_red_and_counts(
    world, register, as_user, django_assert_max_num_queries
):
    late = _report(world, register(description="外墙渗水"), deadline_days=2)
    fine = register(description="入户门变形")
    client = as_user(world.clerk)
    with django_assert_max_num_queries(25):
        resp = client.get(reverse("service:defects"))
    body = resp.content.decode()
    assert resp.status_code == 200 and late.number in body and fine.number in body
    assert "table-danger" in body and "逾期" in body
    assert 'data-testid="overdue-tab"' in body
    body = client.get(reverse("service:defects"), {"overdue": "true"}).content.decode()
    assert late.number in body and fine.number not in body
    body = client.get(reverse("service:defects"), {"state": "open"}).content.decode()
    assert fine.number in body and late.number not in body


def test_r3_12_register_from_the_form_with_a_photo(world, as_user):
    resp = as_user(world.clerk).post(
        reverse("service:defect_new"),
        {
            "unit": "3-2-1201",
            "location": "主卧窗台",
            "category": "doors_windows",
            "description": "窗框渗水",
            "found_on": timezone.localdate().isoformat(),
            "photo": SimpleUploadedFile("a.gif", PIXEL, content_type="image/gif"),
        },
    )
    defect = LegacyDefect.objects.get()
    assert resp.status_code == 302 and defect.photos.count() == 1 and defect.unit == world.unit


def test_r3_12_form_without_place_shows_the_error(world, as_user):
    resp = as_user(world.clerk).post(
        reverse("service:defect_new"),
        {"category": "leak", "description": "渗水", "found_on": timezone.localdate().isoformat()},
    )
    assert resp.status_code == 422 and "请选择房屋或填写公共区域部位" in resp.content.decode()
    assert not LegacyDefect.objects.exists()


def test_r3_12_technician_sees_the_register_and_verifies(world, register, as_user):
    defect = _report(world, register())
    desk.defect_rectified(defect, actor=world.clerk, rectified_on=timezone.localdate(), note="x")
    client = as_user(world.tech)
    assert client.get(reverse("service:defects")).status_code == 200
    page = client.get(reverse("service:defect", args=[defect.pk])).content.decode()
    assert 'data-testid="action-verify"' in page and 'data-testid="action-report"' not in page
    resp = client.post(reverse("service:defect_action", args=[defect.pk, "verify"]), {"passed": "1"})
    assert resp.status_code == 302
    defect.refresh_from_db()
    assert defect.state == DefectState.VERIFIED
