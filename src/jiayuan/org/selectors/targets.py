"""The R1.3/R1.4 numbers as service standards (ARCHITECTURE.md: standards are data), with the seeds'
defaults when the catalogue has no version in force.

The training standard is read through ``standards.selectors.effective_version`` (the cross-app contract);
coverage pages need several projects at once, so their targets come from one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q

from jiayuan.standards.models import StandardVersion
from jiayuan.standards.selectors import effective_version

# The catalogue ships "hr.training_hours"; "hr.training_hours_quarter" is the name the org brief used.
TRAINING_HOURS_CODES = ("hr.training_hours", "hr.training_hours_quarter")
MANAGER_TRAINING_CODE = "hr.manager_training"
CERT_PROFESSIONAL_CODE = "hr.cert_professional"
CERT_PROPERTY_MANAGEMENT_CODE = "hr.cert_property_management"

DEFAULTS = {
    "hours": Decimal(8),
    "manager_sessions": 1,
    CERT_PROFESSIONAL_CODE: Decimal(100),
    CERT_PROPERTY_MANAGEMENT_CODE: Decimal(80),
}


@dataclass(frozen=True)
class Target:
    """A number to meet: ``value`` None means the project switched the standard off."""

    value: Decimal | None
    is_default: bool

    @property
    def enabled(self) -> bool:
        return self.value is not None


def _target(version, default) -> Target:
    if version is None:
        return Target(Decimal(default), True)
    if not version.enabled:
        return Target(None, False)
    return Target(Decimal(version.amount), False)


def _effective(codes, project_id: int, at: datetime):
    """``effective_version`` tolerant of a standards module that is not there yet."""
    for code in codes:
        try:
            version = effective_version(code, project_id, at)
        except NotImplementedError:
            return None
        if version is not None:
            return version
    return None


def quarter_hours_target(project_id: int, at: datetime) -> Target:
    """Hours per employee per quarter (R1.4, 8 by default)."""
    return _target(_effective(TRAINING_HOURS_CODES, project_id, at), DEFAULTS["hours"])


def manager_sessions_target(project_id: int, at: datetime) -> Target:
    """Professional sessions per manager per month (R1.4, 1 by default)."""
    return _target(_effective((MANAGER_TRAINING_CODE,), project_id, at), DEFAULTS["manager_sessions"])


def coverage_targets(project_ids, at: datetime) -> dict[int, dict[str, Target]]:
    """R1.3 certificate targets per project in one query: a project's override beats the company default."""
    codes = (CERT_PROFESSIONAL_CODE, CERT_PROPERTY_MANAGEMENT_CODE)
    versions = (
        StandardVersion.objects.filter(standard__code__in=codes)
        .filter(Q(project__isnull=True) | Q(project_id__in=list(project_ids)))
        .in_force(at)
        .values("standard__code", "project_id", "amount", "enabled")
    )
    defaults: dict[str, StandardVersion] = {}
    overrides: dict[tuple[int, str], StandardVersion] = {}
    for row in versions:
        version = StandardVersion(amount=row["amount"], enabled=row["enabled"])
        if row["project_id"] is None:
            defaults[row["standard__code"]] = version
        else:
            overrides[(row["project_id"], row["standard__code"])] = version
    return {
        pid: {code: _target(overrides.get((pid, code), defaults.get(code)), DEFAULTS[code]) for code in codes}
        for pid in project_ids
    }
