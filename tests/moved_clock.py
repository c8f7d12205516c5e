"""``pytest --now 2027-01-01T00:05+08:00``: run the suite with the process clock moved to that instant.

The suite must be green on any day (issue 10): no test and no demo step may depend on the day it runs.
``--now`` proves it at the awkward instants (a month's last evening, New Year's Day just after midnight)
that today's date would not reach. ``.ci/run`` runs the suite once more at two of them.

The clock starts at ``--now`` when pytest configures (in each pytest-xdist worker too: workers receive the
controller's options and run ``pytest_configure`` themselves) and ticks on from there. It is moved with
time-machine, which patches the C clock functions rather than swapping the ``datetime`` classes, so:

- a test that freezes the clock with freezegun or time-machine still gets exactly the instant it asked for;
- pydantic's schemas see the real ``date``/``datetime`` classes (see the note in ``tests/conftest.py``);
- the live server of the browser tests runs in this process and follows the moved clock; Chromium keeps the
  machine's clock, which the pages never read (no script computes times in the browser).

Neither SQLite's ``CURRENT_TIMESTAMP`` nor PostgreSQL's ``now()`` can follow a process clock, so the code
never asks the database for the time: it passes ``timezone.now()`` in as a parameter
(tests/test_database_clock.py).

A moved clock may lie in a year the holiday calendar does not know yet (chinese-calendar 1.11 stops at
2026): core.worktime then counts Monday–Friday and logs a warning, as it would in production until the
State Council's arrangement is entered (docs/operators.md, "Holidays"). The suite enters no invented
holidays for such a year; tests of holiday arithmetic use fixed days of known years.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

_travel = None

# A plain Wednesday morning in a year the holiday calendar knows.
WEDNESDAY_MORNING = datetime(2026, 11, 18, 10, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def pinned_clock():
    """For tests that compare days (``today`` read in the test, then again by the code under test): the
    clock at a fixed Wednesday 10:00 in Shanghai, ticking from there, so no day or month turns over in the
    middle of the test whatever ``--now`` or the machine says. ``pytestmark = pytest.mark.usefixtures(
    "pinned_clock")`` starts it before the test's other fixtures."""
    import time_machine

    with time_machine.travel(WEDNESDAY_MORNING, tick=True) as traveller:
        yield traveller


def parse_now(value: str) -> datetime:
    """An ISO 8601 instant with its UTC offset (``2027-01-31T23:30+08:00``); a naive one is refused because
    its meaning would depend on the machine's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--now: not an ISO 8601 date and time: {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise pytest.UsageError(f"--now: give the UTC offset too, e.g. {value}+08:00")
    return moment


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--now",
        metavar="ISO_DATETIME",
        default=None,
        help="run the whole suite with the clock moved to this instant (with its UTC offset, "
        "e.g. 2027-01-01T00:05+08:00); the clock ticks on from there",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _travel
    value = config.getoption("--now", default=None)
    if not value or _travel is not None:
        return
    import time_machine

    _travel = time_machine.travel(parse_now(value), tick=True)
    _travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def pytest_report_header(config: pytest.Config) -> str | None:
    value = config.getoption("--now", default=None)
    return f"clock moved to {value} (--now)" if value else None
