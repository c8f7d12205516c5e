"""Spending (支出, R7.3): expense categories and expenses, each one balanced entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.billing.models.common import MONEY
from jiayuan.billing.models.ledger import JournalEntry
from jiayuan.core.models import ProjectScoped


class ExpenseCategory(models.Model):
    """A category of spending (支出类别), shared by every project; its ledger account in a project is
    ``6601.<code>``. Seeded with the usual ones by the migration."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("支出类别")
        verbose_name_plural = _("支出类别")

    def __str__(self) -> str:
        return self.name


class Expense(ProjectScoped):
    """An expense paid from cash or bank (支出): one balanced entry (Dr expense, Cr cash/bank). Never
    edited or deleted: a mistake is reversed with a reason (the opposite entry) and recorded again."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已入账")
        REVERSED = "reversed", _("已冲销")

    class PaidFrom(models.TextChoices):
        CASH = "cash", _("现金")
        BANK = "bank", _("银行")

    number = models.CharField(_("支出单号"), max_length=40)
    category = models.ForeignKey(ExpenseCategory, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额"), **MONEY)
    spent_on = models.DateField(_("支出日期"), db_index=True)
    payee = models.CharField(_("收款方"), max_length=80)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    paid_from = models.CharField(_("支付方式"), max_length=10, choices=PaidFrom.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.CharField(_("冲销原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_positive"),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_expense_number"),
        ]
        verbose_name = _("支出")
        verbose_name_plural = _("支出")

    def __str__(self) -> str:
        return self.number
