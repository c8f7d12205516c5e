"""Benchmark: a monthly billing run against raw ``INSERT … SELECT`` of the same rows, and payment intake.

Run with ``make bench`` (not part of CI). PostgreSQL only (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1). Creates a bench project with ``BENCH_UNITS`` units (default
1,000,000) by ``generate_series`` once, then in the same run:

1. bills one month through ``billing_run_start`` (bills, lines, one balanced journal entry per bill);
2. writes the same rows for the next month with four hand-written ``INSERT … SELECT`` statements;
3. prints both times and the ratio (goal ≤ 2×); ``BENCH_ROUNDS`` (default 1) repeats 1–2 interleaved,
   alternating which goes first, and prints the median ratio;
4. takes ``BENCH_PAYMENTS`` payments (default 2,000) through ``payment_take`` from ``BENCH_THREADS``
   threads (default 8) and prints payments per second.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiayuan_bench")
UNITS = int(os.environ.get("BENCH_UNITS", "1000000"))
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "2000"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
CODE = "BENCHBILL"


def ensure_database() -> None:
    import psycopg

    base, name = URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def make_estate(connection, project_id: int, n: int) -> None:
    """``n`` units in buildings of 1,000, by generate_series (seconds, not hours)."""
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO estate_building (project_id, code, sort_order, name, kind, floors, entrances, has_lift)
               SELECT %s, g::text, g, g::text || '号楼', 'residential', 30, 2, true
               FROM generate_series(1, %s) g""",
            [project_id, (n + 999) // 1000],
        )
        cur.execute(
            """INSERT INTO estate_unit (project_id, building_id, entrance, room, floor, address, building_area,
                   inner_area, use, state, contract_signed, note)
               SELECT %s, b.id, 1 + (g %% 2), lpad(g::text, 4, '0'), 1 + (g %% 30),
                      b.code || '-' || (1 + (g %% 2)) || '-' || lpad(g::text, 4, '0'),
                      60 + (g %% 90) + 0.37, NULL, 'residential', 'occupied', true, ''
               FROM estate_building b CROSS JOIN generate_series(1, 1000) g
               WHERE b.project_id = %s AND (b.sort_order - 1) * 1000 + g <= %s""",
            [project_id, project_id, n],
        )
        # as autovacuum would (it is off on some test servers): plans for a million units need statistics
        cur.execute("ANALYZE estate_building, estate_unit")


RAW = [
    # bills
    """INSERT INTO billing_bill (project_id, number, kind, period, run_id, unit_id, space_id, payer_name,
           issued_on, due_on, total, credited, paid, status)
       SELECT u.project_id, 'ZD-{ym}-' || u.address, 'periodic', %(period)s, NULL, u.id, NULL, '',
              %(period)s, %(due)s, round(u.building_area * 2.5, 2) + 10, 0, 0, 'unpaid'
       FROM estate_unit u WHERE u.project_id = %(project)s""",
    # two lines per bill
    """INSERT INTO billing_billline (project_id, bill_id, fee_item_id, description, quantity, unit_price, days,
           amount, credited, paid)
       SELECT b.project_id, b.id, f.id, f.name || ' {ym_dash}', CASE WHEN f.kind = 'area' THEN u.building_area ELSE 1 END,
              CASE WHEN f.kind = 'area' THEN 2.5 ELSE 10 END, 30,
              CASE WHEN f.kind = 'area' THEN round(u.building_area * 2.5, 2) ELSE 10 END, 0, 0
       FROM billing_bill b JOIN estate_unit u ON u.id = b.unit_id
       JOIN billing_feeitem f ON f.project_id = b.project_id AND f.kind IN ('area', 'fixed')
       WHERE b.project_id = %(project)s AND b.period = %(period)s""",
    # one entry per bill
    """INSERT INTO billing_journalentry (project_id, number, date, memo, source, source_id, created_by_id, created_at)
       SELECT b.project_id, b.number, b.issued_on, '出账 ' || b.number, 'bill', b.id, NULL, now()
       FROM billing_bill b WHERE b.project_id = %(project)s AND b.period = %(period)s""",
    # Dr receivable, Cr income per line
    """INSERT INTO billing_journalline (project_id, entry_id, account_id, debit, credit, unit_id, space_id)
       SELECT e.project_id, e.id, a.id, b.total, 0, b.unit_id, NULL::bigint
       FROM billing_journalentry e JOIN billing_bill b ON b.id = e.source_id
       JOIN billing_account a ON a.project_id = e.project_id AND a.code = '1122'
       WHERE e.project_id = %(project)s AND e.source = 'bill' AND b.period = %(period)s
       UNION ALL
       SELECT e.project_id, e.id, a.id, 0, l.amount, b.unit_id, NULL::bigint
       FROM billing_journalentry e JOIN billing_bill b ON b.id = e.source_id
       JOIN billing_billline l ON l.bill_id = b.id JOIN billing_feeitem f ON f.id = l.fee_item_id
       JOIN billing_account a ON a.project_id = e.project_id AND a.code = '6001.' || f.code
       WHERE e.project_id = %(project)s AND e.source = 'bill' AND b.period = %(period)s""",
]


