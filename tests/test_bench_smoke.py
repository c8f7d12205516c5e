"""The benches keep working (issue 11): each one's smoke mode — tiny sizes, every step once — on the test
database, SQLite or PostgreSQL. Their full runs are ``make bench``'s, never the suite's. A bench that reads
from other threads or processes commits its rows (a transactional test)."""

from __future__ import annotations

import importlib

import pytest

from bench import _kit


def _smoke(name: str) -> list[str]:
    lines: list[str] = []
    bench = importlib.import_module(f"bench.{name}")
    bench.run(_kit.Mode(smoke=True, say=lines.append))
    return lines


def _no_figures(lines: list[str]) -> None:
    assert not [line for line in lines if " ms" in line or "×" in line or "/s" in line], lines


@pytest.mark.django_db
def test_estate_bench_smoke():
    lines = _smoke("estate")
    assert any(line.startswith("smoke: units list page") for line in lines), lines
    assert "smoke: GET /api/v1/units?q=3-2-1201: ran" in lines
    _no_figures(lines)


@pytest.mark.django_db(transaction=True)
def test_requests_bench_smoke():
    lines = _smoke("requests")
    assert "smoke: intake: ran" in lines
    assert "smoke: queue page: ran" in lines
    assert "smoke: POST /api/v1/requests: ran" in lines and "smoke: ratios: ran" in lines
    _no_figures(lines)


@pytest.mark.django_db(transaction=True)
def test_billing_bench_smoke():
    lines = _smoke("billing")
    assert "smoke: monthly run round 2: ran" in lines
    assert "smoke: payment intake: ran" in lines
    _no_figures(lines)


@pytest.mark.django_db
def test_indicators_bench_smoke():
    lines = _smoke("indicators")
    assert "smoke: demo board page: ran" in lines and "smoke: board page: ran" in lines
    assert "smoke: service figures: ran" in lines
    _no_figures(lines)


@pytest.mark.django_db
def test_scope_bench_smoke():
    lines = _smoke("scope")
    assert "smoke: finance: ran" in lines and "smoke: owner: ran" in lines
    assert "smoke: finance-owner portal: ran" in lines
    _no_figures(lines)
