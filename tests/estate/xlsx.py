"""Workbooks built in memory for the import/export tests (R2.3)."""

from __future__ import annotations

import io

import openpyxl

from jiayuan.estate.importing import COLUMNS

HEADER = [c.title for c in COLUMNS]


def row(
    code="5",
    building_name="5号楼",
    entrance=1,
    room="101",
    floor=None,
    area=89.5,
    inner=None,
    use="住宅",
    state="已交付",
    signed="否",
    name="王芳",
    phone="13700137000",
    id_number="",
    relation="业主",
) -> list:
    """One sheet row in column order; keyword names follow the headers."""
    return [
        code,
        building_name,
        entrance,
        room,
        floor,
        area,
        inner,
        use,
        state,
        signed,
        name,
        phone,
        id_number,
        relation,
    ]


def workbook(rows, *, sheet="房屋", header=HEADER, name="房屋.xlsx") -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = name
    return buf


def read_rows(data: bytes, sheet="房屋") -> list[tuple]:
    """The data rows of a workbook as tuples (header excluded), blanks as None."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        width = len(HEADER)
        rows = wb[sheet].iter_rows(min_row=2, max_col=width, values_only=True)
        # Trailing empty cells are not stored; pad so every row has every column.
        return [tuple(r) + (None,) * (width - len(r)) for r in rows]
    finally:
        wb.close()


def read_header(data: bytes, sheet="房屋") -> list:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [c for c in next(wb[sheet].iter_rows(max_row=1, values_only=True))]
    finally:
        wb.close()
