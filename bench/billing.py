"""Benchmark: a monthly billing run against raw ``INSERT … SELECT`` of the same rows, and payment intake.

Run with ``make bench`` (not part of CI). PostgreSQL only (``BENCH_DATABASE_URL``, default a
``jiayuan_bench`` database on 127.0.0.1). Creates a bench project with ``BENCH_UNITS`` units (default
1,000,000) by ``generate_series`` once, then in the same run:

1. bills one month through ``billing_run_start`` (bills, lines, one balanced journal entry per bill);
2. writes the same rows for the next month with hand-written ``INSERT … SELECT`` statements;
3. prints both times, the rows each wrote per second and the ratio (goal ≤ 2×), and where the raw
   statements' time goes (each statement, and the commit, where the deferred checks run);
   ``BENCH_ROUNDS`` (default 1) repeats 1–2 interleaved, alternating which goes first, and prints the
   median ratio;
4. copies the rows of the last raw month (bills, lines, entries, journal lines) with ``COPY … FROM STDIN``
   into empty copies of the four tables — with their indexes, without foreign keys or triggers, and again
   without indexes — and prints rows per second: the floor a month's rows cost to write;
5. takes ``BENCH_PAYMENTS`` payments (default 2,000) through ``payment_take`` from ``BENCH_THREADS``
   threads (default 8) and prints payments per second;
6. the trial balance as the books grow: a project of its own gets, month after month up to the current
   one, a bill entry (Dr 1122, Cr two incomes) and a payment entry (Dr bank, Cr 1122) for each of
   ``BENCH_TB_HOLDERS`` holders (default 5,000: 25,000 journal lines a month), posted through
   ``ledger.post_rows``; at ``BENCH_TB_MONTHS`` months (default 12,24,48) it prints the first read and
   the median of ``BENCH_REPEAT`` reads (default 7) of ``ledger.trial_balance``.

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
TB_HOLDERS = int(os.environ.get("BENCH_TB_HOLDERS", "5000"))
TB_MONTHS = [int(m) for m in os.environ.get("BENCH_TB_MONTHS", "12,24,48").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
CODE = "BENCHBILL"
TB_CODE = "BENCHTB"


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


AREA_AMOUNT = "round(u.building_area * 2.5, 2)"


def raw_month(
    cur, project_id: int, period: date, due: date, *, run: int, user: int
) -> list[tuple[str, float]]:
    """The rows of one billing run, by hand: bills, two lines each, one entry per bill, its journal lines
    (Dr 1122 the total, Cr 6001.<item> each line's amount), with the run and the user on them as the run
    writes them. Each statement reads only the month's rows: the
    month's bills by their period, its entries by their date (bills are issued, and their entries dated, on
    the 1st); the journal lines are priced from the units like the bill lines, not read back from them.
    Returns the seconds each statement took (with the ANALYZE of the table a later statement reads)."""
    from jiayuan.billing.models import Bill, BillLine, JournalEntry, JournalLine

    params = {
        "project": project_id,
        "run": run,
        "user": user,
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
                "run_id": "%(run)s",
                "unit_id": "u.id",
                "issued_on": "%(period)s",
                "due_on": "%(due)s",
                "total": f"{AREA_AMOUNT} + 10",
                "status": "'unpaid'",
            },
            "FROM estate_unit u WHERE u.project_id = %(project)s",
            "billing_bill",
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
                "amount": f"CASE WHEN {area} THEN {AREA_AMOUNT} ELSE 10 END",
            },
            """FROM billing_bill b JOIN estate_unit u ON u.id = b.unit_id
               JOIN billing_feeitem f ON f.project_id = b.project_id AND f.kind IN ('area', 'fixed')
               WHERE b.project_id = %(project)s AND b.period = %(period)s""",
            None,
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
                "created_by_id": "%(user)s",
                "created_at": "now()",
            },
            "FROM billing_bill b WHERE b.project_id = %(project)s AND b.period = %(period)s",
            "billing_journalentry",
        ),
        (  # Dr receivable and Cr income per fee item, of the month's entries only (by their date)
            JournalLine,
            {
                "project_id": "e.project_id",
                "entry_id": "e.id",
                "account_id": "k.account_id",
                "debit": "CASE WHEN k.kind = 'receivable' THEN b.total ELSE 0 END",
                "credit": f"CASE k.kind WHEN 'area' THEN {AREA_AMOUNT} WHEN 'fixed' THEN 10 ELSE 0 END",
                "unit_id": "b.unit_id",
            },
            """FROM billing_journalentry e JOIN billing_bill b ON b.id = e.source_id
               JOIN estate_unit u ON u.id = b.unit_id
               CROSS JOIN (
                   SELECT a.id AS account_id, 'receivable' AS kind FROM billing_account a
                    WHERE a.project_id = %(project)s AND a.code = '1122'
                   UNION ALL
                   SELECT a.id, f.kind FROM billing_feeitem f
                     JOIN billing_account a ON a.project_id = f.project_id AND a.code = '6001.' || f.code
                    WHERE f.project_id = %(project)s AND f.kind IN ('area', 'fixed')
               ) k
               WHERE e.project_id = %(project)s AND e.source = 'bill' AND e.date = %(period)s
                 AND b.project_id = %(project)s AND b.period = %(period)s""",
            None,
        ),
    ]
    took = []
    for (model, chosen, rest, analyze), what in zip(statements, STATEMENT_NAMES, strict=True):
        start = time.perf_counter()
        _kit.insert_select(cur, model, chosen, rest, params)
        if analyze:  # a later statement reads the rows just written: give the planner their real size
            cur.execute(f"ANALYZE {analyze}")
        took.append((what, time.perf_counter() - start))
    return took


STATEMENT_NAMES = ("bills", "bill lines", "entries", "journal lines")


def month_rows(project_id: int, period: date) -> int:
    """The rows a month's run writes: its bills and their lines, one entry per bill, and a journal line per
    bill (Dr) and per bill line (Cr)."""
    from jiayuan.billing.models import Bill, BillLine

    bills = Bill.objects.filter(project_id=project_id, period=period).count()
    lines = BillLine.objects.filter(bill__project_id=project_id, bill__period=period).count()
    return bills + lines + bills + (bills + lines)


COPIED = (  # table, the SELECT of the month's rows (params: project, period)
    ("billing_bill", "SELECT b.* FROM billing_bill b WHERE b.project_id = %(p)s AND b.period = %(m)s"),
    (
        "billing_billline",
        "SELECT l.* FROM billing_billline l JOIN billing_bill b ON b.id = l.bill_id "
        "WHERE b.project_id = %(p)s AND b.period = %(m)s",
    ),
    (
        "billing_journalentry",
        "SELECT e.* FROM billing_journalentry e JOIN billing_bill b ON b.id = e.source_id "
        "WHERE e.source = 'bill' AND b.project_id = %(p)s AND b.period = %(m)s",
    ),
    (
        "billing_journalline",
        "SELECT j.* FROM billing_journalline j JOIN billing_journalentry e ON e.id = j.entry_id "
        "JOIN billing_bill b ON b.id = e.source_id "
        "WHERE e.source = 'bill' AND b.project_id = %(p)s AND b.period = %(m)s",
    ),
)


def copy_floor(connection, project_id: int, period: date) -> tuple[int, float, float]:
    """Rows of the month and the seconds to ``COPY`` them (one transaction, committed) into empty copies of
    the four tables — first with their indexes and check constraints, then bare. The copies are dropped."""
    from django.db import transaction

    data = {}
    with connection.cursor() as cur:
        for table, select in COPIED:
            sql = cur.mogrify(select, {"p": project_id, "m": period})
            with cur.cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
                data[table] = b"".join(bytes(chunk) for chunk in copy)
    rows = sum(chunk.count(b"\n") for chunk in data.values())
    took = []
    for like in ("INCLUDING ALL", "INCLUDING DEFAULTS"):
        with connection.cursor() as cur:
            for table, _ in COPIED:
                cur.execute(f"DROP TABLE IF EXISTS bench_copy_{table}")
                cur.execute(f"CREATE TABLE bench_copy_{table} (LIKE {table} {like})")
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            for table, _ in COPIED:
                with cur.cursor.copy(f"COPY bench_copy_{table} FROM STDIN") as copy:
                    copy.write(data[table])
        took.append(time.perf_counter() - start)
        with connection.cursor() as cur:
            for table, _ in COPIED:
                cur.execute(f"DROP TABLE bench_copy_{table}")
    return rows, took[0], took[1]


def month_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def tb_month(project_id: int, month: date, holders: int, chart) -> int:
    """One month of books for ``holders`` holders, through ``ledger.post_rows``: a bill entry on the 1st (Dr
    1122, Cr two incomes) and a payment entry on the 15th (Dr bank, Cr 1122). Returns the lines posted."""
    from decimal import Decimal

    from jiayuan.billing import ledger

    receivable = chart.get(ledger.RECEIVABLE).pk
    bank = chart.get(ledger.CHANNEL_ACCOUNTS["bank"][0]).pk
    income = [
        chart.get(f"{ledger.INCOME}.{code}", name, "income").pk
        for code, name in (("WYF", "主营业务收入-物业管理费"), ("LJF", "主营业务收入-垃圾清运费"))
    ]
    zero, ym = Decimal("0.00"), f"{month:%Y%m}"
    paid_on = month.replace(day=15)
    entries = []
    for h in range(holders):
        fee = Decimal(150 + h % 90) + Decimal("0.37")
        entries.append(
            (
                f"TB-{ym}-{h}",
                month,
                "出账",
                "bill",
                None,
                [(receivable, fee + 10, zero, None, None), (income[0], zero, fee, None, None)]
                + [(income[1], zero, Decimal(10), None, None)],
            )
        )
        entries.append(
            (
                f"TS-{ym}-{h}",
                paid_on,
                "收款",
                "payment",
                None,
                [(bank, fee + 10, zero, None, None), (receivable, zero, fee + 10, None, None)],
            )
        )
    ledger.post_rows(project_id, entries)
    return holders * 5


def trial_balance_growth(mode: _kit.Mode, company) -> None:
    """The trial balance read as the books grow month by month up to the current month."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jiayuan.billing import ledger
    from jiayuan.billing.models import JournalLine
    from jiayuan.org.models import Project

    holders = mode.size(TB_HOLDERS, 2)
    checkpoints = [1, 2] if mode.smoke else TB_MONTHS
    repeat = mode.size(REPEAT, 1)
    code = f"BTB{time.time_ns() % 10**8:x}" if mode.smoke else f"{TB_CODE}{holders}"
    this_month = timezone.localdate().replace(day=1)
    project, _ = Project.objects.get_or_create(code=code, defaults={"company": company, "name": "基准账簿"})
    chart = ledger.Chart(project.pk)
    days = JournalLine.objects.filter(project=project).values_list("entry__date", flat=True).distinct()
    filled = {day.replace(day=1) for day in days}
    done = 0
    for n in checkpoints:
        for i in range(done, n):
            # the current (open) month first, then the past ones oldest first: each checkpoint reads the
            # open month and n - 1 months before it
            month = this_month if i == 0 else month_back(this_month, checkpoints[-1] - i)
            if month not in filled:
                with transaction.atomic():
                    tb_month(project.pk, month, holders, chart)
                filled.add(month)
        done = n
        if mode.postgres:
            with connection.cursor() as cur:
                cur.execute("ANALYZE billing_journalline, billing_journalentry")
        lines = JournalLine.objects.filter(project=project).count()
        start = time.perf_counter()
        rows = ledger.trial_balance(project.pk)
        first_read = (time.perf_counter() - start) * 1000
        assert sum(r["balance"] for r in rows) == 0, rows
        median = mode.timed(lambda: ledger.trial_balance(project.pk), repeat)
        mode.result(
            f"trial balance at {n} months",
            f"trial balance, {n:3d} months, {lines:>10,} journal lines: first read {first_read:8.1f} ms   "
            f"median of {repeat} {median:8.1f} ms",
        )


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

    raw_steps: list[tuple[str, float]] = []

    def time_raw(period: date) -> float:
        if mode.skip("the raw INSERT … SELECT month", "now() and ::casts"):
            BillingRun.objects.create(
                project=project, period=period, status="done", bills_created=units_wanted
            )
            return 1.0
        with transaction.atomic():
            run = BillingRun.objects.create(
                project=project, period=period, status="done", bills_created=units_wanted, started_by=admin
            )
            start = time.perf_counter()
            with connection.cursor() as cur:
                steps = raw_month(cur, project.pk, period, next_month(period), run=run.pk, user=admin.pk)
            written = time.perf_counter()
        took = time.perf_counter() - start
        raw_steps[:] = [*steps, ("commit (deferred checks)", start + took - written)]
        assert Bill.objects.filter(project=project, period=period).count() == units_wanted
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
        rows = month_rows(project.pk, ours_period)
        mode.result(
            f"monthly run round {i + 1}",
            f"monthly run, {units_wanted:,} units (round {i + 1}/{rounds}): ours {ours:8.1f} s "
            f"({rows / ours:9,.0f} rows/s)   raw INSERT … SELECT {raw:8.1f} s ({rows / raw:9,.0f} rows/s)   "
            f"ratio {ours / raw:4.2f}×",
        )
        if raw_steps:
            mode.result(
                f"raw statements round {i + 1}",
                "    raw: " + ", ".join(f"{what} {took:.1f} s" for what, took in raw_steps),
            )
    if rounds > 1:
        mode.result(
            "median ratio",
            f"monthly run, {units_wanted:,} units: median ratio {statistics.median(ratios):4.2f}× (goal ≤ 2×)",
        )

    if not mode.skip("COPY of a month's rows", "COPY is PostgreSQL's"):
        last_raw = raw_period  # the last month written by the raw statements
        rows, indexed, bare = copy_floor(connection, project.pk, last_raw)
        mode.result(
            "COPY floor",
            f"COPY of the same {rows:,} rows ({last_raw:%Y-%m}) into empty copies of the tables: "
            f"with their indexes {indexed:6.1f} s ({rows / indexed:9,.0f} rows/s)   "
            f"bare {bare:6.1f} s ({rows / bare:9,.0f} rows/s)",
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
    trial_balance_growth(mode, company)


if __name__ == "__main__":
    sys.exit(_kit.main(run, __doc__))
