"""Fees, bills, payments, receipts and the double-entry ledger (R7.1–R7.3), meters, deposits and property
in trust (R7.4): one package by sub-domain, imported as ``billing.models``.

Money is ``Decimal`` yuan with 2 places. Issued bills and posted journal entries are never edited: the
derived totals a bill line carries (``paid``, ``credited``) move only with an allocation or an approved
credit note, each of which is also one balanced journal entry.

A bill, payment or refund belongs to exactly one *holder*: a unit, or a parking space (车位合同) when the
space is billed on its own.
"""

from jiayuan.billing.models.bills import Bill, BillingRun, BillLine, CreditNote, Reminder
from jiayuan.billing.models.common import MONEY, ZERO
from jiayuan.billing.models.expenses import Expense, ExpenseCategory
from jiayuan.billing.models.fees import FeeItem, PriceVersion
from jiayuan.billing.models.holdings import (
    Deposit,
    DepositMove,
    Meter,
    MeterReading,
    MeterReplacement,
    TrustItem,
)
from jiayuan.billing.models.ledger import Account, JournalEntry, JournalLine, LedgerClose, PeriodBalance
from jiayuan.billing.models.payments import Allocation, Channel, OnlineOrder, Payment, Receipt, Refund

__all__ = [
    "MONEY",
    "ZERO",
    "Account",
    "Allocation",
    "Bill",
    "BillLine",
    "BillingRun",
    "Channel",
    "CreditNote",
    "Deposit",
    "DepositMove",
    "Expense",
    "ExpenseCategory",
    "FeeItem",
    "JournalEntry",
    "JournalLine",
    "LedgerClose",
    "Meter",
    "MeterReading",
    "MeterReplacement",
    "OnlineOrder",
    "Payment",
    "PeriodBalance",
    "PriceVersion",
    "Receipt",
    "Refund",
    "Reminder",
    "TrustItem",
]
