"""Benchmark: request intake through the API and the desk's queue page on a project with many requests,
against a bare Django JSON view and the raw SQL of the queue query.

Run with ``make bench`` (not part of CI). PostgreSQL only (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1). Creates a bench project with ``BENCH_REQUESTS`` requests (default
1,000,000) by ``generate_series`` once, then in the same run times:

1. intake: ``BENCH_INTAKE`` (default 200) ``POST /api/v1/requests`` (number, timers from the standards,
   timeline, idempotency key) against a bare Django view that inserts one row and answers JSON;
2. the queue page ``GET /service/`` (first page, counts per state, overdue count) against the raw SQL of
   the same reads (first page by ``received_at`` and the counts);

and prints the medians and the ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiayuan_bench")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000000"))
INTAKE = int(os.environ.get("BENCH_INTAKE", "200"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
CODE = "BENCHREQ"

RAW_QUEUE = [
    """SELECT r.id, r.number, r.type, r.repair_scope, r.urgency, r.state, r.content, r.contact_phone,
              r.received_at, r.breached, u.address, d.name, au.username
       FROM service_servicerequest r
       LEFT JOIN estate_unit u ON u.id = r.unit_id
       LEFT JOIN org_department d ON d.id = r.department_id
       LEFT JOIN auth_user au ON au.id = r.assignee_id
       WHERE r.project_id = %(p)s ORDER BY r.received_at DESC, r.id DESC LIMIT 25""",
    "SELECT count(*) FROM service_servicerequest WHERE project_id = %(p)s",
    "SELECT state, count(*) FROM service_servicerequest WHERE project_id = %(p)s GROUP BY state",
    """SELECT count(*) FROM service_servicerequest WHERE project_id = %(p)s AND breached
       AND state IN ('new','dispatched','accepted','on_way','arrived','contractor_done')""",
]


def ensure_database() -> None:
    import psycopg

    base, name = URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn) -> float:
    fn()
    runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def fill(connection, project_id: int, clerk_id: int, dept_id: int, n: int) -> None:
    """``n`` requests over two years on 5,000 units, mostly closed, some open and breached."""
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO estate_building (project_id, code, sort_order, name, kind, floors, entrances, has_lift)
               SELECT %s, g::text, g, g::text || '号楼', 'residential', 30, 2, true FROM generate_series(1, 5) g""",
            [project_id],
        )
        cur.execute(
            """INSERT INTO estate_unit (project_id, building_id, entrance, room, floor, address, building_area,
                   inner_area, use, state, contract_signed, note)
               SELECT %s, b.id, 1, lpad(g::text, 4, '0'), 1 + (g %% 30), b.code || '-1-' || lpad(g::text, 4, '0'),
                      88.5, NULL, 'residential', 'occupied', true, ''
               FROM estate_building b CROSS JOIN generate_series(1, 1000) g WHERE b.project_id = %s""",
            [project_id, project_id],
        )
        cur.execute(
            """INSERT INTO service_servicerequest (project_id, number, type, repair_scope, channel, urgency, state,
                   unit_id, caller_id, contact_name, contact_phone, content, location, preferred_time, contractor,
                   received_at, first_receiver_id, department_id, assignee_id, promised_at, promise_no,
                   special_reason, postponements, dispatched_at, accepted_at, departed_at, arrived_at,
                   contractor_done_at, verified_at, completed_at, confirmed_at, closed_at, completion_note,
                   confirmed_by_id, signature, breached, rework_of_id, is_rework, repeat_of_id, visit_required,
                   visited_at, rating, rating_comment, rated_at, idempotency_key, created_by_id)
               SELECT %(p)s, 'BX-B-' || g, 'repair', 'in_unit', 'phone', 'normal',
                      CASE WHEN g > %(n)s - 200 THEN 'dispatched' ELSE 'closed' END,
                      u.id, NULL, '', '13800138000', '厨房水管漏水', '', NULL, '',
                      now() - interval '730 days' + (g * 730.0 * 1440 / %(n)s) * interval '1 minute',
                      %(c)s, %(d)s, NULL, NULL, 0, '', 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '',
                      NULL, '', g %% 37 = 0, NULL, false, NULL, false, NULL, NULL, '', NULL, '', %(c)s
               FROM generate_series(1, %(n)s) g
               JOIN estate_unit u ON u.project_id = %(p)s AND u.room = lpad((1 + g %% 1000)::text, 4, '0')
                    AND u.building_id = (SELECT min(id) FROM estate_building WHERE project_id = %(p)s)""",
            {"p": project_id, "n": n, "c": clerk_id, "d": dept_id},
        )
        cur.execute("ANALYZE service_servicerequest")


