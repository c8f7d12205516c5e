"""Deadline arithmetic on the State Council working-day calendar (国务院节假日安排), Asia/Shanghai.

Every deadline in Jiayuan comes from here (ARCHITECTURE.md "Time"). The rules, as the service standards
state them (R3.4: "feedback within 2 working days of the day of receipt"):

- the day of receipt is never counted, whatever the hour of receipt and whether or not it is a working day;
- a deadline of n days or n working days falls at the end (24:00, returned as 00:00 of the next day) of
  the n-th such day after the day of receipt;
- working days are Monday–Friday, except statutory holidays on weekdays, plus adjusted weekend working
  days (调休上班日). Those exceptions are the ``CalendarDay`` rows; a year without any row is a year the
  calendar does not know yet: it is computed as Monday–Friday and a warning is logged once.

The calendar table is small (about 30 rows a year), so each process keeps it in memory; saving or deleting
a ``CalendarDay`` clears it (signals in ``core/apps.py``), and other processes reload it within
``CACHE_SECONDS``. All datetimes are aware; a naive one is a bug and raises ``ValueError``.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.db import IntegrityError, transaction

from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.models import CalendarDay
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm

logger = logging.getLogger("jiayuan.worktime")

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS = ("minutes", "hours", "days", "working_days")
# Ten years: an amount beyond that is a typo, not a deadline, and must not spin a loop.
MAX_DAYS = 3660
# How stale another worker process may be after an admin edits the calendar.
CACHE_SECONDS = 300


@dataclass(frozen=True)
class _Table:
    status: dict[date, bool]  # date -> is working
    dates: list[date]  # the same dates, sorted, for range counts
    years: frozenset[int]  # years with at least one row: the years the calendar knows
    loaded_at: float


_lock = threading.Lock()
_table: _Table | None = None
_warned_years: set[int] = set()


def clear_cache() -> None:
    """Forget the in-memory calendar (and which unknown years were already warned about)."""
    global _table
    with _lock:
        _table = None
        _warned_years.clear()


def calendar_changed(sender=None, **kwargs) -> None:
    """Signal receiver: a ``CalendarDay`` was saved or deleted. Cleared again on commit so that a reader
    in between cannot keep a table loaded from the uncommitted state."""
    clear_cache()
    transaction.on_commit(clear_cache)


def _load() -> _Table:
    status = dict(CalendarDay.objects.values_list("date", "is_working"))
    dates = sorted(status)
    return _Table(status, dates, frozenset(d.year for d in dates), time.monotonic())


def _calendar() -> _Table:
    global _table
    table = _table
    if table is None or time.monotonic() - table.loaded_at > CACHE_SECONDS:
        table = _load()
        with _lock:
            _table = table
    return table


def _warn_unknown(year: int, table: _Table) -> None:
    if year in table.years or year in _warned_years:
        return
    with _lock:
        _warned_years.add(year)
    logger.warning("%s年尚未录入国务院节假日安排，暂按周一至周五计算工作日", year)


def year_is_known(year: int) -> bool:
    """Whether the calendar has any row for ``year`` (the State Council arrangement was entered)."""
    return year in _calendar().years


def known_years() -> frozenset[int]:
    return _calendar().years


# --- dates and datetimes ------------------------------------------------------------------------------


def _require_aware(value: datetime, name: str = "datetime") -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (naive datetimes are refused)")
    return value


def local_date(value: datetime) -> date:
    """The calendar day of an aware datetime in Asia/Shanghai."""
    return _require_aware(value).astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in Asia/Shanghai, i.e. 00:00 of the following day."""
    return datetime.combine(day + timedelta(days=1), dtime(0), tzinfo=SHANGHAI)


def _whole(amount, what: str) -> int:
    """``amount`` as an int; a Decimal/float is accepted only with an integral value."""
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal | float):
        raise ValueError(f"{what}: amount must be a number, got {amount!r}")
    if isinstance(amount, int):
        return amount
    if not Decimal(amount).is_finite() or Decimal(amount) != Decimal(amount).to_integral_value():
        raise ValueError(f"{what}: amount must be a whole number, got {amount}")
    return int(amount)


