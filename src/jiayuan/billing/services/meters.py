"""Meters and readings (R7.1 metered items): readings only go up unless the meter was replaced; the usage
since the previous reading (across a replacement) is billed through ``charge_create`` with the metered
fee item's tiers in force on the reading date.

Excel import is all-or-nothing: every row is checked first and any error (with its row and column, in
Chinese) refuses the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from jiayuan.billing.models import FeeItem, Meter, MeterReading, MeterReplacement
from jiayuan.billing.permissions import can_manage_fees, can_read_meters, require
from jiayuan.billing.pricing import month_start, next_month
from jiayuan.billing.services.common import Holder
from jiayuan.billing.services.runs import charge_create
from jiayuan.core.errors import Conflict, DomainError, ValidationFailed
from jiayuan.core.imports import RowError
from jiayuan.core.jobs import Progress
from jiayuan.core.timeline import timeline_append
from jiayuan.estate.models import Unit

MAX_READING = Decimal("9999999999.99")
IMPORT_MAX_ROWS = 5000
IMPORT_HEADERS = ("房号", "表类型", "读数", "抄表日期")


def parse_reading(value, *, field: str = "value") -> Decimal:
    try:
        reading = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed("读数格式不正确", field=field) from None
    if not reading.is_finite() or reading < 0 or reading > MAX_READING:
        raise ValidationFailed("读数必须是 0 至 9999999999.99 之间的数", field=field)
    if reading != reading.quantize(Decimal("0.01")):
        raise ValidationFailed("读数最多两位小数", field=field)
    return reading.quantize(Decimal("0.01"))


def meter_create(unit: Unit, *, actor, kind: str, fee_item: FeeItem, serial: str = "", initial="0", on=None):
    require(can_manage_fees, actor, unit.project_id)
    if kind not in Meter.Kind.values:
        raise ValidationFailed("表类型不正确", field="kind")
    if fee_item.project_id != unit.project_id or fee_item.kind != FeeItem.Kind.METERED:
        raise ValidationFailed("请选择本项目按用量计费的收费项目", field="fee_item")
    initial = parse_reading(initial, field="initial")
    if Meter.objects.filter(unit=unit, kind=kind).exists():
        raise Conflict("该房屋已有此类仪表", field="kind")
    with transaction.atomic():
        meter = Meter.objects.create(
            project_id=unit.project_id,
            unit=unit,
            kind=kind,
            fee_item=fee_item,
            serial=serial[:40],
            initial_reading=initial,
            baseline=initial,
            installed_on=on or timezone.localdate(),
        )
        timeline_append(meter, actor=actor, action="create")
    return meter


def _baseline(meter: Meter) -> tuple[Decimal, Decimal, date | None]:
    """``(value the next reading is compared with, usage carried from a replaced meter, last date)``."""
    return meter.baseline, meter.carried, meter.last_on


def reading_record(
    meter: Meter, *, actor, value, read_on: date | None = None, source: str = MeterReading.Source.DESK
) -> MeterReading:
    """Record a reading; one lower than the previous one is refused unless the meter was replaced."""
    require(can_read_meters, actor, meter.project_id)
    value = parse_reading(value)
    read_on = read_on or timezone.localdate()
    if read_on > timezone.localdate() or read_on < date(2000, 1, 1):
        raise ValidationFailed("抄表日期不能晚于今天", field="read_on")
    with transaction.atomic():
        meter = Meter.objects.select_for_update().get(pk=meter.pk)
        if not meter.active:
            raise Conflict("该仪表已停用")
        base, carried, since = _baseline(meter)
        if since is not None and read_on < since:
            raise ValidationFailed(f"抄表日期早于上次抄表或换表日期（{since:%Y-%m-%d}）", field="read_on")
        if value < base:
            raise ValidationFailed(
                f"读数 {value} 小于上次读数 {base}；如已换表，请先登记换表记录", field="value"
            )
        reading = MeterReading.objects.create(
            project_id=meter.project_id,
            meter=meter,
            read_on=read_on,
            value=value,
            previous=base,
            usage=value - base + carried,
            source=source,
            read_by=actor,
        )
        meter.baseline, meter.carried, meter.last_on = value, Decimal("0.00"), read_on
        meter.save(update_fields=["baseline", "carried", "last_on"])
    return reading


def meter_replace(meter: Meter, *, actor, old_final, new_initial, reason: str, on=None, new_serial=""):
    """Register a replaced meter (换表): the old one's final reading counts; the new one starts over."""
    require(can_read_meters, actor, meter.project_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写换表原因", field="reason")
    old_final = parse_reading(old_final, field="old_final")
    new_initial = parse_reading(new_initial, field="new_initial")
    on = on or timezone.localdate()
    with transaction.atomic():
        meter = Meter.objects.select_for_update().get(pk=meter.pk)
        base, _, since = _baseline(meter)
        if old_final < base:
            raise ValidationFailed(f"旧表止数不能小于上次读数 {base}", field="old_final")
        if since is not None and on < since:
            raise ValidationFailed("换表日期早于上次抄表日期", field="on")
        repl = MeterReplacement.objects.create(
            project_id=meter.project_id,
            meter=meter,
            on=on,
            old_final=old_final,
            new_initial=new_initial,
            new_serial=new_serial[:40],
            reason=reason[:200],
            by=actor,
        )
        meter.carried += old_final - base
        meter.baseline, meter.last_on = new_initial, on
        if new_serial:
            meter.serial = new_serial[:40]
        meter.save(update_fields=["serial", "baseline", "carried", "last_on"])
        timeline_append(
            meter,
            actor=actor,
            action="replace",
            note=reason,
            data={"old_final": str(old_final), "new_initial": str(new_initial)},
        )
    return repl


def readings_bill(project_id: int, period: date, *, actor) -> int:
    """Bill the unbilled readings of ``period`` (by reading date): one metered charge per reading with
    usage, priced by the fee item's tiers in force on the reading date. Returns bills issued."""
    require(can_manage_fees, actor, project_id)
    start = month_start(period)
    pending = (
        MeterReading.objects.select_related("meter__fee_item", "meter__unit")
        .filter(project_id=project_id, bill__isnull=True, usage__gt=0)
        .filter(read_on__gte=start, read_on__lt=next_month(start))
        .order_by("read_on", "id")
    )
    count = 0
    for reading in pending:
        with transaction.atomic():
            fresh = MeterReading.objects.select_for_update().get(pk=reading.pk)
            if fresh.bill_id:
                continue
            meter = reading.meter
            bill = charge_create(
                Holder.of(meter.unit),
                meter.fee_item,
                actor=actor,
                quantity=reading.usage,
                description=(
                    f"{meter.fee_item.name} {reading.previous}→{reading.value}（{reading.read_on:%Y-%m-%d}）"
                ),
                on=reading.read_on,
            )
            fresh.bill = bill
            fresh.save(update_fields=["bill"])
            count += 1
    return count


# --- Excel import -----------------------------------------------------------------------------------

# Beyond this many the job page shows the count only: the first thousand locate the pattern.
MAX_REPORTED_ERRORS = 1000
# The stages of an import on the progress bar (percent): reading and checking the rows, then recording.
CHECK, WRITE = (0, 30), (30, 100)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    existing: int = 0  # rows already recorded (the same reading on the same day): skipped, not repeated
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, message))

    def as_dict(self) -> dict:
        """The result as the import job keeps it for its page."""
        return {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "existing": self.existing,
            "errors": [e.as_dict() for e in self.errors],
            "error_count": self.error_count,
            "errors_omitted": self.error_count - len(self.errors),
        }


