"""Benchmark: the indicator board (指标看板, R10.1) of one project and month — its queries and time at demo
scale and with a million requests, and the service figures against their raw SQL.

Run with ``make bench`` (not part of CI). PostgreSQL only, in a database of its own,
``<BENCH_DATABASE_URL>_indicators``: the demo's company and project codes are those the estate bench loads
at its own scale into ``BENCH_DATABASE_URL``, and the requests bench's million requests there would share
the table with this one's in two blocks over the same two years (planner statistics no deployment has: the
planner then reads a whole project by its ``project_id`` index rather than a month by its composite one).
Its data is made once; then in one run it prints:

1. demo scale: the demo (``BENCH_DEMO_SCALE``, default 1): the board page of 翠湖花园 for the last full
   month of the demo's requests, as its project manager: queries and median milliseconds;
2. a bench project with ``BENCH_UNITS`` units (default 100,000) and ``BENCH_REQUESTS`` requests (default
   1,000,000) over two years — repairs and complaints (with their reviews), return visits, two timers
   each — made by ``generate_series``; for the month before the latest request: the board page's queries
   and p50, and the service figures the board shows (every ``service`` source, measured as the board
   measures them) against the hand-written SQL of the same figures (one pass over each set of rows they
   count, checked equal), medians and ratio.

``--smoke`` runs every step once on the tiny demo and a few requests (bench/_kit.py).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime
from datetime import time as clock
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a file: import the bench package from the checkout (and keep bench/ itself off the path).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import _kit  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000000"))
UNITS = int(os.environ.get("BENCH_UNITS", "100000"))
DEMO_SCALE = float(os.environ.get("BENCH_DEMO_SCALE", "1"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
CODE = "BENCHIND"
BOARD = "/quality/indicators/"

# The service figures of the board, one pass over each set of rows they count: the repairs completed, the
# repairs received, the valid complaints, the households, the return visits, the timers by kind.
RAW_COMPLETED = """
SELECT count(*) FILTER (WHERE NOT breached), count(*) FILTER (WHERE visited_at IS NOT NULL), count(*)
FROM service_servicerequest
WHERE project_id = %(p)s AND type = 'repair' AND completed_at >= %(s)s AND completed_at < %(e)s
"""
RAW_RECEIVED = """
SELECT count(*) FILTER (WHERE is_rework), count(*) FROM service_servicerequest
WHERE project_id = %(p)s AND type = 'repair' AND received_at >= %(s)s AND received_at < %(e)s
"""
RAW_COMPLAINTS = """
SELECT count(*) FILTER (WHERE c.resolved_at IS NOT NULL OR r.state IN ('completed', 'closed')),
       count(*) FILTER (WHERE r.visited_at IS NOT NULL), count(*)
FROM service_servicerequest r JOIN service_complaintreview c ON c.request_id = r.id
WHERE r.project_id = %(p)s AND r.type = 'complaint' AND r.received_at >= %(s)s AND r.received_at < %(e)s
  AND c.valid
