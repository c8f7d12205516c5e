"""The ``--now`` option (tests/moved_clock.py) moves the clock of the whole run, freezegun included."""

from pathlib import Path

import pytest

from tests.moved_clock import parse_now

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import time
from datetime import date, datetime, timezone

from freezegun import freeze_time


def test_clock():
    assert date.today() == date(2027, 1, 1)
    assert datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M") == "2026-12-31 16:05"
    first = time.time()
    time.sleep(0.01)
    assert time.time() > first, "the moved clock ticks"


def test_freezegun_inside_the_moved_clock():
    with freeze_time("2020-05-05 10:00:00+08:00"):
        assert datetime.now(timezone.utc) == datetime(2020, 5, 5, 2, 0, tzinfo=timezone.utc)
    assert date.today() == date(2027, 1, 1)
"""


def _run(pytester, monkeypatch, *args):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    pytester.makepyfile(test_probe=PROBE)
    return pytester.runpytest_subprocess(
        "-p", "tests.moved_clock", "-p", "no:django", "-p", "no:cacheprovider", *args
    )


def test_now_option_moves_the_clock_of_every_test(pytester, monkeypatch):
    _run(pytester, monkeypatch, "--now", "2027-01-01T00:05+08:00").assert_outcomes(passed=2)


def test_now_option_reaches_xdist_workers(pytester, monkeypatch):
    _run(pytester, monkeypatch, "-n", "2", "--now", "2027-01-01T00:05+08:00").assert_outcomes(passed=2)


def test_a_naive_or_malformed_now_is_refused():
    with pytest.raises(pytest.UsageError, match="offset"):
        parse_now("2027-01-01T00:05")
    with pytest.raises(pytest.UsageError, match="ISO 8601"):
        parse_now("New Year")
