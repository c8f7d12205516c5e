"""R4.1 monthly summary on screen: the month's repairs by scope and urgency, by building and by person —
counts, completed, on time, average hours to complete, rework — with month and project filters, one grouped
query per table."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.service import services
from jiayuan.service.selectors import repair_summary

SH = timezone.get_fixed_timezone(8 * 60)
NOV = (datetime(2026, 11, 1, tzinfo=SH), datetime(2026, 12, 1, tzinfo=SH))


@pytest.fixture
def month(world, eng, make_request):
    """November 2026: three repairs in building 3 by the technician (one done in 2 h, one done late in 6 h,
    one rework still open), one public-area repair unassigned; one October repair outside the month."""

    def work(req, done_after: timedelta):
        services.request_dispatch(req, actor=world.clerk, department=eng, assignee=world.tech)
        services.request_accept(req, actor=world.tech)
        services.request_arrive(req, actor=world.tech)
        with freeze_time(req.received_at + done_after):
            services.request_complete(req, actor=world.tech, note="已修好")

    with freeze_time("2026-10-31 10:00:00+08:00"):
        make_request(content="十月的报修")
    with freeze_time("2026-11-02 09:00:00+08:00"):
        first = make_request(content="水管漏水")
        work(first, timedelta(hours=2))
    first.refresh_from_db()
    with freeze_time("2026-11-05 09:00:00+08:00"):
        services.request_reopen(first, actor=world.clerk, content="又漏了")
    with freeze_time("2026-11-10 09:00:00+08:00"):
        # Dispatched after the 3-minute promise: a breached timer, completed 6 hours after receipt.
        late = make_request(content="插座没电", unit=world.other_unit)
    with freeze_time("2026-11-10 09:10:00+08:00"):
        work(late, timedelta(hours=6))
    with freeze_time("2026-11-12 09:00:00+08:00"):
        make_request(content="大堂灯不亮", unit=None, repair_scope="public", location="3号楼大堂")
        make_request(content="咨询停水时间", type="consultation")
    return world


def test_r4_1_summary_by_scope_building_and_person(month, django_assert_max_num_queries):
    world = month
    with django_assert_max_num_queries(4):
        tables = repair_summary(world.clerk, world.p1, *NOV)
    totals = tables["totals"]
    assert (totals.total, totals.completed, totals.on_time, totals.rework) == (4, 2, 1, 1)
    assert totals.avg_hours == Decimal("4.0") and totals.on_time_pct == Decimal("50.0")
    by_person = {r.label: r for r in tables["by_person"]}
    tech = by_person[world.tech.get_full_name() or world.tech.username]
    assert (tech.total, tech.completed, tech.on_time) == (2, 2, 1)
    assert by_person["（未指派）"].total == 2  # the rework and the public-area repair
    by_building = {r.label: r for r in tables["by_building"]}
    assert by_building[world.building.name].total == 3 and by_building[world.building.name].rework == 1
    assert by_building["公共区域（未指定房屋）"].total == 1
    assert sum(r.total for r in tables["by_scope"]) == 4


def test_r4_1_summary_page_with_month_and_project_filter(month, as_user, django_assert_max_num_queries):
    client = as_user(month.clerk)
    url = reverse("service:summary")
    with django_assert_max_num_queries(20):
        r = client.get(url, {"month": "2026-11"})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="summary-by_building"' in html and "50.0%" in html
    empty = client.get(url, {"month": "2026-09"}).content.decode()
    assert "本月暂无报修" in empty
    bad = client.get(url, {"month": "2026-13"})
    assert bad.status_code == 422 and "月份格式应为" in bad.content.decode()
    assert client.get(url, {"month": "2026-11", "project": month.p2.pk}).status_code == 404
    assert client.get(url, {"month": "2026-11", "project": "abc"}).status_code == 404


def test_r4_1_summary_refused_to_owner_outsider_and_technician(month, as_user):
    url = reverse("service:summary")
    assert as_user(month.owner).get(url).status_code in (302, 403, 404)
    assert as_user(month.tech).get(url).status_code == 403
    # The outsider sees their own project's (empty) summary, never project 1's.
    r = as_user(month.outsider).get(url, {"month": "2026-11"})
    assert (
        r.status_code == 200 and "水管漏水" not in r.content.decode() and "本月暂无报修" in r.content.decode()
    )
    assert as_user(month.outsider).get(url, {"project": month.p1.pk}).status_code == 404


def test_r4_1_queue_links_to_the_summary(world, as_user):
    html = as_user(world.clerk).get(reverse("service:queue")).content.decode()
    assert reverse("service:summary") in html
