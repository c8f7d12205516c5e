"""Indicators as measured figures with the records behind them (R10.1, ARCHITECTURE.md "standards").

A domain app (service, billing, org…) knows how to count its own records; the quality app shows every
indicator on one board with its target and a drill-down. Core sits below them all, so the contract lives
here: a domain app defines ``IndicatorSource`` objects in its ``indicators.py`` and registers them from its
``AppConfig.ready()`` with ``register(source)``; the quality app reads ``sources()``.

An indicator for one project and one period is a ratio ``numerator / denominator``. Both sides carry the
queryset of the rows they count, so a figure can always be opened to the records behind it, and both are
computed from the same rows a drill-down lists (one indexed query each, never a replay of timelines).

The board measures every source of one project and month at once: a source may name a ``batch`` — a
function measuring it together with its module's other sources in fewer queries (one pass per table) —
and ``measure_all`` calls each batch once, and ``measure`` for the sources without one. A batch gives
exactly the figures and rows of the sources' own ``measure`` (the modules' tests compare them).

``code`` is the standards catalogue code (``indicator.02_repair_timeliness``) when the source measures one
of the 25 indicators of S0 — the target then comes from the project's effective standard — or a module's
own code (``service.timer.dispatch``) for a supporting measure without a catalogue target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Period:
    """A half-open date range ``[start, end)``, usually one calendar month."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return cls(date(year, month, 1), end)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-11`` → that month. Raises ValueError on anything else (callers turn it into a 4xx)."""
        year_s, _, month_s = text.partition("-")
        year, month = int(year_s), int(month_s)
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise ValueError(text)
        return cls.month(year, month)

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}"


@dataclass
class Side:
    """One side of a ratio: the figure and the rows it counts (``rows`` may be None for a typed-in figure)."""

    value: Decimal
    rows: QuerySet | None = None


@dataclass
class Measurement:
    numerator: Side
    denominator: Side
    # Free text shown under the figure, e.g. why the denominator is households rather than requests.
    note: str = ""

    @property
    def ratio(self) -> Decimal | None:
        """Percent with two decimals, or None when there is nothing to measure (denominator 0)."""
        if not self.denominator.value:
            return None
        pct = Decimal(self.numerator.value) * 100 / Decimal(self.denominator.value)
        return pct.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Column:
    """A drill-down column: heading and a callable (or dotted attribute path) giving the cell."""

    label: str
    value: str | Callable[[Any], Any]

    def cell(self, obj: Any) -> Any:
        if callable(self.value):
            return self.value(obj)
        for part in self.value.split("."):
            obj = getattr(obj, part, None) if obj is not None else None
        return obj


@dataclass(frozen=True)
class IndicatorSource:
    code: str
    label: str
    numerator_label: str
    denominator_label: str
    # (project_id, period) -> Measurement. Called with a project the user may see; the querysets it
    # returns are filtered to that project already.
    measure: Callable[[int, Period], Measurement]
    columns: Sequence[Column] = field(default_factory=tuple)
    # obj -> URL of the record page, for the drill-down's links ("" when there is none)
    row_url: Callable[[Any], str] | None = None
    # Permission (core.roles.Perm value) needed to see the drill-down rows, besides VIEW_INDICATORS.
    perm: str | None = None
    module: str = ""
    order: int = 0
    # (project_id, period) -> {code: Measurement} of this source and others of its module, in fewer
    # queries than their ``measure`` one by one; the same figures and rows (``measure_all``).
    batch: Callable[[int, Period], Mapping[str, Measurement]] | None = None


_REGISTRY: dict[str, IndicatorSource] = {}


def register(source: IndicatorSource) -> None:
    """Register (or replace, on autoreload) one source by its code."""
    _REGISTRY[source.code] = source


def sources() -> list[IndicatorSource]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.code))


def source(code: str) -> IndicatorSource | None:
    return _REGISTRY.get(code)


def measure_all(
    project_id: int, period: Period, chosen: Iterable[IndicatorSource] | None = None
) -> dict[str, Measurement]:
    """The measurement of every source (or of those ``chosen``) for one project and period, by code: each
    distinct ``batch`` called once for the sources naming it, ``measure`` for the others."""
    batches: dict[Callable, Mapping[str, Measurement]] = {}
    measured: dict[str, Measurement] = {}
    for src in sources() if chosen is None else chosen:
        if src.batch is None:
            measured[src.code] = src.measure(project_id, period)
            continue
        if src.batch not in batches:
            batches[src.batch] = src.batch(project_id, period)
        measured[src.code] = batches[src.batch][src.code]
    return measured


def unregister(code: str) -> None:
    """Remove a source (tests register fakes and take them away again)."""
    _REGISTRY.pop(code, None)
