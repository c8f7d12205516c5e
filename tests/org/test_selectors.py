"""Selectors of R1.3 (certificates) and R1.4 (training), measured on the ``org`` fixture (conftest)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jiayuan.org import selectors
from jiayuan.org.selectors import targets
from jiayuan.standards.models import Standard, StandardVersion
from tests.org.conftest import TODAY


def numbers(qs):
    return [c.number for c in qs]


def test_expiring_lists_expired_and_within_30_days_soonest_first_R1_3(org):
    got = selectors.certificates_expiring(org.world.manager, today=TODAY)
    assert numbers(got) == ["EL-EXPIRED", "HT-SOON"]


def test_expiring_leaves_out_renewed_and_left_staff_and_later_expiry_R1_3(org):
    got = numbers(selectors.certificates_expiring(org.world.admin, today=TODAY))
    assert "PM-OLD" not in got  # renewed by PM-NEW
    assert "LEFT-EXPIRED" not in got  # the employee has left
    assert "PM-VALID" not in got  # 47 days away
    assert numbers(selectors.certificates_expiring(org.world.admin, today=TODAY, days=60))[:3] == [
        "P2-EXPIRED",
        "EL-EXPIRED",
        "HT-SOON",
    ]


def test_expiring_shows_other_projects_to_nobody_R1_3(org):
    w = org.world
    assert numbers(selectors.certificates_expiring(w.outsider, today=TODAY)) == ["P2-EXPIRED"]
    assert not selectors.certificates_expiring(w.owner, today=TODAY).exists()
    assert not selectors.certificates_expiring(w.tech, today=TODAY).exists()  # no VIEW_ORG


def test_coverage_rates_against_targets_R1_3(org):
    cov = selectors.certificate_coverage(org.world.p1, TODAY)
    # professional: 甲 (expired) and 乙 (valid)
    assert (cov.professional.met, cov.professional.total, cov.professional.share) == (1, 2, 50.0)
    assert not cov.professional.ok
    # special operations: 甲's electrician (expired), 乙's height (valid)
    assert (cov.special.met, cov.special.total) == (1, 2)
    # property management: 丙 and 丁 (renewed) of 丙丁戊 hold a valid certificate: 66.7% < 80%
    pm = cov.property_management
    assert (pm.met, pm.total, pm.share, pm.target.value) == (2, 3, 66.7, Decimal(80))
    assert not pm.ok and pm.missing == 1


def test_coverage_meets_80_percent_when_the_last_one_is_certified_R1_3(org):
    from tests.org.conftest import cert

    cert(org.uncertified, "property_management", "PM-3", date(2027, 1, 1))
    assert selectors.certificate_coverage(org.world.p1, TODAY).property_management.ok


def test_coverage_without_people_concerned_is_not_a_failure(world):
    cov = selectors.certificate_coverage(world.p2, TODAY)
    assert cov.professional.share is None and cov.professional.ok


def test_quarter_hours_against_8_hour_standard_R1_4(org):
    report = selectors.training_hours(org.world.p1, 2026, 2, today=TODAY)
    rows = {r.staff.name: r for r in report.rows}
    assert report.target.value == Decimal(8)
    assert rows["甲电工"].hours == Decimal("8.0") and rows["甲电工"].ok
    assert rows["乙登高"].hours == Decimal("3.0") and rows["乙登高"].short_by == Decimal(
        5
    )  # Q1 hours don't count
    assert rows["戊客服"].hours == 0 and not rows["戊客服"].ok
    assert "己离职" not in rows and "庚站务" not in rows
    assert report.meeting == 1 and report.short == len(report.rows) - 1
    assert report.total_hours == Decimal("13.0") and report.in_progress


def test_manager_sessions_per_month_R1_4(org):
    report = selectors.training_hours(org.world.p1, 2026, 2, today=TODAY)
    [(person, cells)] = report.managers
    assert person == org.lead
    assert [(c.month.month, c.sessions, c.state) for c in cells] == [
        (4, 1, "met"),
        (5, 0, "open"),
        (6, 0, "future"),
    ]
    past = selectors.training_hours(org.world.p1, 2026, 2, today=date(2026, 7, 2))
    assert [c.state for c in past.managers[0][1]] == ["met", "missed", "missed"]


def test_hours_standard_falls_back_to_8_when_standards_module_is_missing_R1_4(org, monkeypatch):
    def missing(*args, **kwargs):
        raise NotImplementedError

    monkeypatch.setattr(targets, "effective_version", missing)
    report = selectors.training_hours(org.world.p1, 2026, 2, today=TODAY)
    assert report.target.value == Decimal(8) and report.target.is_default
    monkeypatch.setattr(targets, "effective_version", lambda *a, **k: None)
    assert selectors.training_hours(org.world.p1, 2026, 2, today=TODAY).target.is_default


@pytest.mark.parametrize("amount, climber_ok", [(Decimal(3), True), (Decimal(10), False)])
def test_project_override_of_the_hours_standard_is_used_R1_4(org, amount, climber_ok):
    standard, _ = Standard.objects.get_or_create(
        code="hr.training_hours",
        defaults={"name": "员工每季度培训学时", "department": "hr", "kind": "target", "requirement": "R1.4"},
    )
    StandardVersion.objects.create(
        standard=standard,
        project=org.world.p1,
        version=1,
        amount=amount,
        unit="小时",
        period="quarter",
        comparator="ge",
        valid_from=timezone.make_aware(datetime(2026, 1, 1)),
    )
    report = selectors.training_hours(org.world.p1, 2026, 2, today=TODAY)
    assert report.target.value == amount and not report.target.is_default
    assert {r.staff.name: r.ok for r in report.rows}["乙登高"] is climber_ok


def test_quarter_bounds():
    assert selectors.quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert selectors.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert selectors.quarter_of(date(2026, 11, 30)) == (2026, 4)
