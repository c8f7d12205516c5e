"""Benchmark: the indicator board (指标看板, R10.1) of one project and month — its queries and time at demo
scale and with a million requests, and the service figures against their raw SQL.

Run with ``make bench`` (not part of CI). PostgreSQL only. In one run it prints:

1. demo scale: the demo (``BENCH_DEMO_SCALE``, default 1) loaded once into ``<BENCH_DATABASE_URL>_demo`` —
   a database of its own, as the estate bench loads the demo's estate (same company and project codes) at
   its own scale into ``BENCH_DATABASE_URL``; the board page of 翠湖花园 for the last full month of the
   demo's requests, as its project manager: queries and median milliseconds;
2. a bench project in ``BENCH_DATABASE_URL`` with ``BENCH_UNITS`` units (default 100,000) and
   ``BENCH_REQUESTS`` requests (default 1,000,000) over two years — repairs and complaints (with their
   reviews), return visits, two timers each — made once by ``generate_series``; for the month before the
   latest request: the board page's queries and p50, and the service figures the board shows (every
   ``service`` source, measured as the board measures them) against the hand-written SQL of the same
   figures (one pass per table, checked equal), medians and ratio.

``--smoke`` runs every step once on the tiny demo and a few requests (bench/_kit.py).
"""

from __future__ import annotations

import os
import subprocess
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
# Set on the child process that measures the demo in its own database (step 1).
DEMO_PART = "BENCH_INDICATORS_DEMO"
BOARD = "/quality/indicators/"

# The service figures of the board, one pass per table: requests (repairs completed and received,
# valid complaints), households, return visits, timers by kind.
RAW_REQUESTS = """
SELECT count(*) FILTER (WHERE r.type = 'repair' AND r.completed_at >= %(s)s AND r.completed_at < %(e)s),
       count(*) FILTER (WHERE r.type = 'repair' AND r.completed_at >= %(s)s AND r.completed_at < %(e)s
                        AND NOT r.breached),
       count(*) FILTER (WHERE r.type = 'repair' AND r.completed_at >= %(s)s AND r.completed_at < %(e)s
                        AND r.visited_at IS NOT NULL),
       count(*) FILTER (WHERE r.type = 'repair' AND r.received_at >= %(s)s AND r.received_at < %(e)s),
       count(*) FILTER (WHERE r.type = 'repair' AND r.received_at >= %(s)s AND r.received_at < %(e)s
                        AND r.is_rework),
       count(*) FILTER (WHERE r.type = 'complaint' AND r.received_at >= %(s)s AND r.received_at < %(e)s
                        AND c.valid),
       count(*) FILTER (WHERE r.type = 'complaint' AND r.received_at >= %(s)s AND r.received_at < %(e)s
                        AND c.valid AND (c.resolved_at IS NOT NULL OR r.state IN ('completed', 'closed'))),
       count(*) FILTER (WHERE r.type = 'complaint' AND r.received_at >= %(s)s AND r.received_at < %(e)s
                        AND c.valid AND r.visited_at IS NOT NULL)
FROM service_servicerequest r LEFT JOIN service_complaintreview c ON c.request_id = r.id
WHERE r.project_id = %(p)s
  AND ((r.type = 'repair' AND r.completed_at >= %(s)s AND r.completed_at < %(e)s)
       OR (r.type IN ('repair', 'complaint') AND r.received_at >= %(s)s AND r.received_at < %(e)s))
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
    resolved), the rest consultations, suggestions and praise; most closed (completed within four days), a
    quarter of those visited back (a visit with satisfaction 1–5, a tenth unreachable); two timers each."""
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
                "ELSE 'accepted' END",
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
        analyze(cur)


