"""Benchmark: the scope filter of the bills reads (the bills API, the owners' 缴费 page), against raw SQL.

Run with ``make bench`` (not part of CI). PostgreSQL only (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1). Creates, once, by ``generate_series``, a company of
``BENCH_SCOPE_PROJECTS`` projects (default 6) of ``BENCH_SCOPE_UNITS`` units each (default 2,500): one party
per unit (a former owner's ended occupancy on every 7th unit, a login for every 10th party), a parking space
held by the unit's party for every 5th unit, and ``BENCH_SCOPE_MONTHS`` months (default 24) of bills for
every unit and space (≈ 430,000 bills). Then it reads bills as four people:

- ``finance`` of project 1, who is no owner (the API's usual caller);
- ``admin``, a company admin who sees every project;
- ``owner``, the login of two units' party and a space's holder in project 1, and no staff role;
- ``finance-owner``, finance of project 2 who also lives in project 1;

and prints, for each, the median time of the bills selector's count and first page of 50 (what
``GET /api/v1/bills`` runs) against the same rows read by hand-written SQL whose condition uses the indexes
(the staff projects, the owner's own units and spaces), their ratio, and the median time of the HTTP
request itself (the API list; the owners' 缴费 page for the owners). ``BENCH_REPEAT`` (default 15).

``--smoke`` runs every step once on a fresh company of a few units (bench/_kit.py).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

if __name__ == "__main__" and not __package__:
    # Run as a file: import the bench package from the checkout (and keep bench/ itself off the path).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import _kit  # noqa: E402

PROJECTS = int(os.environ.get("BENCH_SCOPE_PROJECTS", "6"))
UNITS = int(os.environ.get("BENCH_SCOPE_UNITS", "2500"))
MONTHS = int(os.environ.get("BENCH_SCOPE_MONTHS", "24"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
CODE = "BENCHSCOPE"
FIRST_MONTH = "2028-01-01"


def stored(model):
    """The model's table without its generated columns (the database computes them), for insert_select."""
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    return SimpleNamespace(_meta=SimpleNamespace(db_table=model._meta.db_table, concrete_fields=fields))