def _day_count(n, what: str) -> int:
    n = _whole(n, what)
    if n < 1:
        raise ValueError(f"{what}: n must be at least 1 (the day of receipt is not counted), got {n}")
    if n > MAX_DAYS:
        raise ValueError(f"{what}: n must be at most {MAX_DAYS}, got {n}")
    return n


# --- the arithmetic -----------------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """A ``CalendarDay`` row if there is one, else Monday–Friday (warning once for an unknown year)."""
    if isinstance(day, datetime):
        day = local_date(day)
    table = _calendar()
    status = table.status.get(day)
    if status is not None:
        return status
    _warn_unknown(day.year, table)
    return day.weekday() < 5


def add_working_days(received_at: datetime, n: int) -> datetime:
    """End of the n-th working day after the day of ``received_at`` (that day itself never counts)."""
    day = local_date(_require_aware(received_at, "received_at"))
    n = _day_count(n, "add_working_days")
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return end_of_day(day)


def add_calendar_days(start: datetime, n: int) -> datetime:
    """End of the n-th calendar day after the day of ``start`` (that day itself never counts)."""
    day = local_date(_require_aware(start, "start"))
    return end_of_day(day + timedelta(days=_day_count(n, "add_calendar_days")))


def _elapsed(start: datetime, delta: timedelta) -> datetime:
    # Through UTC so that an input in a zone with daylight saving still gets plain elapsed time.
    return (_require_aware(start, "start").astimezone(UTC) + delta).astimezone(SHANGHAI)


def _non_negative(n, what: str) -> float:
    if isinstance(n, bool) or not isinstance(n, int | Decimal | float):
        raise ValueError(f"{what}: amount must be a number, got {n!r}")
    if not Decimal(n).is_finite() or n < 0:
        raise ValueError(f"{what}: amount must be a finite number >= 0, got {n}")
    if n > MAX_DAYS * 24 * 60:
        raise ValueError(f"{what}: amount too large: {n}")
    return float(n)


def add_minutes(start: datetime, n) -> datetime:
    return _elapsed(start, timedelta(minutes=_non_negative(n, "add_minutes")))


def add_hours(start: datetime, n) -> datetime:
    return _elapsed(start, timedelta(hours=_non_negative(n, "add_hours")))


def deadline(start: datetime, amount, unit: str) -> datetime:
    """The deadline ``amount`` ``unit`` after ``start``; ``unit`` is a ``standards.DeadlineUnit`` value."""
    if unit == "minutes":
        return add_minutes(start, amount)
    if unit == "hours":
        return add_hours(start, amount)
    if unit == "days":
        return add_calendar_days(start, _whole(amount, "days"))
    if unit == "working_days":
        return add_working_days(start, _whole(amount, "working_days"))
    raise ValueError(f"unknown deadline unit {unit!r} (expected one of {', '.join(UNITS)})")


