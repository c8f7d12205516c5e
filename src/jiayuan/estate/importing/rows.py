"""The estate workbook format and reading one: columns, cell parsing and the checks of a single row.

Files come from clerks' Excel, WPS and developers' systems, so cells are read forgivingly where the
meaning is certain (``1201`` stored as a number, ``2单元``, ``89.5㎡``, spaces around text) and refused
with a message saying what to write where it is not.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import openpyxl

from jiayuan.core.imports import RowError
from jiayuan.estate.models import Occupancy, Unit

log = logging.getLogger(__name__)

SHEET = "房屋"
MAX_FILE_BYTES = 10 * 1024 * 1024
# An xlsx is a zip: bound what it unpacks to as well, so a small file cannot expand without limit.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 60
# Sheets formatted down to row 1 048 576 are common; this many blank rows in a row end the data.
BLANK_RUN_END = 1000
# Progress is looked at every this many rows (and written to the job only when it moves a step).
TICK_ROWS = 500
MAX_AREA = Decimal("100000")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
CENT = Decimal("0.01")

USE_LABELS = {
    "住宅": Unit.Use.RESIDENTIAL,
    "商铺": Unit.Use.SHOP,
    "办公": Unit.Use.OFFICE,
    "储藏室": Unit.Use.STORAGE,
    "其他": Unit.Use.OTHER,
}
STATE_LABELS = {
    "空置": Unit.State.VACANT,
    "已交付": Unit.State.DELIVERED,
    "已入住": Unit.State.OCCUPIED,
    "装修中": Unit.State.DECORATING,
    "出租": Unit.State.RENTED,
}
RELATION_LABELS = {
    "业主": Occupancy.Relation.OWNER,
    "家庭成员": Occupancy.Relation.FAMILY,
    "住户": Occupancy.Relation.RESIDENT,
    "租户": Occupancy.Relation.TENANT,
}
YES_NO = {"是": True, "否": False}

UnitKey = tuple[str, int, str]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    width: int = 12

    @property
    def title(self) -> str:
        """As written in the header row: required columns carry a ``*``."""
        return f"{self.header}*" if self.required else self.header


COLUMNS: tuple[Column, ...] = (
    Column(
        "building_code",
        "楼栋号",
        True,
        "楼栋编号，如 3、A(不含「-」)；与单元、房号组成房号全称 3-2-1201",
        width=9,
    ),
    Column(
        "building_name", "楼栋名称", False, "新楼栋必填（如 3号楼）；已有楼栋可留空，导入不会修改已有楼栋名称"
    ),
    Column("entrance", "单元", True, "单元号，1–99 的整数（写 2 或 2单元）", width=7),
    Column("room", "房号", True, "如 1201、0502(不含「-」)；请按文本填写以保留开头的 0", width=9),
    Column("floor", "楼层", False, "-5–200 的整数；留空时按房号推算(1201 → 12 层)", width=7),
    Column("building_area", "建筑面积(m²)", True, "大于 0、不超过 100000 的数字，保留两位小数", width=14),
    Column("inner_area", "套内面积(m²)", False, "可留空；不能大于建筑面积", width=14),
    Column("use", "用途", False, "留空为「住宅」", tuple(USE_LABELS), width=9),
    Column("state", "状态", False, "留空为「已交付」", tuple(STATE_LABELS), width=9),
    Column(
        "contract_signed", "已签合同", False, "是否已签物业服务合同；留空为「否」", tuple(YES_NO), width=10
    ),
    Column(
        "party_name",
        "业主姓名",
        True,
        "业主、家庭成员、住户或租户的姓名（或单位名称）；同一房屋有几人就写几行。"
        "只登记房屋、暂无业主时，姓名、手机、证件号、关系四列都留空",
    ),
    Column("phone", "业主手机", False, "11 位大陆手机号；同名且同手机号视为同一人", width=14),
    Column("id_number", "证件号", False, "身份证号等；请按文本填写，否则 Excel 会改掉末几位", width=22),
    Column("relation", "关系", False, "留空为「业主」", tuple(RELATION_LABELS), width=10),
)
HEADERS = {c.key: c.header for c in COLUMNS}


class WorkbookError(Exception):
    """The file as a whole cannot be read as an estate workbook."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedRow:
    line: int
    ok: bool = True
    building_code: str = ""
    building_name: str = ""
    entrance: int = 1
    room: str = ""
    floor: int | None = None
    floor_given: bool = False
    building_area: Decimal | None = None
    inner_area: Decimal | None = None
    use: str | None = None
    state: str | None = None
    contract_signed: bool | None = None
    party_name: str = ""
    phone: str = ""
    id_number: str = ""
    relation: str | None = None

    @property
    def unit_key(self) -> UnitKey:
        return (self.building_code, self.entrance, self.room)


