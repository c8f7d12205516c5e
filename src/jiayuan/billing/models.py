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
from django.db.models.functions import Round
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
            _one_holder("refund_one_holder"),
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


# --- expenses (R7.3) ---------------------------------------------------------------------------------


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


# --- meters, deposits and property in trust (R7.1 metered, R13.2, R7.4) -------------------------------


def _unit_q(prefix: str, user) -> Q:
    """Rows of the units an owner currently occupies."""
    return Q(
        **{
            f"{prefix}unit__occupancies__party__user": user,
            f"{prefix}unit__occupancies__ended_on__isnull": True,
        }
    )


class Meter(ProjectScoped):
    """A meter of one unit (水表/电表/燃气表…) billed through a metered fee item. Readings only go up;
    a replaced meter gets a ``MeterReplacement`` with the old one's final and the new one's initial."""

    class Kind(models.TextChoices):
        WATER = "water", _("水表")
        ELECTRICITY = "electricity", _("电表")
        GAS = "gas", _("燃气表")
        HEAT = "heat", _("热量表")

    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, related_name="meters")
    kind = models.CharField(_("表类型"), max_length=12, choices=Kind.choices)
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="meters")
    serial = models.CharField(_("表号"), max_length=40, blank=True)
    initial_reading = models.DecimalField(_("初始读数"), max_digits=12, decimal_places=2, default=ZERO)
    installed_on = models.DateField(_("启用日期"))
    active = models.BooleanField(_("在用"), default=True)
    # What the next reading is compared with (last reading, or a new meter's initial), the usage of a
    # replaced meter not billed yet, and the date of the last reading or replacement.
    baseline = models.DecimalField(_("基准读数"), max_digits=12, decimal_places=2, default=ZERO)
    carried = models.DecimalField(_("旧表未计用量"), max_digits=12, decimal_places=2, default=ZERO)
    last_on = models.DateField(_("上次抄表日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="uniq_meter_unit_kind"),
            models.CheckConstraint(condition=Q(initial_reading__gte=0), name="meter_initial_not_negative"),
        ]
        verbose_name = _("仪表")
        verbose_name_plural = _("仪表")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}".strip()

    @classmethod
    def owner_q(cls, user):
        return _unit_q("", user)


class MeterReplacement(ProjectScoped):
    """A meter replaced (换表): the old meter's final reading and the new one's initial reading."""

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="replacements")
    on = models.DateField(_("换表日期"))
    old_final = models.DecimalField(_("旧表止数"), max_digits=12, decimal_places=2)
    new_initial = models.DecimalField(_("新表起数"), max_digits=12, decimal_places=2)
    new_serial = models.CharField(_("新表号"), max_length=40, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meter_id", "on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(old_final__gte=0, new_initial__gte=0), name="meter_replacement_not_negative"
            )
        ]
        verbose_name = _("换表记录")
        verbose_name_plural = _("换表记录")


class MeterReading(ProjectScoped):
    """A reading (抄表) with the usage since the previous one (across a replacement); billed once."""

    class Source(models.TextChoices):
        PHONE = "phone", _("手机抄表")
        IMPORT = "import", _("Excel导入")
        DESK = "desk", _("录入")

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="readings")
    read_on = models.DateField(_("抄表日期"), db_index=True)
    value = models.DecimalField(_("读数"), max_digits=12, decimal_places=2)
    previous = models.DecimalField(_("上次读数"), max_digits=12, decimal_places=2)
    usage = models.DecimalField(_("用量"), max_digits=12, decimal_places=2)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.DESK)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meter_id", "read_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(usage__gte=0, value__gte=0), name="meter_reading_not_negative")
        ]
        verbose_name = _("抄表记录")
        verbose_name_plural = _("抄表记录")

    @classmethod
    def owner_q(cls, user):
        return _unit_q("meter__", user)


class Deposit(ProjectScoped):
    """A deposit (押金) held for a unit: decoration (装修押金, R13.2), keys, etc. ``held`` is what is
    still held; it moves only with a refund or a forfeit, each one balanced journal entry."""

    class Kind(models.TextChoices):
        DECORATION = "decoration", _("装修押金")
        KEY = "key", _("钥匙押金")
        CARD = "card", _("门禁卡押金")
        OTHER = "other", _("其他押金")

    class Status(models.TextChoices):
        HELD = "held", _("持有中")
        CLOSED = "closed", _("已结清")

    number = models.CharField(_("押金单号"), max_length=40)
    receipt_number = models.CharField(_("收据号"), max_length=40)
    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, related_name="deposits")
    kind = models.CharField(_("押金类型"), max_length=12, choices=Kind.choices)
    payer_name = models.CharField(_("缴款人"), max_length=60)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    amount = models.DecimalField(_("收取金额"), **MONEY)
    held = models.DecimalField(_("持有余额"), **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.HELD)
    received_at = models.DateTimeField(_("收取时间"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, held__gte=0, held__lte=F("amount")), name="deposit_held_in_range"
            ),
            models.UniqueConstraint(fields=["project", "number"], name="uniq_deposit_number"),
        ]
        verbose_name = _("押金")
        verbose_name_plural = _("押金")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def owner_q(cls, user):
        return _unit_q("", user)


class DepositMove(ProjectScoped):
    """A refund (退还) or forfeit (扣除) of part or all of a deposit, with its reason and entry."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("退还")
        FORFEIT = "forfeit", _("扣除")

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    reason = models.CharField(_("原因"), max_length=200)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["deposit_id", "at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_move_positive")]
        verbose_name = _("押金变动")
        verbose_name_plural = _("押金变动")

    @classmethod
    def owner_q(cls, user):
        return _unit_q("deposit__", user)


class TrustItem(ProjectScoped):
    """Customer property in trust (代管物品, R7.4): an item, document, key or cash received with a record
    and returned with one. Cash in trust is a liability (2241.09 代管款) until it is returned."""

    class Kind(models.TextChoices):
        ITEM = "item", _("物品")
        DOCUMENT = "document", _("证件资料")
        KEY = "key", _("钥匙")
        CASH = "cash", _("现金")

    class Status(models.TextChoices):
        KEPT = "kept", _("代管中")
        RETURNED = "returned", _("已归还")

    number = models.CharField(_("登记号"), max_length=40)
    unit = models.ForeignKey("estate.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("物品描述"), max_length=200)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    cash_amount = models.DecimalField(_("现金金额"), **MONEY, null=True, blank=True)
    from_name = models.CharField(_("交来人"), max_length=60)
    from_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("接收时间"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("存放位置"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.KEPT, db_index=True
    )
    returned_to = models.CharField(_("领取人"), max_length=60, blank=True)
    signature = models.CharField(_("签收"), max_length=120, blank=True)
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_note = models.CharField(_("归还备注"), max_length=200, blank=True)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    return_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-status", "-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_trust_number"),
            models.CheckConstraint(
                condition=(
                    Q(kind="cash", cash_amount__gt=0) | (~Q(kind="cash") & Q(cash_amount__isnull=True))
                ),
                name="trust_cash_amount",
            ),
        ]
        verbose_name = _("代管物品")
        verbose_name_plural = _("代管物品")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def owner_q(cls, user):
        return _unit_q("", user)


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
