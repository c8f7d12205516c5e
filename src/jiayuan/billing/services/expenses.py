"""Expenses (支出): recorded by finance as one balanced entry each, corrected only by reversal (R7.3)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from jiayuan.billing import ledger
from jiayuan.billing.ledger import Cr, Dr
from jiayuan.billing.models import Account, Channel, Expense, ExpenseCategory
from jiayuan.billing.permissions import can_record_expenses, require
from jiayuan.billing.services.common import parse_amount
from jiayuan.billing.transitions import EXPENSE
from jiayuan.core.errors import Conflict, ValidationFailed
from jiayuan.core.numbering import next_number
from jiayuan.core.timeline import timeline_append

PAID_FROM_CHANNEL = {Expense.PaidFrom.CASH: Channel.CASH, Expense.PaidFrom.BANK: Channel.BANK}
# How far back an expense may be dated (a late invoice of last year) and never in the future.
MAX_BACKDATE_DAYS = 400


def expense_account_code(category: ExpenseCategory) -> str:
    return f"{ledger.EXPENSE}.{category.code}"


def expense_account(chart: ledger.Chart, category: ExpenseCategory) -> Account:
    return chart.get(expense_account_code(category), f"物业服务成本-{category.name}", Account.Kind.EXPENSE)


def expense_record(
    project_id: int,
    *,
    actor,
    category: ExpenseCategory,
    amount,
    spent_on: date,
    payee: str,
    paid_from: str,
    note: str = "",
) -> Expense:
    """Record an expense: Dr 6601.<category> / Cr cash or bank, in one transaction."""
    require(can_record_expenses, actor, project_id)
    amount = parse_amount(amount)
    payee = (payee or "").strip()
    if not payee:
        raise ValidationFailed("请填写收款方", field="payee")
    if paid_from not in PAID_FROM_CHANNEL:
        raise ValidationFailed("支付方式只能是现金或银行", field="paid_from")
    if category is None or not category.active:
        raise ValidationFailed("请选择有效的支出类别", field="category")
    today = timezone.localdate()
    if spent_on > today:
        raise ValidationFailed("支出日期不能晚于今天", field="spent_on")
    if spent_on < today - timedelta(days=MAX_BACKDATE_DAYS):
        raise ValidationFailed("支出日期过早", field="spent_on")
    with transaction.atomic():
        expense = Expense.objects.create(
            project_id=project_id,
            number=next_number(project_id, "ZC"),
            category=category,
            amount=amount,
            spent_on=spent_on,
            payee=payee[:80],
            note=(note or "").strip()[:200],
            paid_from=paid_from,
            created_by=actor,
        )
        chart = ledger.Chart(project_id)
        expense.entry = ledger.post(
            project_id,
            number=expense.number,
            on=spent_on,
            memo=f"{category.name}：{payee}",
            source="expense",
            source_id=expense.pk,
            lines=[
                Dr(expense_account(chart, category), amount),
                Cr(chart.channel(PAID_FROM_CHANNEL[paid_from]), amount),
            ],
            actor=actor,
            chart=chart,
        )
        expense.save(update_fields=["entry"])
        timeline_append(expense, actor=actor, action="record", to_state=expense.status, note=f"{amount}")
    return expense


def expense_reverse(expense: Expense, *, actor, reason: str) -> Expense:
    """Reverse a booked expense (冲销) with a reason: the opposite entry, dated today."""
    require(can_record_expenses, actor, expense.project_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写冲销原因", field="reason")
    with transaction.atomic():
        expense = Expense.objects.select_for_update().select_related("category").get(pk=expense.pk)
        EXPENSE.guard(expense, "reverse")
        chart = ledger.Chart(expense.project_id)
        ledger.post(
            expense.project_id,
            number=f"{expense.number}-R",
            on=timezone.localdate(),
            memo=f"冲销 {expense.number}：{reason}",
            source="expense_reversal",
            source_id=expense.pk,
            lines=[
                Dr(chart.channel(PAID_FROM_CHANNEL[expense.paid_from]), expense.amount),
                Cr(expense_account(chart, expense.category), expense.amount),
            ],
            actor=actor,
            chart=chart,
        )
        now = timezone.now()
        EXPENSE.move(
            expense,
            "reverse",
            actor=actor,
            at=now,
            note=reason,
            fields={"reversed_by": actor, "reversed_at": now, "reversal_reason": reason[:200]},
        )
    return expense


# --- categories: added, renamed, switched off; deleted only while nothing uses them ----------------------


def _category_fields(code: str | None, name: str, sort_order) -> tuple[str | None, str, int]:
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise ValidationFailed("请填写类别名称（最多40个字）", field="name")
    if code is not None:
        code = (code or "").strip().upper()
        if (
            not code
            or len(code) > 20
            or not all(c.isalnum() or c in "_-" for c in code)
            or not code.isascii()
        ):
            raise ValidationFailed("编码只能是字母、数字、下划线或连字符（最多20个）", field="code")
    try:
        order = int(sort_order or 0)
    except (TypeError, ValueError):
        raise ValidationFailed("排序须为数字", field="sort_order") from None
    if not 0 <= order <= 32767:
        raise ValidationFailed("排序须在 0–32767 之间", field="sort_order")
    return code, name, order


def category_create(*, actor, project_id: int, code: str, name: str, sort_order=0) -> ExpenseCategory:
    """A new expense category (shared by every project; its account 6601.<code> opens on first use)."""
    require(can_record_expenses, actor, project_id)
    code, name, order = _category_fields(code, name, sort_order)
    with transaction.atomic():
        if ExpenseCategory.objects.filter(code=code).exists():
            raise ValidationFailed("该编码已存在", field="code")
        if ExpenseCategory.objects.filter(name=name).exists():
            raise ValidationFailed("该名称已存在", field="name")
        return ExpenseCategory.objects.create(code=code, name=name, sort_order=order)


def category_rename(category: ExpenseCategory, *, actor, project_id: int, name: str, sort_order=0):
    """Rename (the code, and so the ledger account, stays; past expenses show the new name)."""
    require(can_record_expenses, actor, project_id)
    _code, name, order = _category_fields(None, name, sort_order)
    with transaction.atomic():
        if ExpenseCategory.objects.filter(name=name).exclude(pk=category.pk).exists():
            raise ValidationFailed("该名称已存在", field="name")
        category.name, category.sort_order = name, order
        category.save(update_fields=["name", "sort_order"])
        # the accounts keep the code; their names follow the category's
        Account.objects.filter(code=expense_account_code(category)).update(name=f"物业服务成本-{name}")
    return category


def category_set_active(category: ExpenseCategory, *, actor, project_id: int, active: bool):
    """Switch a category off (no new expenses; old ones and reports keep it) or back on."""
    require(can_record_expenses, actor, project_id)
    category.active = bool(active)
    category.save(update_fields=["active"])
    return category


def category_delete(category: ExpenseCategory, *, actor, project_id: int) -> None:
    """Delete a category nobody has used; one in use can only be switched off."""
    require(can_record_expenses, actor, project_id)
    with transaction.atomic():
        category = ExpenseCategory.objects.select_for_update().get(pk=category.pk)
        if Expense.objects.filter(category=category).exists():
            raise Conflict("该类别已有支出记录，不能删除，只能停用")
        category.delete()


# The usual categories (the migration seeds the same list; tests that flush tables call this again).
CATEGORIES = [
    ("STAFF", "人员费用"),
    ("CLEAN", "清洁卫生"),
    ("GREEN", "绿化养护"),
    ("SECURITY", "秩序维护"),
    ("REPAIR", "维修养护"),
    ("UTILITY", "公共能耗"),
    ("OFFICE", "办公费用"),
    ("INSURANCE", "保险费用"),
    ("OTHER", "其他支出"),
]


def ensure_categories() -> None:
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        ExpenseCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
