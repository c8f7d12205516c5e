"""Numbers of the indicator board (R10.1) as UI.md writes them: thousands separators, percentages with one
decimal (two when one would hide the difference from the target, 0 or 100), counts as whole numbers and
money as ``¥1,234.56``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

DASH = "—"
_TENTH = Decimal("0.1")
_CENT = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _amount(target) -> Decimal | None:
    """The target as a number: a StandardVersion (its ``amount``), a number, or nothing."""
    return _decimal(getattr(target, "amount", target))


@register.filter
def q_percent(value, target=None) -> str:
    """``98.3%``; ``99.96%`` rather than a ``100.0%`` that is not met, ``0.04%`` rather than ``0.0%``."""
    number = _decimal(value)
    if number is None:
        return DASH
    tenth = number.quantize(_TENTH, rounding=ROUND_HALF_UP)
    if tenth != number and (tenth in (0, 100) or tenth == _amount(target)):
        return f"{number.quantize(_CENT, rounding=ROUND_HALF_UP):,}%"
    return f"{tenth:,}%"


@register.filter
def q_number(value) -> str:
    """A count or any figure: ``2,454``; a fraction keeps two decimals ``1,234.50``."""
    number = _decimal(value)
    if number is None:
        return DASH
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.quantize(_CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def q_money(value) -> str:
    """``¥573,598.92``."""
    number = _decimal(value)
    if number is None:
        return DASH
    sign = "-" if number < 0 else ""
    return f"{sign}¥{abs(number).quantize(_CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def q_side(value, row) -> str:
    """One side of a ratio: money for the fee indicators (``row.money``), else a count."""
    return q_money(value) if getattr(row, "money", False) else q_number(value)


@register.filter
def q_is_number(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float, Decimal))
