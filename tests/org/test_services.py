"""Services: certificate_add (R1.3) and training_record (R1.4) — guarded by Perm.EDIT_ORG, Chinese errors."""

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.timeline import timeline_of
from jiayuan.org.models import Certificate, Training
from jiayuan.org.services import certificate_add, training_record
from tests.org.conftest import FROZEN


def test_manager_adds_a_certificate_and_it_is_on_the_timeline_R1_3(org):
    cert = certificate_add(
        org.electrician,
        actor=org.world.manager,
        kind="electrician",
        number="EL-2026",
        issued_on=date(2026, 5, 1),
        expires_on=date(2032, 5, 1),
    )
    assert cert.project_id == org.world.p1.pk and cert.staff == org.electrician
    [entry] = timeline_of(org.electrician)
    assert entry.action == "certificate_add" and "电工证" in entry.note and entry.actor == org.world.manager


@pytest.mark.parametrize("user", ["clerk", "tech", "inspector", "outsider", "owner"])
def test_only_org_editors_add_certificates(org, user):
    with pytest.raises(Forbidden):
        certificate_add(org.electrician, actor=getattr(org.world, user), kind="electrician")
    assert not Certificate.objects.filter(number="").exists()


def test_expiry_must_be_after_issue(org):
    with pytest.raises(ValidationFailed) as exc:
        certificate_add(
            org.electrician,
            actor=org.world.manager,
            kind="electrician",
            issued_on=date(2026, 5, 1),
            expires_on=date(2026, 5, 1),
        )
    assert exc.value.field == "expires_on" and "晚于发证日期" in exc.value.message


@pytest.mark.parametrize(
    "field, value", [("issued_on", date(1999, 12, 31)), ("expires_on", date(2101, 1, 1))]
)
def test_certificate_dates_are_bounded_2000_2100(org, field, value):
    with pytest.raises(ValidationFailed) as exc:
        certificate_add(org.electrician, actor=org.world.manager, kind="electrician", **{field: value})
    assert exc.value.field == field and "2000-01-01" in exc.value.message


def test_unknown_certificate_kind_is_refused(org):
    with pytest.raises(ValidationFailed) as exc:
        certificate_add(org.electrician, actor=org.world.manager, kind="wizard")
    assert exc.value.field == "kind"


def test_no_certificate_for_someone_who_has_left(org):
    with pytest.raises(ValidationFailed):
        certificate_add(org.former, actor=org.world.manager, kind="health")


@freeze_time(FROZEN)
def test_manager_records_training_hours_R1_4(org):
    t = training_record(
        org.climber, actor=org.world.manager, date=date(2026, 5, 14), topic="电梯困人救援", hours="5"
    )
    assert t.hours == Decimal("5.0") and t.project_id == org.world.p1.pk
    assert timeline_of(org.climber).get().action == "training_record"


@freeze_time(FROZEN)
@pytest.mark.parametrize("hours", ["0.4", "24.5", "0", "-1", "NaN", "abc", None])
def test_training_hours_between_half_an_hour_and_24(org, hours):
    with pytest.raises(ValidationFailed) as exc:
        training_record(org.climber, actor=org.world.manager, date=date(2026, 5, 14), topic="x", hours=hours)
    assert exc.value.field == "hours"
    assert not Training.objects.filter(topic="x").exists()


@freeze_time(FROZEN)
@pytest.mark.parametrize("day", [date(1999, 1, 1), date(2026, 5, 16)])
def test_training_date_bounded_and_not_in_the_future(org, day):
    with pytest.raises(ValidationFailed) as exc:
        training_record(org.climber, actor=org.world.manager, date=day, topic="x", hours="1")
    assert exc.value.field == "date"


@freeze_time(FROZEN)
def test_clerk_cannot_record_training(org):
    with pytest.raises(Forbidden):
        training_record(org.climber, actor=org.world.clerk, date=date(2026, 5, 14), topic="x", hours="1")