def analyze(cur) -> None:
    """Fresh planner statistics of the tables the board reads, as autovacuum would give after bulk loads."""
    if cur.db.vendor == "postgresql":
        cur.execute(
            "ANALYZE estate_unit, service_servicerequest, service_complaintreview, service_returnvisit, "
            "service_timer"
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


def page_timing(mode: _kit.Mode, user, project, period, repeat: int) -> tuple[int, float]:
    """(queries of one board page after a warm-up, median milliseconds of ``repeat`` pages)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    query = {"project": project.pk, "month": period.label}

    def page():
        resp = client.get(BOARD, query)
        assert resp.status_code == 200, resp.status_code

    page()
    with CaptureQueriesContext(connection) as queries:
        page()
    return len(queries), mode.timed(page, repeat)


def demo_board(mode: _kit.Mode, repeat: int) -> None:
    """Step 1: the board of the demo's residential project, as its project manager."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from jiayuan.demo import load_demo
    from jiayuan.demo.context import RESIDENTIAL_CODE
    from jiayuan.demo.generator import demo_exists
    from jiayuan.estate.models import Unit
    from jiayuan.org.models import Project
    from jiayuan.service.models import ServiceRequest

    if not demo_exists():
        scale = 0.01 if mode.smoke else DEMO_SCALE
        mode.say(f"loading the demo at scale {scale:g} …")
        start = time.perf_counter()
        load_demo(scale=scale)
        mode.result("demo load", f"  loaded in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh planner statistics after a bulk load, as autovacuum would give
    project = Project.objects.get(code=RESIDENTIAL_CODE)
    manager = get_user_model().objects.get(username="manager")
    period = board_month(project)
    queries, ms = page_timing(mode, manager, project, period, repeat)
    units = Unit.objects.filter(project=project).count()
    requests = ServiceRequest.objects.filter(project=project).count()
    mode.result(
        "demo board page",
        f"demo scale ({units:,} units, {requests:,} requests), board {period.label}: "
        f"{queries} queries, median {ms:7.2f} ms",
    )


def demo_in_its_database() -> None:
    """Step 1 of a full run: this bench in a child process on the demo's database."""
    env = {**os.environ, "BENCH_DATABASE_URL": f"{_kit.URL}_demo", DEMO_PART: "1"}
    subprocess.run([sys.executable, str(Path(__file__).resolve())], env=env, check=True)  # noqa: S603


def service_figures(project_id: int, period) -> dict[str, tuple]:
    """The service figures as the board gets them: (numerator, denominator) per code."""
    from jiayuan.core import indicators

    return {
        src.code: (m.numerator.value, m.denominator.value)
        for src in indicators.sources()
        if src.module == "service"
        for m in [src.measure(project_id, period)]
    }


def raw_figures(connection, project_id: int, start: datetime, end: datetime) -> dict[str, tuple]:
    from decimal import Decimal

    from jiayuan.service import indicators as service
    from jiayuan.service.models import TimerKind

    params = {"p": project_id, "s": start, "e": end}
    with connection.cursor() as cur:
        cur.execute(RAW_REQUESTS, params)
        done, done_ok, done_visited, received, rework, valid, handled, valid_visited = cur.fetchone()
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
    from django.db import connection, transaction

    from jiayuan.core.roles import Role
    from jiayuan.core.worktime import SHANGHAI
    from jiayuan.estate.models import Building, Unit
    from jiayuan.org.models import Company, Department, Membership, Project
    from jiayuan.service.models import ServiceRequest
    from jiayuan.standards.catalogue import load_catalogue
    from jiayuan.standards.models import Standard, StandardVersion

    repeat = mode.size(REPEAT, 1)
    if os.environ.get(DEMO_PART):
        demo_board(mode, repeat)
        return
    if mode.smoke:
        demo_board(mode, repeat)  # the test database: the demo has none of the bench's codes
    else:
        demo_in_its_database()

    requests, units = mode.size(REQUESTS, 300), mode.size(UNITS, 50)
    code = f"BIS{time.time_ns() % 10**8:x}" if mode.smoke else CODE  # a smoke run fills a project of its own
    if not Standard.objects.exists():
        load_catalogue(Standard, StandardVersion)
    company, _ = Company.objects.get_or_create(code="benchind", defaults={"name": "基准公司"})
    project, _ = Project.objects.get_or_create(code=code, defaults={"company": company, "name": "基准小区"})
    manager, _ = get_user_model().objects.get_or_create(username=f"bench-ind-{code.lower()}")
    Department.objects.get_or_create(project=project, kind="customer_service", defaults={"name": "客服部"})
    Membership.objects.get_or_create(
        user=manager, project=project, role=Role.PROJECT_MANAGER, defaults={"company": company}
    )
    have = ServiceRequest.objects.filter(project=project).count()
    if have < requests:
        if have:
            sys.exit(f"project {code} has {have:,} requests; drop the jiayuan_bench database to refill")
        mode.say(f"creating {units:,} units and {requests:,} requests …")
        start = time.perf_counter()
        if mode.skip("filling the project", "generate_series and interval arithmetic"):
            building = Building.objects.create(
                project=project, code="1", sort_order=1, name="1号楼", floors=30
            )
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

    with connection.cursor() as cur:
        analyze(cur)
    period = board_month(project)
    total = ServiceRequest.objects.filter(project=project).count()
    queries, page_ms = page_timing(mode, manager, project, period, repeat)
    mode.result(
        "board page",
        f"{total:,} requests ({Unit.objects.filter(project=project).count():,} units), board {period.label}: "
        f"{queries} queries, p50 {page_ms:7.2f} ms (goal < 200 ms)",
    )

    start, end = (datetime.combine(day, clock.min, tzinfo=SHANGHAI) for day in (period.start, period.end))
    ours = service_figures(project.pk, period)
    raw = raw_figures(connection, project.pk, start, end)
    assert ours == raw, {code: (ours.get(code), raw.get(code)) for code in ours.keys() | raw.keys()}
    ours_ms = mode.timed(lambda: service_figures(project.pk, period), repeat)
    raw_ms = mode.timed(lambda: raw_figures(connection, project.pk, start, end), repeat)
    mode.result(
        "service figures",
        f"service figures ({len(ours)} of the board): ours {ours_ms:7.2f} ms   raw SQL {raw_ms:7.2f} ms   "
        f"ratio {ours_ms / raw_ms:5.2f}× (goal ≤ 1.5×)",
    )


if __name__ == "__main__":
    sys.exit(_kit.main(run, __doc__))
