"""Benchmark: request intake through the API and the desk's queue page on a project with many requests,
against a bare Django JSON view and the raw SQL of the queue query.

Run with ``make bench`` (not part of CI). PostgreSQL only (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1). Creates a bench project with ``BENCH_REQUESTS`` requests (default
1,000,000) by ``generate_series`` once, then in the same run times:

1. intake: ``BENCH_INTAKE`` (default 200) ``POST /api/v1/requests`` (number, timers from the standards,
   timeline, idempotency key) against a bare Django view that inserts one row and answers JSON;
2. the queue page ``GET /service/`` (first page, counts per state, overdue count) against the raw SQL of
   the same reads (first page by ``received_at`` and the counts);

and prints the medians and the ratios;

3. the same server as in production, side by side: gunicorn with ``BENCH_WORKERS`` sync workers (default
   2 × cores + 1) answering ``BENCH_CONNECTIONS`` (default 16) concurrent clients for ``BENCH_SECONDS``
   (default 10) each: ``POST /api/v1/requests`` (bearer token, an idempotency key each, the bench's units in
   turn) against the trivial ``GET /healthz``, printing requests per second, p50 and p99 and their ratios
   (the machine may be shared: read the ratios), and the queries of one create.

``--smoke`` runs every step once on a fresh project of a few hundred requests (bench/_kit.py); on SQLite the
server is a thread of this process (the in-memory test database is not reachable from gunicorn).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

if __name__ == "__main__" and not __package__:
    # Run as a file: import the bench package from the checkout (and keep bench/ itself off the path: this
    # file would stand in for the requests library).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import _kit  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000000"))
INTAKE = int(os.environ.get("BENCH_INTAKE", "200"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
CODE = "BENCHREQ"
ROOT = Path(__file__).resolve().parent.parent

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


def _database_url(settings: dict) -> str:
    auth = quote(settings["USER"] or "") + (":" + quote(settings["PASSWORD"]) if settings["PASSWORD"] else "")
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int, server: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


@dataclass
class Server:
    port: int
    name: str
    ready: Callable[[], None]


@contextmanager
def gunicorn(database_url: str, workers: int):
    """The production server (sync workers, production settings, persistent connections) on a free port; the
    application and its URLs are loaded once, then forked (bench/_wsgi.py). Yields at once: ``ready()``
    waits for it, so that it can boot while the bench does something else."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="jiayuan-bench-") as var:
        Path(var, "static").mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": var,
            "JIAYUAN_VAR_DIR": var,
            "DJANGO_SETTINGS_MODULE": "jiayuan.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "JIAYUAN_DEMO_ENV": "0",
            "JIAYUAN_HTTPS": "0",  # plain HTTP on the loopback, as behind the TLS proxy
            "JIAYUAN_MANIFEST_STATIC": "0",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
        }
        if "PYTHONPATH" in os.environ:  # the same code as the bench's (e.g. another checkout's src/)
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bench._wsgi:application", "--workers", str(workers)]
            + ["--preload", "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning"],
            env=env,
            cwd=ROOT,
            start_new_session=True,  # its own process group, ended as one
        )
        try:
            yield Server(port, f"gunicorn, {workers} sync workers", lambda: _wait_until_up(port, server))
        finally:
            # Every request has had its answer: end the server and its workers at once (a graceful stop
            # takes seconds); it holds nothing but idle database connections.
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@contextmanager
def thread_server():
    """This process's WSGI application behind a one-thread server (a SQLite smoke run)."""
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Quick(WSGIServer):
        request_queue_size = 128

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=Quick, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(server.server_port, "a thread of this process", lambda: None)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def start_server(mode: _kit.Mode):
    from django.db import connection

    if mode.skip("gunicorn", "the in-memory test database is this process's: served from a thread instead"):
        return thread_server()
    return gunicorn(_database_url(connection.settings_dict), mode.size(WORKERS, 1))


def http_request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _load(port: int, make, expect: int, connections: int, seconds: float, limit: int):
    """``connections`` clients, each sending its next request as soon as the last one is answered, until
    ``seconds`` or ``limit`` requests. A new connection per request: gunicorn's sync workers close each."""
    loop = asyncio.get_running_loop()
    numbers = itertools.count()
    latencies: list[float] = []
    wrong: list[bytes] = []
    stop = loop.time() + seconds

    async def client():
        while loop.time() < stop:
            i = next(numbers)
            if i >= limit:
                return
            payload = make(i)
            start = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(payload)
            answer = await reader.read()
            writer.close()
            latencies.append(time.perf_counter() - start)
            if answer[9:12] != str(expect).encode():
                wrong.append(answer[:600])

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    took = time.perf_counter() - start
    if wrong:
        raise AssertionError(f"{len(wrong)} of {len(latencies)} answers were not {expect}: {wrong[0]!r}")
    return len(latencies) / took, _percentile(latencies, 50), _percentile(latencies, 99), len(latencies)


