"""Benchmark: a monthly billing run against raw ``INSERT … SELECT`` of the same rows, and payment intake.

Run with ``make bench`` (not part of CI). PostgreSQL only (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1). Creates a bench project with ``BENCH_UNITS`` units (default
1,000,000) by ``generate_series`` once, then in the same run:

1. bills one month through ``billing_run_start`` (bills, lines, one balanced journal entry per bill);
2. writes the same rows for the next month with hand-written ``INSERT … SELECT`` statements;
3. prints both times and the ratio (goal ≤ 2×); ``BENCH_ROUNDS`` (default 1) repeats 1–2 interleaved,
   alternating which goes first, and prints the median ratio;
4. takes ``BENCH_PAYMENTS`` payments (default 2,000) through ``payment_take`` from ``BENCH_THREADS``
   threads (default 8) and prints payments per second.

``--smoke`` runs every step (two rounds) once on a fresh project of a few units (bench/_kit.py).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a file: import the bench package from the checkout (and keep bench/ itself off the path).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import _kit  # noqa: E402

UNITS = int(os.environ.get("BENCH_UNITS", "1000000"))
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "2000"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
CODE = "BENCHBILL"


def make_estate(connection, project_id: int, n: int) -> None:
    """``n`` units in buildings of 1,000, by generate_series (seconds, not hours)."""
    from jiayuan.estate.models import Building, Unit

    params = {"p": project_id, "buildings": (n + 999) // 1000, "n": n}
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
            "FROM generate_series(1, %(buildings)s) g",
            params,
        )
        _kit.insert_select(
            cur,
            Unit,
            {
                "project_id": "%(p)s",
                "building_id": "b.id",
                "entrance": "1 + (g %% 2)",
                "room": "lpad(g::text, 4, '0')",
                "floor": "1 + (g %% 30)",
                "address": "b.code || '-' || (1 + (g %% 2)) || '-' || lpad(g::text, 4, '0')",
                "building_area": "60 + (g %% 90) + 0.37",
                "state": "'occupied'",
                "contract_signed": "true",
            },
            """FROM estate_building b CROSS JOIN generate_series(1, 1000) g
               WHERE b.project_id = %(p)s AND (b.sort_order - 1) * 1000 + g <= %(n)s""",
            params,
        )
        # as autovacuum would (it is off on some test servers): plans for a million units need statistics
        cur.execute("ANALYZE estate_building, estate_unit")


def make_estate_orm(project, n: int) -> None:
    """The same few units through the ORM, where generate_series is not there (a SQLite smoke run)."""
    from jiayuan.estate.models import Building, Unit

    building = Building.objects.create(project=project, code="1", sort_order=1, name="1号楼", floors=30)
    Unit.objects.bulk_create(
        Unit(
            project=project,
            building=building,
            room=f"{g:04d}",
            floor=1 + g % 30,
            address=Unit.make_address("1", 1, f"{g:04d}"),
            building_area=60 + g % 90 + 0.37,
            state=Unit.State.OCCUPIED,
            contract_signed=True,
        )
        for g in range(1, n + 1)
    )


def raw_month(cur, project_id: int, period: date, due: date) -> None:
    """The rows of one billing run, by hand: bills, two lines each, one entry per bill, its journal lines."""
    from jiayuan.billing.models import Bill, BillLine, JournalEntry, JournalLine

    params = {
        "project": project_id,
        "period": period,
        "due": due,
        "ym": f"{period:%Y%m}",
        "ym_dash": f"{period:%Y-%m}",
    }
    area = "f.kind = 'area'"
    statements = [
        (
            Bill,
            {
                "project_id": "u.project_id",
                "number": "'ZD-' || %(ym)s || '-' || u.address",
                "kind": "'periodic'",
                "period": "%(period)s",
                "unit_id": "u.id",
                "issued_on": "%(period)s",
                "due_on": "%(due)s",
                "total": "round(u.building_area * 2.5, 2) + 10",
                "status": "'unpaid'",
            },
            "FROM estate_unit u WHERE u.project_id = %(project)s",
        ),
        (
            BillLine,
            {
                "project_id": "b.project_id",
                "bill_id": "b.id",
                "fee_item_id": "f.id",
                "description": "f.name || ' ' || %(ym_dash)s",
                "quantity": f"CASE WHEN {area} THEN u.building_area ELSE 1 END",
                "unit_price": f"CASE WHEN {area} THEN 2.5 ELSE 10 END",
                "days": "30",
                "amount": f"CASE WHEN {area} THEN round(u.building_area * 2.5, 2) ELSE 10 END",
            },
            """FROM billing_bill b JOIN estate_unit u ON u.id = b.unit_id
               JOIN billing_feeitem f ON f.project_id = b.project_id AND f.kind IN ('area', 'fixed')
               WHERE b.project_id = %(project)s AND b.period = %(period)s""",
        ),
        (
            JournalEntry,
            {
                "project_id": "b.project_id",
                "number": "b.number",
                "date": "b.issued_on",
                "memo": "'出账 ' || b.number",
                "source": "'bill'",
                "source_id": "b.id",
                "created_at": "now()",
            },
            "FROM billing_bill b WHERE b.project_id = %(project)s AND b.period = %(period)s",
        ),
        (  # Dr receivable per bill
            JournalLine,
            {
                "project_id": "e.project_id",
                "entry_id": "e.id",
                "account_id": "a.id",
                "debit": "b.total",
                "unit_id": "b.unit_id",
            },
            """FROM billing_journalentry e JOIN billing_bill b ON b.id = e.source_id
               JOIN billing_account a ON a.project_id = e.project_id AND a.code = '1122'
               WHERE e.project_id = %(project)s AND e.source = 'bill' AND b.period = %(period)s""",
        ),
        (  # Cr income per line
            JournalLine,
            {
                "project_id": "e.project_id",
                "entry_id": "e.id",
                "account_id": "a.id",
                "credit": "l.amount",
                "unit_id": "b.unit_id",
            },
            """FROM billing_journalentry e JOIN billing_bill b ON b.id = e.source_id
               JOIN billing_billline l ON l.bill_id = b.id JOIN billing_feeitem f ON f.id = l.fee_item_id
               JOIN billing_account a ON a.project_id = e.project_id AND a.code = '6001.' || f.code
               WHERE e.project_id = %(project)s AND e.source = 'bill' AND b.period = %(period)s""",
        ),
    ]
    for model, chosen, rest in statements:
        _kit.insert_select(cur, model, chosen, rest, params)
        # the next statement joins the rows just written: give the planner their real size
        cur.execute("ANALYZE billing_bill, billing_billline, billing_journalentry")


def run(mode: _kit.Mode) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, connections, transaction
    from django.db.models import Max

    from jiayuan.billing import services
    from jiayuan.billing.models import Bill, BillingRun
    from jiayuan.billing.pricing import next_month
    from jiayuan.estate.models import Unit
    from jiayuan.org.models import Company, Project

    units_wanted = mode.size(UNITS, 6)
    payments, rounds = mode.size(PAYMENTS, 4), mode.size(ROUNDS, 2)
    threads = mode.size(THREADS, 2 if mode.postgres else 1)
    if mode.smoke and not mode.postgres:
        mode.say(
            "smoke: one payment thread on SQLite (the in-memory test database takes one writer at a time)"
        )
    code = f"BBS{time.time_ns() % 10**8:x}" if mode.smoke else CODE  # a smoke run bills a project of its own
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    company, _ = Company.objects.get_or_create(code="bench", defaults={"name": "基准公司"})
    with transaction.atomic():  # all or nothing: a failed fill leaves nothing to drop
        project, created = Project.objects.get_or_create(
            code=code, defaults={"company": company, "name": "基准小区"}
        )
        if created:
            mode.say(f"creating {units_wanted:,} units …")
            if mode.skip("creating the units by generate_series", "made through the ORM instead"):
                make_estate_orm(project, units_wanted)
            else:
                make_estate(connection, project.pk, units_wanted)
            mgmt = services.fee_item_create(
                project.pk, actor=admin, code="WYF", name="物业管理费", kind="area"
            )
            services.price_version_add(mgmt, actor=admin, valid_from=date(2020, 1, 1), unit_price="2.5")
            rubbish = services.fee_item_create(
                project.pk, actor=admin, code="LJF", name="垃圾清运费", kind="fixed"
            )
            services.price_version_add(rubbish, actor=admin, valid_from=date(2020, 1, 1), unit_price="10")
    if Unit.objects.filter(project=project).count() != units_wanted:
        sys.exit(f"project {code} exists with another unit count; drop the jiayuan_bench database")

    def periods() -> tuple[date, date]:
        """The two months after the last one billed (from January 2030)."""
        last = BillingRun.objects.filter(project=project).aggregate(m=Max("period"))["m"]
        ours_period = next_month(last) if last else date(2030, 1, 1)
        return ours_period, next_month(ours_period)

    def time_ours(period: date) -> float:
        start = time.perf_counter()
        run = services.billing_run_start(project.pk, period, actor=admin)
        took = time.perf_counter() - start
        assert run.bills_created == units_wanted, run.bills_created
        return took

    def time_raw(period: date) -> float:
        if mode.skip("the raw INSERT … SELECT month", "now() and ::casts"):
            BillingRun.objects.create(
                project=project, period=period, status="done", bills_created=units_wanted
            )
            return 1.0
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            raw_month(cur, project.pk, period, next_month(period))
        took = time.perf_counter() - start
        assert Bill.objects.filter(project=project, period=period).count() == units_wanted
        BillingRun.objects.create(project=project, period=period, status="done", bills_created=units_wanted)
        return took

    ratios = []
    for i in range(rounds):
        ours_period, raw_period = periods()
        # interleaved, alternating which goes first: the tables grow as rounds go on
        if i % 2 == 0:
            ours, raw = time_ours(ours_period), time_raw(raw_period)
        else:
            raw, ours = time_raw(raw_period), time_ours(ours_period)
        ratios.append(ours / raw)
        mode.result(
            f"monthly run round {i + 1}",
            f"monthly run, {units_wanted:,} units (round {i + 1}/{rounds}): ours {ours:8.1f} s   "
            f"raw INSERT … SELECT {raw:8.1f} s   ratio {ours / raw:4.2f}×",
        )
    if rounds > 1:
        mode.result(
            "median ratio",
            f"monthly run, {units_wanted:,} units: median ratio {statistics.median(ratios):4.2f}× (goal ≤ 2×)",
        )

    tag = f"{periods()[0]:%Y%m}"
    units = list(Unit.objects.filter(project=project).order_by("pk").values_list("pk", flat=True)[:payments])

    def pay(i: int):
        try:
            _payment, created = services.payment_take(
                services.Holder(project.pk, unit_id=units[i % len(units)]),
                actor=admin,
                channel="pos",
                amount="100.00",
                idempotency_key=f"bench-{code}-{tag}-{i}",
            )
            assert created, i
        finally:
            connections.close_all()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(pay, range(payments)))
    took = time.perf_counter() - start
    mode.result(
        "payment intake",
        f"payment intake: {payments:,} payments from {threads} threads in {took:6.1f} s = {payments / took:7.1f}/s",
    )


if __name__ == "__main__":
    sys.exit(_kit.main(run, __doc__))