# --- reading the file ---------------------------------------------------------------------------------

NOT_XLSX = "文件不是有效的 Excel(.xlsx)文件。请下载导入模板填写，或在 Excel/WPS 中另存为 .xlsx 后再上传"


def read_sheet(fileobj, tick=None) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    """The header mapping (column key → index) and the non-blank data rows with their Excel row numbers.

    ``tick(done, total)`` follows the reading (the slowest part before the writes) against the row count
    the sheet declares, every ``TICK_ROWS`` rows."""
    _check_size(fileobj)
    try:
        with zipfile.ZipFile(fileobj) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
        fileobj.seek(0)
        if unpacked > MAX_UNPACKED_BYTES:
            raise WorkbookError("文件内容过大，无法导入，请拆分后分批导入")
        wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except WorkbookError:
        raise
    except Exception as exc:  # untrusted upload: any failure to parse means "not an xlsx we can read"
        log.info("estate import: unreadable workbook: %r", exc)
        raise WorkbookError(NOT_XLSX)
    try:
        if SHEET not in wb.sheetnames:
            names = "、".join(wb.sheetnames[:10])
            raise WorkbookError(
                f"找不到工作表「{SHEET}」(文件中的工作表：{names})。请使用导入模板，不要改工作表名"
            )
        return _read_rows(wb[SHEET], tick)
    except WorkbookError:
        raise
    except Exception as exc:
        log.info("estate import: workbook failed while reading: %r", exc)
        raise WorkbookError(NOT_XLSX)
    finally:
        wb.close()


def _check_size(fileobj) -> None:
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    fileobj.seek(0)
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请拆分后分批导入")
    if size == 0:
        raise WorkbookError("文件是空的")


def _read_rows(ws, tick=None) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    rows = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    header = _header(next(rows, ()))
    width = max(header.values()) + 1
    lines: list[tuple[int, tuple]] = []
    blank_run = 0
    # The declared size (the sheet's dimension) may be missing or cover formatted blank rows: an estimate.
    declared = min(ws.max_row or 0, MAX_ROWS + BLANK_RUN_END)
    for line, row in enumerate(rows, start=2):
        if tick is not None and line % TICK_ROWS == 0:
            tick(line, declared)
        values = row[:width]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            blank_run += 1
            if blank_run >= BLANK_RUN_END:
                break
            continue
        blank_run = 0
        if len(lines) >= MAX_ROWS:
            raise WorkbookError(f"数据超过 {MAX_ROWS} 行，未导入。请拆分成多个文件分批导入")
        lines.append((line, values))
    if not lines:
        raise WorkbookError(f"工作表「{SHEET}」中没有数据行（第1行为表头，数据从第2行开始）")
    return header, lines


def normalise_header(value) -> str:
    text = str(value or "").strip().rstrip("*＊").strip()
    text = text.replace("(", "(").replace(")", ")").replace("㎡", "m²").replace("m2", "m²")
    return re.sub(r"\s+", "", text)


def _header(values) -> dict[str, int]:
    by_title: dict[str, int] = {}
    for idx, value in enumerate(values):
        by_title.setdefault(normalise_header(value), idx)
    mapping = {c.key: by_title[c.header] for c in COLUMNS if c.header in by_title}
    missing = [c.header for c in COLUMNS if c.required and c.key not in mapping]
    if missing:
        raise WorkbookError(f"第1行表头缺少必填列：{'、'.join(missing)}。请使用导入模板，不要修改表头")
    return mapping


# --- cells -------------------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, message: str):
        self.message = message


REQUIRED = "必填，不能为空"