def _percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)] * 1000


def run(mode: _kit.Mode) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

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

    with start_server(mode) as server:
        if not mode.smoke:
            server.ready()  # its boot would slow the timings below; a smoke run lets it boot meanwhile
        in_process(mode, project, clerk, run_id, unit_id, intake, repeat)
        serve(mode, server, project, clerk, run_id)


def in_process(mode: _kit.Mode, project, clerk, run_id: str, unit_id: int, intake: int, repeat: int) -> None:
    """Steps 1 and 2: one request at a time through Django's test client, against the bare minimum."""
    from django.db import connection
    from django.http import JsonResponse
    from django.test import Client, RequestFactory
    from django.utils import timezone

    from jiayuan.service.models import ServiceRequest

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


def _run_loop(coro):
    """asyncio.run, in a thread of its own when the caller already runs an event loop (the smoke test's
    worker may, after a browser test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def serve(mode: _kit.Mode, server: Server, project, clerk, run_id: str) -> None:
    """Step 3: creates and the trivial endpoint through the production server, at the same concurrency."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiayuan.core.tokens import token_create
    from jiayuan.estate.models import Building, Unit

    _token, raw_token = token_create(clerk, name="bench")
    units = list(Unit.objects.filter(project=project).order_by("id").values_list("id", flat=True)[:5000])
    auth = {"Authorization": f"Bearer {raw_token}"}

    def body(i: int) -> bytes:
        unit = units[i % len(units)]
        return json.dumps(
            {"project": project.pk, "type": "repair", "content": "卫生间漏水", "unit": unit}
        ).encode()

    def create(i: int) -> bytes:
        headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": f"load-{run_id}-{i}"}
        return http_request("POST", "/api/v1/requests", headers, body(i))

    trivial = http_request("GET", "/healthz")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    # Warm: the token's first use is recorded once, the process caches content types.
    warm_up = client.post("/api/v1/requests", body(0), content_type="application/json")
    assert warm_up.status_code == 201, warm_up.content
    # A unit of its own: the first report of a unit, then a repeated one (which notifies the first receiver).
    building = Building.objects.filter(project=project).order_by("id").first()
    room = f"Q{run_id}"
    unit = Unit.objects.create(
        project=project,
        building=building,
        room=room,
        address=Unit.make_address(building.code, 1, room),
        building_area="88.5",
    )
    counts = []
    for i in range(2):
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(
                "/api/v1/requests",
                json.dumps(
                    {"project": project.pk, "type": "repair", "content": "卫生间漏水", "unit": unit.pk}
                ),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"load-{run_id}-queries-{i}",
            )
        assert answer.status_code == 201, answer.content
        counts.append(len(queries))
    mode.result(
        "queries",
        f"queries per create (POST /api/v1/requests, bearer token, with BEGIN and COMMIT): {counts[0]}, "
        f"{counts[1]} for a repeated report (its notice, delivered after the commit)",
    )

    connections = mode.size(CONNECTIONS, 4)
    seconds, limit = (30.0, connections) if mode.smoke else (SECONDS, 10**9)
    server.ready()
    warm = mode.size(2 * connections, 1)  # every worker has loaded the app and opened its connection
    _run_loop(_load(server.port, lambda i: trivial, 200, connections, seconds, warm))
    _run_loop(_load(server.port, lambda i: create(10**6 + i), 201, connections, seconds, warm))
    fast = _run_loop(_load(server.port, lambda i: trivial, 200, connections, seconds, limit))
    slow = _run_loop(_load(server.port, create, 201, connections, seconds, limit))
    mode.say(
        f"server: {server.name}, {connections} concurrent connections, {os.cpu_count()} cores (shared: read the ratios)"
    )
    for label, (rate, p50, p99, n) in (("GET /healthz (trivial)", fast), ("POST /api/v1/requests", slow)):
        mode.result(
            label, f"{label:24} {rate:8.1f}/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   ({n:,} requests)"
        )
    mode.result(
        "ratios",
        f"creates vs trivial: {slow[0] / fast[0]:6.3f}× the rate, p99 {slow[2] / fast[2]:5.1f}× as long "
        f"(goal ≥ 500 creates/s and p99 < 50 ms at 16 connections)",
    )


if __name__ == "__main__":
    sys.exit(_kit.main(run, __doc__))
