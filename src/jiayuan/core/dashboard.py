"""The 工作台 (home) figures for one project: units, occupancy, contracts (R2.2), staff, certificates (R1.3).

Core sits below org and estate, so their models are looked up through the app registry (never imported)
and each figure is one aggregate query over the user's scoped rows. A figure the user's role may not read
is left out (None), not shown as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import scope_of

# Certificates are flagged this many days before they expire (R1.3; org uses the same window).
CERT_WARNING_DAYS = 30


@dataclass
class UnitFacts:
    total: int
    area: object  # Decimal m², None when there are no units
    by_state: list[tuple[str, str, int]]  # (state value, label, count)
    occupied: int
    signed: int

    @property
    def unsigned(self) -> int:
        return self.total - self.signed

    @property
    def signed_pct(self) -> float | None:
        return round(100 * self.signed / self.total, 1) if self.total else None

    @property
    def occupied_pct(self) -> float | None:
        return round(100 * self.occupied / self.total, 1) if self.total else None


@dataclass
class PeopleFacts:
    staff: int
    certs_expiring: int
    certs_expired: int


@dataclass
class HomeFacts:
    units: UnitFacts | None
    people: PeopleFacts | None


def _unit_facts(user, project_id: int) -> UnitFacts:
    Unit = apps.get_model("estate", "Unit")
    states = list(Unit.State)
    counts = {f"n_{s.value}": Count("id", filter=Q(state=s.value)) for s in states}
    row = (
        Unit.objects.visible_to(user)
        .in_project(project_id)
        .aggregate(
            total=Count("id"),
            area=Sum("building_area"),
            signed=Count("id", filter=Q(contract_signed=True)),
            **counts,
        )
    )
    by_state = [(s.value, s.label, row[f"n_{s.value}"]) for s in states]
    return UnitFacts(
        total=row["total"],
        area=row["area"],
        by_state=by_state,
        occupied=row[f"n_{Unit.State.OCCUPIED.value}"],
        signed=row["signed"],
    )


def _people_facts(user, project_id: int) -> PeopleFacts:
    Staff = apps.get_model("org", "Staff")
    Certificate = apps.get_model("org", "Certificate")
    today = timezone.localdate()
    staff = Staff.objects.visible_to(user).in_project(project_id).filter(active=True).count()
    certs = (
        Certificate.objects.visible_to(user)
        .in_project(project_id)
        .filter(staff__active=True)
        .aggregate(
            expiring=Count(
                "id",
                filter=Q(expires_on__gte=today, expires_on__lte=today + timedelta(days=CERT_WARNING_DAYS)),
            ),
            expired=Count("id", filter=Q(expires_on__lt=today)),
        )
    )
    return PeopleFacts(staff=staff, certs_expiring=certs["expiring"], certs_expired=certs["expired"])


def home_facts(user, project) -> HomeFacts:
    if project is None:
        return HomeFacts(units=None, people=None)
    perms = scope_of(user).perms_in(project.pk)
    return HomeFacts(
        units=_unit_facts(user, project.pk) if Perm.VIEW_ESTATE in perms else None,
        people=_people_facts(user, project.pk) if Perm.VIEW_ORG in perms else None,
    )
