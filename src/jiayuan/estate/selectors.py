"""Reads of the estate registry: scoped querysets, the clerks' search, per-building counts, audit history.

Every function starts from ``readable(Model, user)``: the rows ``visible_to`` grants, narrowed to the
projects where the user's role may read the registry (a cleaner of project 1 sees no units), plus the
owner's own rows. Pages pass the current project; the API passes ``None`` (every readable project).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Replace, Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.core.masking import mask_id, mask_phone
from jiayuan.core.scoping import owner_condition
from jiayuan.estate.addresses import AddressQuery, parse_address_query
from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Party, Shop, Unit, Vehicle
from jiayuan.estate.permissions import estate_project_ids

SEARCH_MAX_LENGTH = 60


def readable(model, user) -> QuerySet:
    """``visible_to(user)`` narrowed to projects where the user holds VIEW_ESTATE (owners keep their rows)."""
    qs = model.objects.visible_to(user)
    allowed = estate_project_ids(user)
    condition = Q(project_id__in=allowed)
    owned = owner_condition(model, user)
    if owned is not None:
        condition |= owned
    return qs.filter(condition)


def _in_project(qs: QuerySet, project) -> QuerySet:
    return qs.filter(project_id=project.pk) if project is not None else qs


def current_occupancies() -> Prefetch:
    """The current parties of each unit on ``unit.current_occupancies`` (primary contact first)."""
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(ended_on__isnull=True)
        .select_related("party")
        .order_by("-is_primary", "relation", "id"),
        to_attr="current_occupancies",
    )


def _unit_rows(qs: QuerySet) -> QuerySet:
    return qs.select_related("building", "project").prefetch_related(current_occupancies())


# --- search -------------------------------------------------------------------------------------------


def _address_condition(aq: AddressQuery) -> Q:
    cond = Q(building__code__iexact=aq.building)
    if aq.entrance is not None:
        cond &= Q(entrance=aq.entrance)
    if aq.room:
        cond &= Q(room__istartswith=aq.room)
    if aq.entrance_or_room:
        cond &= Q(entrance=int(aq.entrance_or_room)) | Q(room__iexact=aq.entrance_or_room)
    return cond


# A search naming more people than this is too vague to list them all (say "王" in a big estate).
PARTY_MATCH_LIMIT = 2000


def _plate_owners(text: str):
    """Owners of vehicles whose plate contains ``text``, ignoring the separator dot and case: clerks type
    ``浙F56237`` for the stored ``浙F·56237``."""
    wanted = re.sub(r"[\s·.\-]", "", text).upper()
    if len(wanted) < 3:
        return None
    plates = Vehicle.objects.annotate(_plate=Upper(Replace("plate", Value("·"), Value(""))))
    return list(plates.filter(_plate__contains=wanted).values_list("owner_id", flat=True)[:PARTY_MATCH_LIMIT])


def _party_condition(text: str) -> Q | None:
    """Parties a search string names: phone (full or its last digits), name or plate (contains)."""
    digits = re.sub(r"[\s-]", "", text)
    plate_owners = _plate_owners(text)
    by_plate = Q(pk__in=plate_owners) if plate_owners is not None else Q(pk__in=[])
    if digits.isdigit():
        if len(digits) == 11:
            return Q(phone=digits)
        if len(digits) == 4:
            return Q(phone_tail=digits) | by_plate
        if len(digits) > 4:
            return Q(phone_tail=digits[-4:], phone__endswith=digits) | by_plate
        return None
    return Q(name__icontains=text) | by_plate


def match_units(qs: QuerySet, text: str) -> QuerySet:
    """Units matching a clerk's search: ``3-2-1201``, ``3-1201``, ``3-``, a room ``1201``, an owner's or
    resident's name, a phone or its last 4 digits, a plate. Exact addresses sort first."""
    text = (text or "").strip()[:SEARCH_MAX_LENGTH]
    if not text:
        return qs.none()
    cond = Q(pk__in=[])
    aq = parse_address_query(text)
    if aq is not None:
        cond |= _address_condition(aq)
    elif text.isdigit() and 2 <= len(text) <= 5:
        cond |= Q(room=text)  # a bare room number, in any building
    party_cond = _party_condition(text) if aq is None else None
    if party_cond is not None:
        # Resolved to ids first: each lookup then uses its own index (phone tail, name, plate), where one
        # SQL statement OR-ing subqueries makes PostgreSQL scan every unit of the project.
        party_ids = list(Party.objects.filter(party_cond).values_list("pk", flat=True)[:PARTY_MATCH_LIMIT])
        unit_ids = Occupancy.objects.filter(ended_on__isnull=True, party_id__in=party_ids)
        cond |= Q(pk__in=list(unit_ids.values_list("unit_id", flat=True)))
    qs = qs.filter(cond)
    if aq is not None and aq.exact is not None:
        qs = qs.annotate(
            _exact=Case(
                When(address=str(aq.exact), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("_exact", "building__sort_order", "building__code", "entrance", "floor", "room")
    return qs


def search_units(user, project, q: str) -> QuerySet:
    """Scoped units for the search page and the top-bar search, with current occupants prefetched."""
    return _unit_rows(match_units(_in_project(readable(Unit, user), project), q))


def exact_address_unit(units: QuerySet, q: str) -> Unit | None:
    """The single unit whose address is exactly ``q`` (``3-2-1201``, ``3栋2单元1201``), else ``None``."""
    aq = parse_address_query(q or "")
    if aq is None or aq.exact is None:
        return None
    found = list(units.filter(address__iexact=str(aq.exact))[:2])
    return found[0] if len(found) == 1 else None


# --- lists ----------------------------------------------------------------------------------------------


def _apply(filterset_cls, data, qs, *, user, project):
    if data is None:
        return qs
    fs = filterset_cls(data, queryset=qs, user=user, project=project)
    if not fs.is_valid():
        name, errors = next(iter(fs.errors.items()))
        raise ValidationFailed(f"筛选条件不合法：{errors[0]}", field=name)
    return fs.qs


def units_for(user, project, filters=None) -> QuerySet:
    from jiayuan.estate.filters import UnitFilter  # filters build on this module's search

    return _apply(
        UnitFilter,
        filters,
        _unit_rows(_in_project(readable(Unit, user), project)),
        user=user,
        project=project,
    )


def parties_for(user, project, filters=None) -> QuerySet:
    from jiayuan.estate.filters import PartyFilter

    qs = _in_project(readable(Party, user), project).prefetch_related(
        Prefetch(
            "occupancies",
            queryset=Occupancy.objects.filter(ended_on__isnull=True).select_related("unit"),
            to_attr="current_occupancies",
        )
    )
    return _apply(PartyFilter, filters, qs, user=user, project=project)


def parking_for(user, project, filters=None) -> QuerySet:
    from jiayuan.estate.filters import ParkingFilter

    qs = (
        _in_project(readable(ParkingSpace, user), project)
        .select_related("unit", "holder")
        .annotate(n_vehicles=Count("vehicles"))
    )
    return _apply(ParkingFilter, filters, qs, user=user, project=project)


def vehicles_for(user, project, filters=None) -> QuerySet:
    from jiayuan.estate.filters import VehicleFilter

    qs = _in_project(readable(Vehicle, user), project).select_related("owner", "space")
    return _apply(VehicleFilter, filters, qs, user=user, project=project)


def shops_for(user, project, filters=None) -> QuerySet:
    from jiayuan.estate.filters import ShopFilter

    qs = _in_project(readable(Shop, user), project).select_related("unit", "operator")
    return _apply(ShopFilter, filters, qs, user=user, project=project)


def state_counts(units: QuerySet) -> dict[str, int]:
    """Units per state for the list tabs: one GROUP BY over the filtered list."""
    rows = units.order_by().values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


# --- per-building counts (R2.1, R2.2) -------------------------------------------------------------------


@dataclass
class BuildingStats:
    """Buildings of a project annotated with their counts, and the project's totals (R2.2)."""

    buildings: list[Building]
    totals: dict[str, Decimal | int] = field(default_factory=dict)


_STAT_FIELDS = ("n_units", "area", "n_occupied", "n_signed", "n_unsigned")
_CENT = Decimal("0.01")


def quantize_area(value) -> Decimal:
    # SQLite sums decimals as floats; areas are shown and compared to the cent.
    return Decimal(str(value or 0)).quantize(_CENT)


def buildings_annotated(qs: QuerySet) -> QuerySet:
    """Units, area, occupied, signed and unsigned contracts per building — one aggregate query."""
    return qs.annotate(
        n_units=Count("units"),
        area=Sum("units__building_area"),
        n_occupied=Count("units", filter=Q(units__state=Unit.State.OCCUPIED)),
        n_signed=Count("units", filter=Q(units__contract_signed=True)),
        n_unsigned=Count("units", filter=Q(units__contract_signed=False)),
    )


def buildings_for(user, project, filters=None) -> QuerySet:
    from jiayuan.estate.filters import BuildingFilter

    qs = _in_project(readable(Building, user), project)
    return buildings_annotated(_apply(BuildingFilter, filters, qs, user=user, project=project))


def building_stats(user, project, filters=None) -> BuildingStats:
    """R2.2 signed/unsigned counts per building and for the project, from ONE aggregate query
    (the project totals are the sum of the building rows already fetched)."""
    buildings = list(buildings_for(user, project, filters))
    totals: dict[str, Decimal | int] = {name: 0 for name in _STAT_FIELDS}
    totals["area"] = Decimal("0.00")
    for b in buildings:
        b.area = quantize_area(b.area)
        for name in _STAT_FIELDS:
            totals[name] += getattr(b, name)
    return BuildingStats(buildings=buildings, totals=totals)


def building_detail(user, pk: int) -> Building:
    building = buildings_annotated(readable(Building, user).filter(pk=pk)).first()
    if building is None:
        raise NotFound()
    building.area = quantize_area(building.area)
    return building


# --- records --------------------------------------------------------------------------------------------


def unit_detail(user, pk: int) -> Unit:
    unit = _unit_rows(readable(Unit, user)).filter(pk=pk).first()
    if unit is None:
        raise NotFound("房屋不存在或无权查看")
    return unit


def party_detail(user, pk: int) -> Party:
    party = (
        readable(Party, user)
        .select_related("project", "user")
        .prefetch_related(
            Prefetch(
                "occupancies",
                queryset=Occupancy.objects.select_related("unit__building").order_by(
                    "ended_on", "-started_on"
                ),
            ),
            Prefetch("vehicles", queryset=Vehicle.objects.select_related("space")),
            Prefetch("parking_spaces", queryset=ParkingSpace.objects.select_related("unit")),
        )
        .filter(pk=pk)
        .first()
    )
    if party is None:
        raise NotFound("住户不存在或无权查看")
    return party


def unit_past_occupancies(unit: Unit) -> list[Occupancy]:
    """Former owners, residents and tenants of a unit already read through the scoped selector."""
    return list(
        Occupancy.objects.filter(unit=unit, ended_on__isnull=False)
        .select_related("party")
        .order_by("-ended_on")
    )


def unit_parking(unit: Unit) -> tuple[list[ParkingSpace], list[Vehicle]]:
    """Parking spaces and vehicles of the unit itself and of its current parties."""
    party_ids = [occ.party_id for occ in getattr(unit, "current_occupancies", [])]
    spaces = list(
        ParkingSpace.objects.filter(project_id=unit.project_id)
        .filter(Q(unit=unit) | Q(holder_id__in=party_ids))
        .select_related("holder")
        .annotate(n_vehicles=Count("vehicles"))
    )
    vehicles = list(
        Vehicle.objects.filter(project_id=unit.project_id, owner_id__in=party_ids).select_related(
            "owner", "space"
        )
    )
    return spaces, vehicles


# --- audit history (simple-history) ---------------------------------------------------------------------


@dataclass
class HistoryLine:
    """One audited save: who, when, what kind of change, and each field's old → new value."""

    at: object
    user: object
    kind: str
    changes: list[tuple[str, str, str]]


_HISTORY_KINDS = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def _display(model_field, value) -> str:
    # Personal data never appears in the audit view in the clear.
    if value is None or value == "":
        return "—"
    if model_field.name == "phone":
        return mask_phone(value)
    if model_field.name == "id_number":
        return mask_id(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def history_of(obj, *, limit: int = 30) -> list[HistoryLine]:
    """The last ``limit`` audited saves of ``obj``, newest first, with field-by-field differences."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    meta = type(obj)._meta
    lines = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                model_field = meta.get_field(change.field)
                changes.append(
                    (
                        str(model_field.verbose_name),
                        _display(model_field, change.old),
                        _display(model_field, change.new),
                    )
                )
        lines.append(
            HistoryLine(
                at=record.history_date,
                user=record.history_user,
                kind=str(_HISTORY_KINDS.get(record.history_type, record.history_type)),
                changes=changes,
            )
        )
    return lines
