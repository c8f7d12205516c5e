"""Excel export of units and their current parties, and the import template (R2.3).

Both write the columns of ``importing.COLUMNS`` on a sheet ``房屋``, so an export re-imports. Exports
hold personal data: they are scoped like every read, audited (``PersonalDataAccess``), and phones and ID
numbers are masked for roles that may not see them in full.
"""

from __future__ import annotations

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jiayuan.core import excel
from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.masking import mask_id, mask_phone
from jiayuan.core.models import PersonalDataAccess
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm
from jiayuan.estate.importing import COLUMNS, MAX_ROWS, SHEET
from jiayuan.estate.importing.rows import RELATION_LABELS, STATE_LABELS, USE_LABELS, YES_NO
from jiayuan.estate.models import Occupancy, Unit
from jiayuan.estate.selectors import current_occupancies, units_for

USE_TEXT = {v: k for k, v in USE_LABELS.items()}
STATE_TEXT = {v: k for k, v in STATE_LABELS.items()}
RELATION_TEXT = {v: k for k, v in RELATION_LABELS.items()}
YES_NO_TEXT = {v: k for k, v in YES_NO.items()}
# Columns Excel must keep as text: leading zeros (0502) and 18-digit ID numbers would be mangled as numbers.
TEXT_KEYS = {"building_code", "room", "phone", "id_number"}
AREA_KEYS = {"building_area", "inner_area"}
EXAMPLE_ROW = (
    "3",
    "3号楼",
    2,
    "1201",
    12,
    89.5,
    72.3,
    "住宅",
    "已入住",
    "是",
    "张伟",
    "13800138000",
    "",
    "业主",
)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
# Data validation ranges reach this row; beyond the import's row limit nothing is read anyway.
VALIDATION_ROWS = MAX_ROWS + 1


# --- which units --------------------------------------------------------------------------------------


def export_rows(units: QuerySet, *, reveal: bool = True) -> list[tuple]:
    """One row per current party of each unit; a unit without parties gets one row with the party blank."""
    units = units.select_related("building").order_by(
        "building__sort_order", "building__code", "entrance", "floor", "room", "id"
    )
    rows: list[tuple] = []
    for unit in units.iterator(chunk_size=2000):
        facts = _unit_cells(unit)
        for occ in unit.current_occupancies or [None]:
            rows.append(facts + _party_cells(occ, reveal))
            if len(rows) > MAX_ROWS:
                raise ValidationFailed(f"导出超过 {MAX_ROWS} 行，请先按楼栋等条件筛选后分批导出")
    return rows


def _unit_cells(unit: Unit) -> tuple:
    return (
        unit.building.code,
        unit.building.name,
        unit.entrance,
        unit.room,
        unit.floor,
        unit.building_area,
        unit.inner_area,
        USE_TEXT.get(unit.use, ""),
        STATE_TEXT.get(unit.state, ""),
        YES_NO_TEXT[bool(unit.contract_signed)],
    )


def _party_cells(occ: Occupancy | None, reveal: bool) -> tuple:
    if occ is None:
        return ("", "", "", "")
    party = occ.party
    phone = party.phone if reveal else mask_phone(party.phone)
    id_number = party.id_number if reveal else mask_id(party.id_number)
    return (party.name, phone, id_number, RELATION_TEXT.get(occ.relation, ""))


def export_estate(project, fileobj, *, actor=None, params=None) -> int:
    """Write the project's units (filtered like the units page, same GET names) to ``fileobj``; return
    the row count. Bad filter values raise ``ValidationFailed``, as on the list.

    With an ``actor`` the read is scoped to what they may see, refused without ``VIEW_ESTATE``, masked
    without ``VIEW_PERSONAL``, and audited. Without one (the operator's command) the whole project is written.
    """
    if actor is None:
        units = Unit.objects.filter(project_id=project.pk).prefetch_related(current_occupancies())
        reveal = True
    else:
        if not has_perm(actor, Perm.VIEW_ESTATE, project.pk):
            raise Forbidden("您没有导出房产的权限")
        # The units list's own selector and FilterSet: the file holds exactly what the list shows.
        units = units_for(actor, project, params or None)
        reveal = has_perm(actor, Perm.VIEW_PERSONAL, project.pk)
    rows = export_rows(units, reveal=reveal)
    write_workbook(fileobj, rows)
    if actor is not None:
        PersonalDataAccess.objects.create(
            actor=actor,
            project_id=project.pk,
            subject=f"房屋导出 {len(rows)} 行",
            field="export",
            purpose="export",
        )
    return len(rows)


