"""Excel cells written through ``core.excel``: user text stays text (no formula injection), numbers and
dates keep their type, and no exporter writes cells around the helper."""

from __future__ import annotations

import ast
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from jiayuan.core import excel

SRC = Path(excel.__file__).resolve().parents[1]
EVIL = '=HYPERLINK("http://evil","x")'


def _reread(wb) -> object:
    buf = io.BytesIO()
    wb.save(buf)
    return load_workbook(io.BytesIO(buf.getvalue())).worksheets[-1]


@pytest.mark.parametrize("write_only", [False, True])
@pytest.mark.parametrize("text", [EVIL, "+1+2", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1", "#N/A", "=1"])
def test_text_a_spreadsheet_would_read_as_a_formula_is_written_as_text(text, write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("a") if write_only else wb.active
    excel.append_row(ws, [text, "plain"])
    first, plain = _reread(wb)[1]
    assert (first.value, first.data_type) == (text.replace("\r", "\n"), "s")  # XML reads \r as \n
    assert first.quotePrefix == text.startswith(excel.FORMULA_PREFIXES)
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("plain", "s", False)


def test_put_writes_text_as_text_and_numbers_and_dates_keep_their_type():
    wb = Workbook()
    ws = wb.active
    excel.put(ws, 1, 1, EVIL)
    excel.append_row(ws, [Decimal("2.50"), 3, date(2026, 11, 1), None, "a\x00b\x0bc"])
    ws = _reread(wb)
    assert (ws["A1"].value, ws["A1"].data_type) == (EVIL, "s")
    number, count, day, empty, controls = ws[2]
    assert (number.value, number.data_type, count.value) == (2.5, "n", 3)
    assert day.is_date and day.value.date() == date(2026, 11, 1)
    assert empty.value is None
    assert controls.value == "abc"  # characters an xlsx cannot hold are dropped, not a crash


def test_a_styled_cell_does_not_leak_its_format_onto_the_next_value_of_a_write_only_row():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("a")
    excel.append_row(ws, [excel.cell(ws, "0502", number_format="@"), 12.5])
    text, number = _reread(wb)[1]
    assert (text.value, text.number_format) == ("0502", "@")
    assert (number.value, number.number_format) == (12.5, "General")


# --- tripwire: cells are written through core.excel only ----------------------------------------------


def cell_writes_around_the_helper(source: str) -> list[str]:
    """Calls in ``source`` that put a value into a sheet without ``core.excel``: ``X.append(...)`` on a
    worksheet (a name bound from ``.active`` / ``.create_sheet(...)`` or called ``ws``/``sheet``),
    ``X.cell(..., value=...)``, ``X[...] = ...`` on a worksheet, ``WriteOnlyCell``/``Cell``, ``.value =``."""
    tree = ast.parse(source)
    sheets = {"ws", "sheet", "summary"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            value = node.value.func if isinstance(node.value, ast.Call) else node.value
            if isinstance(value, ast.Attribute) and value.attr in {"active", "create_sheet"}:
                sheets.add(node.targets[0].id)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            receiver = getattr(func, "value", None)
            on_sheet = isinstance(receiver, ast.Name) and receiver.id in sheets
            if (name == "append" and on_sheet) or name in {"WriteOnlyCell", "Cell"}:
                found.append(f"line {node.lineno}: {name}(...)")
            if name == "cell" and (len(node.args) > 2 or any(k.arg == "value" for k in node.keywords)):
                found.append(f"line {node.lineno}: cell(..., value)")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "value":
                    found.append(f"line {node.lineno}: .value =")
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in sheets
                ):
                    found.append(f"line {node.lineno}: sheet[...] =")
    return found


def test_the_tripwire_sees_cells_written_around_the_helper():
    bad = (
        "wb = Workbook()\nbook = wb.active\nbook.append(['=1'])\nws.cell(1, 1, '=1')\n"
        "ws.cell(row=1, column=1, value='=1')\nws['A1'] = '=1'\nc.value = '=1'\nWriteOnlyCell(ws, value='=1')\n"
    )
    assert len(cell_writes_around_the_helper(bad)) == 6
    assert (
        cell_writes_around_the_helper("rows.append(1)\nws.cell(row=1, column=2).number_format = '@'\n") == []
    )


def test_every_workbook_writer_puts_its_cells_through_core_excel():
    offenders = {}
    for path in SRC.rglob("*.py"):
        if path == Path(excel.__file__).resolve():
            continue
        source = path.read_text(encoding="utf-8")
        if "openpyxl" not in source:
            continue
        found = cell_writes_around_the_helper(source)
        if found:
            offenders[str(path.relative_to(SRC))] = found
    assert offenders == {}, "write cells with jiayuan.core.excel (append_row / put / cell)"
