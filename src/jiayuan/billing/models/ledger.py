"""The double-entry ledger's rows: accounts, entries and their lines (posted through ``billing.ledger``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.billing.models.common import MONEY, ZERO
from jiayuan.core.models import ProjectScoped


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
    date = models.DateField(_("日期"))
    memo = models.CharField(_("摘要"), max_length=120)
    # What caused it: "bill", "payment", "prepaid", "credit", "refund", "reversal"…
    source = models.CharField(_("来源"), max_length=16)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        # (project, date): a project's entries of some months (the trial balance's open months, a year's
        # disclosure) without reading other projects'. Source alone is the prefix of (source, source_id).
        indexes = [models.Index(fields=["source", "source_id"]), models.Index(fields=["project", "date"])]
        verbose_name = _("凭证")
        verbose_name_plural = _("凭证")


class JournalLine(ProjectScoped):
    """A debit or a credit of one entry. ``unit``/``space`` make receivable and prepaid sub-ledgers per
    holder (the arrears and prepaid balances are sums of these lines)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    # indexed as the prefix of (account, unit) and (account, space): three indexes fewer to write per bill
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", db_index=False)
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


class LedgerClose(ProjectScoped):
    """How far a project's books are closed (结账, one row per project, kept by ``billing.ledger``): every
    month before ``open_from`` is closed and its per-account sums are in ``PeriodBalance``; lines dated
    ``open_from`` or later are summed from the journal. An entry posted into a closed month moves
    ``open_from`` back to that month (docs/billing.md, "Closed months")."""

    open_from = models.DateField(_("账期"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project"], name="uniq_ledger_close_project")]


class PeriodBalance(ProjectScoped):
    """The debits and credits posted to one account in one closed month (``month``: its first day)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name=_("科目"))
    month = models.DateField(_("账期"))
    debit = models.DecimalField(_("借方"), max_digits=16, decimal_places=2)
    credit = models.DecimalField(_("贷方"), max_digits=16, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "month", "account"], name="uniq_period_balance")
        ]