def fill_project(cur, project_id: int, n: int, months: int) -> None:
    """One project's estate, parties, occupancies, spaces and ``months`` months of bills, by generate_series."""
    from django.contrib.auth import get_user_model

    from jiayuan.billing.models import Bill
    from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Party, Unit

    p = {"p": project_id, "n": n, "buildings": (n + 499) // 500, "months": months, "first": FIRST_MONTH}
    _kit.insert_select(
        cur,
        Building,
        {"project_id": "%(p)s", "code": "g::text", "sort_order": "g", "name": "g::text || '号楼'"},
        "FROM generate_series(1, %(buildings)s) g",
        p,
    )
    _kit.insert_select(
        cur,
        Unit,
        {
            "project_id": "%(p)s",
            "building_id": "b.id",
            "room": "lpad(g::text, 4, '0')",
            "floor": "1 + (g %% 30)",
            "address": "b.code || '-1-' || lpad(g::text, 4, '0')",
            "building_area": "60 + (g %% 90) + 0.37",
            "state": "'occupied'",
        },
        """FROM estate_building b CROSS JOIN generate_series(1, 500) g
           WHERE b.project_id = %(p)s AND (b.sort_order - 1) * 500 + g <= %(n)s""",
        p,
    )
    # a party per unit, and a former owner on every 7th unit (an ended occupancy the owner condition skips)
    _kit.insert_select(
        cur,
        stored(Party),
        {
            "project_id": "%(p)s",
            "name": "'住户' || u.id || '-' || f",
            "phone": "'139' || lpad((u.id * 2 + f)::text, 8, '0')",
        },
        "FROM estate_unit u CROSS JOIN generate_series(0, 1) f WHERE u.project_id = %(p)s AND (f = 0 OR u.id %% 7 = 0)",
        p,
    )
    _kit.insert_select(
        cur,
        Occupancy,
        {
            "project_id": "%(p)s",
            "unit_id": "u.id",
            "party_id": "y.id",
            "is_primary": "f = 0",
            "started_on": "CASE WHEN f = 0 THEN date '2024-01-01' ELSE date '2015-01-01' END",
            "ended_on": "CASE WHEN f = 0 THEN NULL ELSE date '2023-12-31' END",
        },
        """FROM generate_series(0, 1) f CROSS JOIN estate_unit u
           JOIN estate_party y ON y.name = '住户' || u.id || '-' || f
           WHERE y.project_id = %(p)s AND u.project_id = %(p)s AND (f = 0 OR u.id %% 7 = 0)""",
        p,
    )
    _kit.insert_select(
        cur,
        ParkingSpace,
        {"project_id": "%(p)s", "code": "'P' || u.id", "holder_id": "o.party_id"},
        """FROM estate_unit u JOIN estate_occupancy o ON o.unit_id = u.id AND o.ended_on IS NULL
           WHERE u.project_id = %(p)s AND u.id %% 5 = 0""",
        p,
    )
    # a login for every 10th current party (the owners who use the portal)
    _kit.insert_select(
        cur,
        get_user_model(),
        {"username": "'bsc-' || y.id", "password": "'!'", "date_joined": "now()"},
        "FROM estate_party y WHERE y.project_id = %(p)s AND y.id %% 10 = 0 AND y.name LIKE '%%-0'",
        p,
    )
    cur.execute(
        "UPDATE estate_party y SET user_id = u.id FROM auth_user u "
        "WHERE y.project_id = %(p)s AND u.username = 'bsc-' || y.id",
        p,
    )
    holders = [
        ("unit_id", "u.id", "estate_unit u"),
        ("space_id", "s.id", "estate_parkingspace s"),
    ]
    for column, holder, source in holders:
        _kit.insert_select(
            cur,
            Bill,
            {
                "project_id": "%(p)s",
                "number": f"to_char(m, 'YYYYMM') || '-{column[0]}' || {holder}",
                "period": "m",
                column: holder,
                "issued_on": "m",
                "due_on": "m + interval '1 month'",
                "total": "100 + " + holder + " %% 400",
                "paid": "CASE WHEN m < date %(first)s + interval '20 month' THEN 100 + " + holder + " %% 400 "
                "ELSE 0 END",
                "status": "CASE WHEN m < date %(first)s + interval '20 month' THEN 'paid' ELSE 'unpaid' END",
            },
            f"FROM {source} CROSS JOIN generate_series(date %(first)s, date %(first)s + (%(months)s - 1) "
            f"* interval '1 month', interval '1 month') m WHERE {holder.split('.')[0]}.project_id = %(p)s",
            p,
        )


def fill_orm(project, n: int, months: int) -> None:
    """The same rows for a few units through the ORM (a SQLite smoke run)."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from jiayuan.billing.models import Bill
    from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Party, Unit

    building = Building.objects.create(project=project, code="1", sort_order=1, name="1号楼")
    for g in range(1, n + 1):
        unit = Unit.objects.create(
            project=project, building=building, room=f"{g:04d}", building_area=60 + g, state="occupied"
        )
        party = Party.objects.create(project=project, name=f"住户{unit.pk}-0", phone=f"139{g:08d}")
        Occupancy.objects.create(project=project, unit=unit, party=party, is_primary=True)
        if g % 3 == 0:  # a few portal logins, and parties left for the bench's owners
            party.user = get_user_model().objects.create(username=f"bsc-{party.pk}")
            party.save(update_fields=["user"])
        space = (
            ParkingSpace.objects.create(project=project, code=f"P{unit.pk}", holder=party)
            if g % 3 == 0
            else None
        )
        for m in range(months):
            period = date(2028 + m // 12, m % 12 + 1, 1)
            for holder in (unit, space):
                if holder is not None:
                    Bill.objects.create(
                        project=project,
                        number=f"{period:%Y%m}-{holder.pk}-{holder is space}",
                        period=period,
                        unit=unit if holder is unit else None,
                        space=space if holder is space else None,
                        issued_on=period,
                        due_on=period,
                        total=100,
                    )


def people(company, projects):
    """The four readers (made once): finance, admin, owner, finance-owner."""
    from django.contrib.auth import get_user_model

    from jiayuan.estate.models import Occupancy, ParkingSpace, Party
    from jiayuan.org.models import Membership

    User = get_user_model()
    p1, p2 = projects[0], projects[1 % len(projects)]
    made = {}
    for name, memberships in (
        ("finance", [(p1, "finance")]),
        ("admin", [(None, "company_admin")]),
        ("owner", []),
        ("finance-owner", [(p2, "finance")]),
    ):
        username = f"{company.code}-{name}"
        user, created = User.objects.get_or_create(username=username)
        made[name] = user
        if not created:
            continue
        for project, role in memberships:
            Membership.objects.create(user=user, company=company, project=project, role=role)
        if name.endswith("owner"):
            # two units' party and a space's holder in project 1 (owner), one unit's (finance-owner)
            taken = Party.objects.filter(project=p1, user__isnull=True, occupancies__ended_on__isnull=True)
            for party in taken.order_by("-id")[: 2 if name == "owner" else 1]:
                party.user = user
                party.save(update_fields=["user"])
            space = ParkingSpace.objects.filter(project=p1, holder__user__isnull=True).order_by("-id").first()
            if name == "owner" and space is not None:
                space.holder = Party.objects.filter(user=user).first()
                space.save(update_fields=["holder"])
            assert Occupancy.objects.filter(party__user=user, ended_on__isnull=True).exists()
    return made


def run(mode: _kit.Mode) -> None:
    from django.db import connection, transaction
    from django.test import Client

    from jiayuan.billing import selectors
    from jiayuan.billing.models import Bill
    from jiayuan.estate.models import Occupancy, ParkingSpace
    from jiayuan.org.models import Company, Project

    n_projects, units, months = mode.size(PROJECTS, 2), mode.size(UNITS, 6), mode.size(MONTHS, 2)
    repeat = mode.size(REPEAT, 1)
    code = f"BSC{time.time_ns() % 10**8:x}" if mode.smoke else CODE  # a smoke run fills a company of its own
    with transaction.atomic():  # all or nothing: a failed fill leaves nothing to drop
        company, created = Company.objects.get_or_create(code=code, defaults={"name": "基准公司（范围）"})
        if created:
            mode.say(f"creating {n_projects} projects of {units:,} units, {months} months of bills …")
            start = time.perf_counter()
            for i in range(1, n_projects + 1):
                project = Project.objects.create(company=company, code=f"{code}{i}", name=f"范围{i}号项目")
                if mode.skip("filling by generate_series", "filled through the ORM instead"):
                    fill_orm(project, units, months)
                else:
                    with connection.cursor() as cur:
                        fill_project(cur, project.pk, units, months)
            mode.result("fill", f"  filled in {time.perf_counter() - start:.1f} s")
        projects = list(Project.objects.filter(company=company).order_by("id"))
        readers = people(company, projects)
    if len(projects) != n_projects:
        sys.exit(f"company {code} exists with another project count; drop the jiayuan_bench database")
    if mode.postgres:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # fresh planner statistics after a bulk load, as autovacuum would give
    bills = Bill.objects.filter(project__company=company).count()
    mode.say(
        f"{n_projects} projects, {bills:,} bills" + ("" if mode.smoke else f"; median of {repeat} runs\n")
    )

    def raw_condition(name, user) -> tuple[str, list]:
        """The readable bills of ``user`` as hand-written SQL: the staff projects, or the owner's own units
        and spaces, looked up first (what an index-friendly scope filter amounts to)."""
        ids = [p.pk for p in projects] if name == "admin" else []
        if name.startswith("finance"):
            ids = [projects[0 if name == "finance" else 1 % len(projects)].pk]
        unit_ids = list(
            Occupancy.objects.filter(party__user=user, ended_on__isnull=True).values_list(
                "unit_id", flat=True
            )
        )
        space_ids = list(ParkingSpace.objects.filter(holder__user=user).values_list("id", flat=True))
        parts = [
            (f"b.{column} IN ({', '.join(['%s'] * len(values))})", values)
            for column, values in (("project_id", ids), ("unit_id", unit_ids), ("space_id", space_ids))
            if values
        ]
        return " OR ".join(sql for sql, _ in parts) or "false", [v for _, values in parts for v in values]

    def raw(name, user):
        where, params = raw_condition(name, user)

        def go():
            with connection.cursor() as cur:
                cur.execute(f"SELECT count(*) FROM billing_bill b WHERE {where}", params)  # noqa: S608
                cur.fetchall()
                cur.execute(
                    "SELECT b.*, p.*, u.*, s.* FROM billing_bill b JOIN org_project p ON p.id = b.project_id "
                    "LEFT JOIN estate_unit u ON u.id = b.unit_id LEFT JOIN estate_parkingspace s ON s.id = b.space_id "
                    f"WHERE {where} ORDER BY b.period DESC, b.number LIMIT 50",  # noqa: S608
                    params,
                )
                return cur.fetchall()

        return go

    def ours(user):
        def go():
            qs = selectors.bills_for(user)
            qs.count()
            return list(qs[:50])

        return go

    def get(client, url):
        def go():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return go

    if not mode.smoke:
        mode.say(f"{'reader':14} {'selector ms':>12} {'raw SQL ms':>11} {'ratio':>6}   {'HTTP':24} {'ms':>8}")
    for name, user in readers.items():
        client = Client()
        client.force_login(user)
        url = "/h5/pay/" if name == "owner" else "/api/v1/bills?limit=50"
        assert ours(user)() is not None
        a, b = mode.timed(ours(user), repeat), mode.timed(raw(name, user), repeat)
        http = mode.timed(get(client, url), repeat)
        mode.result(name, f"{name:14} {a:12.2f} {b:11.2f} {a / b:5.1f}×   GET {url:20} {http:8.2f}")
        if name == "finance-owner":
            # and the same person's own bills on the portal
            mode.result(
                f"{name} portal",
                f"{'':14} {'':12} {'':11} {'':6}   GET {'/h5/pay/':20} "
                f"{mode.timed(get(client, '/h5/pay/'), repeat):8.2f}",
            )


if __name__ == "__main__":
    sys.exit(_kit.main(run, __doc__))
