"""The default catalogue (``data/catalogue.toml``): read, validate, and load it into the database.

Used by migration 0003 (with the migration's historical models) and by ``jiayuan load_standards`` (with
the real ones), so both take the model classes as arguments. Loading is idempotent and bulk: new codes
get a ``Standard`` and a version-1 company default; existing standards get their names and sources
refreshed; no existing version is ever changed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jiayuan.standards.models import Department, Kind
from jiayuan.standards.values import Values, check_values, to_decimal

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.toml"
# Version 1 of every default is in force since long before any record the system will hold.
DEFAULT_VALID_FROM = datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
SEED_REASON = "随系统发布的默认值（服务标准目录）"

_REQUIRED = ("code", "name", "name_en", "department", "kind", "requirement", "source", "amount")
_OPTIONAL = (
    "see_also",
    "indicator_no",
    "description",
    "unit",
    "period",
    "comparator",
    "window",
    "people",
    "enabled",
)
# Descriptive columns the loader keeps in step with the file; ``kind`` is not among them because the
# versions already stored were validated against the old kind.
METADATA_FIELDS = (
    "name",
    "name_en",
    "department",
    "requirement",
    "see_also",
    "source",
    "indicator_no",
    "description",
    "sort_order",
)
_MAX_LENGTHS = {"code": 60, "name": 100, "name_en": 120, "requirement": 20, "see_also": 60, "source": 120}


class CatalogueError(ValueError):
    """The catalogue file is wrong; the message lists every problem with its code."""


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    name_en: str
    department: str
    kind: str
    requirement: str
    source: str
    values: Values
    see_also: str = ""
    indicator_no: int | None = None
    description: str = ""
    sort_order: int = 0

    def metadata(self) -> dict:
        return {name: getattr(self, name) for name in METADATA_FIELDS}


def read_catalogue(path: Path | None = None) -> list[Entry]:
    """Parse and validate the catalogue; raise ``CatalogueError`` listing every problem."""
    with open(path or CATALOGUE_PATH, "rb") as fh:
        raw = tomllib.load(fh).get("standard", [])
    entries: list[Entry] = []
    problems: list[str] = []
    for index, item in enumerate(raw):
        try:
            entries.append(_entry(item, sort_order=(index + 1) * 10))
        except CatalogueError as exc:
            problems.append(str(exc))
    problems += _duplicates(entries)
    if problems:
        raise CatalogueError("\n".join(problems))
    return entries


def _entry(item: dict, *, sort_order: int) -> Entry:
    code = item.get("code", "?")
    problems = [f"missing {key}" for key in _REQUIRED if key not in item]
    problems += [f"unknown key {key}" for key in item if key not in _REQUIRED + _OPTIONAL]
    if problems:
        raise CatalogueError(f"{code}: {', '.join(problems)}")
    amount = to_decimal(item["amount"])
    if amount is None:
        raise CatalogueError(f"{code}: amount is not a number")
    values = Values(
        amount=amount,
        enabled=bool(item.get("enabled", True)),
        unit=item.get("unit", ""),
        period=item.get("period", ""),
        comparator=item.get("comparator", ""),
        window=item.get("window", ""),
        people=item.get("people"),
    )
    problems = [f"{name}: {message}" for name, message in check_values(item["kind"], values)]
    if item["department"] not in Department.values:
        problems.append(f"department {item['department']!r} is not a Department")
    if not (item.get("people") is None or isinstance(item["people"], int)):
        problems.append("people is not a whole number")
    if item["kind"] not in Kind.values:
        problems.append(f"kind {item['kind']!r} is not a Kind")
    for name, limit in _MAX_LENGTHS.items():
        text = item.get(name, [] if name == "see_also" else "")
        if not isinstance(text, list if name == "see_also" else str):
            problems.append(f"{name} has the wrong type")
        elif len(" ".join(text) if name == "see_also" else text) > limit:
            problems.append(f"{name} longer than {limit}")
    if problems:
        raise CatalogueError(f"{code}: {'; '.join(problems)}")
    return Entry(
        code=code,
        name=item["name"],
        name_en=item["name_en"],
        department=item["department"],
        kind=item["kind"],
        requirement=item["requirement"],
        source=item["source"],
        values=values,
        see_also=" ".join(item.get("see_also", [])),
        indicator_no=item.get("indicator_no"),
        description=item.get("description", ""),
        sort_order=sort_order,
    )


def _duplicates(entries: list[Entry]) -> list[str]:
    problems = []
    seen_codes: set[str] = set()
    seen_numbers: set[int] = set()
    for entry in entries:
        if entry.code in seen_codes:
            problems.append(f"{entry.code}: duplicate code")
        seen_codes.add(entry.code)
        if entry.indicator_no is not None:
            if entry.indicator_no in seen_numbers:
                problems.append(f"{entry.code}: duplicate indicator_no {entry.indicator_no}")
            seen_numbers.add(entry.indicator_no)
    return problems


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    defaults_created: int = 0
    kind_mismatch: list[str] = field(default_factory=list)


def load_catalogue(standard_model, version_model, entries: list[Entry] | None = None) -> LoadResult:
    """Insert new standards with their version-1 default, refresh metadata of existing ones. Bulk: a
    handful of queries whatever the size of the catalogue. Safe to run any number of times."""
    entries = read_catalogue() if entries is None else entries
    result = LoadResult()
    columns = {f.name for f in standard_model._meta.concrete_fields}
    existing = {s.code: s for s in standard_model.objects.all()}

    new_rows = []
    changed = []
    for entry in entries:
        row = existing.get(entry.code)
        metadata = {k: v for k, v in entry.metadata().items() if k in columns}
        if row is None:
            new_rows.append(standard_model(code=entry.code, kind=entry.kind, **metadata))
            result.created.append(entry.code)
            continue
        if row.kind != entry.kind:
            result.kind_mismatch.append(entry.code)
        if any(getattr(row, k) != v for k, v in metadata.items()):
            for k, v in metadata.items():
                setattr(row, k, v)
            changed.append(row)
            result.updated.append(entry.code)
    standard_model.objects.bulk_create(new_rows)
    if changed:
        fields = [k for k in METADATA_FIELDS if k in columns]
        standard_model.objects.bulk_update(changed, fields)
    result.defaults_created = _create_missing_defaults(standard_model, version_model, entries)
    return result


def _create_missing_defaults(standard_model, version_model, entries: list[Entry]) -> int:
    ids = dict(standard_model.objects.values_list("code", "id"))
    with_default = set(
        version_model.objects.filter(project__isnull=True).values_list("standard_id", flat=True).distinct()
    )
    versions = [
        version_model(
            standard_id=ids[entry.code],
            project=None,
            version=1,
            valid_from=DEFAULT_VALID_FROM,
            reason=SEED_REASON,
            **entry.values.as_fields(),
        )
        for entry in entries
        if ids[entry.code] not in with_default
    ]
    version_model.objects.bulk_create(versions)
    return len(versions)
