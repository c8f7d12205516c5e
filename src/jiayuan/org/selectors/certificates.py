"""Reads of certificates (持证上岗， R1.3): what expires soon, and the coverage rates against their targets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.org.filters import CertificateFilter, apply_filters
from jiayuan.org.models import EXPIRY_WARNING_DAYS, Certificate, Department, Project, Staff
from jiayuan.org.permissions import org_project_ids
from jiayuan.org.selectors.targets import (
    CERT_PROFESSIONAL_CODE,
    CERT_PROPERTY_MANAGEMENT_CODE,
    Target,
    coverage_targets,
)

# Special operations are certified by law (R1.3 "100%"): not a per-project standard.
SPECIAL_TARGET = Target(Decimal(100), False)
PROPERTY_MANAGEMENT_DEPARTMENTS = (Department.Kind.CUSTOMER_SERVICE, Department.Kind.MANAGEMENT)
# A health certificate is not a qualification: it does not make professional staff "certified".
NOT_QUALIFICATIONS = (Certificate.Kind.HEALTH,)


def _valid_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})


def certificates_for(user, project: Project | None = None, filters=None) -> QuerySet[Certificate]:
    """Certificates of the projects whose organisation the user may read (one project if given)."""
    qs = (
        Certificate.objects.visible_to(user)
        .filter(project_id__in=org_project_ids(user))
        .select_related("project", "staff", "staff__department")
        .order_by("expires_on", "id")
    )
    if project is not None:
        qs = qs.in_project(project.pk)
    if filters is not None:
        qs = apply_filters(CertificateFilter(filters, queryset=qs))
    return qs


def certificates_expiring(
    user,
    project: Project | None = None,
    days: int = EXPIRY_WARNING_DAYS,
    today: date | None = None,
    filters=None,
) -> QuerySet[Certificate]:
    """Certificates of active staff that have expired or expire within ``days``, soonest first (R1.3).

    A certificate renewed by a later one of the same kind (a later or open expiry) needs no action, so it
    is left out."""
    today = today or timezone.localdate()
    renewed = Certificate.objects.filter(staff_id=OuterRef("staff_id"), kind=OuterRef("kind")).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on"))
    )
    return (
        certificates_for(user, project, filters)
        .filter(staff__active=True, expires_on__isnull=False, expires_on__lte=today + timedelta(days=days))
        .exclude(Exists(renewed))
    )


@dataclass(frozen=True)
class Rate:
    """``met`` of ``total`` people (or certificates) against a target share in percent."""

    label: str  # lazily translated
    met: int
    total: int
    target: Target

    @property
    def share(self) -> float | None:
        """None when nobody is concerned (no such staff): nothing to measure, not 0%."""
        return None if self.total == 0 else round(100 * self.met / self.total, 1)

    @property
    def ok(self) -> bool:
        if not self.target.enabled or self.share is None:
            return True
        return Decimal(str(self.share)) >= self.target.value

    @property
    def missing(self) -> int:
        return self.total - self.met


@dataclass(frozen=True)
class Coverage:
    professional: Rate
    special: Rate
    property_management: Rate

    @property
    def rates(self) -> tuple[Rate, Rate, Rate]:
        return (self.professional, self.special, self.property_management)


def certificate_coverage(project: Project, today: date | None = None) -> Coverage:
    return certificate_coverage_by_project([project.pk], today)[project.pk]


def certificate_coverage_by_project(project_ids, today: date | None = None) -> dict[int, Coverage]:
    """R1.3 rates for several projects in four grouped queries, whatever their number:

    - professional staff holding a valid qualification (standard hr.cert_professional, 100%);
    - special-operation certificates held, per person and kind (a renewal replaces the old one), that are
      valid (100%, by law);
    - property-management staff (客服部， 管理处) holding a valid 物业管理从业证
      (hr.cert_property_management, ≥80%).
    """
    today = today or timezone.localdate()
    project_ids = list(project_ids)
    targets = coverage_targets(project_ids, timezone.make_aware(datetime.combine(today, time(12))))
    active = Staff.objects.filter(project_id__in=project_ids, active=True)
    qualified = _valid_q(today, "certificates__") & ~Q(certificates__kind__in=NOT_QUALIFICATIONS)
    professional = _counts(active.filter(professional=True), qualified)
    pm_valid = _valid_q(today, "certificates__") & Q(certificates__kind=Certificate.Kind.PROPERTY_MANAGEMENT)
    property_mgmt = _counts(active.filter(department__kind__in=PROPERTY_MANAGEMENT_DEPARTMENTS), pm_valid)
    special = _special_counts(project_ids, today)
    return {
        pid: Coverage(
            professional=Rate(
                _("专业技术人员持证率"), *professional.get(pid, (0, 0)), targets[pid][CERT_PROFESSIONAL_CODE]
            ),
            special=Rate(_("特种作业证有效率"), *special.get(pid, (0, 0)), SPECIAL_TARGET),
            property_management=Rate(
                _("物业管理从业证持证率"),
                *property_mgmt.get(pid, (0, 0)),
                targets[pid][CERT_PROPERTY_MANAGEMENT_CODE],
            ),
        )
        for pid in project_ids
    }


def _counts(staff: QuerySet[Staff], holding: Q) -> dict[int, tuple[int, int]]:
    rows = staff.values("project_id").annotate(
        total=Count("id", distinct=True), met=Count("id", filter=holding, distinct=True)
    )
    return {row["project_id"]: (row["met"], row["total"]) for row in rows}


def _special_counts(project_ids, today: date) -> dict[int, tuple[int, int]]:
    pairs = (
        Certificate.objects.filter(
            project_id__in=project_ids, staff__active=True, kind__in=Certificate.SPECIAL_OPERATIONS
        )
        .values("project_id", "staff_id", "kind")
        .annotate(ok=Max(Case(When(_valid_q(today), then=1), default=0, output_field=IntegerField())))
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in pairs:
        counts[row["project_id"]][0] += row["ok"]
        counts[row["project_id"]][1] += 1
    return {pid: (met, total) for pid, (met, total) in counts.items()}
