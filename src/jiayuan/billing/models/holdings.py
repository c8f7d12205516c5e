"""Meters and readings (R7.1 metered), deposits (R13.2) and property in trust (R7.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.billing.models.bills import Bill
from jiayuan.billing.models.common import MONEY, ZERO, unit_q
from jiayuan.billing.models.fees import FeeItem
from jiayuan.billing.models.ledger import JournalEntry
from jiayuan.billing.models.payments import Channel
from jiayuan.core.models import ProjectScoped


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
        return unit_q("", user)


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
        return unit_q("meter__", user)


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
        return unit_q("", user)


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
        return unit_q("deposit__", user)


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
        return unit_q("", user)
