"""format_value: how a version reads on the page and in the API (UI.md formats)."""

from decimal import Decimal

import pytest

from jiayuan.standards.models import StandardVersion
from jiayuan.standards.values import Values, check_values, format_value


def v(**kw):
    fields = {
        "amount": Decimal("1"),
        "unit": "",
        "period": "",
        "comparator": "",
        "window": "",
        "people": None,
    }
    fields.update(kw)
    return StandardVersion(**fields)


@pytest.mark.parametrize(
    "kind, fields, text",
    [
        ("deadline", {"amount": Decimal("3.000"), "unit": "minutes"}, "3 分钟"),
        ("deadline", {"amount": Decimal("2"), "unit": "working_days"}, "2 个工作日"),
        ("deadline", {"amount": Decimal("0.5"), "unit": "days"}, "0.5 天"),
        ("deadline", {"amount": Decimal("8"), "unit": "hours"}, "8 小时"),
        ("frequency", {"amount": Decimal("2"), "period": "day"}, "每日 2 次"),
        (
            "frequency",
            {"amount": Decimal("4"), "period": "day", "window": "夜间", "people": 2},
            "每日 4 次 · 夜间(2人)",
        ),
        ("frequency", {"amount": Decimal("1"), "period": "half_month"}, "每半月 1 次"),
        ("target", {"amount": Decimal("98"), "unit": "%", "comparator": "ge"}, "≥ 98%"),
        ("target", {"amount": Decimal("100"), "unit": "%", "comparator": "ge"}, "100%"),
        ("target", {"amount": Decimal("2"), "unit": "%", "comparator": "le"}, "≤ 2%"),
        ("target", {"amount": Decimal("1"), "unit": "起", "comparator": "le", "period": "year"}, "≤ 1 起/年"),
        ("target", {"amount": Decimal("0"), "unit": "起", "comparator": "eq", "period": "year"}, "= 0 起/年"),
        (
            "target",
            {"amount": Decimal("8"), "unit": "小时", "comparator": "ge", "period": "quarter"},
            "≥ 8 小时/季度",
        ),
    ],
)
def test_format_value(kind, fields, text):
    assert format_value(v(**fields), kind) == text


@pytest.mark.parametrize(
    "kind, values, field",
    [
        ("deadline", Values(Decimal("-1"), unit="minutes"), "amount"),
        ("deadline", Values(Decimal("1000001"), unit="minutes"), "amount"),
        ("deadline", Values(Decimal("0"), unit="minutes"), "amount"),
        ("deadline", Values(Decimal("1.0001"), unit="minutes"), "amount"),
        ("deadline", Values(Decimal("3"), unit="fortnights"), "unit"),
        ("frequency", Values(Decimal("2.5"), period="day"), "amount"),
        ("frequency", Values(Decimal("2"), period="day", people=101), "people"),
        ("target", Values(Decimal("101"), unit="%", comparator="ge"), "amount"),
        ("target", Values(Decimal("5"), unit="%", comparator="gt"), "comparator"),
    ],
)
def test_check_values_refuses(kind, values, field):
    assert field in [f for f, _ in check_values(kind, values)]


def test_check_values_accepts_a_seed_value():
    assert check_values("target", Values(Decimal("98"), unit="%", comparator="ge")) == []
