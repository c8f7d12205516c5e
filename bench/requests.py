"""Benchmark: request intake through the API and the desk's queue page on a project with many requests,
against a bare Django JSON view and the raw SQL of the queue query.

Run with ``make bench`` (not part of CI). PostgreSQL only (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1). Creates a bench project with ``BENCH_REQUESTS`` requests (default
1,000,000) by ``generate_series`` once, then in the same run times:

1. intake: ``BENCH_INTAKE`` (default 200) ``POST /api/v1/requests`` (number, timers from the standards,
   timeline, idempotency key) against a bare Django view that inserts one row and answers JSON;
2. the queue page ``GET /service/`` (first page, counts per state, overdue count) against the raw SQL of
   the same reads (first page by ``received_at`` and the counts);

and prints the medians and the ratios. ``--smoke`` runs every step once on a fresh project of a few hundred
requests (bench/_kit.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a file: import the bench package from the checkout (and keep bench/ itself off the path: this
    # file would stand in for the requests library).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import _kit  # noqa: E402

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


def fill(connection, project_id: int, clerk_id: int, dept_id: int, n: int) -> None:
    """``n`` requests over two years on 5,000 units, mostly closed, some open and breached."""
    from jiayuan.estate.models import Building, Unit
    from jiayuan.service.models import ServiceRequest

    params = {"p": project_id, "n": n, "c": clerk_id, "d": dept_id}
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
            "FROM generate_series(1, 5) g",
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
            "FROM estate_building b CROSS JOIN generate_series(1, 1000) g WHERE b.project_id = %(p)s",
            params,
        )
        _kit.insert_select(
            cur,
            ServiceRequest,
            {
                "project_id": "%(p)s",
                "number": "'BX-B-' || g",
                "type": "'repair'",
                "repair_scope": "'in_unit'",
                "channel": "'phone'",
                "urgency": "'normal'",
                "state": "CASE WHEN g > %(n)s - 200 THEN 'dispatched' ELSE 'closed' END",
                "unit_id": "u.id",
                "contact_phone": "'13800138000'",
                "content": "'厨房水管漏水'",
                "received_at": "now() - interval '730 days' + (g * 730.0 * 1440 / %(n)s) * interval '1 minute'",
                "first_receiver_id": "%(c)s",
                "department_id": "%(d)s",
                "breached": "g %% 37 = 0",
                "created_by_id": "%(c)s",
            },
            """FROM generate_series(1, %(n)s) g
               JOIN estate_unit u ON u.project_id = %(p)s AND u.room = lpad((1 + g %% 1000)::text, 4, '0')
                    AND u.building_id = (SELECT min(id) FROM estate_building WHERE project_id = %(p)s)""",
            params,
        )
        cur.execute("ANALYZE service_servicerequest")


def run(mode: _kit.Mode) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.http import JsonResponse
    from django.test import Client, RequestFactory
    from django.utils import timezone

    from jiayuan.core.roles import Role
    from jiayuan.core.worktime import seed_calendar
    from jiayuan.estate.models import Building, Unit
    from jiayuan.org.models import Company, Department, Membership, Project
    from jiayuan.service.models import ServiceRequest
    from jiayuan.standards.catalogue import load_catalogue
    from jiayuan.standards.models import Standard, StandardVersion

    requests, intake, repeat = mode.size(REQUESTS, 300), mode.size(INTAKE, 2), mode.size(REPEAT, 1)
    run_id = f"{time.time_ns() % 10**8:x}"  # numbers are at most 24 characters
    code = f"BRS{run_id}" if mode.smoke else CODE  # a smoke run fills a project of its own every time
    if not Standard.objects.exists():
        load_catalogue(Standard, StandardVersion)
    seed_calendar()
    company, _ = Company.objects.get_or_create(code="benchreq", defaults={"name": "基准公司"})
    project, created = Project.objects.get_or_create(
        code=code, defaults={"company": company, "name": "基准小区"}
    )
    # The queue page shows the clerk's only project: a smoke run has a clerk of its own too.
    clerk, _ = get_user_model().objects.get_or_create(
        username=f"bench-clerk-{run_id}" if mode.smoke else "bench-clerk"
    )
    dept, _ = Department.objects.get_or_create(
        project=project, kind="customer_service", defaults={"name": "客服部"}
    )
    Membership.objects.get_or_create(
        user=clerk, project=project, role=Role.CS_CLERK, defaults={"company": company}
    )
    have = ServiceRequest.objects.filter(project=project).count()
    if have < requests:
        if have:
            sys.exit(f"project {code} has {have:,} requests; drop the jiayuan_bench database to refill")
        mode.say(f"creating {requests:,} requests …")
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
                fill(connection, project.pk, clerk.pk, dept.pk, requests)
        mode.result("fill", f"  {time.perf_counter() - start:.1f} s")
    unit_id = Unit.objects.filter(project=project).order_by("id").values_list("id", flat=True).first()

    client = Client()
    client.force_login(clerk)
    counter = iter(range(10**9))

    def intake_one():
        i = next(counter)
        resp = client.post(
            "/api/v1/requests",
            json.dumps({"project": project.pk, "type": "repair", "content": "卫生间漏水", "unit": unit_id}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{run_id}-{i}",
        )
        assert resp.status_code == 201, resp.content

    def bare_view(request):
        i = next(counter)
        row = ServiceRequest.objects.create(
            project=project,
            number=f"BARE-{run_id}-{i}",
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

    ours_in, bare_in = mode.timed(intake_one, intake), mode.timed(bare, intake)
    mode.result(
        "intake",
        f"intake (median of {intake}): API {ours_in:7.2f} ms   bare JSON view {bare_in:7.2f} ms   "
        f"ratio {ours_in / bare_in:5.2f}×",
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

    ours_q, raw_q = mode.timed(page, repeat), mode.timed(raw, repeat)
    total = ServiceRequest.objects.filter(project=project).count()
    mode.result(
        "queue page",
        f"queue page, {total:,} requests: page {ours_q:7.2f} ms   raw SQL {raw_q:7.2f} ms   "
        f"ratio {ours_q / raw_q:5.2f}×",
    )


if __name__ == "__main__":
    sys.exit(_kit.main(run, __doc__))
