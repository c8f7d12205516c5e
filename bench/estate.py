"""Benchmark: the clerk's unit search and the units list on a large estate, against raw SQL.

Run with ``make bench`` (not part of CI). Uses PostgreSQL (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1), loads the demo estate at ``BENCH_SCALE`` (default 20 ≈ 50,000
units, 125,000 parties) once, then times each operation through our selectors / pages and through the
equivalent hand-written SQL, in the same run, and prints the ratios.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiayuan_bench")
SCALE = os.environ.get("BENCH_SCALE", "20")
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def ensure_database() -> None:
    import psycopg

    base, name = URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(fn) -> float:
    fn()  # warm up
    runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    ensure_database()
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiayuan.settings_test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from jiayuan.estate.models import Unit
    from jiayuan.estate.selectors import search_units
    from jiayuan.org.models import Project

    call_command("migrate", verbosity=0)
    if not Project.objects.filter(code="CUIHU").exists():
        print(f"loading the demo estate at scale {SCALE} …", flush=True)
        start = time.perf_counter()
        call_command("load_demo", scale=float(SCALE), verbosity=0)
        print(f"  loaded in {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh planner statistics after a bulk load, as autovacuum would give
    project = Project.objects.get(code="CUIHU")
    clerk = get_user_model().objects.get(username="clerk")
    units = Unit.objects.filter(project=project).count()
    print(f"project 1: {units:,} units; median of {REPEAT} runs each\n")

    def raw(sql, params):
        def run():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()

        return run

    def ours_search(q):
        return lambda: list(search_units(clerk, project, q)[:25])

    unit_cols = "u.id, u.address, u.building_area, u.state, u.contract_signed"
    occupants = (
        f"SELECT {unit_cols}, p.name, p.phone FROM estate_unit u "
        "LEFT JOIN estate_occupancy o ON o.unit_id = u.id AND o.ended_on IS NULL "
        "LEFT JOIN estate_party p ON p.id = o.party_id "
    )
    cases = [
        (
            "search by address 3-2-1201",
            ours_search("3-2-1201"),
            raw(occupants + "WHERE u.project_id = %s AND u.address = %s", [project.pk, "3-2-1201"]),
        ),
        (
            "search by phone tail 8563",
            ours_search("8563"),
            raw(
                occupants + "WHERE u.project_id = %s AND u.id IN (SELECT o2.unit_id FROM estate_occupancy o2 "
                "JOIN estate_party p2 ON p2.id = o2.party_id WHERE o2.ended_on IS NULL AND p2.phone_tail = %s) "
                "LIMIT 25",
                [project.pk, "8563"],
            ),
        ),
        (
            "search by name 王建国",
            ours_search("王建国"),
            raw(
                occupants + "WHERE u.project_id = %s AND u.id IN (SELECT o2.unit_id FROM estate_occupancy o2 "
                "JOIN estate_party p2 ON p2.id = o2.party_id WHERE o2.ended_on IS NULL AND p2.name LIKE %s) "
                "LIMIT 25",
                [project.pk, "%王建国%"],
            ),
        ),
    ]
    client = Client()
    client.force_login(clerk)
    page_sql = raw(
        "WITH page AS (SELECT u.* FROM estate_unit u WHERE u.project_id = %s "
        "ORDER BY u.building_id, u.entrance, u.floor, u.room LIMIT 25 OFFSET 475) "
        f"SELECT {unit_cols}, p.name, p.phone, (SELECT count(*) FROM estate_unit WHERE project_id = %s) "
        "FROM page u LEFT JOIN estate_occupancy o ON o.unit_id = u.id AND o.ended_on IS NULL "
        "LEFT JOIN estate_party p ON p.id = o.party_id",
        [project.pk, project.pk],
    )
    # The page also renders HTML and counts per state; the raw side is only the rows it shows.
    cases.append(
        ("units list page 20 (HTML) vs its rows", lambda: client.get("/estate/units/?page=20"), page_sql)
    )
    cases.append(
        (
            "GET /api/v1/units?q=3-2-1201",
            lambda: client.get("/api/v1/units?q=3-2-1201"),
            raw(occupants + "WHERE u.project_id = %s AND u.address = %s", [project.pk, "3-2-1201"]),
        ),
    )
    print(f"{'operation':36} {'ours ms':>9} {'raw SQL ms':>11} {'ratio':>7}")
    for name, ours, sql in cases:
        a, b = timed(ours), timed(sql)
        print(f"{name:36} {a:9.2f} {b:11.2f} {a / b:7.1f}×")


if __name__ == "__main__":
    sys.exit(main())
