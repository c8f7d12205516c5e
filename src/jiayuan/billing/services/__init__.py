"""Every change to fees, bills and money: plain functions taking the acting user (ARCHITECTURE.md)."""

from jiayuan.billing.services.common import Holder, parse_amount
from jiayuan.billing.services.fees import fee_item_create, price_version_add
from jiayuan.billing.services.money import (
    credit_note_approve,
    credit_note_reject,
    credit_note_request,
    payment_reverse,
    payment_take,
    refund_approve,
    refund_create,
    refund_reject,
    refund_request,
)
from jiayuan.billing.services.online import online_notify, online_order_create, sandbox_pay
from jiayuan.billing.services.runs import billing_run_start, charge_create, prepaid_apply

__all__ = [
    "Holder",
    "billing_run_start",
    "charge_create",
    "credit_note_approve",
    "credit_note_reject",
    "credit_note_request",
    "fee_item_create",
    "online_notify",
    "online_order_create",
    "parse_amount",
    "payment_reverse",
    "payment_take",
    "prepaid_apply",
    "price_version_add",
    "refund_approve",
    "refund_create",
    "refund_reject",
    "refund_request",
    "sandbox_pay",
]
