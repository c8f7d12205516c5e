"""The yearly disclosure report (收支情况公示, R7.3): fee income by item, expenses by category and the
surplus or deficit of one project and year, read from the ledger — and its Excel and PDF renderings."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from jiayuan.billing import ledger
from jiayuan.billing.models import ZERO, JournalLine

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
