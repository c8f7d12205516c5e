"""The values of a standard version: which combinations are valid, and how they read to a person.

Shared by the catalogue loader (a bad catalogue entry fails loudly), the services (a bad override is a
422 with a Chinese message) and the page and API (``format_value``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiayuan.standards.models import Comparator, DeadlineUnit, Kind, Period

MAX_AMOUNT = Decimal("1000000")
MAX_PEOPLE = 100
PERCENT = "%"

# Lengths of the StandardVersion columns, checked before the database would refuse them.
MAX_UNIT = 20
MAX_WINDOW = 20


@dataclass(frozen=True)
class Values:
    """The measurable part of a version (everything but validity, author and reason)."""

    amount: Decimal
    enabled: bool = True
    unit: str = ""
    period: str = ""
    comparator: str = ""
    window: str = ""
    people: int | None = None

    @classmethod
    def of(cls, version) -> Values:
        return cls(
            amount=version.amount,
            enabled=version.enabled,
            unit=version.unit,
            period=version.period,
            comparator=version.comparator,
            window=version.window,
            people=version.people,
        )

    def as_fields(self) -> dict:
        return {
            "amount": self.amount,
            "enabled": self.enabled,
            "unit": self.unit,
            "period": self.period,
            "comparator": self.comparator,
            "window": self.window,
            "people": self.people,
        }


def to_decimal(value) -> Decimal | None:
    """``Decimal`` from what a form, the API or TOML gives; ``None`` for anything that is not a finite
    number (so "abc", NaN and infinities are refused, never stored)."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def check_values(kind: str, values: Values) -> list[tuple[str, str]]:
    """Every problem with ``values`` for a standard of ``kind`` as ``(field, Chinese message)``."""
    errors: list[tuple[str, str]] = []
    amount = values.amount
    if amount < 0 or amount > MAX_AMOUNT:
        errors.append(("amount", _("数值须在 0 到 1000000 之间")))
    elif amount != amount.quantize(Decimal("0.001")):
        errors.append(("amount", _("数值最多保留三位小数")))
    if kind == Kind.DEADLINE:
        errors += _check_deadline(values)
    elif kind == Kind.FREQUENCY:
        errors += _check_frequency(values)
    elif kind == Kind.TARGET:
        errors += _check_target(values)
    else:
        errors.append(("kind", _("未知的标准类别")))
    if len(values.window) > MAX_WINDOW:
        errors.append(("window", _("时段最多 20 个字")))
    if values.people is not None and not 1 <= values.people <= MAX_PEOPLE:
        errors.append(("people", _("人数须在 1 到 100 之间")))
    return errors


def _check_deadline(values: Values) -> list[tuple[str, str]]:
    errors = []
    if values.unit not in DeadlineUnit.values:
        errors.append(("unit", _("时限单位须为分钟、小时、天或工作日")))
    if values.amount <= 0:
        errors.append(("amount", _("时限须大于 0；不适用时请停用")))
    if values.period or values.comparator:
        errors.append(("period", _("时限类标准不设周期和比较符")))
    return errors


def _check_frequency(values: Values) -> list[tuple[str, str]]:
    errors = []
    if values.period not in Period.values:
        errors.append(("period", _("请选择周期")))
    if values.amount <= 0 or values.amount != values.amount.to_integral_value():
        errors.append(("amount", _("次数须为正整数；不适用时请停用")))
    if values.comparator:
        errors.append(("comparator", _("频次类标准不设比较符")))
    return errors


def _check_target(values: Values) -> list[tuple[str, str]]:
    errors = []
    if values.comparator not in Comparator.values:
        errors.append(("comparator", _("请选择比较符(≥、≤ 或 =)")))
    if values.unit == PERCENT and values.amount > 100:
        errors.append(("amount", _("百分比不能超过 100")))
    if len(values.unit) > MAX_UNIT:
        errors.append(("unit", _("单位最多 20 个字")))
    if values.period and values.period not in Period.values:
        errors.append(("period", _("周期不合法")))
    return errors


def format_amount(amount: Decimal) -> str:
    """``3.000`` → ``3``, ``0.500`` → ``0.5``, ``100`` stays ``100`` (never ``1E+2``)."""
    return format(amount.normalize(), "f")


def _deadline_text(unit: str, value: Decimal) -> str:
    """``3 分钟``, ``2 个工作日``: one plural message per unit, since English says "1 working day"."""
    amount = format_amount(value)
    n = 1 if value == 1 else 2  # ngettext wants an integer; 0.5 hours is plural in English too
    text = {
        DeadlineUnit.MINUTES: ngettext("%(n)s 分钟", "%(n)s 分钟", n),
        DeadlineUnit.HOURS: ngettext("%(n)s 小时", "%(n)s 小时", n),
        DeadlineUnit.DAYS: ngettext("%(n)s 天", "%(n)s 天", n),
        DeadlineUnit.WORKING_DAYS: ngettext("%(n)s 个工作日", "%(n)s 个工作日", n),
    }.get(unit)
    return text % {"n": amount} if text else f"{amount} {unit}"


def _per(period: str) -> str:
    """The period after a slash: ``≤ 1 起/年``, ``≥ 8 小时/季度``."""
    return {
        Period.SHIFT: _("班"),
        Period.DAY: _("日"),
        Period.WEEK: _("周"),
        Period.HALF_MONTH: _("半月"),
        Period.MONTH: _("月"),
        Period.TWO_MONTHS: _("两月"),
        Period.QUARTER: _("季度"),
        Period.HALF_YEAR: _("半年"),
        Period.YEAR: _("年"),
    }.get(period, period)


def format_value(version, kind: str | None = None) -> str:
    """A version's value as a person reads it: ``3 分钟``, ``2 个工作日``, ``每日 2 次``,
    ``每日 4 次 · 夜间(2人)``, ``≥ 98%``, ``≤ 1 起/年``. ``kind`` defaults to the version's standard's."""
    kind = kind or version.standard.kind
    amount = format_amount(version.amount)
    if kind == Kind.DEADLINE:
        return _deadline_text(version.unit, version.amount)
    if kind == Kind.FREQUENCY:
        text = _("%(period)s %(amount)s 次") % {"period": Period(version.period).label, "amount": amount}
        if version.window:
            text += f" · {version.window}"
        if version.people:
            text += _("(%(people)s人)") % {"people": version.people}
        return text
    unit = version.unit
    if version.comparator == Comparator.GE and unit == PERCENT and version.amount == 100:
        return "100%"  # a rate cannot exceed 100%, so "≥ 100%" only adds noise (the seed writes 100%)
    symbol = Comparator(version.comparator).label if version.comparator else ""
    spaced_unit = unit if unit == PERCENT or not unit else f" {unit}"
    text = f"{symbol} {amount}{spaced_unit}".strip()
    if version.period:
        text += f"/{_per(version.period)}"
    return text
