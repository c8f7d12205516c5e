"""Page forms of billing, by sub-domain; each states what will happen, money fields take yuan with two
decimals. Imported as ``billing.forms``."""

from jiayuan.billing.forms.common import MoneyField, StyledForm
from jiayuan.billing.forms.holdings import (
    BillReadingsForm,
    DepositForm,
    DepositMoveForm,
    ImportForm,
    MeterForm,
    ReadingForm,
    ReplaceForm,
    TrustForm,
    TrustReturnForm,
)
from jiayuan.billing.forms.money import (
    CategoryForm,
    CategoryRenameForm,
    CreditForm,
    ExpenseForm,
    FeeItemForm,
    PaymentForm,
    PriceForm,
    ReasonForm,
    RefundForm,
    RunForm,
)
from jiayuan.billing.forms.reports import ArrearsFilterForm

__all__ = [
    "ArrearsFilterForm",
    "BillReadingsForm",
    "CategoryForm",
    "CategoryRenameForm",
    "CreditForm",
    "DepositForm",
    "DepositMoveForm",
    "ExpenseForm",
    "FeeItemForm",
    "ImportForm",
    "MeterForm",
    "MoneyField",
    "PaymentForm",
    "PriceForm",
    "ReadingForm",
    "ReasonForm",
    "RefundForm",
    "ReplaceForm",
    "RunForm",
    "StyledForm",
    "TrustForm",
    "TrustReturnForm",
]
