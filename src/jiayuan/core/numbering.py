"""Per-project document numbers such as ``BX-202611-0042``: prefix, month, a counter per month."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from jiayuan.core.models import Sequence


def next_number(project_id: int, prefix: str, at: datetime | None = None, *, width: int = 4) -> str:
    """Return the next number for ``prefix`` in the month of ``at`` (Asia/Shanghai). Gap-free per month: the
    counter row is written (and so locked) until the caller's transaction ends, and a rolled-back caller gives
    its number back. Everyone numbering the same month waits for that end: call it as late as possible, with
    the reads already done, just before writing the row that carries the number.

    One statement: the month's first number creates the counter, every later one adds one to it."""
    period = timezone.localtime(at or timezone.now()).strftime("%Y%m")
    q = connection.ops.quote_name
    table, last = q(Sequence._meta.db_table), q("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('project_id')}, {q('prefix')}, {q('period')}, {last}) "  # noqa: S608
            f"VALUES (%s, %s, %s, 1) ON CONFLICT ({q('project_id')}, {q('prefix')}, {q('period')}) "
            f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [project_id, prefix, period],
        )
        (number,) = cursor.fetchone()
    return f"{prefix}-{period}-{number:0{width}d}"