def main() -> None:
    ensure_database()
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiayuan.settings_test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.db.models import Max

    from jiayuan.billing import services
    from jiayuan.billing.models import Bill, BillingRun
    from jiayuan.billing.pricing import next_month
    from jiayuan.estate.models import Unit
    from jiayuan.org.models import Company, Project

    if connection.vendor != "postgresql":
        sys.exit("bench/billing.py needs PostgreSQL")
    call_command("migrate", verbosity=0)
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    company, _ = Company.objects.get_or_create(code="bench", defaults={"name": "基准公司"})
    project, created = Project.objects.get_or_create(
        code=CODE, defaults={"company": company, "name": "基准小区"}
    )
    if created or Unit.objects.filter(project=project).count() != UNITS:
        if not created:
            sys.exit(f"project {CODE} exists with another unit count; drop the jiayuan_bench database")
        print(f"creating {UNITS:,} units …", flush=True)
        make_estate(connection, project.pk, UNITS)
        mgmt = services.fee_item_create(project.pk, actor=admin, code="WYF", name="物业管理费", kind="area")
        services.price_version_add(mgmt, actor=admin, valid_from=date(2020, 1, 1), unit_price="2.5")
        rubbish = services.fee_item_create(
            project.pk, actor=admin, code="LJF", name="垃圾清运费", kind="fixed"
        )
        services.price_version_add(rubbish, actor=admin, valid_from=date(2020, 1, 1), unit_price="10")

    def periods() -> tuple[date, date]:
        """The two months after the last one billed (from January 2030)."""
        last = BillingRun.objects.filter(project=project).aggregate(m=Max("period"))["m"]
        ours_period = next_month(last) if last else date(2030, 1, 1)
        return ours_period, next_month(ours_period)

    def time_ours(period: date) -> float:
        start = time.perf_counter()
        run = services.billing_run_start(project.pk, period, actor=admin)
        took = time.perf_counter() - start
        assert run.bills_created == UNITS, run.bills_created
        return took

    def time_raw(period: date) -> float:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            due = next_month(period)
            fmt = {"ym": f"{period:%Y%m}", "ym_dash": f"{period:%Y-%m}"}
            for sql in RAW:
                cur.execute(sql.format(**fmt), {"project": project.pk, "period": period, "due": due})
                # the next statement joins the rows just written: give the planner their real size
                cur.execute("ANALYZE billing_bill, billing_billline, billing_journalentry")
        took = time.perf_counter() - start
        assert Bill.objects.filter(project=project, period=period).count() == UNITS
        BillingRun.objects.create(project=project, period=period, status="done", bills_created=UNITS)
        return took

    ratios = []
    for i in range(ROUNDS):
        ours_period, raw_period = periods()
        # interleaved, alternating which goes first: the tables grow as rounds go on
        if i % 2 == 0:
            ours, raw = time_ours(ours_period), time_raw(raw_period)
        else:
            raw, ours = time_raw(raw_period), time_ours(ours_period)
        ratios.append(ours / raw)
        print(
            f"monthly run, {UNITS:,} units (round {i + 1}/{ROUNDS}): ours {ours:8.1f} s   "
            f"raw INSERT … SELECT {raw:8.1f} s   ratio {ours / raw:4.2f}×",
            flush=True,
        )
    if ROUNDS > 1:
        print(f"monthly run, {UNITS:,} units: median ratio {statistics.median(ratios):4.2f}× (goal ≤ 2×)")

    tag = f"{periods()[0]:%Y%m}"
    units = list(Unit.objects.filter(project=project).order_by("pk").values_list("pk", flat=True)[:PAYMENTS])

    def pay(i: int):
        try:
            services.payment_take(
                services.Holder(project.pk, unit_id=units[i % len(units)]),
                actor=admin,
                channel="pos",
                amount="100.00",
                idempotency_key=f"bench-{tag}-{i}",
            )
        finally:
            connections.close_all()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(pay, range(PAYMENTS)))
    took = time.perf_counter() - start
    print(
        f"payment intake: {PAYMENTS:,} payments from {THREADS} threads in {took:6.1f} s = {PAYMENTS / took:7.1f}/s"
    )


if __name__ == "__main__":
    main()
