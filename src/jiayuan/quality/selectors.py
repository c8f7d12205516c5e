"""Reads of the indicator board (R10.1): every registered source and every catalogue indicator for one
project and month, against the project's effective standard, with the rows behind each figure.

The caller has checked that the user may view indicators in the project (``permissions``); every query
here is limited to that project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiayuan.core import indicators
from jiayuan.core.indicators import IndicatorSource, Measurement, Period
from jiayuan.quality.models import IndicatorEntry
from jiayuan.quality.permissions import can_open_rows
from jiayuan.standards.models import Comparator, Kind, Standard, StandardVersion
from jiayuan.standards.selectors import effective_map
from jiayuan.standards.values import PERCENT, format_value

FIRST_MONTH = date(2000, 1, 1)
TREND_MONTHS = 12
# Modules whose measured sides are amounts of money (shown as ``¥1,234.56``), not counts of records.
MONEY_MODULES = frozenset({"billing"})


class State:
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    OFF = "off"  # the project switched the standard off
    NO_TARGET = "no_target"  # a supporting measure, or a code the catalogue does not know


class Origin:
    MEASURED = "measured"  # computed from the records by a source
    ENTERED = "entered"  # typed in with evidence (IndicatorEntry)
    MISSING = "missing"  # neither: 待录入/未计量


# --- periods ----------------------------------------------------------------------------------------


def current_month(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period.month(today.year, today.month)


def parse_month(text: str | None, today: date | None = None) -> Period | None:
    """``2026-11`` → that month if it is between 2000-01 and the current month; else None."""
    if not text or len(text) > 7:
        return None
    try:
        period = Period.parse(text)
    except ValueError:
        return None
    if period.start < FIRST_MONTH or period.start > current_month(today).start:
        return None
    return period


def shift(period: Period, months: int) -> Period:
    index = period.start.year * 12 + period.start.month - 1 + months
    return Period.month(index // 12, index % 12 + 1)


def measured_at(period: Period) -> datetime:
    """The moment whose standards a month is measured against: its last instant, or now while it runs."""
    end = timezone.make_aware(datetime.combine(period.end, time.min)) - timedelta(microseconds=1)
    return min(end, timezone.now())


def months_back(period: Period, count: int = TREND_MONTHS) -> list[Period]:
    months = [shift(period, -i) for i in range(count - 1, -1, -1)]
    return [m for m in months if m.start >= FIRST_MONTH]


# --- figures and targets ----------------------------------------------------------------------------


def is_count(version: StandardVersion | None) -> bool:
    """A target in cases (起/年) rather than percent: the figure is the numerator itself."""
    return version is not None and bool(version.unit) and version.unit != PERCENT


def figure_of(numerator: Decimal | None, denominator: Decimal | None, count: bool) -> Decimal | None:
    if numerator is None:
        return None
    if count:
        return Decimal(numerator)
    if not denominator:
        return None
    pct = Decimal(numerator) * 100 / Decimal(denominator)
    return pct.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def judge(figure: Decimal | None, version: StandardVersion | None) -> str:
    if version is None or version.standard.kind != Kind.TARGET:
        return State.NO_TARGET
    if not version.enabled:
        return State.OFF
    if figure is None:
        return State.NO_DATA
    amount = Decimal(version.amount)
    ok = {
        Comparator.GE: figure >= amount,
        Comparator.LE: figure <= amount,
        Comparator.EQ: figure == amount,
    }.get(version.comparator)
    if ok is None:
        return State.NO_TARGET
    return State.MET if ok else State.NOT_MET


@dataclass
class BoardRow:
    code: str
    label: str
    number: int | None  # 1–25 for the catalogue indicators
    origin: str
    version: StandardVersion | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    note: str = ""
    source: IndicatorSource | None = None
    entry: IndicatorEntry | None = None
    can_open: bool = False
    # Cases so far this year, for a yearly count target (起/年) typed in month by month.
    year_total: Decimal | None = None
    figure: Decimal | None = None
    state: str = State.NO_DATA
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def count(self) -> bool:
        return is_count(self.version)

    @property
    def money(self) -> bool:
        """Both sides are yuan (the fee collection rates), not counts of records or cases."""
        return self.source is not None and self.source.module in MONEY_MODULES

    @property
    def target_text(self) -> str:
        if self.version is None:
            return ""
        return format_value(self.version)

    @property
    def version_label(self) -> str:
        """``v2 · 项目`` or ``v1 · 公司默认``: which version the figure was measured against."""
        if self.version is None:
            return ""
        where = _("项目标准") if self.version.project_id else _("公司默认")
        return f"v{self.version.version} · {where}"

    @property
    def catalogue(self) -> bool:
        return self.number is not None


@dataclass
class TrendPoint:
    period: Period
    numerator: Decimal | None
    denominator: Decimal | None
    figure: Decimal | None
    state: str
    version: StandardVersion | None
    year_total: Decimal | None = None  # cases so far that year, for a yearly count target


def _finish(row: BoardRow) -> BoardRow:
    row.figure = figure_of(row.numerator, row.denominator, row.count)
    compared = row.year_total if row.year_total is not None else row.figure
    row.state = judge(compared, row.version)
    return row


def _measured(user, project_id: int, src: IndicatorSource, m: Measurement, version, number) -> BoardRow:
    return _finish(
        BoardRow(
            code=src.code,
            label=str(src.label),
            number=number,
            origin=Origin.MEASURED,
            version=version,
            numerator=Decimal(m.numerator.value),
            denominator=Decimal(m.denominator.value),
            numerator_label=str(src.numerator_label),
            denominator_label=str(src.denominator_label),
            note=str(m.note),
            source=src,
            can_open=can_open_rows(user, src, project_id),
        )
    )


def _entered(standard: Standard, version, entry: IndicatorEntry | None, year_total) -> BoardRow:
    row = BoardRow(
        code=standard.code,
        label=standard.name,
        number=standard.indicator_no,
        origin=Origin.ENTERED if entry else Origin.MISSING,
        version=version,
        entry=entry,
    )
    if entry is not None:
        row.numerator, row.denominator = entry.numerator, entry.denominator
        if is_count(version) and version.period == "year":
            row.year_total = year_total
    return _finish(row)


def catalogue_indicators() -> list[Standard]:
    """The 25 indicators of S0 篇4 二, in their order."""
    return list(Standard.objects.filter(indicator_no__isnull=False).order_by("indicator_no"))


def latest_entries(project_id: int, start: date, end: date) -> dict[tuple[str, date], IndicatorEntry]:
    """The entry in force per (code, month) for months in ``[start, end]``: the latest typed in."""
    latest: dict[tuple[str, date], IndicatorEntry] = {}
    qs = (
        IndicatorEntry.objects.filter(project_id=project_id, period__gte=start, period__lte=end)
        .select_related("entered_by")
        .order_by("code", "period", "entered_at", "id")
    )
    for entry in qs:
        latest[(entry.code, entry.period)] = entry  # later ones overwrite earlier ones
    return latest


def board(user, project, period: Period) -> tuple[list[BoardRow], list[BoardRow]]:
    """(the 25 catalogue indicators in order, the supporting measures of the modules).

    Queries: the standards in force (1), the catalogue (1), the entries of the year (1), plus the sources'
    own: each module's batch once (one pass per table), a source without one its ``measure``."""
    versions = effective_map(project.pk, measured_at(period))
    catalogue = catalogue_indicators()
    entries = latest_entries(project.pk, date(period.start.year, 1, 1), period.start)
    measured: dict[str, BoardRow] = {}
    supporting: list[BoardRow] = []
    numbers = {s.code: s.indicator_no for s in catalogue}
    sources = indicators.sources()
    measurements = indicators.measure_all(project.pk, period, sources)
    for src in sources:
        m = measurements[src.code]
        row = _measured(user, project.pk, src, m, versions.get(src.code), numbers.get(src.code))
        if row.number is not None:
            measured[src.code] = row
        else:
            supporting.append(row)
    rows = []
    for standard in catalogue:
        if standard.code in measured:
            rows.append(measured[standard.code])
            continue
        entry = entries.get((standard.code, period.start))
        total = _year_total_in(entries, standard.code, period)
        rows.append(_entered(standard, versions.get(standard.code), entry, total))
    return rows, supporting