"""
RAW_HOUSEHOLDS = "SELECT count(*) FROM estate_unit WHERE project_id = %(p)s"
RAW_VISITS = """
SELECT count(*) FILTER (WHERE satisfaction >= 4), count(*) FROM service_returnvisit
WHERE project_id = %(p)s AND visited_at >= %(s)s AND visited_at < %(e)s AND satisfaction IS NOT NULL
"""
RAW_TIMERS = """
SELECT kind, count(*) FILTER (WHERE state = 'met'), count(*) FROM service_timer
WHERE project_id = %(p)s AND due_at >= %(s)s AND due_at < %(e)s AND state IN ('met', 'breached')
GROUP BY kind
"""


def fill(connection, project_id: int, clerk_id: int, units: int, n: int) -> None:
    """``units`` units in buildings of 1,000; ``n`` requests over two years up to now on them: 60 % repairs
    (some breached, some rework), 10 % complaints with a review (valid, invalid or not judged yet; some
    resolved), the rest consultations, suggestions and praise; the latest 2,000 open, a seventh of the others
    cancelled, the rest closed (completed within four days), a quarter of those visited back (a visit with
    satisfaction 1–5, a tenth unreachable); two timers each."""
    from jiayuan.estate.models import Building, Unit
    from jiayuan.service.models import ComplaintReview, ReturnVisit, ServiceRequest, Timer

    params = {"p": project_id, "n": n, "c": clerk_id, "units": units, "b": max(1, -(-units // 1000))}
    received = "now() - interval '730 days' + (g * 730.0 * 1440 / %(n)s) * interval '1 minute'"
    closed = "(g <= %(n)s - 2000 AND g %% 7 <> 0)"
    completed = f"{received} + (g %% 97) * interval '1 hour'"
    kind = (
        "CASE WHEN g %% 20 < 12 THEN 'repair' WHEN g %% 20 < 14 THEN 'complaint' "
        "WHEN g %% 20 < 17 THEN 'consultation' WHEN g %% 20 < 19 THEN 'suggestion' ELSE 'praise' END"
    )
    with connection.cursor() as cur:
        _kit.insert_select(
            cur,
            Building,
            {
                "project_id": "%(p)s",
                "code": "g::text",
                "sort_order": "g",
                "name": "g::text || '号楼'",
                "floors": "30",
                "entrances": "2",
            },
            "FROM generate_series(1, %(b)s) g",
            params,
        )
        room = "lpad(g::text, 4, '0')"
        _kit.insert_select(
            cur,
            Unit,
            {
                "project_id": "%(p)s",
                "building_id": "b.id",
                "entrance": "1",
                "room": room,
                "floor": "1 + (g %% 30)",
                "address": f"b.code || '-1-' || {room}",
                "building_area": "88.5",
                "state": "'occupied'",
                "contract_signed": "true",
            },
            """FROM estate_building b CROSS JOIN generate_series(1, 1000) g
               WHERE b.project_id = %(p)s AND (b.sort_order - 1) * 1000 + g <= %(units)s""",
            params,
        )
        _kit.insert_select(
            cur,
            ServiceRequest,
            {
                "project_id": "%(p)s",
                "number": "'IND-' || g",
                "type": kind,
                "repair_scope": "CASE WHEN g %% 20 < 12 THEN 'in_unit' ELSE '' END",
                "channel": "'phone'",
                "urgency": "'normal'",
                "state": f"CASE WHEN g > %(n)s - 2000 THEN 'dispatched' WHEN {closed} THEN 'closed' "
                "ELSE 'cancelled' END",
                "unit_id": "u.id",
                "contact_phone": "'13800138000'",
                "content": "'厨房水管漏水'",
                "received_at": received,
                "first_receiver_id": "%(c)s",
                "completed_at": f"CASE WHEN {closed} THEN {completed} END",
                "closed_at": f"CASE WHEN {closed} THEN {completed} + interval '1 day' END",
                "breached": "g %% 37 = 0",
                "is_rework": "g %% 20 < 12 AND g %% 89 = 0",
                "visited_at": f"CASE WHEN {closed} AND g %% 4 = 0 THEN {completed} + interval '1 day' END",
                "created_by_id": "%(c)s",
            },
            """FROM generate_series(1, %(n)s) g
               JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM estate_unit
                     WHERE project_id = %(p)s) u ON u.k = g %% %(units)s""",
            params,
        )
        _kit.insert_select(
            cur,
            ComplaintReview,
            {
                "project_id": "%(p)s",
                "request_id": "r.id",
                "valid": "CASE r.id %% 7 WHEN 0 THEN NULL WHEN 1 THEN false ELSE true END",
                "resolved_at": "CASE WHEN r.id %% 3 = 0 THEN r.received_at + interval '2 days' END",
            },
            "FROM service_servicerequest r WHERE r.project_id = %(p)s AND r.type = 'complaint'",
            params,
        )
        _kit.insert_select(
            cur,
            ReturnVisit,
            {
                "project_id": "%(p)s",
                "request_id": "r.id",
                "outcome": "CASE WHEN r.id %% 10 = 0 THEN 'unreachable' WHEN r.id %% 5 = 1 "
                "THEN 'unsatisfied' ELSE 'satisfied' END",
                "satisfaction": "CASE WHEN r.id %% 10 = 0 THEN NULL ELSE 1 + r.id %% 5 END",
                "visitor_id": "%(c)s",
                "visited_at": "r.visited_at",
            },
            "FROM service_servicerequest r WHERE r.project_id = %(p)s AND r.visited_at IS NOT NULL",
            params,
        )
        _kit.insert_select(
            cur,
            Timer,
            {
                "project_id": "%(p)s",
                "request_id": "r.id",
                "kind": "k.kind",
                "standard_code": "'bench'",
                "started_at": "r.received_at",
                "due_at": "r.received_at + k.minutes * interval '1 minute'",
                "state": "CASE WHEN r.state = 'dispatched' THEN 'running' WHEN r.id %% 23 = 0 THEN 'breached' "
                "ELSE 'met' END",
                "met_at": "CASE WHEN r.state <> 'dispatched' AND r.id %% 23 <> 0 THEN r.received_at END",
            },
            """FROM service_servicerequest r
               CROSS JOIN (VALUES ('dispatch', 3), ('first_response', 30)) k(kind, minutes)
               WHERE r.project_id = %(p)s""",
            params,
        )


def board_month(project):
    """The last full month of the project's requests (the current month when there are none)."""
    from django.db.models import Max
    from django.utils import timezone

    from jiayuan.core.indicators import Period
    from jiayuan.quality import selectors
    from jiayuan.service.models import ServiceRequest

    latest = ServiceRequest.objects.filter(project=project).aggregate(m=Max("received_at"))["m"]
    if latest is None:
        return selectors.current_month()
    day = timezone.localdate(latest)
    return selectors.shift(Period.month(day.year, day.month), -1)