# --- writing workbooks --------------------------------------------------------------------------------


def write_workbook(fileobj, rows: list[tuple]) -> None:
    """The export: streamed (write-only) so 50 000 rows stay cheap."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    _set_widths(ws)
    ws.freeze_panes = "A2"
    _add_validations(ws)
    excel.append_row(ws, [_header_cell(ws, c) for c in COLUMNS])
    for row in rows:
        excel.append_row(ws, [_data_cell(ws, c, v) for c, v in zip(COLUMNS, row, strict=True)])
    wb.save(fileobj)


def write_template(fileobj) -> None:
    """The import template: header, one example row, the 说明 sheet, and drop-down lists."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _set_widths(ws)
    ws.freeze_panes = "A2"
    for idx, col in enumerate(COLUMNS, start=1):
        _style_header(excel.put(ws, 1, idx, col.title), col)
        if col.key in TEXT_KEYS:
            # Pre-format the column as text so what clerks type (0502, 330102199001011234) stays as typed.
            for r in range(2, 1002):
                ws.cell(row=r, column=idx).number_format = "@"
    for idx, (col, value) in enumerate(zip(COLUMNS, EXAMPLE_ROW, strict=True), start=1):
        example = excel.put(ws, 2, idx, value)
        if col.key in AREA_KEYS:
            example.number_format = "0.00"
    _add_validations(ws)
    _write_help(wb.create_sheet("说明"))
    wb.save(fileobj)


def _set_widths(ws) -> None:
    for idx, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = col.width + 2


def _style_header(cell, col) -> None:
    cell.font = Font(bold=True, color="C00000" if col.required else "000000")
    cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")


def _header_cell(ws, col):
    header = excel.cell(ws, col.title)
    _style_header(header, col)
    return header


def _data_cell(ws, col, value):
    if value in (None, ""):
        return None
    if col.key in TEXT_KEYS:
        return excel.cell(ws, str(value), number_format="@")
    if col.key in AREA_KEYS:
        return excel.cell(ws, value, number_format="0.00")
    return value


def _add_validations(ws) -> None:
    for idx, col in enumerate(COLUMNS, start=1):
        if not col.choices:
            continue
        letter = get_column_letter(idx)
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(col.choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="输入有误",
            error=f"「{col.header}」只能填写：{'、'.join(col.choices)}",
            promptTitle=col.header,
            prompt=col.help[:255],
        )
        dv.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
        ws.data_validations.append(dv)  # (write-only sheets lack add_data_validation)


HELP_NOTES = (
    "第2行是示例，导入前请改写或删除；每个房屋的每个业主/住户写一行，同一房屋有几人就写几行，房屋信息须一致。",
    "带 * 的列必填。表头和工作表名「房屋」请勿修改；列的顺序可以调整，多余的列会被忽略。",
    "导入只新增不修改：已存在的房屋（楼栋号+单元+房号相同）不会被改动，面积或用途与系统不一致时报错；"
    "重复导入同一文件不会产生重复数据。",
    "同名且同手机号的人视为同一人；没有手机号时，只在同一房屋内按姓名匹配。",
    "先检查全部行：只要有一行有问题，就不导入任何数据，并列出每个问题所在的行和列。",
    f"单个文件不超过 10 MB、{MAX_ROWS} 行；本系统「导出」的文件可直接再次导入。",
)


def _write_help(ws) -> None:
    excel.append_row(ws, ["列名", "是否必填", "说明", "可选值"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for col in COLUMNS:
        excel.append_row(
            ws, [col.header, "必填" if col.required else "选填", col.help, "、".join(col.choices)]
        )
    excel.append_row(ws, [])
    excel.append_row(ws, ["导入规则"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for n, note in enumerate(HELP_NOTES, start=1):
        excel.append_row(ws, [f"{n}.", "", note])
    for letter, width in zip("ABCD", (16, 10, 80, 36), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
