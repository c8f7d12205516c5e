"""Money and state formatting for billing pages (UI.md: ``¥1,234.56``; colours by state)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()

BILL_COLOURS = {"unpaid": "text-bg-danger", "partial": "text-bg-warning", "paid": "text-bg-success"}


@register.filter
def yuan(value) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def bill_badge(bill) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        BILL_COLOURS.get(bill.status, "text-bg-secondary"),
        bill.get_status_display(),
    )


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{Decimal(value).quantize(Decimal('0.1'))}%"
