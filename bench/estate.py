"""Benchmark: the clerk's unit search and the units list on a large estate, against raw SQL.

Run with ``make bench`` (not part of CI). Uses PostgreSQL (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1), loads the demo's estate registry (projects, staff logins,
buildings, units, parties and occupancies) at ``BENCH_SCALE`` (default 20 ≈ 50,000 units, 125,000 parties)
once, then times each operation through our selectors / pages and through the equivalent hand-written
SQL, in the same run, and prints the ratios. ``--smoke`` runs every step once on a tiny estate (bench/_kit.py).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a file: import the bench package from the checkout (and keep bench/ itself off the path).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import _kit  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "20"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
SMOKE_SCALE = 0.01
# The part of the demo these reads touch; the rest (a year of bills, requests…) takes minutes at scale 20.
ESTATE_STEPS = (
    "create_company_and_projects",
    "create_departments",
    "create_logins",
    "create_buildings",
    "create_units",
    "create_residents",
)


def load_estate(scale: float) -> None:
    from django.db import transaction

    from jiayuan.demo.context import DemoContext
    from jiayuan.demo.generator import STEPS

    steps = {step.__name__: step for step in STEPS}
    ctx = DemoContext(scale=scale)
    with transaction.atomic():
        for name in ESTATE_STEPS:
            steps[name](ctx)


def run(mode: _kit.Mode) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from jiayuan.demo.context import RESIDENTIAL_CODE
    from jiayuan.estate.models import Unit
    from jiayuan.estate.selectors import search_units
    from jiayuan.org.models import Project

    repeat = mode.size(REPEAT, 1)
    if not Project.objects.filter(code=RESIDENTIAL_CODE).exists():
        scale = SMOKE_SCALE if mode.smoke else SCALE
        mode.say(f"loading the demo estate at scale {scale:g} …")
        start = time.perf_counter()
        load_estate(scale)
        mode.result("load", f"  loaded in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh planner statistics after a bulk load, as autovacuum would give
    project = Project.objects.get(code=RESIDENTIAL_CODE)
    clerk = get_user_model().objects.get(username="clerk")
    units = Unit.objects.filter(project=project).count()
    assert units, "the estate has no units"
    mode.say(f"project 1: {units:,} units" + ("" if mode.smoke else f"; median of {repeat} runs each\n"))

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
    page = min(20, (units + 24) // 25)  # page 20 at full size; the last one of a small estate

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    page_sql = raw(
        "WITH page AS (SELECT u.* FROM estate_unit u WHERE u.project_id = %s "
        "ORDER BY u.building_id, u.entrance, u.floor, u.room LIMIT 25 OFFSET %s) "
        f"SELECT {unit_cols}, p.name, p.phone, (SELECT count(*) FROM estate_unit WHERE project_id = %s) "
        "FROM page u LEFT JOIN estate_occupancy o ON o.unit_id = u.id AND o.ended_on IS NULL "
        "LEFT JOIN estate_party p ON p.id = o.party_id",
        [project.pk, (page - 1) * 25, project.pk],
    )
    # The page also renders HTML and counts per state; the raw side is only the rows it shows.
    cases.append((f"units list page {page} (HTML) vs its rows", get(f"/estate/units/?page={page}"), page_sql))
    cases.append(
        (
            "GET /api/v1/units?q=3-2-1201",
            get("/api/v1/units?q=3-2-1201"),
            raw(occupants + "WHERE u.project_id = %s AND u.address = %s", [project.pk, "3-2-1201"]),
        ),
    )
    if not mode.smoke:
        mode.say(f"{'operation':36} {'ours ms':>9} {'raw SQL ms':>11} {'ratio':>7}")
    for name, ours, sql in cases:
        a, b = mode.timed(ours, repeat), mode.timed(sql, repeat)
        mode.result(name, f"{name:36} {a:9.2f} {b:11.2f} {a / b:7.1f}×")


if __name__ == "__main__":
    sys.exit(_kit.main(run, __doc__))
