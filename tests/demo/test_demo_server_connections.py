"""`make demo` on PostgreSQL: the development server answers each request in a new thread, and must not leave
each thread's database connection open (with CONN_MAX_AGE=60, ~150 requests and PostgreSQL refused everyone
with "too many clients")."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from django.db import connection

APP = "jiayuan-demo-connection-test"
REQUESTS = 60  # below PostgreSQL's default 100 connections, so that the leak shows without starving others

SERVE = """
import django
django.setup()
from jiayuan.demo.management.commands.demo import serve
serve("127.0.0.1", {port}, use_ipv6=False)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the demo server stopped: {server.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail("the demo server did not start")


def _ask(port: int) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": "Bearer jy_" + "x" * 40}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db
def test_demo_server_on_postgresql_does_not_keep_a_connection_per_request(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL=postgres://…)")
    import psycopg

    db = connection.settings_dict
    auth = quote(db["USER"]) + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}?application_name={APP}"
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "JIAYUAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "jiayuan.settings",
        "DEBUG": "1",
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "60",  # the production default, which the demo server must not apply per thread
    }
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(port=port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, server)
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: _ask(port), range(REQUESTS)))
        assert statuses == [401] * REQUESTS  # each request looked the token up in the database

        count = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
        conninfo = dict(user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
        with psycopg.connect(
            dbname=db["NAME"], password=db["PASSWORD"] or None, autocommit=True, **conninfo
        ) as pg:
            deadline = time.monotonic() + 10
            while True:
                open_connections = pg.execute(count, [APP]).fetchone()[0]
                if open_connections <= 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        # The server's own (start-up checks) at most, not one per request served.
        assert open_connections <= 2, f"{open_connections} connections left open after {REQUESTS} requests"
    finally:
        server.terminate()
        server.wait(timeout=30)