def _text(value, max_len: int) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        raise _Bad("不能是日期，请按文本填写")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > max_len:
        raise _Bad(f"不能超过{max_len}个字符")
    return text


def _code(value, max_len: int = 10) -> str:
    text = _text(value, max_len)
    if "-" in text:
        raise _Bad("不能包含「-」（房号全称用「-」分隔楼栋、单元和房号）")
    return text


def _int(value, lo: int, hi: int, suffix: str = "") -> int | None:
    text = _text(value, 20).removesuffix(suffix).strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not lo <= number <= hi:
        raise _Bad(f"必须是{lo}到{hi}之间的整数")
    return number


def _area(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Bad("必须是大于0的数字")
    text = _text(value, 30).removesuffix("m²").removesuffix("㎡").strip()
    try:
        number = Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise _Bad("必须是大于0的数字")
    if number <= 0:
        raise _Bad("必须是大于0的数字")
    if number > MAX_AREA:
        raise _Bad(f"不能超过{MAX_AREA}(请检查单位是否为 m²)")
    return number


def _choice(labels: dict):
    def parse(value):
        if isinstance(value, bool) and labels is YES_NO:
            return value
        text = _text(value, 20)
        if not text:
            return None
        if text not in labels:
            raise _Bad(f"只能填写：{'、'.join(labels)}")
        return labels[text]

    return parse


def _phone(value) -> str:
    text = re.sub(r"[\s\-]", "", _text(value, 30))
    if text.startswith("+86"):
        text = text[3:]
    if text and not PHONE_RE.match(text):
        raise _Bad("手机号格式不正确，应为11位大陆手机号(如 13800138000)")
    return text


def _id_number(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise _Bad("证件号被 Excel 存成了数字，末几位可能已被改掉。请把该列设为文本格式后重新填写")
    return _text(value, 32).upper()


PARSERS = {
    "building_code": _code,
    "building_name": lambda v: _text(v, 40),
    "entrance": lambda v: _int(v, 1, 99, suffix="单元"),
    "room": _code,
    "floor": lambda v: _int(v, -5, 200, suffix="层"),
    "building_area": _area,
    "inner_area": _area,
    "use": _choice(USE_LABELS),
    "state": _choice(STATE_LABELS),
    "contract_signed": _choice(YES_NO),
    "party_name": lambda v: _text(v, 60),
    "phone": _phone,
    "id_number": _id_number,
    "relation": _choice(RELATION_LABELS),
}
_REQUIRED_CELLS = {"building_code", "entrance", "room", "building_area"}


def floor_from_room(room: str) -> int:
    """``1201`` is on floor 12, ``0502`` on 5; rooms that are not plain numbers default to floor 1."""
    if room.isdigit() and len(room) >= 3:
        return int(room[:-2]) or 1
    return 1


def parse_rows(header: dict[str, int], lines, add_error, tick=None) -> list[ParsedRow]:
    parsed = []
    for done, (line, values) in enumerate(lines, start=1):
        parsed.append(_parse(line, values, header, add_error))
        if tick is not None and done % TICK_ROWS == 0:
            tick(done, len(lines))
    return parsed


def _parse(line: int, values: tuple, header: dict[str, int], add_error) -> ParsedRow:
    row = ParsedRow(line=line)
    failed: set[str] = set()

    def bad(key: str, message: str) -> None:
        row.ok = False
        failed.add(key)
        add_error(RowError(line, HEADERS[key], message))

    for key, parse in PARSERS.items():
        idx = header.get(key)
        raw = values[idx] if idx is not None and idx < len(values) else None
        try:
            value = parse(raw)
        except _Bad as exc:
            bad(key, exc.message)
            continue
        if key in _REQUIRED_CELLS and value in (None, ""):
            bad(key, REQUIRED)
            continue
        if value is not None:
            setattr(row, key, value)
    row.floor_given = row.floor is not None
    if row.floor is None:
        row.floor = floor_from_room(row.room)
    if row.inner_area and row.building_area and row.inner_area > row.building_area:
        bad("inner_area", "套内面积不能大于建筑面积")
    if not row.party_name and "party_name" not in failed and (row.phone or row.id_number or row.relation):
        bad("party_name", "必填，不能为空（本行填写了手机、证件号或关系）")
    return row
