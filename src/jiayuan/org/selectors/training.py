"""Reads of training (R1.4): hours per employee per quarter and managers' professional sessions per month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from jiayuan.org.models import Project, Staff, Training
from jiayuan.org.selectors.targets import Target, manager_sessions_target, quarter_hours_target


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@dataclass
class HoursRow:
    staff: Staff
    hours: Decimal
    target: Decimal | None  # None: the standard is switched off for the project

    @property
    def short_by(self) -> Decimal:
        if self.target is None:
            return Decimal(0)
        return max(self.target - self.hours, Decimal(0))

    @property
    def ok(self) -> bool:
        return self.short_by == 0


@dataclass
class MonthCell:
    month: date
    sessions: int
    state: str  # met / missed / open (the current month, not yet met) / future / off


@dataclass
class TrainingReport:
    project: Project
    year: int
    quarter: int
    start: date
    end: date
    target: Target
    sessions_target: Target
    in_progress: bool
    rows: list[HoursRow] = field(default_factory=list)
    managers: list[tuple[Staff, list[MonthCell]]] = field(default_factory=list)

    @property
    def months(self) -> list[date]:
        return [date(self.year, self.start.month + i, 1) for i in range(3)]

    @property
    def total_hours(self) -> Decimal:
        return sum((r.hours for r in self.rows), Decimal(0))

    @property
    def meeting(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def short(self) -> int:
        return len(self.rows) - self.meeting

    @property
    def average(self) -> Decimal | None:
        return (self.total_hours / len(self.rows)).quantize(Decimal("0.1")) if self.rows else None


def training_hours(project: Project, year: int, quarter: int, today: date | None = None) -> TrainingReport:
    """Hours per active employee in the quarter against the R1.4 standard in force then, and managers'
    professional sessions per month. Two aggregate queries (plus the two standards), whatever the
    headcount."""
    today = today or timezone.localdate()
    start, end = quarter_bounds(year, quarter)
    # The standard in force during the quarter (its end, or today while it runs): history is not rewritten.
    at = timezone.make_aware(datetime.combine(min(end, max(start, today)), time(12)))
    report = TrainingReport(
        project=project,
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        target=quarter_hours_target(project.pk, at),
        sessions_target=manager_sessions_target(project.pk, at),
        in_progress=start <= today <= end,
    )
    in_quarter = Q(trainings__date__gte=start, trainings__date__lte=end)
    staff = (
        Staff.objects.filter(project=project, active=True)
        .filter(Q(hired_on__isnull=True) | Q(hired_on__lte=end))
        .select_related("department")
        .annotate(
            hours=Coalesce(
                Sum("trainings__hours", filter=in_quarter),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=8, decimal_places=1),
            )
        )
        .order_by("department__kind", "name", "id")
    )
    report.rows = [HoursRow(s, Decimal(s.hours), report.target.value) for s in staff]
    managers = [r.staff for r in report.rows if r.staff.is_manager]
    report.managers = _manager_sessions(report, managers, today)
    return report


def _manager_sessions(report: TrainingReport, managers: list[Staff], today: date):
    if not managers:
        return []
    counts = {
        (row["staff_id"], row["month"]): row["n"]
        for row in Training.objects.filter(
            staff__in=managers,
            kind=Training.Kind.PROFESSIONAL,
            date__gte=report.start,
            date__lte=report.end,
        )
        .annotate(month=ExtractMonth("date"))
        .values("staff_id", "month")
        .annotate(n=Count("id"))
    }
    needed = report.sessions_target.value
    this_month = today.replace(day=1)
    result = []
    for person in managers:
        cells = []
        for month in report.months:
            n = counts.get((person.pk, month.month), 0)
            if needed is None:
                state = "off"
            elif n >= needed:
                state = "met"
            elif month > this_month:
                state = "future"
            elif month == this_month:
                state = "open"
            else:
                state = "missed"
            cells.append(MonthCell(month, n, state))
        result.append((person, cells))
    return result
