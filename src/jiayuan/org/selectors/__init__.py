"""Reads of the organisation (ARCHITECTURE.md "selectors"): one package, imported as ``org.selectors``."""

from jiayuan.org.selectors.certificates import (
    Coverage,
    Rate,
    certificate_coverage,
    certificate_coverage_by_project,
    certificates_expiring,
    certificates_for,
)
from jiayuan.org.selectors.people import (
    departments_by_project,
    departments_for,
    project_memberships,
    projects_for,
    staff_certificates,
    staff_counts,
    staff_detail,
    staff_for,
    staff_hours_between,
    staff_memberships,
    staff_trainings,
)
from jiayuan.org.selectors.training import (
    HoursRow,
    TrainingReport,
    quarter_bounds,
    quarter_of,
    training_hours,
)

__all__ = [
    "Coverage",
    "HoursRow",
    "Rate",
    "TrainingReport",
    "certificate_coverage",
    "certificate_coverage_by_project",
    "certificates_expiring",
    "certificates_for",
    "departments_by_project",
    "departments_for",
    "project_memberships",
    "projects_for",
    "quarter_bounds",
    "quarter_of",
    "staff_certificates",
    "staff_counts",
    "staff_detail",
    "staff_for",
    "staff_hours_between",
    "staff_memberships",
    "staff_trainings",
    "training_hours",
]
