"""Demo step: a year of expenses in both projects (staff, cleaning, greening, security, repairs, common
utilities…) so the expenses page and the yearly disclosure report (R7.3) show a real surplus or deficit.

Written in bulk with the rows ``services.expenses.expense_record`` writes (expense, one balanced entry
each) and the month counters of their numbers set to match; a couple are reversed through the service.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from jiayuan.billing import ledger
from jiayuan.billing.ledger import Cr, Dr
from jiayuan.billing.models import Expense, ExpenseCategory
from jiayuan.billing.services.expenses import (
    PAID_FROM_CHANNEL,
    ensure_categories,
    expense_account,
    expense_reverse,
)
from jiayuan.core.models import Sequence
from jiayuan.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext

# category code -> (monthly base amount in yuan for the residential project, payees)
PLAN = {
    "STAFF": (42000, ["本项目员工工资"]),
    "CLEAN": (9000, ["洁美保洁服务有限公司"]),
    "GREEN": (3500, ["绿源园林绿化有限公司"]),
    "SECURITY": (12000, ["安泰保安服务有限公司"]),
    "REPAIR": (4000, ["华通电梯维保有限公司", "五金建材商店", "市政管道疏通队"]),
    "UTILITY": (6500, ["国网供电公司", "自来水公司"]),
    "OFFICE": (800, ["办公用品商店"]),
    "INSURANCE": (1500, ["平安财产保险"]),
    "OTHER": (600, ["其他"]),
}


def _months(today: date) -> list[date]:
    out = [today.replace(day=1)]
    for _ in range(11):
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return list(reversed(out))


def create_expenses(ctx: DemoContext) -> None:
    ensure_categories()
    cats = {c.code: c for c in ExpenseCategory.objects.all()}
    for code, scale in ((RESIDENTIAL_CODE, Decimal("1")), (STATION_CODE, Decimal("0.6"))):
        project = ctx.project(code)
        finance = ctx.users["finance"] if code == RESIDENTIAL_CODE else ctx.users["admin"]
        chart = ledger.Chart(project.pk)
        counters: Counter = Counter()
        expenses: list[Expense] = []
        for month in _months(ctx.today):
            for cat_code, (base, payees) in PLAN.items():
                if cat_code in ("INSURANCE", "OTHER") and not ctx.chance(0.4):
                    continue
                day = month + timedelta(days=ctx.rng.randint(4, 25))
                if day > ctx.today:
                    continue
                amount = (Decimal(base) * scale * Decimal(str(ctx.rng.uniform(0.85, 1.15)))).quantize(
                    Decimal("0.01")
                )
                period = f"{day:%Y%m}"
                counters[period] += 1
                expenses.append(
                    Expense(
                        project=project,
                        number=f"ZC-{period}-{counters[period]:04d}",
                        category=cats[cat_code],
                        amount=amount,
                        spent_on=day,
                        payee=ctx.rng.choice(payees),
                        paid_from="cash" if cat_code == "OFFICE" else "bank",
                        created_by=finance,
                    )
                )
        expenses = Expense.objects.bulk_create(expenses)
        drafts = [
            ledger.Draft(
                e.number,
                e.spent_on,
                f"{e.category.name}：{e.payee}",
                "expense",
                e.pk,
                [
                    Dr(expense_account(chart, e.category), e.amount),
                    Cr(chart.channel(PAID_FROM_CHANNEL[e.paid_from]), e.amount),
                ],
            )
            for e in expenses
        ]
        entries = ledger.post_many(project.pk, drafts, actor=finance, chart=chart)
        for expense, entry in zip(expenses, entries, strict=True):
            expense.entry = entry
        Expense.objects.bulk_update(expenses, ["entry"], batch_size=500)
        for period, last in counters.items():
            Sequence.objects.update_or_create(
                project_id=project.pk, prefix="ZC", period=period, defaults={"last": last}
            )
        ctx.counts["expenses"] += len(expenses)
        if code == RESIDENTIAL_CODE and expenses:
            expense_reverse(ctx.rng.choice(expenses), actor=finance, reason="重复登记，已冲销")
