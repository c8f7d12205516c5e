"""R10.1 indicators 22 and 23 measured from org's records (org/indicators.py), with their rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from jiayuan.core import indicators
from jiayuan.core.indicators import Period
from jiayuan.org.indicators import (
    MANAGER_TRAINING_CODE,
    SPECIAL_OPS_CODE,
    measure_manager_training,
    measure_special_ops,
)
from jiayuan.org.models import Certificate, Department, Training
from jiayuan.org.selectors import certificate_coverage
from tests.factories import StaffFactory

NOV = Period.month(2026, 11)


def _cs(world):
    return Department.objects.get(project=world.p1, kind=Department.Kind.CUSTOMER_SERVICE)


def _eng(world):
    return Department.objects.get(project=world.p1, kind=Department.Kind.ENGINEERING)


def _train(staff, day, passed, kind=Training.Kind.PROFESSIONAL):
    return Training.objects.create(
        project=staff.project, staff=staff, date=day, topic="物业管理实务", kind=kind, hours=2, passed=passed
    )


def _cert(staff, kind, expires_on, issued_on=date(2020, 1, 1), number=""):
    return Certificate.objects.create(
        project=staff.project,
        staff=staff,
        kind=kind,
        number=number,
        issued_on=issued_on,
        expires_on=expires_on,
    )


def test_both_org_indicators_are_registered():
    """R10.1: 22 and 23 come from org's AppConfig.ready()."""
    assert indicators.source(MANAGER_TRAINING_CODE) is not None
    assert indicators.source(SPECIAL_OPS_CODE) is not None


@pytest.mark.django_db
def test_r10_1_indicator_22_counts_managers_who_passed_professional_training(world):
    """R10.1 #22: of the managers employed, those with a passed professional session in the month."""
    cs = _cs(world)
    passed = StaffFactory(project=world.p1, department=cs, name="甲经理", is_manager=True)
    failed = StaffFactory(project=world.p1, department=cs, name="乙经理", is_manager=True)
    untrained = StaffFactory(project=world.p1, department=cs, name="丙经理", is_manager=True)
    general_only = StaffFactory(project=world.p1, department=cs, name="丁经理", is_manager=True)
    StaffFactory(project=world.p1, department=cs, name="职员", is_manager=False)
    StaffFactory(project=world.p1, department=cs, name="已离职", is_manager=True, active=False)
    StaffFactory(
        project=world.p1, department=cs, name="下月入职", is_manager=True, hired_on=date(2026, 12, 1)
    )
    _train(passed, date(2026, 11, 5), True)
    _train(failed, date(2026, 11, 5), False)
    _train(untrained, date(2026, 10, 30), True)  # last month does not count
    _train(general_only, date(2026, 11, 6), True, kind=Training.Kind.GENERAL)

    m = measure_manager_training(world.p1.pk, NOV)

    assert (m.numerator.value, m.denominator.value) == (Decimal(1), Decimal(4))
    assert [s.name for s in m.numerator.rows] == ["甲经理"]
    assert {s.name for s in m.denominator.rows} == {"甲经理", "乙经理", "丙经理", "丁经理"}
    assert m.ratio == Decimal("25.00")


@pytest.mark.django_db
def test_indicator_22_has_no_data_without_managers(world):
    m = measure_manager_training(world.p1.pk, NOV)
    assert m.denominator.value == 0 and m.ratio is None


@pytest.mark.django_db
@freeze_time("2026-11-20 10:00:00+08:00")
def test_r10_1_indicator_23_counts_valid_special_certificates_per_person_and_kind(world):
    """R10.1 #23 (R1.3): one certificate per person and kind (renewals replace), valid on the day."""
    eng = _eng(world)
    a = StaffFactory(project=world.p1, department=eng, name="甲电工")
    b = StaffFactory(project=world.p1, department=eng, name="乙焊工")
    c = StaffFactory(project=world.p1, department=eng, name="丙司机")
    gone = StaffFactory(project=world.p1, department=eng, name="离职", active=False)
    _cert(a, "electrician", date(2025, 1, 1), number="OLD")  # renewed below
    _cert(a, "electrician", date(2029, 1, 1), number="NEW")
    _cert(a, "welding", date(2026, 11, 1))  # expired
    _cert(b, "welding", None)  # no expiry: valid
    _cert(c, "driving", date(2026, 12, 31))
    _cert(c, "health", date(2020, 1, 1))  # not a special operation
    _cert(gone, "electrician", date(2020, 1, 1))
    _cert(StaffFactory(project=world.p2, name="二号项目"), "electrician", date(2020, 1, 1))

    m = measure_special_ops(world.p1.pk, NOV)

    assert (m.numerator.value, m.denominator.value) == (Decimal(3), Decimal(4))
    assert sorted(c.number for c in m.denominator.rows if c.kind == "electrician") == ["NEW"]
    assert [c.kind for c in m.denominator.rows.exclude(pk__in=m.numerator.rows)] == ["welding"]
    # the same figure as the R1.3 coverage page
    special = certificate_coverage(world.p1, today=date(2026, 11, 20)).special
    assert (special.met, special.total) == (3, 4)


@pytest.mark.django_db
@freeze_time("2026-11-20 10:00:00+08:00")
def test_indicator_23_of_a_past_month_uses_its_last_day(world):
    eng = _eng(world)
    a = StaffFactory(project=world.p1, department=eng, name="甲电工")
    _cert(a, "electrician", date(2026, 10, 15))  # valid in September, expired by 30 October
    _cert(a, "height", date(2030, 1, 1), issued_on=date(2026, 11, 1))  # not yet held in October

    sep = measure_special_ops(world.p1.pk, Period.month(2026, 9))
    octo = measure_special_ops(world.p1.pk, Period.month(2026, 10))

    assert (sep.numerator.value, sep.denominator.value) == (1, 1)
    assert (octo.numerator.value, octo.denominator.value) == (0, 1)
