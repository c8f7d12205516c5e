"""Figures and their judgement against a target (R10.1), as properties over any numbers."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jiayuan.quality.selectors import State, figure_of, judge
from jiayuan.standards.models import Standard, StandardVersion

counts = st.integers(min_value=0, max_value=10**6)


def _version(comparator: str, amount, unit="%", enabled=True) -> StandardVersion:
    return StandardVersion(
        standard=Standard(kind="target"),
        comparator=comparator,
        amount=Decimal(amount),
        unit=unit,
        enabled=enabled,
    )


@given(numerator=counts, extra=counts)
def test_r10_1_a_rate_is_a_percentage_between_0_and_100(numerator, extra):
    denominator = numerator + extra
    figure = figure_of(Decimal(numerator), Decimal(denominator), count=False)
    if denominator == 0:
        assert figure is None
    else:
        assert Decimal(0) <= figure <= Decimal(100)
        assert abs(figure - Decimal(numerator) * 100 / Decimal(denominator)) <= Decimal("0.005")


@given(numerator=counts, extra=counts, target=st.integers(min_value=0, max_value=100))
def test_r10_1_ge_and_le_targets_are_complementary_except_at_equality(numerator, extra, target):
    denominator = numerator + extra
    figure = figure_of(Decimal(numerator), Decimal(denominator), count=False)
    ge, le = judge(figure, _version("ge", target)), judge(figure, _version("le", target))
    if figure is None:
        assert ge == le == State.NO_DATA
    elif figure == target:
        assert ge == le == State.MET
    else:
        assert {ge, le} == {State.MET, State.NOT_MET}


def test_switched_off_or_missing_targets_are_not_judged():
    assert judge(Decimal(50), _version("ge", 98, enabled=False)) == State.OFF
    assert judge(Decimal(50), None) == State.NO_TARGET
    assert judge(Decimal(0), _version("eq", 0, unit="起")) == State.MET
    assert figure_of(Decimal(2), None, count=True) == Decimal(2)