class _BadDate(Exception):
    pass


def _cell_date(value) -> date | None:
    """A date cell (Excel's date, or text ``2026-11-19``); blank is None; anything else is refused."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _BadDate from None


def readings_import(
    project_id: int, workbook_file, *, actor, today: date | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import readings from an .xlsx (columns 房号, 表类型, 读数, 抄表日期): all rows or none.

    Every row is checked first; any problem (row, column, Chinese reason) refuses the whole file. A row
    that repeats the meter's last reading (same value, same day) is skipped, so importing a file twice
    records it once. ``progress`` follows the rows checked, then recorded (the job page's bar)."""
    from openpyxl import load_workbook

    require(can_read_meters, actor, project_id)
    today = today or timezone.localdate()
    progress = progress or Progress()
    try:
        wb = load_workbook(workbook_file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the same answer to the user
        raise ValidationFailed("无法读取该文件，请上传 Excel（.xlsx）文件", field="file") from None
    try:
        sheet = wb.worksheets[0]
        declared = sheet.max_row or 0
        rows = sheet.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        missing = [h for h in IMPORT_HEADERS if h not in header]
        if missing:
            raise ValidationFailed(f"第1行表头缺少必填列：{'、'.join(missing)}", field="file")
        col = {h: header.index(h) for h in IMPORT_HEADERS}
        meters = {
            (m.unit.address, m.kind): m
            for m in Meter.objects.select_related("unit").filter(project_id=project_id, active=True)
        }
        result, parsed, seen = ImportResult(), [], {}
        tick = progress.stage(*CHECK)
        for line, row in enumerate(rows, start=2):
            tick(line, declared)
            if row is None or all(c in (None, "") for c in row):
                continue
            result.rows += 1
            if result.rows > IMPORT_MAX_ROWS:
                raise ValidationFailed(
                    f"数据超过 {IMPORT_MAX_ROWS} 行，未导入。请拆分后分批导入", field="file"
                )
            checked = _check_row(
                line, [row[i] if i < len(row) else None for i in col.values()], meters, today
            )
            if isinstance(checked, RowError):
                result.add_error(checked.row, checked.column, checked.message)
                continue
            meter, value, read_on = checked
            if meter.pk in seen:
                result.add_error(line, "房号", f"与第{seen[meter.pk]}行是同一块表")
                continue
            seen[meter.pk] = line
            if value == meter.baseline and read_on == meter.last_on and not meter.carried:
                result.existing += 1  # this very reading is already recorded (the file imported before)
                continue
            parsed.append((line, meter, value, read_on))
    finally:
        wb.close()
    if result.rows == 0:
        raise ValidationFailed("文件中没有数据行（第1行为表头，数据从第2行开始）", field="file")
    if result.ok:
        _record(parsed, result, actor, progress.stage(*WRITE))
    return result


_KINDS = {label: value for value, label in Meter.Kind.choices} | {v: v for v in Meter.Kind.values}


def _check_row(line: int, cells: list, meters: dict, today: date):
    """``(meter, value, read_on)`` of one row, or the ``RowError`` that refuses it."""
    cell = dict(zip(IMPORT_HEADERS, cells, strict=True))
    address = str(cell["房号"] or "").strip()
    kind = _KINDS.get(str(cell["表类型"] or "").strip())
    if kind is None:
        return RowError(line, "表类型", "应为 水表、电表、燃气表 或 热量表")
    meter = meters.get((address, kind))
    if meter is None:
        return RowError(line, "房号", f"房屋 {address or '（空）'} 没有在用的{Meter.Kind(kind).label}")
    try:
        value = parse_reading(cell["读数"])
    except ValidationFailed as exc:
        return RowError(line, "读数", exc.message)
    if value < meter.baseline:
        return RowError(line, "读数", f"{value} 小于上次读数 {meter.baseline}；如已换表，请先登记换表")
    try:
        read_on = _cell_date(cell["抄表日期"]) or today
    except _BadDate:
        return RowError(line, "抄表日期", "日期格式不正确，应为 2026-11-19 这样的日期")
    if read_on > today:
        return RowError(line, "抄表日期", "不能晚于今天")
    return meter, value, read_on


def _record(parsed, result: ImportResult, actor, tick) -> None:
    """Record the checked rows in one transaction; a row the recording refuses rolls back the file."""
    try:
        with transaction.atomic():
            for done, (line, meter, value, read_on) in enumerate(parsed, start=1):
                try:
                    reading_record(meter, actor=actor, value=value, read_on=read_on, source="import")
                except DomainError as exc:
                    column = {"value": "读数", "read_on": "抄表日期"}.get(exc.field or "", "读数")
                    result.add_error(line, column, exc.message)
                tick(done, len(parsed))
            if not result.ok:
                raise _Rollback
            result.created = len(parsed)
    except _Rollback:
        result.created = 0


class _Rollback(Exception):
    pass
