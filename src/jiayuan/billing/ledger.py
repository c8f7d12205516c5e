"""The double-entry ledger: the chart of accounts and the one door through which entries are posted.

``post()`` refuses an entry whose debits and credits differ, or that has a negative or two-sided line,
before anything is written; the database refuses a two-sided or negative line on its own
(``journal_line_one_side``), and on PostgreSQL a deferred constraint trigger refuses a transaction that
leaves any entry unbalanced. ``post_many()`` is the same for a batch in bulk SQL, and ``post_rows()`` for
plain rows without model instances (a billing run, COPY on PostgreSQL).

Closed months (结账, docs/billing.md): every month before the current one is closed on the first read of
the trial balance in a new month (or by ``jiayuan close_ledger``): its per-account sums are stored in
``PeriodBalance`` once, so the trial balance adds those and the lines of the open months only. Posting an
entry dated in a closed month reopens the books from that month in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, Round, TruncMonth
from django.utils import timezone

from jiayuan.billing.models import (
    ZERO,
    Account,
    Channel,
    JournalEntry,
    JournalLine,
    LedgerClose,
    PeriodBalance,
)
from jiayuan.billing.pricing import month_start, next_month
from jiayuan.core.errors import ValidationFailed
from jiayuan.org.models import Project

RECEIVABLE = "1122"
PREPAID = "2203"
DEPOSITS = "2241"
INCOME = "6001"
EXPENSE = "6601"
CHANNEL_ACCOUNTS = {
    Channel.CASH: ("1001", "库存现金"),
    Channel.BANK: ("1002.01", "银行存款-转账"),
    Channel.POS: ("1002.02", "银行存款-POS"),
    Channel.ONLINE: ("1012.01", "其他货币资金-在线支付"),
}
FIXED_ACCOUNTS = {
    RECEIVABLE: ("应收账款-业户", Account.Kind.ASSET),
    PREPAID: ("预收账款-预存款", Account.Kind.LIABILITY),
    DEPOSITS: ("其他应付款-押金", Account.Kind.LIABILITY),
    **{code: (name, Account.Kind.ASSET) for code, name in CHANNEL_ACCOUNTS.values()},
}


def income_code(fee_item) -> str:
    return f"{INCOME}.{fee_item.code}"


@dataclass(frozen=True)
class Line:
    """A line to post: ``account`` is an Account or an account code (resolved in the entry's project)."""

    account: Account | str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    unit_id: int | None = None
    space_id: int | None = None


def Dr(account, amount, **holder) -> Line:  # noqa: N802 - reads as the bookkeeper writes it
    return Line(account, debit=Decimal(amount), **holder)


def Cr(account, amount, **holder) -> Line:  # noqa: N802
    return Line(account, credit=Decimal(amount), **holder)


def check_balanced(lines: Sequence[Line]) -> None:
    if not lines:
        raise ValidationFailed("凭证没有分录")
    for line in lines:
        if line.debit < 0 or line.credit < 0 or (line.debit > 0) == (line.credit > 0):
            raise ValidationFailed("每条分录只能有借方或贷方一个正数金额")
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if debit != credit:
        raise ValidationFailed(f"借贷不平衡：借方 {debit}，贷方 {credit}")


class Chart:
    """The accounts of one project, created on first use and cached for a batch."""

    def __init__(self, project_id: int):
        self.project_id = project_id
        self._by_code = {a.code: a for a in Account.objects.filter(project_id=project_id)}

    def get(self, code: str, name: str = "", kind: str = "") -> Account:
        account = self._by_code.get(code)
        if account is None:
            if not name:
                name, kind = FIXED_ACCOUNTS.get(code, ("", ""))
            if not name:
                raise ValidationFailed(f"科目 {code} 不存在")
            account, _ = Account.objects.get_or_create(
                project_id=self.project_id, code=code, defaults={"name": name, "kind": kind}
            )
            self._by_code[code] = account
        return account

    def income(self, fee_item) -> Account:
        return self.get(income_code(fee_item), f"主营业务收入-{fee_item.name}", Account.Kind.INCOME)

    def channel(self, channel: str) -> Account:
        return self.get(CHANNEL_ACCOUNTS[channel][0])

    def resolve(self, account: Account | str) -> Account:
        return account if isinstance(account, Account) else self.get(account)


@dataclass
class Draft:
    """An entry not yet posted (for ``post_many``)."""

    number: str
    on: date
    memo: str
    source: str
    source_id: int | None
    lines: list[Line]
    entry: JournalEntry | None = None


def post(
    project_id: int,
    *,
    number: str,
    on: date,
    memo: str,
    source: str,
    source_id: int | None = None,
    lines: Sequence[Line],
    actor=None,
    chart: Chart | None = None,
) -> JournalEntry:
    """Post one balanced entry; raises ValidationFailed (nothing written) when it does not balance."""
    draft = Draft(number, on, memo, source, source_id, list(lines))
    return post_many(project_id, [draft], actor=actor, chart=chart)[0]


def post_many(project_id: int, drafts: Sequence[Draft], *, actor=None, chart: Chart | None = None):
    """Post many entries in two bulk INSERTs (entries, then lines). All are checked first."""
    for draft in drafts:
        check_balanced(draft.lines)
    if not drafts:
        return []
    chart = chart or Chart(project_id)
    with transaction.atomic(savepoint=False):
        return _post_many(project_id, drafts, actor, chart)


def _post_many(project_id: int, drafts: Sequence[Draft], actor, chart: Chart) -> list[JournalEntry]:
    reopen_from(project_id, min(d.on for d in drafts))
    entries = JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                project_id=project_id,
                number=d.number,
                date=d.on,
                memo=d.memo[:120],
                source=d.source,
                source_id=d.source_id,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            for d in drafts
        ]
    )
    rows = []
    for draft, entry in zip(drafts, entries, strict=True):
        draft.entry = entry
        for line in draft.lines:
            rows.append(
                (
                    project_id,
                    entry.pk,
                    chart.resolve(line.account).pk,
                    line.debit,
                    line.credit,
                    line.unit_id,
                    line.space_id,
                )
            )
    insert_rows(JournalLine, LINE_COLUMNS, rows)
    return entries