def side_by_side(mode: _kit.Mode, ours, theirs, repeat: int) -> tuple[float, float]:
    """Median milliseconds of ``ours`` and ``theirs`` run in turn ``repeat`` times after a warm-up each (a
    shared machine slows both alike); each run once, no warm-up, when smoking."""
    if mode.smoke:
        ours(), theirs()
        return 1.0, 1.0
    ours(), theirs()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, runs in zip((ours, theirs), times, strict=True):
            start = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def board_page(mode: _kit.Mode, user, project, repeat: int) -> tuple[str, int, float]:
    """(month, queries of one board page after a warm-up, median milliseconds of ``repeat`` pages) of the
    project's last full month of requests."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    period = board_month(project)
    client = Client()
    client.force_login(user)
    query = {"project": project.pk, "month": period.label}

    def page():
        resp = client.get(BOARD, query)
        assert resp.status_code == 200, resp.status_code

    page()
    with CaptureQueriesContext(connection) as queries:
        page()
    return period.label, len(queries), mode.timed(page, repeat)


def load_demo_once(mode: _kit.Mode) -> None:
    from jiayuan.demo import load_demo
    from jiayuan.demo.generator import demo_exists

    if not demo_exists():
        scale = 0.01 if mode.smoke else DEMO_SCALE
        mode.say(f"loading the demo at scale {scale:g} …")
        start = time.perf_counter()
        load_demo(scale=scale)
        mode.result("demo load", f"  loaded in {time.perf_counter() - start:.1f} s")


def fill_once(mode: _kit.Mode, code: str, requests: int, units: int):
    """The bench project and its project manager, filled on the first run."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from jiayuan.core.roles import Role
    from jiayuan.estate.models import Building, Unit
    from jiayuan.org.models import Company, Department, Membership, Project
    from jiayuan.service.models import ServiceRequest

    company, _ = Company.objects.get_or_create(code="benchind", defaults={"name": "基准公司"})
    project, _ = Project.objects.get_or_create(code=code, defaults={"company": company, "name": "基准小区"})
    manager, _ = get_user_model().objects.get_or_create(username=f"bench-ind-{code.lower()}")
    Department.objects.get_or_create(project=project, kind="customer_service", defaults={"name": "客服部"})
    Membership.objects.get_or_create(
        user=manager, project=project, role=Role.PROJECT_MANAGER, defaults={"company": company}
    )
    have = ServiceRequest.objects.filter(project=project).count()
    if have >= requests:
        return project, manager
    if have:
        sys.exit(f"project {code} has {have:,} requests; drop the bench database (…_indicators) to refill")
    mode.say(f"creating {units:,} units and {requests:,} requests …")
    start = time.perf_counter()
    if mode.skip("filling the project", "generate_series and interval arithmetic"):
        building = Building.objects.create(project=project, code="1", sort_order=1, name="1号楼", floors=30)
        Unit.objects.create(
            project=project,
            building=building,
            room="0001",
            address=Unit.make_address("1", 1, "0001"),
            building_area="88.5",
        )
    else:
        with transaction.atomic():  # all or nothing: a failed fill leaves nothing to drop
            fill(connection, project.pk, manager.pk, units, requests)
    mode.result("fill", f"  {time.perf_counter() - start:.1f} s")
    return project, manager


def service_figures(project_id: int, period) -> dict[str, tuple]:
    """The service figures as the board gets them: (numerator, denominator) per code."""
    from jiayuan.core import indicators

    chosen = [src for src in indicators.sources() if src.module == "service"]
    return {
        code: (m.numerator.value, m.denominator.value)
        for code, m in indicators.measure_all(project_id, period, chosen).items()
    }


