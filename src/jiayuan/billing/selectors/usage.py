"""Utility use against waste (R7.5 水电管理): the project's usage per meter kind and month, and the meters
to look at — usage over three times that meter's trailing six-month average, or none at all on an occupied
unit. Reads only; two grouped queries whatever the number of meters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum
from django.db.models.functions import Coalesce, TruncMonth

from jiayuan.billing.models import Meter, MeterReading
from jiayuan.billing.selectors.holdings import meter_project_ids
from jiayuan.estate.models import Unit

SPIKE_FACTOR = Decimal("3")
TRAILING_MONTHS = 6
TREND_MONTHS = 12
ZERO = Decimal("0.00")
_SUM = DecimalField(max_digits=16, decimal_places=2)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, n: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return date(y, m + 1, 1)


def _readings(user, project):
    return MeterReading.objects.visible_to(user).filter(
        project_id=project.pk, project_id__in=meter_project_ids(user)
    )


def _month(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def kind_trend(user, project, *, until: date, months: int = TREND_MONTHS) -> dict:
    """Total usage per meter kind and month for the ``months`` months ending with ``until``'s month."""
    first = add_months(month_start(until), -(months - 1))
    end = add_months(month_start(until), 1)
    rows = (
        _readings(user, project)
        .filter(read_on__gte=first, read_on__lt=end)
        .annotate(month=TruncMonth("read_on"))
        .values("meter__kind", "month")
        .annotate(total=Coalesce(Sum("usage"), ZERO, output_field=_SUM), meters=Count("meter", distinct=True))
        .order_by()
    )
    columns = [add_months(first, i) for i in range(months)]
    table: dict[str, dict[date, dict]] = defaultdict(dict)
    for r in rows:
        table[r["meter__kind"]][_month(r["month"])] = {
            "total": Decimal(str(r["total"])).quantize(ZERO),
            "meters": r["meters"],
        }
    labels = dict(Meter.Kind.choices)
    return {
        "months": columns,
        "rows": [
            {"kind": kind, "label": labels[kind], "cells": [table[kind].get(m) for m in columns]}
            for kind in Meter.Kind.values
            if kind in table
        ],
    }


@dataclass
class Flag:
    meter: Meter
    usage: Decimal
    average: Decimal | None
    reason: str  # "spike" or "zero"

    @property
    def ratio(self) -> Decimal | None:
        if not self.average:
            return None
        return (self.usage / self.average).quantize(Decimal("0.1"))


def flagged(user, project, *, month: date, kind: str = "") -> list[Flag]:
    """Meters to look at in ``month``: usage > 3× their own average over the six months before it (months
    with readings), or zero usage on an occupied unit."""
    month = month_start(month)
    first = add_months(month, -TRAILING_MONTHS)
    end = add_months(month, 1)
    qs = _readings(user, project).filter(read_on__gte=first, read_on__lt=end)
    if kind:
        qs = qs.filter(meter__kind=kind)
    rows = (
        qs.annotate(m=TruncMonth("read_on"))
        .values("meter_id", "m")
        .annotate(total=Coalesce(Sum("usage"), ZERO, output_field=_SUM))
        .order_by()
    )
    current: dict[int, Decimal] = {}
    history: dict[int, list[Decimal]] = defaultdict(list)
    for r in rows:
        total = Decimal(str(r["total"])).quantize(ZERO)
        if _month(r["m"]) == month:
            current[r["meter_id"]] = total
        else:
            history[r["meter_id"]].append(total)
    candidates: dict[int, tuple[Decimal, Decimal | None, str]] = {}
    for meter_id, usage in current.items():
        past = history.get(meter_id)
        average = (sum(past, ZERO) / len(past)).quantize(ZERO) if past else None
        if average and usage > SPIKE_FACTOR * average:
            candidates[meter_id] = (usage, average, "spike")
        elif usage == 0:
            candidates[meter_id] = (usage, average, "zero")
    meters = (
        Meter.objects.filter(pk__in=list(candidates), project_id=project.pk)
        .select_related("unit", "fee_item")
        .order_by("unit__address", "kind")
    )
    out = []
    for meter in meters:
        usage, average, reason = candidates[meter.pk]
        if reason == "zero" and meter.unit.state != Unit.State.OCCUPIED:
            continue  # an empty flat using nothing is no waste
        out.append(Flag(meter, usage, average, reason))
    out.sort(key=lambda f: (f.reason != "spike", -(f.ratio or 0), f.meter.unit.address))
    return out


def meter_months(meter: Meter, *, months: int = TREND_MONTHS) -> list[dict]:
    """One meter's usage per month (newest first) with its trailing average, for the drill-down."""
    rows = (
        MeterReading.objects.filter(meter=meter)
        .annotate(m=TruncMonth("read_on"))
        .values("m")
        .annotate(total=Coalesce(Sum("usage"), ZERO, output_field=_SUM), n=Count("id"))
        .order_by("m")
    )
    series = [(_month(r["m"]), Decimal(str(r["total"])).quantize(ZERO), r["n"]) for r in rows]
    out = []
    for i, (m, total, n) in enumerate(series):
        past = [t for pm, t, _n in series[:i] if pm >= add_months(m, -TRAILING_MONTHS)]
        average = (sum(past, ZERO) / len(past)).quantize(ZERO) if past else None
        out.append(
            {
                "month": m,
                "usage": total,
                "readings": n,
                "average": average,
                "spike": bool(average and total > SPIKE_FACTOR * average),
            }
        )
    return list(reversed(out))[:months]
