"""What the benches share: their database, Django, timing, and the smoke mode that keeps them working.

Each bench runs in one of two modes:

- full (``make bench``): PostgreSQL only; its large data is made once in ``BENCH_DATABASE_URL`` (default a
  ``jiayuan_bench`` database on 127.0.0.1) and the figures are printed;
- smoke (``--smoke``; tests/test_bench_smoke.py runs it in ``make test`` on the test database): tiny sizes,
  every step run once, no figure printed as a result, any failure raised. On SQLite a PostgreSQL-only
  statement is skipped with a one-line reason. From the command line it uses ``<BENCH_DATABASE_URL>_smoke``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiayuan_bench")


@dataclass
class Mode:
    """How a bench runs: ``smoke`` picks the tiny sizes; ``say`` prints (the test captures it)."""

    smoke: bool = False
    say: Callable[[str], None] = print

    def size(self, full: int, smoke: int) -> int:
        return smoke if self.smoke else full

    @property
    def postgres(self) -> bool:
        from django.db import connection

        return connection.vendor == "postgresql"

    def result(self, label: str, line: str) -> None:
        """A figure in a full run; in smoke mode only that the step ran (its timing means nothing)."""
        self.say(f"smoke: {label}: ran" if self.smoke else line)

    def skip(self, what: str, reason: str) -> bool:
        """True (and one line saying why) when ``what`` cannot run here: PostgreSQL-only, in a SQLite smoke."""
        if self.postgres:
            return False
        if not self.smoke:
            sys.exit(f"{what} needs PostgreSQL (BENCH_DATABASE_URL)")
        self.say(f"smoke: skipped on SQLite: {what} ({reason})")
        return True

    def timed(self, fn: Callable[[], object], repeat: int) -> float:
        """Median milliseconds of ``repeat`` runs after one warm-up (one run, no warm-up, when smoking)."""
        if self.smoke:
            fn()
            return 1.0
        fn()
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - start)
        return statistics.median(runs) * 1000


def insert_select(cursor, model, chosen: dict[str, str], rest: str, params: dict) -> None:
    """``INSERT INTO <model's table> (every column) SELECT <chosen SQL or the model default> <rest>``: the
    columns a bench does not choose get their model default, so that a column added later with a default needs
    no change in the bench (one without a default fails the smoke test)."""
    params = dict(params)
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in chosen:
            continue
        columns.append(field.column)
        if field.column in chosen:
            values.append(chosen[field.column])
        else:
            params[f"default_{field.column}"] = field.get_db_prep_save(field.get_default(), cursor.db)
            values.append(f"%(default_{field.column})s")
    unknown = set(chosen) - set(columns)
    assert not unknown, f"{model._meta.db_table} has no column {', '.join(sorted(unknown))}"
    # Table and column names come from the model; every value is SQL written here or a parameter.
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {rest}",  # noqa: S608
        params,
    )


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(run: Callable[[Mode], object], doc: str | None, argv: list[str] | None = None) -> int:
    """The command line of a bench: ``--smoke`` or the full run, on its PostgreSQL database (migrated)."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, every step once, no figures; exits non-zero on failure (make test runs it too)",
    )
    args = parser.parse_args(argv)
    url = f"{URL}_smoke" if args.smoke else URL
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiayuan.settings_test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("the benches need PostgreSQL (BENCH_DATABASE_URL)")
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)
    run(Mode(smoke=args.smoke))
    if args.smoke:
        print("smoke: ok")
    return 0
