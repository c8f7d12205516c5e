"""Reports read from bills and the books: arrears in ageing buckets per unit, building and project (R7.2),
the trial balance, and the yearly disclosure report (收支情况公示, R7.3): fee income by item, expenses by
category and the surplus or deficit of one project and year, read from the ledger — with its Excel and PDF
renderings."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jiayuan.billing import ledger
from jiayuan.billing.models import ZERO, Bill, JournalLine
from jiayuan.billing.permissions import can_view_ledger
from jiayuan.billing.selectors.money import bills_for
from jiayuan.core.errors import Forbidden

_MONEY = DecimalField(max_digits=16, decimal_places=2)
# Ageing buckets of arrears, by days past the due date (UI and API share them).
BUCKETS = [
    ("0_30", 0, 30),
    ("31_90", 31, 90),
    ("91_180", 91, 180),
    ("181_365", 181, 365),
    ("over_365", 366, None),
]
BUCKET_LABELS = {
    "0_30": _("0–30天"),
    "31_90": _("31–90天"),
    "91_180": _("91–180天"),
    "181_365": _("181–365天"),
    "over_365": _(">365天"),
}


# --- arrears --------------------------------------------------------------------------------------


def _outstanding():
    return F("total") - F("credited") - F("paid")


def arrears_for(user, project=None, *, as_of: date) -> QuerySet:
    """Per unit: what is overdue on ``as_of`` in ageing buckets by days past due, largest first."""
    qs = bills_for(user, project).filter(due_on__lt=as_of).exclude(status=Bill.Status.PAID)
    qs = qs.filter(unit__isnull=False)
    return (
        qs.values("project_id", "unit_id", "unit__address")
        .annotate(**_arrears_annotations(as_of))
        .filter(owed__gt=0)
        .order_by("-owed", "unit__address")
    )


def _arrears_annotations(as_of: date) -> dict:
    annotations = {"owed": Coalesce(Sum(_outstanding()), Value(ZERO), output_field=_MONEY)}
    for key, low, high in BUCKETS:
        # due_on + low days < as_of ⇔ days past due > low … expressed on dates so every database agrees
        cond = Q(due_on__lte=_shift(as_of, -low)) if low else Q()
        if high is not None:
            cond &= Q(due_on__gte=_shift(as_of, -high))
        annotations[f"b_{key}"] = Coalesce(
            Sum(Case(When(cond, then=_outstanding()), default=Value(ZERO), output_field=_MONEY)),
            Value(ZERO),
            output_field=_MONEY,
        )
    return annotations


def _shift(day: date, days: int) -> date:
    from datetime import timedelta

    return day + timedelta(days=days)


def fen_rows(rows) -> list[dict]:
    """Arrears rows with their sums back to exact fen (SQLite sums decimals as floats)."""
    out = []
    for row in rows:
        row = dict(row)
        for key in ["owed", *(f"b_{b[0]}" for b in BUCKETS)]:
            row[key] = Decimal(str(row[key])).quantize(ZERO)
        out.append(row)
    return out


def arrears_totals(rows) -> dict:
    totals = {"owed": ZERO, **{f"b_{b[0]}": ZERO for b in BUCKETS}}
    for row in rows:
        for key in totals:
            totals[key] += row[key]
    return totals


# --- arrears summaries (R7.2: per unit, building and project) ---------------------------------------------


_TOTAL_KEYS = ["owed", *(f"b_{b[0]}" for b in BUCKETS)]


def arrears_filtered(rows: QuerySet, *, building_id=None, min_amount=None, bucket=None) -> QuerySet:
    """Narrow the per-unit arrears rows: one building, at least ``min_amount`` owed, something in ``bucket``."""
    if building_id:
        rows = rows.filter(unit__building_id=building_id)
    if min_amount:
        rows = rows.filter(owed__gte=min_amount)
    if bucket and bucket in BUCKET_LABELS:
        rows = rows.filter(**{f"b_{bucket}__gt": 0})
    return rows


def arrears_total(rows: QuerySet) -> dict:
    """Totals of (filtered) per-unit rows in one query: owed, each bucket and the number of units."""
    from django.db.models import Count

    sums = {f"sum_{key}": Sum(key) for key in _TOTAL_KEYS}
    agg = rows.order_by().aggregate(n_units=Count("unit_id"), **sums)
    out = {"units": agg["n_units"] or 0}
    out.update({key: Decimal(str(agg[f"sum_{key}"] or 0)).quantize(ZERO) for key in _TOTAL_KEYS})
    return out


def arrears_by_building(user, project, *, as_of: date) -> list[dict]:
    """Per building: overdue amounts in buckets and the number of units in arrears, in building order."""
    from django.db.models import Count

    qs = (
        bills_for(user, project).filter(due_on__lt=as_of, unit__isnull=False).exclude(status=Bill.Status.PAID)
    )
    annotations = {**_arrears_annotations(as_of), "units": Count("unit_id", distinct=True)}
    rows = (
        qs.values("unit__building_id", "unit__building__code", "unit__building__name")
        .annotate(**annotations)
        .filter(owed__gt=0)
        .order_by("unit__building__sort_order", "unit__building__code")
    )
    out = []
    for row in rows:
        row = dict(row)
        for key in ["owed", *(f"b_{b[0]}" for b in BUCKETS)]:
            row[key] = Decimal(str(row[key])).quantize(ZERO)
        out.append(row)
    return out


def arrears_buildings(user, project) -> list[tuple[int, str]]:
    from jiayuan.estate.models import Building

    return list(
        Building.objects.visible_to(user)
        .filter(project_id=project.pk)
        .order_by("sort_order", "code")
        .values_list("pk", "name")
    )


# --- ledger -------------------------------------------------------------------------------------------


def trial_balance_for(user, project, *, until: date | None = None) -> list[dict]:
    if project is None or not can_view_ledger(user, project.pk):
        raise Forbidden()
    return ledger.trial_balance(project.pk, until=until)


# --- the yearly disclosure report (R7.3) ------------------------------------------------------------------

MIN_YEAR, MAX_YEAR = 2000, 2100
_SUM = {"output_field": DecimalField(max_digits=16, decimal_places=2)}


@dataclass
class Disclosure:
    project_id: int
    project_name: str
    year: int
    income: list[dict] = field(default_factory=list)
    expenses: list[dict] = field(default_factory=list)

    @property
    def income_total(self) -> Decimal:
        return sum((r["amount"] for r in self.income), ZERO)

    @property
    def expense_total(self) -> Decimal:
        return sum((r["amount"] for r in self.expenses), ZERO)

    @property
    def surplus(self) -> Decimal:
        return self.income_total - self.expense_total


def _label(name: str) -> str:
    """``主营业务收入-物业管理费`` → ``物业管理费``."""
    return name.split("-", 1)[1] if "-" in name else name


def _by_account(project_id: int, year: int, prefix: str) -> list[dict]:
    rows = (
        JournalLine.objects.filter(
            project_id=project_id,
            account__code__startswith=f"{prefix}.",
            entry__date__gte=date(year, 1, 1),
            entry__date__lte=date(year, 12, 31),
        )
        .values("account__code", "account__name")
        .annotate(
            d=Coalesce(Sum("debit"), Value(ZERO), **_SUM), c=Coalesce(Sum("credit"), Value(ZERO), **_SUM)
        )
        .order_by("account__code")
    )
    return [
        {
            "code": r["account__code"],
            "name": _label(r["account__name"]),
            "debit": Decimal(str(r["d"])).quantize(ZERO),
            "credit": Decimal(str(r["c"])).quantize(ZERO),
        }
        for r in rows
    ]


def disclosure(project, year: int) -> Disclosure:
    """Income = credits − debits of 6001.* (bills less credit notes); expenses = debits − credits of
    6601.* (recorded less reversed), both dated in ``year``."""
    report = Disclosure(project.pk, project.name, year)
    for row in _by_account(project.pk, year, ledger.INCOME):
        amount = row["credit"] - row["debit"]
        if amount:
            report.income.append({"code": row["code"], "name": row["name"], "amount": amount})
    for row in _by_account(project.pk, year, ledger.EXPENSE):
        amount = row["debit"] - row["credit"]
        if amount:
            report.expenses.append({"code": row["code"], "name": row["name"], "amount": amount})
    return report


def disclosure_xlsx(report: Disclosure) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from jiayuan.core.excel import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = f"{report.year}年收支"
    bold = Font(bold=True)
    append_row(ws, [f"{report.project_name} {report.year}年度物业服务收支情况"])
    ws["A1"].font = bold
    append_row(ws, [])
    append_row(ws, ["一、收入", "金额（元）"])
    for row in report.income:
        append_row(ws, [row["name"], row["amount"]])
    append_row(ws, ["收入合计", report.income_total])
    append_row(ws, [])
    append_row(ws, ["二、支出", "金额（元）"])
    for row in report.expenses:
        append_row(ws, [row["name"], row["amount"]])
    append_row(ws, ["支出合计", report.expense_total])
    append_row(ws, [])
    append_row(ws, ["三、结余（收入－支出）", report.surplus])
    for cells in ws.iter_rows(min_col=2, max_col=2):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 16
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def disclosure_pdf(report: Disclosure, *, generated_on: date) -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("billing/disclosure_pdf.html", {"report": report, "generated_on": generated_on})
    return HTML(string=html).write_pdf()
