"""Journal exports: Beancount text (checked by ``bean-check``) and an Excel journal, per project."""

from __future__ import annotations

import io
import re
from datetime import date

from django.utils import timezone
from openpyxl import Workbook

from jiayuan.billing.models import Account, JournalLine
from jiayuan.core.excel import append_row

ROOTS = {
    Account.Kind.ASSET: "Assets",
    Account.Kind.LIABILITY: "Liabilities",
    Account.Kind.INCOME: "Income",
    Account.Kind.EXPENSE: "Expenses",
}


# A code of letters and digits in dot-separated groups maps to a name without "--" and back.
PLAIN_CODE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")


def beancount_account(account: Account) -> str:
    """``1002.01`` (asset) → ``Assets:A1002-01``: Beancount components start with a capital or digit
    and hold only letters, digits and ``-``, so the dots of a plain code become ``-``.

    Any other code (``6001.DUP_1``, ``6001.DUP-1``, one in Chinese) would lose characters, and two
    accounts could share a name that bean-check then refuses: it gets its id after ``--``
    (``Income:A6001-DUP-1--17``). Names stay unique whatever the codes: a plain code's name never holds
    ``--``; any other ends in ``--`` and the account's id, so two of them differ at least there."""
    if PLAIN_CODE.fullmatch(account.code):
        return f"{ROOTS[account.kind]}:A{account.code.replace('.', '-')}"
    code = re.sub(r"[^A-Za-z0-9]", "-", account.code).strip("-")
    return f"{ROOTS[account.kind]}:A{code}--{account.pk}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', "'").replace("\n", " ") + '"'


def _lines(project_id: int, until: date | None):
    qs = JournalLine.objects.filter(project_id=project_id).select_related("entry", "unit", "space")
    if until is not None:
        qs = qs.filter(entry__date__lte=until)
    return qs.order_by("entry__date", "entry_id", "id")


def journal_beancount(project_id: int, *, until: date | None = None) -> str:
    accounts = {a.pk: a for a in Account.objects.filter(project_id=project_id)}
    lines = list(_lines(project_id, until))
    first = lines[0].entry.date if lines else timezone.localdate()
    out = ['option "operating_currency" "CNY"', ""]
    for account in sorted(accounts.values(), key=lambda a: a.code):
        out.append(f"{first:%Y-%m-%d} open {beancount_account(account)} CNY")
        out.append(f"  name: {_quote(account.name)}")
    out.append("")
    entry = None
    for line in lines:
        if line.entry_id != getattr(entry, "pk", None):
            entry = line.entry
            out.append("")
            out.append(f"{entry.date:%Y-%m-%d} * {_quote(entry.memo)}")
            out.append(f"  number: {_quote(entry.number)}")
            out.append(f"  source: {_quote(entry.source)}")
        amount = line.debit - line.credit
        posting = f"  {beancount_account(accounts[line.account_id])}  {amount:.2f} CNY"
        out.append(posting)
        holder = line.unit.address if line.unit_id else (line.space.code if line.space_id else "")
        if holder:
            out.append(f"    holder: {_quote(holder)}")
    return "\n".join(out) + "\n"


def journal_xlsx(project_id: int, *, until: date | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "凭证"
    append_row(ws, ["日期", "凭证号", "摘要", "科目代码", "科目名称", "借方", "贷方", "房号/车位"])
    for line in _lines(project_id, until).select_related("account"):
        holder = line.unit.address if line.unit_id else (line.space.code if line.space_id else "")
        append_row(
            ws,
            [
                line.entry.date,
                line.entry.number,
                line.entry.memo,
                line.account.code,
                line.account.name,
                line.debit,
                line.credit,
                holder,
            ],
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["beancount_account", "journal_beancount", "journal_xlsx"]
