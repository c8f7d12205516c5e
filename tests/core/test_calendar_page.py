"""The "节假日与调休" page: company admins list, add and remove special days; everyone else is refused."""

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.core import worktime
from jiayuan.core.models import CalendarDay

URL = reverse("calendar")


@pytest.fixture(autouse=True)
def calendar(db):
    worktime.seed_calendar()
    worktime.clear_cache()
    yield
    worktime.clear_cache()


def manual_day(world, day=date(2027, 10, 1), is_working=False, name="国庆节"):
    return worktime.calendar_day_add(actor=world.admin, day=day, is_working=is_working, name=name)


# --- who may see it ------------------------------------------------------------------------------------


def test_admin_sees_the_current_years_days(world, as_user, django_assert_max_num_queries):
    client = as_user(world.admin)
    with freeze_time("2026-06-01 10:00:00+08:00"), django_assert_max_num_queries(16):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-10-01" in html and "国庆节" in html and "2026-09-20" in html
    assert "尚未录入" not in html


@pytest.mark.parametrize("who", ["clerk", "manager", "outsider", "inspector", "tech", "owner", "neighbour"])
def test_others_are_refused(world, as_user, who):
    client = as_user(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"date": "2027-10-01", "is_working": "0"}).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2027, 10, 1)).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- the year and the filters --------------------------------------------------------------------------


def test_unknown_year_shows_the_warning_banner(world, as_user):
    response = as_user(world.admin).get(URL, {"year": 2027})
    html = response.content.decode()
    assert "2027年尚未录入国务院节假日安排，暂按周一至周五计算工作日" in html
    assert "添加第一天" in html  # the empty state says what to do


@freeze_time("2027-03-01 09:00:00+08:00")
def test_default_year_is_the_current_year(world, as_user):
    html = as_user(world.admin).get(URL).content.decode()
    assert "2027年尚未录入国务院节假日安排" in html


def test_filter_by_kind_lists_only_adjusted_working_days(world, as_user):
    html = as_user(world.admin).get(URL, {"year": 2025, "kind": "working"}).content.decode()
    for day in ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"):
        assert day in html
    assert "2025-10-01" not in html


def test_filter_by_source_shows_manual_days_only(world, as_user):
    manual_day(world)
    html = as_user(world.admin).get(URL, {"year": 2027, "source": "manual"}).content.decode()
    assert "2027-10-01" in html and "手工添加" in html


@pytest.mark.parametrize("year", ["abc", "1999", "99999", ""])
def test_a_bad_year_falls_back_to_the_current_year(world, as_user, year):
    with freeze_time("2026-06-01 10:00:00+08:00"):
        response = as_user(world.admin).get(URL, {"year": year, "per_page": "x"})
    assert response.status_code == 200
    assert "2026-10-01" in response.content.decode()


# --- adding --------------------------------------------------------------------------------------------


def test_admin_adds_a_holiday_and_it_is_audited(world, as_user):
    response = as_user(world.admin).post(URL, {"date": "2027-10-01", "is_working": "0", "name": "国庆节"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    entry = CalendarDay.objects.get(date=date(2027, 10, 1))
    assert (entry.is_working, entry.name, entry.source) == (False, "国庆节", "manual")
    record = entry.history.get()
    assert record.history_type == "+" and record.history_user == world.admin
    assert worktime.add_working_days(worktime.end_of_day(date(2027, 9, 29)), 1).date() == date(2027, 10, 5)


def test_a_change_made_by_no_user_shows_as_the_system(world, as_user):
    """A day changed outside a request (the seeding command, a data migration) has no history user; the page
    answered 500 when such a change was among the year's latest (a filter argument of None.username)."""
    manual_day(world)
    entry = CalendarDay.objects.get(date=date(2027, 10, 1))
    entry.history.update(history_user=None)
    response = as_user(world.admin).get(URL, {"year": 2027})
    assert response.status_code == 200
    assert "系统" in response.content.decode()


def test_admin_adds_an_adjusted_working_saturday(world, as_user):
    as_user(world.admin).post(URL, {"date": "2027-10-09", "is_working": "1", "name": "国庆节"})
    assert worktime.is_working_day(date(2027, 10, 9))


def test_duplicate_date_is_refused_with_a_clear_message(world, as_user):
    response = as_user(world.admin).post(URL, {"date": "2025-10-01", "is_working": "0", "name": "重复"})
    assert response.status_code == 200
    assert "2025-10-01 已在节假日表中（国庆节，放假），不能重复添加" in response.content.decode()
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).name == "国庆节"


@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-03"])
def test_date_out_of_range_is_refused(world, as_user, day):
    response = as_user(world.admin).post(URL, {"date": day, "is_working": "0"})
    assert "日期须在 2000 年至 2100 年之间" in response.content.decode()
    assert not CalendarDay.objects.filter(date=day).exists()


def test_adjusted_working_day_on_a_weekday_is_refused(world, as_user):
    response = as_user(world.admin).post(URL, {"date": "2027-10-06", "is_working": "1"})
    assert "本就是工作日" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2027, 10, 6)).exists()


def test_garbage_date_gets_a_chinese_error_and_keeps_the_input(world, as_user):
    response = as_user(world.admin).post(URL, {"date": "2027-13-45", "is_working": "0", "name": "某节"})
    html = response.content.decode()
    assert response.status_code == 200 and "有效的日期" in html and 'value="某节"' in html


# --- removing ------------------------------------------------------------------------------------------


def test_admin_removes_a_manual_day_and_it_is_audited(world, as_user):
    entry = manual_day(world)
    response = as_user(world.admin).post(reverse("calendar_remove", args=[entry.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=entry.pk).exists()
    assert CalendarDay.history.filter(id=entry.pk, history_type="-", history_user=world.admin).exists()


def test_a_seeded_day_cannot_be_removed(world, as_user):
    entry = CalendarDay.objects.get(date=date(2025, 10, 1))
    response = as_user(world.admin).post(reverse("calendar_remove", args=[entry.pk]), follow=True)
    assert "国务院节假日安排中的日期不能删除" in response.content.decode()
    assert CalendarDay.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("who", ["clerk", "outsider", "owner"])
def test_others_cannot_remove(world, as_user, who):
    entry = manual_day(world)
    response = as_user(getattr(world, who)).post(reverse("calendar_remove", args=[entry.pk]))
    assert response.status_code == 403
    assert CalendarDay.objects.filter(pk=entry.pk).exists()


def test_remove_needs_post(world, as_user):
    entry = manual_day(world)
    assert as_user(world.admin).get(reverse("calendar_remove", args=[entry.pk])).status_code == 405


def test_only_manual_days_offer_a_remove_button(world, as_user):
    manual_day(world)
    html = as_user(world.admin).get(URL, {"year": 2027}).content.decode()
    assert html.count('class="btn btn-sm btn-outline-danger"') == 1
    html = as_user(world.admin).get(URL, {"year": 2025}).content.decode()
    assert 'class="btn btn-sm btn-outline-danger"' not in html