def insert_rows(model, fields: Sequence[str], rows: Sequence[tuple], *, batch: int = 2000) -> None:
    """INSERT plain tuples of DB-ready values (ids, Decimals, strings) in batches, without building model
    instances: the billing run writes millions of lines, and Django's per-field preparation costs more
    than the database does. On PostgreSQL one ``COPY … FROM STDIN`` (the fastest way in), elsewhere
    ``executemany``. Only for append-only rows with no history and no ``save()`` logic."""
    if not rows:
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the raw psycopg cursor: wrapped so a violation is Django's IntegrityError, as with execute()
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        # identifiers come from model meta (quoted); every value is a parameter
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys, so parent and child rows can be written together by ``insert_rows``
    without reading ids back. PostgreSQL: from the table's sequence. SQLite: above the highest id ever
    given (``AUTOINCREMENT``), which is safe inside a transaction because SQLite has one writer and this
    project opens its transactions ``IMMEDIATE`` (the write lock is held from BEGIN)."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids needs a transaction on SQLite")
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT max(coalesce((SELECT max({connection.ops.quote_name(pk)}) FROM {quoted}), 0), "  # noqa: S608
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


ENTRY_COLUMNS = ("id", "project", "number", "date", "memo", "source", "source_id", "created_by", "created_at")
LINE_COLUMNS = ("project", "entry", "account", "debit", "credit", "unit", "space")
RowLine = tuple  # (account id, debit, credit, unit id | None, space id | None)


def post_rows(project_id: int, entries: Sequence[tuple], *, actor=None) -> list[int]:
    """Post many entries given as plain rows, for bulk writers (a billing run posts one per bill):
    ``(number, on, memo, source, source_id, [(account_id, debit, credit, unit_id, space_id), …])``.
    Checked like ``post_many`` (nothing written if any entry is unbalanced or has a bad line), then written
    with two ``insert_rows`` and no model instances. Returns the new entry ids, in order."""
    for *_, lines in entries:
        if not lines:
            raise ValidationFailed("凭证没有分录")
        debit = credit = ZERO
        for _, dr, cr, _, _ in lines:
            if dr < 0 or cr < 0 or (dr > 0) == (cr > 0):
                raise ValidationFailed("每条分录只能有借方或贷方一个正数金额")
            debit += dr
            credit += cr
        if debit != credit:
            raise ValidationFailed(f"借贷不平衡：借方 {debit}，贷方 {credit}")
    if not entries:
        return []
    with transaction.atomic(savepoint=False):
        return _post_rows(project_id, entries, actor)


def _post_rows(project_id: int, entries: Sequence[tuple], actor) -> list[int]:
    # the dates come as the database takes them (ISO text on SQLite)
    reopen_from(project_id, min(date.fromisoformat(str(entry[1])) for entry in entries))
    ids = reserve_ids(JournalEntry, len(entries))
    by = actor.pk if getattr(actor, "pk", None) else None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    insert_rows(
        JournalEntry,
        ENTRY_COLUMNS,
        [
            (eid, project_id, number, on, memo[:120], source, source_id, by, now)
            for eid, (number, on, memo, source, source_id, _) in zip(ids, entries, strict=True)
        ],
    )
    insert_rows(
        JournalLine,
        LINE_COLUMNS,
        [(project_id, eid, *line) for eid, entry in zip(ids, entries, strict=True) for line in entry[5]],
    )
    return ids


_SUM = {"output_field": DecimalField(max_digits=16, decimal_places=2)}


def _sum(field: str):
    return Coalesce(Sum(field), Value(ZERO), **_SUM)


def _q(value) -> Decimal:
    """Sums come back as floats from SQLite: back to exact fen (every stored amount has two places)."""
    return Decimal(str(value)).quantize(ZERO)


def holder_q(*, unit_id: int | None = None, space_id: int | None = None) -> Q:
    return Q(unit_id=unit_id) if unit_id is not None else Q(space_id=space_id, unit__isnull=True)


def receivable_of(project_id: int, **holder) -> Decimal:
    """What the holder owes on the books (debit balance of 应收账款)."""
    agg = JournalLine.objects.filter(
        holder_q(**holder), project_id=project_id, account__code=RECEIVABLE
    ).aggregate(d=_sum("debit"), c=_sum("credit"))
    return _q(agg["d"]) - _q(agg["c"])


def prepaid_of(project_id: int, **holder) -> Decimal:
    """The holder's prepaid balance (credit balance of 预收账款)."""
    agg = JournalLine.objects.filter(
        holder_q(**holder), project_id=project_id, account__code=PREPAID
    ).aggregate(d=_sum("debit"), c=_sum("credit"))
    return _q(agg["c"]) - _q(agg["d"])


def prepaid_by_unit(project_id: int, unit_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Positive prepaid balances per unit of a project, in one grouped query."""
    return _prepaid_by(project_id, "unit_id", unit_ids)


def prepaid_by_space(project_id: int, space_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Positive prepaid balances per parking space of a project (lines held by the space alone, as
    ``holder_q`` reads them), in one grouped query."""
    return _prepaid_by(project_id, "space_id", space_ids, unit__isnull=True)


def _prepaid_by(project_id: int, field: str, ids: Iterable[int] | None, **extra) -> dict[int, Decimal]:
    qs = JournalLine.objects.filter(
        project_id=project_id, account__code=PREPAID, **{f"{field}__isnull": False}, **extra
    )
    if ids is not None:
        qs = qs.filter(**{f"{field}__in": list(ids)})
    rows = qs.values(field).annotate(bal=_sum("credit") - _sum("debit")).filter(bal__gt=Decimal("0.005"))
    return {r[field]: _q(r["bal"]) for r in rows}


# --- closed months and the trial balance ----------------------------------------------------------------

# PostgreSQL advisory lock of a project's books (class, project): posting holds it shared until commit,
# closing holds it alone, so months are never closed while an entry that could fall in them is uncommitted.
# SQLite needs none: one writer at a time, transactions opened IMMEDIATE.
_BOOKS_LOCK = 7301


def _lock_books(project_id: int, *, alone: bool) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        fn = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
        cursor.execute(f"SELECT {fn}(%s, %s)", [_BOOKS_LOCK, project_id % 2**31])


def reopen_from(project_id: int, day: date) -> None:
    """Before posting entries dated ``day`` or later (in the posting's transaction): when ``day`` falls in a
    closed month, reopen the books from that month — its stored balances and those after it are dropped and
    the next read closes them again. Entries are never edited, so this is the only way a closed month's
    sums can change. One UPDATE that matches nothing in the usual case (an entry dated in an open month)."""
    _lock_books(project_id, alone=False)
    month = month_start(day)
    if LedgerClose.objects.filter(project_id=project_id, open_from__gt=month).update(open_from=month):
        PeriodBalance.objects.filter(project_id=project_id, month__gte=month).delete()


def _open_from(project_id: int) -> date | None:
    return LedgerClose.objects.filter(project_id=project_id).values_list("open_from", flat=True).first()


def close_months(project_id: int, *, today: date | None = None) -> date | None:
    """Close every month of a project before the month of ``today`` (default: the local date) that is not
    closed yet: one grouped query over the lines of those months stores their per-account sums. Idempotent
    (a second call finds nothing to close). Returns the first month still open (None: no lines yet)."""
    target = month_start(today or timezone.localdate())
    current = _open_from(project_id)
    if current is not None and current >= target:
        return current
    with transaction.atomic():
        _lock_books(project_id, alone=True)  # waits for the postings in flight
        current = _open_from(project_id)
        if current is not None and current >= target:
            return current
        lines = JournalLine.objects.filter(project_id=project_id, entry__date__lt=target)
        if current is not None:
            lines = lines.filter(entry__date__gte=current)
        sums = (
            lines.annotate(month=TruncMonth("entry__date"))
            .values("account_id", "month")
            .annotate(debit=_sum("debit"), credit=_sum("credit"))
            .order_by()
        )
        PeriodBalance.objects.bulk_create(
            [
                PeriodBalance(
                    project_id=project_id,
                    account_id=row["account_id"],
                    month=row["month"],
                    debit=_q(row["debit"]),
                    credit=_q(row["credit"]),
                )
                for row in sums
            ],
            batch_size=1000,
        )
        LedgerClose.objects.update_or_create(project_id=project_id, defaults={"open_from": target})
    return target


def close_all(*, today: date | None = None) -> int:
    """``close_months`` for every project (``jiayuan close_ledger``, the hourly task). Returns the number of
    projects."""
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for project_id in project_ids:
        close_months(project_id, today=today)
    return len(project_ids)


def _cut(open_from: date | None, until: date | None) -> date:
    """The first month summed from the journal: the first open month, or the month of ``until`` when it
    ends inside a closed month (the month after it when ``until`` is its last day)."""
    cut = open_from or date.min
    if until is not None:
        last_day = (until + timedelta(days=1)).day == 1
        cut = min(cut, next_month(until) if last_day else month_start(until))
    return cut


def _sums(project_id: int, cut: date, until: date | None) -> tuple[dict[int, list], date | None]:
    """Per account ``[debit, credit]``: the stored months before ``cut`` plus the lines dated ``cut`` (up
    to ``until``) or later, and the first open month as seen by the same statement (one snapshot)."""
    ops = connection.ops
    params = [
        project_id,
        project_id,
        ops.adapt_datefield_value(cut),
        project_id,
        ops.adapt_datefield_value(cut),
    ]
    until_sql = ""
    if until is not None:
        until_sql = "AND e.date <= %s"
        params.append(ops.adapt_datefield_value(until))
    # Tables and columns are the models'; every value is a parameter. The first open month comes first: its
    # row gives the UNION its column types.
    sql = f"""
        SELECT NULL, NULL, NULL, open_from FROM {LedgerClose._meta.db_table} WHERE project_id = %s
        UNION ALL
        SELECT account_id, sum(debit), sum(credit), NULL FROM {PeriodBalance._meta.db_table}
         WHERE project_id = %s AND month < %s GROUP BY account_id
        UNION ALL
        SELECT l.account_id, sum(l.debit), sum(l.credit), NULL
          FROM {JournalLine._meta.db_table} l JOIN {JournalEntry._meta.db_table} e ON e.id = l.entry_id
         WHERE l.project_id = %s AND e.date >= %s {until_sql} GROUP BY l.account_id
    """  # noqa: S608
    totals: dict[int, list] = {}
    seen = None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for account_id, debit, credit, open_from in cursor.fetchall():
            if account_id is None:
                seen = open_from if isinstance(open_from, date) else date.fromisoformat(str(open_from))
                continue
            pair = totals.setdefault(account_id, [ZERO, ZERO])
            pair[0] += _q(debit)
            pair[1] += _q(credit)
    return totals, seen


def trial_balance(project_id: int, *, until: date | None = None) -> list[dict]:
    """Per account: total debits, total credits and the balance (debit − credit), in code order — of the
    entries dated ``until`` or earlier when given. Closes the months not closed yet (``close_months``),
    then adds their stored sums to the lines of the open months."""
    open_from = close_months(project_id)
    for _attempt in range(3):
        totals, seen = _sums(project_id, _cut(open_from, until), until)
        if seen == open_from:
            break
        # closed or reopened between the two reads: again with what the sums' own snapshot saw
        open_from = seen
    else:  # the books kept moving: every line, as before there were closed months
        totals, _ = _sums(project_id, date.min, until)
    accounts = Account.objects.filter(pk__in=list(totals)).values_list("pk", "code", "name", "kind")
    rows = []
    for pk, code, name, kind in sorted(accounts, key=lambda a: a[1]):
        debit, credit = totals[pk]
        rows.append(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "debit": debit,
                "credit": credit,
                "balance": debit - credit,
            }
        )
    return rows


def unbalanced_entries(project_id: int | None = None):
    """Ids of entries whose lines do not balance (should always be empty)."""
    qs = JournalLine.objects.all()
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    # Rounded in SQL: SQLite sums decimals as floats, so 10.00 + 2.16 may not equal 12.16 exactly there.
    return list(
        qs.values("entry_id")
        .annotate(diff=Round(Sum("debit") - Sum("credit"), 2))
        .exclude(diff=0)
        .values_list("entry_id", flat=True)
    )
