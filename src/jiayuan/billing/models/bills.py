"""Billing runs, bills and their lines, credit notes (R7.1, R7.2) and payment reminders (催缴)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.billing.models.common import MONEY, ZERO, holder_q, one_holder
from jiayuan.billing.models.fees import FeeItem
from jiayuan.billing.models.ledger import JournalEntry
from jiayuan.core.models import ProjectScoped


class BillingRun(ProjectScoped):
    """A billing run (计费批次): bills one project for one month. Unique per (project, period), so
    starting it again resumes it; each chunk of bills is committed with its lines and entries."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")

    period = models.DateField(_("账期"), help_text=_("月份第一天"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    bills_created = models.PositiveIntegerField(_("生成账单数"), default=0)
    total = models.DecimalField(_("应收合计"), **MONEY, default=ZERO)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="uniq_billing_run")]
        verbose_name = _("计费批次")
        verbose_name_plural = _("计费批次")


class Bill(ProjectScoped):
    """A bill (账单) for one unit or parking space: issued complete, never edited."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("周期账单")
        CHARGE = "charge", _("临时收费")

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("未缴")
        PARTIAL = "partial", _("部分缴纳")
        PAID = "paid", _("已结清")

    number = models.CharField(_("账单号"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PERIODIC)
    period = models.DateField(_("账期"), db_index=True)
    run = models.ForeignKey(BillingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="bills")
    unit = models.ForeignKey(
        "estate.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )
    space = models.ForeignKey(
        "estate.ParkingSpace", on_delete=models.PROTECT, null=True, blank=True, related_name="bills"
    )
    payer_name = models.CharField(_("缴费人"), max_length=60, blank=True)
    issued_on = models.DateField(_("出账日期"))
    due_on = models.DateField(_("到期日"), db_index=True)
    total = models.DecimalField(_("应收"), **MONEY)
    credited = models.DecimalField(_("已冲减"), **MONEY, default=ZERO)
    paid = models.DecimalField(_("已缴"), **MONEY, default=ZERO)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.UNPAID, db_index=True
    )
    # Its issue entry is JournalEntry(source="bill", source_id=bill.pk): bills are inserted in bulk first.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "number"]
        constraints = [
            one_holder("bill_one_holder"),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_bill_number"),
            models.UniqueConstraint(
                fields=["project", "period", "unit"],
                condition=Q(kind="periodic", unit__isnull=False),
                name="uniq_periodic_bill_unit",
            ),
            models.UniqueConstraint(
                fields=["project", "period", "space"],
                condition=Q(kind="periodic", space__isnull=False),
                name="uniq_periodic_bill_space",
            ),
            # rounded to the cent: SQLite subtracts decimals in binary floating point
            models.CheckConstraint(
                condition=Q(paid__lte=Round(F("total") - F("credited"), 2)), name="bill_not_overpaid"
            ),
        ]
        indexes = [models.Index(fields=["project", "status", "due_on"])]
        verbose_name = _("账单")
        verbose_name_plural = _("账单")

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.credited - self.paid

    @property
    def creditable(self) -> Decimal:
        return self.total - self.credited

    @property
    def holder_label(self) -> str:
        return str(self.unit.address if self.unit_id else self.space.code)

    @classmethod
    def owner_q(cls, user):
        return holder_q("", user)


class BillLine(ProjectScoped):
    """A line of a bill (收费明细): one fee item, its quantity, price, days and amount."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines")
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("摘要"), max_length=120)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=4)
    days = models.PositiveSmallIntegerField(_("计费天数"), null=True, blank=True)
    amount = models.DecimalField(_("金额"), **MONEY)
    credited = models.DecimalField(_("已冲减"), **MONEY, default=ZERO)
    paid = models.DecimalField(_("已缴"), **MONEY, default=ZERO)

    class Meta:
        ordering = ["bill_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bill_line_positive"),
            models.CheckConstraint(
                # rounded to the cent: SQLite subtracts decimals in binary floating point (66.66 − 6.67 is
                # 59.989999…), which refused a line paid exactly up to its limit
                condition=Q(paid__gte=0, credited__gte=0, paid__lte=Round(F("amount") - F("credited"), 2)),
                name="bill_line_not_overpaid",
            ),
        ]
        verbose_name = _("账单明细")

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.credited - self.paid

    @property
    def creditable(self) -> Decimal:
        """What a credit note may still take off: the unpaid part, then the paid part (to prepaid)."""
        return self.amount - self.credited

    @classmethod
    def owner_q(cls, user):
        return holder_q("bill__", user)


class CreditNote(ProjectScoped):
    """A correction of an issued bill line (冲减/红字): requested with a reason, approved by a role with
    APPROVE_ADJUSTMENTS; only an approved one moves money (Dr fee income, Cr receivable)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    number = models.CharField(_("冲减单号"), max_length=40)
    line = models.ForeignKey(BillLine, on_delete=models.PROTECT, related_name="credit_notes")
    amount = models.DecimalField(_("冲减金额"), **MONEY)
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_positive"),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_credit_note_number"),
        ]
        verbose_name = _("冲减单")
        verbose_name_plural = _("冲减单")


class Reminder(ProjectScoped):
    """A payment reminder (催缴通知) sent for a unit in arrears: at most one per unit per day, so sending
    again the same day re-prints the letter without notifying the owner twice."""

    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("催缴日期"))
    sent_at = models.DateTimeField(_("催缴时间"), auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("欠费金额"), **MONEY)
    notified = models.PositiveSmallIntegerField(_("站内通知人数"), default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "sent_on"], name="uniq_reminder_unit_day")]
        verbose_name = _("催缴记录")
        verbose_name_plural = _("催缴记录")
