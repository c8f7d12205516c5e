"""Money received and paid back (R7.2): payments and their allocations, receipts, refunds and online
payment orders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.billing.models.bills import BillLine
from jiayuan.billing.models.common import MONEY, ZERO, holder_q, one_holder, unit_q
from jiayuan.billing.models.ledger import JournalEntry
from jiayuan.core.models import ProjectScoped


class Channel(models.TextChoices):
    CASH = "cash", _("现金")
    BANK = "bank", _("银行转账")
    POS = "pos", _("POS刷卡")
    ONLINE = "online", _("在线支付")


class Payment(ProjectScoped):
    """Money received for one unit or space (收款). The part not allocated to bill lines is a
    prepayment (预存款). Reversed with a reason, never deleted."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已入账")
        REVERSED = "reversed", _("已冲正")

    number = models.CharField(_("收款单号"), max_length=40)
    idempotency_key = models.CharField(_("幂等键"), max_length=80, unique=True)
    # sha256 of the request, so the same key with a different request is refused rather than ignored
    fingerprint = models.CharField(max_length=64)
    unit = models.ForeignKey(
        "estate.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    space = models.ForeignKey(
        "estate.ParkingSpace", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    prepaid = models.DecimalField(_("转预存"), **MONEY, default=ZERO)
    payer_name = models.CharField(_("缴款人"), max_length=60, blank=True)
    reference = models.CharField(_("流水号"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("收款时间"), db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.CharField(_("冲正原因"), max_length=200, blank=True)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            one_holder("payment_one_holder"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_payment_number"),
        ]
        verbose_name = _("收款")
        verbose_name_plural = _("收款")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def owner_q(cls, user):
        return holder_q("", user)


class Allocation(ProjectScoped):
    """Money applied to one bill line: from a payment, or from the prepaid balance (``payment`` empty).
    A reversed payment's allocations get ``reversed`` set; the line's ``paid`` goes down with them."""

    line = models.ForeignKey(BillLine, on_delete=models.PROTECT, related_name="allocations")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations"
    )
    amount = models.DecimalField(_("金额"), **MONEY)
    at = models.DateTimeField(_("时间"))
    reversed = models.BooleanField(default=False)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive")]
        verbose_name = _("核销")

    @classmethod
    def owner_q(cls, user):
        return holder_q("line__bill__", user)


class Receipt(ProjectScoped):
    """The numbered receipt (收据) of a payment. Voided with the payment's reversal, and kept visible."""

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        VOID = "void", _("已作废")

    number = models.CharField(_("收据号"), max_length=40)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    issued_at = models.DateTimeField(_("开具时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="uniq_receipt_number")]
        verbose_name = _("收据")
        verbose_name_plural = _("收据")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def owner_q(cls, user):
        return holder_q("payment__", user)


class Refund(ProjectScoped):
    """Money paid back from a holder's prepaid balance (退款): requested by the cashier with a reason,
    paid only when someone else with APPROVE_ADJUSTMENTS approves it (the same four eyes as a credit
    note); the approval is the one balanced entry (Dr 预收账款, Cr cash/bank)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        PAID = "paid", _("已退款")
        REJECTED = "rejected", _("已驳回")

    number = models.CharField(_("退款单号"), max_length=40)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PAID)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    payee_name = models.CharField(_("收款人"), max_length=60, blank=True)
    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    space = models.ForeignKey(
        "estate.ParkingSpace", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    reason = models.CharField(_("原因"), max_length=200)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # when it was paid (or rejected)
    at = models.DateTimeField(_("时间"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=200, blank=True)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]
        constraints = [
            one_holder("refund_one_holder"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive"),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_refund_number"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(entry__isnull=False, approved_by__isnull=False),
                name="refund_paid_has_entry",
            ),
        ]
        verbose_name = _("退款")
        verbose_name_plural = _("退款")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def owner_q(cls, user):
        return holder_q("", user)


class OnlineOrder(ProjectScoped):
    """An online payment order (在线支付订单) created for a provider (the sandbox, WeChat Pay, Alipay…).
    Paid only by the provider's verified notification, which books the payment once."""

    class Status(models.TextChoices):
        CREATED = "created", _("待支付")
        PAID = "paid", _("已支付")

    out_trade_no = models.CharField(_("商户订单号"), max_length=40, unique=True)
    provider = models.CharField(_("支付渠道"), max_length=20, default="sandbox")
    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额"), **MONEY)
    description = models.CharField(_("商品描述"), max_length=120)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CREATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    transaction_id = models.CharField(_("支付流水号"), max_length=64, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="online_order"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="online_order_positive")]
        verbose_name = _("在线支付订单")
        verbose_name_plural = _("在线支付订单")

    @classmethod
    def owner_q(cls, user):
        return unit_q("", user)
