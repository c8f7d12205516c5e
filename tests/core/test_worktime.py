"""core.worktime: deadlines on the State Council working-day calendar (R3.4), on real 2025/2026 dates.

Calendar facts used below (from chinese_calendar 1.11, the State Council notices):
- 2025 Spring Festival: 01-28..02-04 off; Sun 01-26 and Sat 02-08 working.
- 2025 National Day + Mid-Autumn: 10-01..10-08 off; Sun 09-28 and Sat 10-11 working.
- 2026 Spring Festival: 02-15..02-23 off; Sat 02-14 and Sat 02-28 working.
- 2026 Mid-Autumn: Fri 09-25..Sun 09-27 off; National Day 10-01..10-07 off; Sun 09-20 and Sat 10-10 working.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.core import worktime
from jiayuan.core.models import CalendarDay
from jiayuan.core.worktime import (
    SHANGHAI,
    add_calendar_days,
    add_hours,
    add_minutes,
    add_working_days,
    deadline,
    format_duration,
    is_working_day,
    working_days_between,
)
from jiayuan.standards.models import DeadlineUnit


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def midnight(y, m, d) -> datetime:
    """24:00 of the day before (y, m, d): how a deadline "end of that day" is returned."""
    return datetime(y, m, d, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def calendar(db):
    """The seeded calendar (re-seeded if a transactional test elsewhere flushed it) and a cold cache."""
    worktime.seed_calendar()
    worktime.clear_cache()
    yield
    worktime.clear_cache()


# --- is_working_day -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 1, 26), True),  # Sunday, adjusted working day
        (date(2025, 1, 28), False),  # Tuesday, Spring Festival
        (date(2025, 2, 8), True),  # Saturday, adjusted working day
        (date(2025, 10, 6), False),  # Monday, Mid-Autumn inside National Day
        (date(2025, 10, 11), True),  # Saturday, adjusted working day
        (date(2025, 3, 1), False),  # ordinary Saturday
        (date(2025, 3, 5), True),  # ordinary Wednesday
        (date(2026, 9, 25), False),  # Friday, Mid-Autumn 2026
        (date(2026, 9, 20), True),  # Sunday, adjusted for National Day 2026
    ],
)
def test_is_working_day_follows_the_state_council_calendar(day, working):
    assert is_working_day(day) is working


def test_is_working_day_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        is_working_day(datetime(2025, 1, 28, 9, 0))


# --- add_working_days: R3.4 complaint feedback within 2 working days -----------------------------------


@pytest.mark.parametrize(
    "received, expected, why",
    [
        (at(2025, 1, 27, 9), midnight(2025, 2, 7), "holiday 01-28..02-04 skipped: 02-05, 02-06"),
        (at(2025, 1, 24, 16), midnight(2025, 1, 28), "Sun 01-26 is an adjusted working day: 01-26, 01-27"),
        (at(2025, 2, 7, 10), midnight(2025, 2, 11), "Sat 02-08 working, Sun 02-09 off: 02-08, 02-10"),
        (at(2025, 9, 26, 11), midnight(2025, 9, 30), "Sun 09-28 working: 09-28, 09-29"),
        (at(2025, 9, 30, 23, 59), midnight(2025, 10, 11), "10-01..10-08 off: 10-09, 10-10"),
        (at(2026, 2, 13, 9), midnight(2026, 2, 25), "Sat 02-14 working, 02-15..02-23 off: 02-14, 02-24"),
        (at(2026, 9, 25, 10), midnight(2026, 9, 30), "received on Mid-Autumn Friday: 09-28, 09-29"),
        (at(2026, 9, 30, 17), midnight(2026, 10, 10), "10-01..10-07 off: 10-08, 10-09"),
    ],
)
def test_r3_4_complaint_feedback_within_2_working_days(received, expected, why):
    """R3.4: feedback within 2 working days of the day of receipt, on the State Council calendar."""
    assert add_working_days(received, 2) == expected, why


def test_r3_4_day_of_receipt_is_not_counted_even_at_0001_on_a_working_day():
    """R3.4: received 00:01 on the adjusted working Sunday 2025-01-26: that day does not count."""
    assert add_working_days(at(2025, 1, 26, 0, 1), 2) == midnight(2025, 2, 6)  # 01-27, 02-05


def test_r3_4_adjusted_weekend_working_day_counts():
    """R3.4: Saturday 2026-10-10 is an adjusted working day, so a third working day lands on it."""
    assert add_working_days(at(2026, 9, 30, 17), 3) == midnight(2026, 10, 11)


def test_one_working_day_from_friday_before_an_adjusted_sunday():
    assert add_working_days(at(2026, 9, 18, 15), 1) == midnight(2026, 9, 21)  # Sun 09-20 works


def test_day_of_receipt_is_the_shanghai_day_not_the_utc_day():
    received = datetime(2025, 1, 26, 17, 30, tzinfo=UTC)  # 2025-01-27 01:30 in Shanghai
    assert add_working_days(received, 1) == midnight(2025, 2, 6)  # 02-05 is the first working day after


def test_deadline_is_aware_and_in_shanghai():
    result = add_working_days(at(2025, 3, 3, 9), 1)
    assert result.tzinfo is not None and result.utcoffset() == timedelta(hours=8)
    assert result == midnight(2025, 3, 5)


@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_refuses_n_below_one(n):
    with pytest.raises(ValueError):
        add_working_days(at(2025, 3, 3), n)


def test_add_working_days_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        add_working_days(datetime(2025, 3, 3, 9, 0), 2)


def test_add_working_days_refuses_an_absurd_n():
    with pytest.raises(ValueError):
        add_working_days(at(2025, 3, 3), 10**6)


@freeze_time("2025-09-30 18:00:00+08:00")
def test_r3_4_complaint_received_now_before_national_day_2025():
    """R3.4 with the clock: a complaint received at 18:00 on the last day before the holiday."""
    assert deadline(timezone.now(), 2, DeadlineUnit.WORKING_DAYS) == midnight(2025, 10, 11)


# --- years the calendar does not know ----------------------------------------------------------------


def test_unknown_year_falls_back_to_monday_to_friday_and_warns_once(caplog):
    caplog.set_level("WARNING", logger="jiayuan.worktime")
    # Thu 2027-09-30 -> Fri 10-01 (no holiday known), Mon 10-04.
    assert add_working_days(at(2027, 9, 30, 10), 2) == midnight(2027, 10, 5)
    assert add_working_days(at(2027, 12, 1, 10), 2) == midnight(2027, 12, 4)
    warnings = [r for r in caplog.records if r.name == "jiayuan.worktime" and r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "2027年尚未录入国务院节假日安排" in warnings[0].getMessage()


def test_known_year_does_not_warn(caplog):
    caplog.set_level("WARNING", logger="jiayuan.worktime")
    add_working_days(at(2025, 9, 30, 10), 2)
    assert not [r for r in caplog.records if r.name == "jiayuan.worktime"]


def test_manual_holiday_for_2027_changes_the_deadline(world):
    received = at(2027, 9, 30, 10)
    assert add_working_days(received, 2) == midnight(2027, 10, 5)  # cached before the change
    worktime.calendar_day_add(actor=world.admin, day=date(2027, 10, 1), is_working=False, name="国庆节")
    worktime.calendar_day_add(actor=world.admin, day=date(2027, 10, 4), is_working=False, name="国庆节")
    # No clear_cache(): saving a CalendarDay invalidates the cache by itself.
    assert add_working_days(received, 2) == midnight(2027, 10, 7)  # 10-05, 10-06
    assert worktime.year_is_known(2027)


def test_manual_adjusted_saturday_for_2027_counts_as_working(world):
    worktime.calendar_day_add(actor=world.admin, day=date(2027, 10, 9), is_working=True, name="国庆节")
    assert add_working_days(at(2027, 10, 8, 10), 1) == midnight(2027, 10, 10)


def test_removing_a_manual_day_restores_the_deadline(world):
    entry = worktime.calendar_day_add(actor=world.admin, day=date(2027, 10, 1), is_working=False)
    assert add_working_days(at(2027, 9, 30, 10), 1) == midnight(2027, 10, 5)
    worktime.calendar_day_remove(entry, actor=world.admin)
    assert add_working_days(at(2027, 9, 30, 10), 1) == midnight(2027, 10, 2)


def test_calendar_is_read_once_then_served_from_memory(django_assert_num_queries):
    is_working_day(date(2025, 1, 28))
    with django_assert_num_queries(0):
        assert add_working_days(at(2025, 1, 27, 9), 2) == midnight(2025, 2, 7)


# --- the other units and the dispatcher ----------------------------------------------------------------


def test_add_calendar_days_counts_holidays_and_skips_the_day_of_receipt():
    assert add_calendar_days(at(2025, 1, 27, 10), 1) == midnight(2025, 1, 29)
    assert add_calendar_days(at(2025, 1, 27, 23, 59), 3) == midnight(2025, 1, 31)


def test_add_minutes_and_hours_are_plain_elapsed_time():
    start = datetime(2025, 9, 30, 15, 58, tzinfo=UTC)  # 23:58 in Shanghai
    assert add_minutes(start, 3) == at(2025, 10, 1, 0, 1)
    assert add_minutes(start, 3).utcoffset() == timedelta(hours=8)
    assert add_hours(at(2025, 10, 1, 9), Decimal("1.5")) == at(2025, 10, 1, 10, 30)


@pytest.mark.parametrize(
    "amount, unit, expected",
    [
        (3, DeadlineUnit.MINUTES, at(2025, 1, 27, 9, 3)),
        (Decimal("30"), "minutes", at(2025, 1, 27, 9, 30)),
        (24, DeadlineUnit.HOURS, at(2025, 1, 28, 9)),
        (Decimal("2"), DeadlineUnit.DAYS, midnight(2025, 1, 30)),
        (Decimal("2.00"), DeadlineUnit.WORKING_DAYS, midnight(2025, 2, 7)),
        (5, "working_days", midnight(2025, 2, 11)),  # 02-05, 06, 07, Sat 08, Mon 10
    ],
)
def test_deadline_dispatches_on_the_standard_unit(amount, unit, expected):
    assert deadline(at(2025, 1, 27, 9), amount, unit) == expected


@pytest.mark.parametrize("unit", [DeadlineUnit.DAYS, DeadlineUnit.WORKING_DAYS])
def test_deadline_refuses_a_fractional_number_of_days(unit):
    with pytest.raises(ValueError):
        deadline(at(2025, 1, 27, 9), Decimal("2.5"), unit)


def test_deadline_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        deadline(at(2025, 1, 27, 9), 2, "weeks")


def test_deadline_refuses_a_naive_start():
    with pytest.raises(ValueError):
        deadline(datetime(2025, 1, 27, 9), 30, DeadlineUnit.MINUTES)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError):
        add_minutes(at(2025, 1, 27, 9), -5)


# --- working_days_between ------------------------------------------------------------------------------


def test_overdue_by_working_days_after_national_day_2025():
    due = add_working_days(at(2025, 9, 26, 11), 2)  # end of 09-29, i.e. 09-30 00:00
    assert working_days_between(due, at(2025, 9, 30, 10)) == 0  # overdue by hours, not working days
    assert working_days_between(due, at(2025, 10, 9, 10)) == 1  # 10-09 (10-01..10-08 off)
    assert working_days_between(at(2025, 9, 26, 11), at(2025, 10, 13, 8)) == 7
    assert working_days_between(at(2025, 10, 13, 8), at(2025, 9, 26, 11)) == 0


def test_working_days_between_agrees_with_add_working_days_day_by_day():
    start = date(2024, 12, 20)
    for offset in range(0, 700, 3):
        received = at(2024, 12, 20, 10) + timedelta(days=offset)
        due = add_working_days(received, 2)
        assert working_days_between(received, due - timedelta(microseconds=1)) == 2, start + timedelta(offset)


# --- format_duration -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "td, text",
    [
        (timedelta(minutes=45), "45分"),
        (timedelta(hours=2, minutes=15), "2小时15分"),
        (timedelta(hours=2), "2小时"),
        (timedelta(days=3, hours=4, minutes=59), "3天4小时"),
        (timedelta(days=1), "1天"),
        (timedelta(seconds=30), "0分"),
        (-timedelta(hours=1, minutes=5), "-1小时5分"),
    ],
)
def test_format_duration_in_chinese(td, text):
    assert format_duration(td) == text


# --- seeding -------------------------------------------------------------------------------------------


def test_migration_seeded_every_year_chinese_calendar_knows():
    years = {d.year for d in CalendarDay.objects.dates("date", "year")}
    assert set(range(2004, 2027)) <= years


def test_seed_calendar_command_is_idempotent_and_keeps_manual_days(world):
    CalendarDay.objects.filter(date__year=2025).delete()
    worktime.calendar_day_add(actor=world.admin, day=date(2025, 10, 1), is_working=False, name="手工")
    call_command("seed_calendar", year=2025)
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).source == "manual"
    assert CalendarDay.objects.filter(date__year=2025, source="chinese-calendar").count() > 20
    assert CalendarDay.history.filter(date=date(2025, 2, 8), history_type="+").exists()
    count = CalendarDay.objects.count()
    call_command("seed_calendar")
    assert CalendarDay.objects.count() == count
    assert add_working_days(at(2025, 1, 24, 16), 2) == midnight(2025, 1, 28)


def test_seed_calendar_command_refuses_a_year_the_package_does_not_know():
    with pytest.raises(CommandError):
        call_command("seed_calendar", year=2027)
