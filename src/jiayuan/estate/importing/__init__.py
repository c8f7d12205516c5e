"""Excel import of buildings, units and parties (R2.3): validate every row, then write all or nothing.

The workbook format (sheet ``房屋``, one row per unit + party, Chinese headers) is defined once here in
``COLUMNS``; the export and the template in ``exporting.py`` write the same columns, so an export
re-imports.

Decisions (docs for operators repeat them in the template's 说明 sheet):

- The import *adds*; it never changes or deletes what is registered. Re-importing an identical row is a
  no-op (idempotent). A row that would change an existing unit's area or use is an error; its state,
  contract status and floor are facts that move on in the system, so older values in a file are ignored.
- A party is reused when the same name + mobile already exists in the project (or earlier in the file).
  Without a mobile, a name is only matched among the current parties of the same unit, because two
  different people called 张伟 without phones must not become one.
- A row whose party columns (姓名， 手机， 证件号， 关系) are all blank registers the unit alone: units without
  an owner exist (and the export writes them that way); a name is required as soon as any of them is filled.
- The first party row of a unit that has no main contact yet becomes its main contact (主联系人).
- Buildings not in the project are created when some row gives their 楼栋名称； floors and entrances
  are taken from the imported units. Existing buildings are never renamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from jiayuan.core.errors import Forbidden
from jiayuan.core.jobs import Progress
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm
from jiayuan.core.timeline import timeline_append
from jiayuan.estate.importing.rows import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    SHEET,
    RowError,
    UnitKey,
    WorkbookError,
    parse_rows,
    read_sheet,
)
from jiayuan.estate.models import Building, Occupancy, Party, Unit
from jiayuan.org.models import Project

__all__ = ["COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS", "SHEET", "ImportReport", "RowError", "import_estate"]

# Beyond this many the page and the command show the count only: the first thousand locate the pattern.
MAX_REPORTED_ERRORS = 1000
HISTORY_REASON = "Excel导入"
# Rows written per bulk insert between two progress ticks (the writes are most of a big import's time).
WRITE_CHUNK = 2000
# The stages of an import on the progress bar (percent): reading the sheet, checking the rows, writing.
READ, PARSE, CHECK = (0, 20), (20, 25), (25, 30)
WRITE = (30, 100)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or after errors, would do)."""

    dry_run: bool = False
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    created: dict[str, int] = field(
        default_factory=lambda: {"buildings": 0, "units": 0, "parties": 0, "occupancies": 0}
    )
    existing: dict[str, int] = field(default_factory=lambda: {"units": 0, "parties": 0, "occupancies": 0})
    units_without_party: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    @property
    def errors_omitted(self) -> int:
        return self.error_count - len(self.errors)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def as_dict(self) -> dict:
        """The report as a job keeps it (JSON) for its page, which shows it like the report itself."""
        return {
            "dry_run": self.dry_run,
            "ok": self.ok,
            "rows": self.rows,
            "errors": [e.as_dict() for e in self.errors],
            "error_count": self.error_count,
            "errors_omitted": self.errors_omitted,
            "created": dict(self.created),
            "created_total": self.created_total,
            "existing": dict(self.existing),
            "units_without_party": self.units_without_party,
        }

    def summary(self) -> str:
        c, e = self.created, self.existing
        verb = "将新建" if self.dry_run else "新建"
        return (
            f"共 {self.rows} 行。{verb}楼栋 {c['buildings']} 栋、房屋 {c['units']} 套、业主住户 {c['parties']} 人、"
            f"房屋关系 {c['occupancies']} 条；已存在（未改动）房屋 {e['units']} 套、住户 {e['parties']} 人、"
            f"房屋关系 {e['occupancies']} 条。"
        )


