"""Pricing arithmetic (R7.1): the ONE rounding rule and the ONE proration rule, as pure functions.

Written down in docs/billing.md with worked examples that tests/billing/test_pricing.py replays:

- **Rounding.** Amounts are computed exactly in ``Decimal`` and rounded once per bill line, to the fen
  (0.01 yuan), half-up (四舍五入). Never per segment, never per bill, never float.
- **Proration.** A month is charged by days: ``monthly amount × days charged / days in the month``,
  counting calendar days from the first charged day up to (excluding) the first day not charged. A price
  change mid-month splits the month into segments, each at its own price; the segments are summed
  exactly and the line is rounded once.
- **Tiers** (metered items): usage is split into tiers ``[(up_to, price), …, (None, price)]`` where
  ``up_to`` is the cumulative usage at which a tier ends; each slice is charged at its tier's price.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def money(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: the one rounding rule."""
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


@dataclass(frozen=True)
class Segment:
    """Part of one month charged at one price: ``[start, end)``."""

    start: date
    end: date
    price: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def segments(
    period: date, versions: Sequence[tuple[date, Decimal]], *, charge_from: date | None = None
) -> list[Segment]:
    """The priced segments of the month ``period`` (any day in it) from ``charge_from`` on.

    ``versions`` are ``(valid_from, price)`` pairs of one fee item in any order; the price in force on a
    day is the one with the latest ``valid_from`` not after it. Days before the first version are free.
    """
    start, end = month_start(period), next_month(period)
    if charge_from is not None and charge_from > start:
        start = charge_from
    if start >= end:
        return []
    ordered = sorted(versions)
    out: list[Segment] = []
    for i, (valid_from, price) in enumerate(ordered):
        valid_to = ordered[i + 1][0] if i + 1 < len(ordered) else date.max - timedelta(days=1)
        seg_start, seg_end = max(start, valid_from), min(end, valid_to)
        if seg_start < seg_end:
            out.append(Segment(seg_start, seg_end, Decimal(price)))
    return out


def prorated(quantity: Decimal, segs: Sequence[Segment], month_days: int) -> Decimal:
    """Exact (unrounded) amount for ``quantity`` over ``segs`` of a month of ``month_days`` days."""
    total = Decimal(0)
    for seg in segs:
        total += Decimal(quantity) * seg.price * seg.days / month_days
    return total


def monthly_line(
    quantity: Decimal,
    period: date,
    versions: Sequence[tuple[date, Decimal]],
    *,
    charge_from: date | None = None,
) -> tuple[Decimal, int, Decimal]:
    """A periodic line: ``(amount rounded to the fen, days charged, price of the last segment)``.

    The price returned is for display; the amount is what is billed.
    """
    segs = segments(period, versions, charge_from=charge_from)
    if not segs:
        return Decimal("0.00"), 0, Decimal(0)
    amount = money(prorated(quantity, segs, days_in_month(period)))
    return amount, sum(s.days for s in segs), segs[-1].price


def tiered(usage: Decimal, tiers: Sequence[tuple[Decimal | None, Decimal]]) -> Decimal:
    """Charge for metered ``usage`` with tiers, rounded once to the fen.

    ``tiers``: ``[(up_to, price), …]`` with cumulative ``up_to`` ascending and the last ``None`` (no
    upper bound). A single ``[(None, price)]`` is a flat price.
    """
    usage = Decimal(usage)
    if usage < 0:
        raise ValueError("usage < 0")
    total, lower = Decimal(0), Decimal(0)
    for up_to, price in tiers:
        upper = usage if up_to is None else min(usage, Decimal(up_to))
        if upper > lower:
            total += (upper - lower) * Decimal(price)
        if up_to is None or usage <= Decimal(up_to):
            break
        lower = Decimal(up_to)
    return money(total)