def raw_figures(connection, project_id: int, start: datetime, end: datetime) -> dict[str, tuple]:
    from decimal import Decimal

    from jiayuan.service import indicators as service
    from jiayuan.service.models import TimerKind

    params = {"p": project_id, "s": start, "e": end}
    with connection.cursor() as cur:
        cur.execute(RAW_COMPLETED, params)
        done_ok, done_visited, done = cur.fetchone()
        cur.execute(RAW_RECEIVED, params)
        rework, received = cur.fetchone()
        cur.execute(RAW_COMPLAINTS, params)
        handled, valid_visited, valid = cur.fetchone()
        cur.execute(RAW_HOUSEHOLDS, params)
        (households,) = cur.fetchone()
        cur.execute(RAW_VISITS, params)
        satisfied, visits = cur.fetchone()
        cur.execute(RAW_TIMERS, params)
        timers = {kind: (met, due) for kind, met, due in cur.fetchall()}
    figures = {
        service.TIMELINESS_CODE: (done_ok, done),
        service.RETURN_VISIT_CODE: (done_visited, done),
        service.REWORK_CODE: (rework, received),
        service.VALID_COMPLAINTS_CODE: (valid, households),
        service.COMPLAINTS_HANDLED_CODE: (handled, valid),
        service.COMPLAINT_VISIT_CODE: (valid_visited, valid),
        service.SATISFACTION_CODE: (satisfied, visits),
    }
    for kind in TimerKind.values:
        figures[service.TIMER_CODE.format(kind=kind)] = timers.get(kind, (0, 0))
    return {code: (Decimal(num), Decimal(den)) for code, (num, den) in figures.items()}


def run(mode: _kit.Mode) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from jiayuan.core.worktime import SHANGHAI
    from jiayuan.demo.context import RESIDENTIAL_CODE
    from jiayuan.estate.models import Unit
    from jiayuan.org.models import Project
    from jiayuan.service.models import ServiceRequest
    from jiayuan.standards.catalogue import load_catalogue
    from jiayuan.standards.models import Standard, StandardVersion

    repeat = mode.size(REPEAT, 1)
    load_demo_once(mode)
    if not Standard.objects.exists():
        load_catalogue(Standard, StandardVersion)
    code = f"BIS{time.time_ns() % 10**8:x}" if mode.smoke else CODE  # a smoke run fills a project of its own
    project, manager = fill_once(mode, code, mode.size(REQUESTS, 300), mode.size(UNITS, 50))
    with connection.cursor() as cur:
        # What autovacuum would have done after the bulk loads: planner statistics, and the visibility map
        # that lets a count read only the index (VACUUM cannot run in the smoke test's transaction).
        cur.execute("ANALYZE" if mode.smoke else "VACUUM ANALYZE")

    def sizes(p) -> str:
        units = Unit.objects.filter(project=p).count()
        return f"{units:,} units, {ServiceRequest.objects.filter(project=p).count():,} requests"

    demo = Project.objects.get(code=RESIDENTIAL_CODE)
    month, queries, ms = board_page(mode, get_user_model().objects.get(username="manager"), demo, repeat)
    mode.result(
        "demo board page",
        f"demo scale ({sizes(demo)}), board {month}: {queries} queries, median {ms:7.2f} ms",
    )
    month, queries, ms = board_page(mode, manager, project, repeat)
    mode.result(
        "board page",
        f"bench project ({sizes(project)}), board {month}: {queries} queries, p50 {ms:7.2f} ms (goal < 200 ms)",
    )

    period = board_month(project)
    start, end = (datetime.combine(day, clock.min, tzinfo=SHANGHAI) for day in (period.start, period.end))
    ours = service_figures(project.pk, period)
    raw = raw_figures(connection, project.pk, start, end)
    assert ours == raw, {code: (ours.get(code), raw.get(code)) for code in ours.keys() | raw.keys()}
    ours_ms, raw_ms = side_by_side(
        mode,
        lambda: service_figures(project.pk, period),
        lambda: raw_figures(connection, project.pk, start, end),
        repeat,
    )
    mode.result(
        "service figures",
        f"service figures ({len(ours)} of the board), {month}: ours {ours_ms:7.2f} ms   raw SQL {raw_ms:7.2f} ms   "
        f"ratio {ours_ms / raw_ms:5.2f}× (goal ≤ 1.5×)",
    )


if __name__ == "__main__":
    _kit.URL = f"{_kit.URL}_indicators"  # a database of its own (above)
    sys.exit(_kit.main(run, __doc__))