def import_estate(
    project: Project, fileobj, *, actor=None, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import the workbook ``fileobj`` into ``project``. Nothing is written unless every row is valid.

    ``actor`` is recorded in the audit history and must hold ``IMPORT_ESTATE`` in the project; ``None`` is
    the operator's command run without ``--user``. ``progress`` follows the rows read, checked and written
    (the job page's bar, the command's lines).
    """
    if actor is not None and not has_perm(actor, Perm.IMPORT_ESTATE, project.pk):
        raise Forbidden("您没有该项目的房产导入权限")
    progress = progress or Progress()
    report = ImportReport(dry_run=dry_run)
    try:
        header, lines = read_sheet(fileobj, progress.stage(*READ))
        progress.at(READ[1])
        rows = parse_rows(header, lines, report.add_error, progress.stage(*PARSE))
    except WorkbookError as exc:
        report.add_error(RowError(None, "", exc.message))
        return report
    report.rows = len(rows)
    try:
        with transaction.atomic():
            # Serialise imports into one project (no-op on SQLite, whose writers queue anyway).
            Project.objects.select_for_update().filter(pk=project.pk).first()
            plan = _Plan(project, report)
            plan.check(rows)  # also on rows after bad ones: the report lists every problem at once
            progress.at(CHECK[1])
            if report.ok and not dry_run:
                plan.write(actor, progress.stage(*WRITE))
    except IntegrityError:
        # Someone registered the same building or unit between our check and our write.
        report.add_error(RowError(None, "", "导入期间数据被他人修改，未导入任何数据，请重新导入"))
    # Cell errors come first, cross-row ones after; a clerk fixes the sheet top to bottom.
    report.errors.sort(key=lambda e: e.row or 0)
    return report


class _Plan:
    """Cross-row checks against the file and the database, then the bulk writes."""

    def __init__(self, project: Project, report: ImportReport):
        self.project = project
        self.report = report
        self._load()
        self.new_buildings: dict[str, dict] = {}
        self.new_units: dict[UnitKey, dict] = {}
        self.new_parties: dict[tuple, dict] = {}
        self.new_occupancies: dict[tuple, dict] = {}
        self.units_seen: set[UnitKey] = set()
        self.parties_reused: set[int] = set()
        self.occupancies_seen: set[tuple] = set()
        self.unit_has_party: set[UnitKey] = set()

    def _load(self) -> None:
        """Everything the checks need, in four queries whatever the file size."""
        pid = self.project.pk
        self.buildings = dict(Building.objects.filter(project_id=pid).values_list("code", "id"))
        self.units: dict[UnitKey, dict] = {}
        unit_keys: dict[int, UnitKey] = {}
        for u in Unit.objects.filter(project_id=pid).values(
            "id", "building__code", "entrance", "room", "building_area", "inner_area", "use"
        ):
            key = (u["building__code"], u["entrance"], u["room"])
            self.units[key] = u
            unit_keys[u["id"]] = key
        party_rows = {}
        self.parties_by_phone: dict[tuple, int] = {}
        for p_id, name, phone in (
            Party.objects.filter(project_id=pid).order_by("id").values_list("id", "name", "phone")
        ):
            party_rows[p_id] = (name, phone)
            if phone:
                self.parties_by_phone.setdefault((name, phone), p_id)
        self.parties_by_unit: dict[tuple, int] = {}
        self.occupancies: dict[tuple, str] = {}
        self.units_with_primary: set[UnitKey] = set()
        for unit_id, party_id, relation, primary in Occupancy.objects.filter(
            project_id=pid, ended_on__isnull=True
        ).values_list("unit_id", "party_id", "relation", "is_primary"):
            key = unit_keys.get(unit_id)
            if key is None:
                continue
            name, phone = party_rows.get(party_id, ("", ""))
            if not phone:
                self.parties_by_unit.setdefault((key, name), party_id)
            self.occupancies[(key, party_id)] = relation
            if primary:
                self.units_with_primary.add(key)

    def error(self, row, column: str, message: str) -> None:
        self.report.add_error(RowError(row.line, column, message))

    # --- checks -------------------------------------------------------------------------------------

    def check(self, rows) -> None:
        named = {}
        for row in rows:
            if row.building_name and row.building_code not in named:
                named[row.building_code] = (row.building_name, row.line)
        # Rows with bad cells still name their buildings; only complete rows take part in the rest.
        for row in (r for r in rows if r.ok):
            if self._check_building(row, named):
                self._check_unit(row)
            if row.party_name:
                self._check_party(row)
        self._count()

    def _check_building(self, row, named) -> bool:
        code = row.building_code
        if code in self.buildings:
            return True
        if code not in named:
            self.error(row, "楼栋号", f"楼栋「{code}」不存在，请在「楼栋名称」列填写名称以新建")
            return False
        name, line = named[code]
        if row.building_name and row.building_name != name:
            self.error(row, "楼栋名称", f"楼栋「{code}」在第{line}行的名称为「{name}」，与本行不同")
        b = self.new_buildings.setdefault(code, {"name": name, "floors": 1, "entrances": 1})
        b["floors"] = max(b["floors"], row.floor)
        b["entrances"] = max(b["entrances"], row.entrance)
        return True

    def _check_unit(self, row) -> None:
        key = row.unit_key
        address = Unit.make_address(*key)
        existing = self.units.get(key)
        if existing is not None:
            self.units_seen.add(key)
            self._compare_existing(row, existing, address)
            return
        first = self.new_units.get(key)
        if first is None:
            self.new_units[key] = {"row": row}
            return
        self._compare_in_file(row, first["row"], address)

    def _compare_existing(self, row, existing: dict, address: str) -> None:
        if row.building_area != existing["building_area"]:
            self.error(row, "建筑面积(m²)", f"房屋 {address} 已存在且面积不同")
        if row.inner_area is not None and row.inner_area != existing["inner_area"]:
            self.error(row, "套内面积(m²)", f"房屋 {address} 已存在且套内面积不同")
        if row.use is not None and row.use != existing["use"]:
            label = Unit.Use(existing["use"]).label
            self.error(row, "用途", f"房屋 {address} 已存在且用途不同（系统中为「{label}」）")

    def _compare_in_file(self, row, first, address: str) -> None:
        """The same unit on several rows (several parties): its own facts must agree."""
        checks = [
            ("建筑面积(m²)", "面积", row.building_area, first.building_area),
            ("套内面积(m²)", "套内面积", row.inner_area, first.inner_area),
            # Blank cells on the first row mean the defaults the unit will be created with.
            ("用途", "用途", row.use, first.use or Unit.Use.RESIDENTIAL),
            ("状态", "状态", row.state, first.state or Unit.State.DELIVERED),
            ("已签合同", "签约情况", row.contract_signed, bool(first.contract_signed)),
            ("楼层", "楼层", row.floor if row.floor_given else None, first.floor),
        ]
        for column, what, mine, theirs in checks:
            if mine is not None and mine != theirs:
                self.error(row, column, f"房屋 {address} 与第{first.line}行重复且{what}不同")

    def _check_party(self, row) -> None:
        key = row.unit_key
        if row.phone:
            party_key = ("phone", row.party_name, row.phone)
            party_id = self.parties_by_phone.get((row.party_name, row.phone))
        else:
            party_key = ("unit", row.party_name, key)
            party_id = self.parties_by_unit.get((key, row.party_name))
        self.unit_has_party.add(key)
        if party_id is not None:
            self.parties_reused.add(party_id)
            relation = self.occupancies.get((key, party_id))
            if relation is not None:
                self._same_relation(row, relation, f"「{row.party_name}」与房屋 {Unit.make_address(*key)}")
                self.occupancies_seen.add((key, party_id))
                return
        else:
            self.new_parties.setdefault(party_key, {"row": row})
        occ_key = (key, party_id if party_id is not None else party_key)
        first = self.new_occupancies.get(occ_key)
        if first is not None:
            self._same_relation(row, first["relation"], f"第{first['row'].line}行已登记「{row.party_name}」")
            return
        primary = key not in self.units_with_primary
        if primary:
            self.units_with_primary.add(key)
        self.new_occupancies[occ_key] = {
            "row": row,
            "relation": row.relation or Occupancy.Relation.OWNER,
            "primary": primary,
            "party_id": party_id,
            "party_key": party_key,
        }

    def _same_relation(self, row, relation: str, subject: str) -> None:
        if row.relation is not None and row.relation != relation:
            label = Occupancy.Relation(relation).label
            self.error(row, "关系", f"{subject}的关系已登记为「{label}」，与本行不同")

    def _count(self) -> None:
        r = self.report
        r.created.update(
            buildings=len(self.new_buildings),
            units=len(self.new_units),
            parties=len(self.new_parties),
            occupancies=len(self.new_occupancies),
        )
        r.existing.update(
            units=len(self.units_seen),
            parties=len(self.parties_reused),
            occupancies=len(self.occupancies_seen),
        )
        r.units_without_party = sum(1 for k in self.new_units if k not in self.unit_has_party)

    # --- writes -------------------------------------------------------------------------------------

    def write(self, actor, tick) -> None:
        user = actor if getattr(actor, "pk", None) else None
        pid = self.project.pk
        total = sum(
            len(d) for d in (self.new_buildings, self.new_units, self.new_parties, self.new_occupancies)
        )
        done = 0

        def create(model, objs):
            nonlocal done
            created = []
            for start in range(0, len(objs), WRITE_CHUNK):
                chunk = objs[start : start + WRITE_CHUNK]
                created += bulk_create_with_history(
                    chunk, model, batch_size=500, default_user=user, default_change_reason=HISTORY_REASON
                )
                done += len(chunk)
                tick(done, total)
            return created

        buildings = create(Building, [_building(pid, code, b) for code, b in self.new_buildings.items()])
        building_ids = {**self.buildings, **{b.code: b.pk for b in buildings}}
        units = create(Unit, [_unit(pid, building_ids, u["row"]) for u in self.new_units.values()])
        unit_ids = {key: u["id"] for key, u in self.units.items()}
        unit_ids.update(zip(self.new_units, (u.pk for u in units), strict=True))
        parties = create(Party, [_party(pid, p["row"]) for p in self.new_parties.values()])
        party_ids = dict(zip(self.new_parties, (p.pk for p in parties), strict=True))
        create(Occupancy, [_occupancy(pid, unit_ids, party_ids, o) for o in self.new_occupancies.values()])
        timeline_append(
            self.project,
            actor=actor,
            action="estate_import",
            note=self.report.summary(),
            data={"created": self.report.created, "existing": self.report.existing},
        )


def _building(project_id: int, code: str, b: dict) -> Building:
    return Building(
        project_id=project_id,
        code=code,
        name=b["name"],
        sort_order=int(code) if code.isdigit() else 0,
        floors=max(b["floors"], 1),
        entrances=b["entrances"],
    )


def _unit(project_id: int, building_ids: dict[str, int], row) -> Unit:
    code, entrance, room = row.unit_key
    return Unit(
        project_id=project_id,
        building_id=building_ids[code],
        entrance=entrance,
        room=room,
        floor=row.floor,
        address=Unit.make_address(code, entrance, room),
        building_area=row.building_area,
        inner_area=row.inner_area,
        use=row.use or Unit.Use.RESIDENTIAL,
        state=row.state or Unit.State.DELIVERED,
        contract_signed=bool(row.contract_signed),
    )


def _party(project_id: int, row) -> Party:
    return Party(project_id=project_id, name=row.party_name, phone=row.phone, id_number=row.id_number)


def _occupancy(project_id: int, unit_ids, party_ids, o: dict) -> Occupancy:
    party_id = o["party_id"] if o["party_id"] is not None else party_ids[o["party_key"]]
    return Occupancy(
        project_id=project_id,
        unit_id=unit_ids[o["row"].unit_key],
        party_id=party_id,
        relation=o["relation"],
        is_primary=o["primary"],
    )


def iter_errors(report: ImportReport) -> Iterator[str]:
    """The report's errors as lines (for the command), with a note when some were left out."""
    for error in report.errors:
        yield str(error)
    if report.errors_omitted:
        yield f"……另有 {report.errors_omitted} 个问题未列出"
