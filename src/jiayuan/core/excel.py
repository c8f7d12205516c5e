"""Cells of the Excel files the system writes: what a user typed stays text, never a formula.

openpyxl turns any string starting with ``=`` into a formula (and ``#N/A`` into an error value), so an
owner's repair description ``=HYPERLINK("http://evil","x")`` would be a live link in the staff ledger.
Every exporter writes its cells through ``append_row`` / ``put`` / ``cell`` here: a string is stored as a
string cell (``data_type`` "s") exactly as typed; one starting with a character a spreadsheet reads as a
formula (``= + - @``, tab, carriage return: OWASP's CSV-injection list) also gets Excel's "quote prefix"
style, so editing the cell in Excel keeps it text, while the clerk sees the text unchanged (no added
apostrophe, and an export still re-imports equal). Numbers, dates and ``None`` keep their type.
Characters an xlsx file cannot hold (C0 controls but tab and line breaks) are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def text(value: str) -> str:
    """``value`` without the characters an xlsx file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _assign(target: Cell, value) -> Cell:
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = text(value)
        target.value = value
        target.data_type = "s"  # openpyxl has just guessed "f" (formula) or "e" (error) from the text
        if value.startswith(FORMULA_PREFIXES):
            target.quotePrefix = True
    else:
        target.value = value
    return target


def cell(ws, value, *, number_format: str | None = None) -> Cell:
    """A detached cell for ``ws.append`` (normal and write-only sheets alike), to style before appending."""
    target = _assign(WriteOnlyCell(ws), value)
    if number_format:
        target.number_format = number_format
    return target


def append_row(ws, values: Iterable) -> None:
    """``ws.append(values)`` with every value written as by ``cell``; ``Cell`` objects pass as they are.

    Every value becomes its own cell: a write-only sheet would otherwise reuse the last styled cell of the
    row for the plain values after it (quote prefix and number format included)."""
    ws.append([v if v is None or isinstance(v, Cell) else cell(ws, v) for v in values])


def put(ws, row: int, column: int, value) -> Cell:
    """``ws.cell(row, column, value)`` for a normal (not write-only) sheet, the value written as by ``cell``."""
    return _assign(ws.cell(row=row, column=column), value)


__all__ = ["FORMULA_PREFIXES", "append_row", "cell", "put", "text"]