def _weekdays_after(a: date, b: date) -> int:
    """Number of Monday–Friday days in (a, b]."""
    total = (b - a).days
    weeks, rest = divmod(total, 7)
    count = weeks * 5
    for i in range(1, rest + 1):
        if (a + timedelta(days=i)).weekday() < 5:
            count += 1
    return count


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days strictly after ``start``'s day up to and including ``end``'s day (0 if none).

    With ``start`` a deadline and ``end`` now, this is "overdue by N working days".
    """
    a = local_date(_require_aware(start, "start"))
    b = local_date(_require_aware(end, "end"))
    if b <= a:
        return 0
    table = _calendar()
    for year in range(a.year, b.year + 1):
        _warn_unknown(year, table)
    count = _weekdays_after(a, b)
    lo = bisect.bisect_right(table.dates, a)
    hi = bisect.bisect_right(table.dates, b)
    for day in table.dates[lo:hi]:
        default = day.weekday() < 5
        if table.status[day] != default:
            count += 1 if table.status[day] else -1
    return count


def format_duration(td: timedelta) -> str:
    """A duration in Chinese, to the minute (truncated): "45分", "2小时15分", "3天4小时"."""
    minutes = int(abs(td.total_seconds())) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days}天" + (f"{hours}小时" if hours else "")
    elif hours:
        text = f"{hours}小时" + (f"{mins}分" if mins else "")
    else:
        text = f"{mins}分"
    return f"-{text}" if td.total_seconds() < 0 and minutes else text


# --- maintaining the calendar (the "节假日与调休" page, the seed command and migration) -------------------

SOURCE_SEEDED = "chinese-calendar"
SOURCE_MANUAL = "manual"
FIRST_YEAR, LAST_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"

# chinese_calendar names its holidays in English; its own Chinese names are short forms ("清明") or, for
# 2015's one-off holiday, longer than the column.
_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(english: str) -> str:
    if english in _HOLIDAY_NAMES:
        return _HOLIDAY_NAMES[english]
    try:
        return Holiday(english).chinese[:40]
    except ValueError:
        return english[:40]


def chinese_calendar_days(year: int | None = None) -> list[tuple[date, bool, str]]:
    """(date, is_working, name) for every special day ``chinese_calendar`` knows (or of one year)."""
    rows = {d: (False, _holiday_name(n)) for d, n in chinese_calendar.holidays.items()}
    rows.update({d: (True, _holiday_name(n)) for d, n in chinese_calendar.workdays.items()})
    return sorted((d, w, n) for d, (w, n) in rows.items() if year is None or d.year == year)


def seed_calendar(year: int | None = None) -> int:
    """Add the days ``chinese_calendar`` knows that are missing (idempotent; rows already there — also
    manual ones — are kept as they are). Returns how many rows were added; they are audited."""
    rows = chinese_calendar_days(year)
    dates = [d for d, _, _ in rows]
    with transaction.atomic():
        existing = set(CalendarDay.objects.filter(date__in=dates).values_list("date", flat=True))
        new = [
            CalendarDay(date=d, is_working=w, name=n, source=SOURCE_SEEDED)
            for d, w, n in rows
            if d not in existing
        ]
        CalendarDay.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        created = list(CalendarDay.objects.filter(date__in=[c.date for c in new]))
        CalendarDay.history.bulk_history_create(created, default_change_reason="seed_calendar")
    clear_cache()
    return len(created)


def check_new_day(day: date, is_working: bool) -> None:
    """Refuse a day the admin cannot add, with the reason in Chinese (shared by the form and service)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(f"日期须在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间", field="date")
    taken = CalendarDay.objects.filter(date=day).first()
    if taken is not None:
        kind = "调休上班" if taken.is_working else "放假"
        raise ValidationFailed(
            f"{day:%Y-%m-%d} 已在节假日表中（{taken.name or '未命名'}，{kind}），不能重复添加", field="date"
        )
    if is_working and day.weekday() < 5:
        raise ValidationFailed(
            f"{day:%Y-%m-%d} 是星期{WEEKDAYS[day.weekday()]}，本就是工作日；调休上班只需添加周六、周日",
            field="is_working",
        )


def calendar_day_add(*, actor, day: date, is_working: bool, name: str = ""):
    """Add a holiday or adjusted working day by hand (e.g. a year ``chinese_calendar`` does not know)."""
    if not has_perm(actor, Perm.EDIT_CALENDAR, None):
        raise Forbidden("只有公司管理员可以维护节假日")
    check_new_day(day, is_working)
    entry = CalendarDay(date=day, is_working=is_working, name=name.strip()[:40], source=SOURCE_MANUAL)
    entry._history_user = actor
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # added by someone else between the check and the insert
        raise ValidationFailed(f"{day:%Y-%m-%d} 已在节假日表中，不能重复添加", field="date")
    logger.info("calendar day added: %s working=%s by %s", day, is_working, actor)
    return entry


def calendar_day_remove(entry, *, actor) -> None:
    """Remove a day added by hand; days of the State Council arrangement stay."""
    if not has_perm(actor, Perm.EDIT_CALENDAR, None):
        raise Forbidden("只有公司管理员可以维护节假日")
    if entry.source != SOURCE_MANUAL:
        raise ValidationFailed("国务院节假日安排中的日期不能删除，只能删除手工添加的日期")
    entry._history_user = actor
    with transaction.atomic():
        entry.delete()
    logger.info("calendar day removed: %s by %s", entry.date, actor)