def summary(rows: list[BoardRow]) -> dict[str, int]:
    counts = {State.MET: 0, State.NOT_MET: 0, State.NO_DATA: 0, Origin.MISSING: 0, Origin.ENTERED: 0}
    for row in rows:
        if row.origin == Origin.MISSING:
            counts[Origin.MISSING] += 1
            continue
        if row.origin == Origin.ENTERED:
            counts[Origin.ENTERED] += 1
        if row.state in counts:
            counts[row.state] += 1
    return counts


# --- one indicator ----------------------------------------------------------------------------------


def standard_for(code: str) -> Standard | None:
    return Standard.objects.filter(code=code).first()


def _versions(code: str, project_id: int) -> list[StandardVersion]:
    return list(
        StandardVersion.objects.filter(standard__code=code)
        .filter(Q(project__isnull=True) | Q(project_id=project_id))
        .select_related("standard")
        .order_by(F("project_id").asc(nulls_last=True), "-version")
    )


def _in_force(versions: list[StandardVersion], at: datetime) -> StandardVersion | None:
    """The project's override if one is in force at ``at``, else the company default (as effective_version)."""
    for version in versions:  # overrides first
        if version.valid_from <= at and (version.valid_to is None or version.valid_to > at):
            return version
    return None


def indicator(user, project, code: str, period: Period) -> BoardRow | None:
    """One indicator of the board with its 12-month trend; None when the code is neither a registered
    source nor a catalogue indicator."""
    src = indicators.source(code)
    standard = standard_for(code)
    if src is None and (standard is None or standard.indicator_no is None):
        return None
    versions = _versions(code, project.pk)
    months = months_back(period)
    number = standard.indicator_no if standard else None
    if src is not None:
        points = []
        for month in months:
            m = src.measure(project.pk, month)
            row = _measured(user, project.pk, src, m, _in_force(versions, measured_at(month)), number)
            points.append(row)
        current = points[-1]
    else:
        entries = latest_entries(project.pk, date(months[0].start.year, 1, 1), period.start)
        points = []
        for month in months:
            version = _in_force(versions, measured_at(month))
            entry = entries.get((code, month.start))
            points.append(_entered(standard, version, entry, _year_total_in(entries, code, month)))
        current = points[-1]
    current.trend = [
        TrendPoint(month, p.numerator, p.denominator, p.figure, p.state, p.version, p.year_total)
        for p, month in zip(points, months, strict=True)
    ]
    return current


def _year_total_in(entries: dict, code: str, period: Period) -> Decimal:
    return sum(
        (
            e.numerator
            for (c, month), e in entries.items()
            if c == code and month.year == period.start.year and month <= period.start
        ),
        Decimal(0),
    )


def entries_of(project_id: int, code: str, period: Period) -> QuerySet[IndicatorEntry]:
    """Every entry of one indicator and month, latest first: the one in force and those it superseded."""
    return (
        IndicatorEntry.objects.filter(project_id=project_id, code=code, period=period.start)
        .select_related("entered_by")
        .order_by("-entered_at", "-id")
    )


def side_rows(src: IndicatorSource, project_id: int, period: Period, side: str) -> QuerySet | None:
    """The records counted on one side of a measured figure (None for a typed-in side)."""
    m = src.measure(project_id, period)
    chosen = m.numerator if side == "numerator" else m.denominator
    return chosen.rows


def entry_for(user, entry_id: int, project_ids) -> IndicatorEntry | None:
    """One entry the user may see (its project among ``project_ids``), or None."""
    return (
        IndicatorEntry.objects.visible_to(user)
        .filter(pk=entry_id, project_id__in=list(project_ids))
        .select_related("entered_by")
        .first()
    )
