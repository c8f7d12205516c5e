"""Fees, bills, payments, receipts and the double-entry ledger (R7.1–R7.3).

Money is ``Decimal`` yuan with 2 places. Issued bills and posted journal entries are never edited: the
derived totals a bill line carries (``paid``, ``credited``) move only with an allocation or an approved
credit note, each of which is also one balanced journal entry.

A bill, payment or refund belongs to exactly one *holder*: a unit, or a parking space (车位合同) when the
space is billed on its own.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.models import ProjectScoped

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def _holder_q(prefix: str, user) -> Q:
    """Rows of the units an owner currently occupies, or of the spaces they hold."""
    return Q(
        **{
            f"{prefix}unit__occupancies__party__user": user,
            f"{prefix}unit__occupancies__ended_on__isnull": True,
        }
    ) | Q(**{f"{prefix}space__holder__user": user})


def _one_holder(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(unit__isnull=False, space__isnull=True) | Q(unit__isnull=True, space__isnull=False),
        name=name,
    )


class FeeItem(ProjectScoped):
    """A fee item (收费项目) of one project; its prices live in dated ``PriceVersion`` rows."""

    class Kind(models.TextChoices):
        AREA = "area", _("按面积")
        FIXED = "fixed", _("按户定额")
        METERED = "metered", _("按用量")
        PARKING = "parking", _("按车位")
        ONE_OFF = "one_off", _("一次性")
        SPECIAL = "special", _("特约服务")

    class AreaBasis(models.TextChoices):
        BUILDING = "building", _("建筑面积")
        INNER = "inner", _("套内面积")

    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("计费方式"), max_length=10, choices=Kind.choices)
    area_basis = models.CharField(
        _("面积口径"), max_length=10, choices=AreaBasis.choices, default=AreaBasis.BUILDING
    )
    # Property-management fee (物业管理费): what the collection rate (indicator 4) counts.
    is_management_fee = models.BooleanField(_("计入管理费收缴率"), default=False)
    # Unit uses this item bills (Unit.Use values); empty: every unit.
    unit_uses = models.JSONField(_("适用房屋用途"), default=list, blank=True)
    unit_label = models.CharField(_("计量单位"), max_length=16, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_fee_item_code")]
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def __str__(self) -> str:
        return self.name

    @property
    def is_periodic(self) -> bool:
        return self.kind in (self.Kind.AREA, self.Kind.FIXED, self.Kind.PARKING)

    @classmethod
    def owner_q(cls, user):
        # Published standards (收费标准公示): owners see their own project's fee items.
        return Q(project__in=models.Subquery(_owner_projects(user)))


def _owner_projects(user):
    from jiayuan.estate.models import Occupancy

    return Occupancy._base_manager.filter(party__user=user, ended_on__isnull=True).values("project_id")


class PriceVersion(ProjectScoped):
    """A price of a fee item, in force from ``valid_from`` until the next version (a change mid-year
    applies from its date). ``tiers`` (metered items only): ``[[up_to, price], …, [null, price]]``."""

    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="prices")
    valid_from = models.DateField(_("生效日期"))
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=4)
    tiers = models.JSONField(_("阶梯"), default=list, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["fee_item_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fee_item", "valid_from"], name="uniq_price_version"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_not_negative"),
        ]
        verbose_name = _("价格版本")
        verbose_name_plural = _("价格版本")


# --- the ledger --------------------------------------------------------------------------------------


class Account(ProjectScoped):
    """A ledger account of one project (会计科目). ``code`` follows the Chinese chart where one exists
    (1122 应收账款, 2203 预收账款…) with a suffix for the fee item, channel or category."""

    class Kind(models.TextChoices):
        ASSET = "asset", _("资产")
        LIABILITY = "liability", _("负债")
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("费用")

    code = models.CharField(_("科目代码"), max_length=40)
    name = models.CharField(_("科目名称"), max_length=60)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uniq_account_code")]
        verbose_name = _("科目")
        verbose_name_plural = _("科目")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalEntry(ProjectScoped):
    """One money event as one balanced entry (凭证). Append-only: a mistake is answered by a reversing
    entry, never an edit. Posted only through ``billing.ledger.post`` which refuses an unbalanced one."""

    number = models.CharField(_("凭证号"), max_length=40)
    date = models.DateField(_("日期"), db_index=True)
    memo = models.CharField(_("摘要"), max_length=120)
    # What caused it: "bill", "payment", "prepaid", "credit", "refund", "reversal"…
    source = models.CharField(_("来源"), max_length=16, db_index=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["source", "source_id"])]
        verbose_name = _("凭证")
        verbose_name_plural = _("凭证")


class JournalLine(ProjectScoped):
    """A debit or a credit of one entry. ``unit``/``space`` make receivable and prepaid sub-ledgers per
    holder (the arrears and prepaid balances are sums of these lines)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(_("借方"), **MONEY, default=ZERO)
    credit = models.DecimalField(_("贷方"), **MONEY, default=ZERO)
    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    space = models.ForeignKey(
        "estate.ParkingSpace", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["entry_id", "id"]
        constraints = [
            # one side only, never negative: balance checks then reduce to sum(debit) == sum(credit)
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="journal_line_one_side",
            )
        ]
        indexes = [models.Index(fields=["account", "unit"]), models.Index(fields=["account", "space"])]
        verbose_name = _("分录")


# --- bills ------------------------------------------------------------------------------------------


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
            _one_holder("bill_one_holder"),
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
            models.CheckConstraint(
                condition=Q(paid__lte=F("total") - F("credited")), name="bill_not_overpaid"
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
    def holder_label(self) -> str:
        return str(self.unit.address if self.unit_id else self.space.code)

    @classmethod
    def owner_q(cls, user):
        return _holder_q("", user)


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
                condition=Q(paid__gte=0, credited__gte=0, paid__lte=F("amount") - F("credited")),
                name="bill_line_not_overpaid",
            ),
        ]
        verbose_name = _("账单明细")

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.credited - self.paid

    @classmethod
    def owner_q(cls, user):
        return _holder_q("bill__", user)


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


# --- payments ----------------------------------------------------------------------------------------


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
            _one_holder("payment_one_holder"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_payment_number"),
        ]
        verbose_name = _("收款")
        verbose_name_plural = _("收款")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def owner_q(cls, user):
        return _holder_q("", user)


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
        return _holder_q("line__bill__", user)


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
        return _holder_q("payment__", user)


class Refund(ProjectScoped):
    """Money paid back from a holder's prepaid balance (退款), with a reason and an approver."""

    number = models.CharField(_("退款单号"), max_length=40)
    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    space = models.ForeignKey(
        "estate.ParkingSpace", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    reason = models.CharField(_("原因"), max_length=200)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            _one_holder("refund_one_holder"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive"),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_refund_number"),
        ]
        verbose_name = _("退款")
        verbose_name_plural = _("退款")

    @classmethod
    def owner_q(cls, user):
        return _holder_q("", user)


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
        return Q(unit__occupancies__party__user=user, unit__occupancies__ended_on__isnull=True)