def main() -> None:
    ensure_database()
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiayuan.settings_test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.http import JsonResponse
    from django.test import Client, RequestFactory
    from django.utils import timezone

    from jiayuan.core.roles import Role
    from jiayuan.core.worktime import seed_calendar
    from jiayuan.org.models import Company, Department, Membership, Project
    from jiayuan.service.models import ServiceRequest
    from jiayuan.standards.catalogue import load_catalogue
    from jiayuan.standards.models import Standard, StandardVersion

    if connection.vendor != "postgresql":
        sys.exit("bench/requests.py needs PostgreSQL")
    call_command("migrate", verbosity=0)
    if not Standard.objects.exists():
        load_catalogue(Standard, StandardVersion)
    seed_calendar()
    company, _ = Company.objects.get_or_create(code="benchreq", defaults={"name": "基准公司"})
    project, created = Project.objects.get_or_create(
        code=CODE, defaults={"company": company, "name": "基准小区"}
    )
    clerk, _ = get_user_model().objects.get_or_create(username="bench-clerk")
    dept, _ = Department.objects.get_or_create(
        project=project, kind="customer_service", defaults={"name": "客服部"}
    )
    Membership.objects.get_or_create(
        user=clerk, project=project, role=Role.CS_CLERK, defaults={"company": company}
    )
    have = ServiceRequest.objects.filter(project=project).count()
    if have < REQUESTS:
        if have:
            sys.exit(f"project {CODE} has {have:,} requests; drop the jiayuan_bench database to refill")
        print(f"creating {REQUESTS:,} requests …", flush=True)
        start = time.perf_counter()
        fill(connection, project.pk, clerk.pk, dept.pk, REQUESTS)
        print(f"  {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM estate_unit WHERE project_id = %s", [project.pk])
        unit_id = cur.fetchone()[0]

    client = Client()
    client.force_login(clerk)
    run = f"{time.time_ns() % 10**8:x}"  # numbers are at most 24 characters
    counter = iter(range(10**9))

    def intake():
        i = next(counter)
        resp = client.post(
            "/api/v1/requests",
            json.dumps({"project": project.pk, "type": "repair", "content": "卫生间漏水", "unit": unit_id}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{run}-{i}",
        )
        assert resp.status_code == 201, resp.content

    def bare_view(request):
        i = next(counter)
        row = ServiceRequest.objects.create(
            project=project,
            number=f"BARE-{run}-{i}",
            type="repair",
            content="卫生间漏水",
            unit_id=unit_id,
            received_at=timezone.now(),
            first_receiver=clerk,
            created_by=clerk,
        )
        return JsonResponse({"id": row.pk, "number": row.number}, status=201)

    factory = RequestFactory()

    def bare():
        assert bare_view(factory.post("/bare", "{}", content_type="application/json")).status_code == 201

    global REPEAT
    saved, REPEAT = REPEAT, INTAKE
    ours_in, bare_in = timed(intake), timed(bare)
    REPEAT = saved
    print(
        f"intake (median of {INTAKE}): API {ours_in:7.2f} ms   bare JSON view {bare_in:7.2f} ms   ratio {ours_in / bare_in:5.2f}×"
    )

    def page():
        resp = client.get("/service/", HTTP_HOST="testserver")
        assert resp.status_code == 200, resp.status_code

    # The queue page needs the current project: the clerk's only project is picked by the middleware.
    def raw():
        with connection.cursor() as cur:
            for sql in RAW_QUEUE:
                cur.execute(sql, {"p": project.pk})
                cur.fetchall()

    ours_q, raw_q = timed(page), timed(raw)
    total = ServiceRequest.objects.filter(project=project).count()
    print(
        f"queue page, {total:,} requests: page {ours_q:7.2f} ms   raw SQL {raw_q:7.2f} ms   ratio {ours_q / raw_q:5.2f}×"
    )


if __name__ == "__main__":
    main()
