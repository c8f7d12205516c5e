"""Estate API: buildings, units, parties, parking spaces, vehicles. Schemas in, selector or service call,
schema out. Lists take the same filters as the pages (one FilterSet each); phones are masked except in a
unit's or party's own record for roles with VIEW_PERSONAL, where each full number shown is logged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Path, Query, Router, Schema
from pydantic import ConfigDict, StrictBool

from jiayuan.core.api import ERRORS
from jiayuan.core.masking import mask_id, mask_phone
from jiayuan.estate import services
from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Party, Unit
from jiayuan.estate.permissions import can_view_personal, is_self
from jiayuan.estate.selectors import (
    SEARCH_MAX_LENGTH,
    building_detail,
    buildings_for,
    parking_for,
    parties_for,
    party_detail,
    quantize_area,
    unit_detail,
    units_for,
    vehicles_for,
)

router = Router(tags=["estate"])

MAX_ID = 2**31 - 1


def _choice(choices):
    """A Literal of a TextChoices' values: OpenAPI gets the values inline, so two enums both named
    ``Kind`` (Building.Kind, ParkingSpace.Kind, other apps') never collide in the schema components."""
    return Literal[tuple(choices.values)]


BuildingKind = _choice(Building.Kind)
UnitUse = _choice(Unit.Use)
UnitState = _choice(Unit.State)
Relation = _choice(Occupancy.Relation)
ParkingKind = _choice(ParkingSpace.Kind)


# --- query parameters (bounded: fuzzed input gets a 422, never a 500) ------------------------------------


class Paging(Schema):
    limit: int = Field(50, ge=1, le=200, description="每页条数 1–200")
    offset: int = Field(0, ge=0, le=1_000_000)
    project: int | None = Field(None, ge=1, le=MAX_ID, description="只看该项目")


class BuildingQuery(Paging):
    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH, description="楼栋号或名称")
    kind: BuildingKind | None = None


class UnitQuery(Paging):
    q: str | None = Field(
        None, max_length=SEARCH_MAX_LENGTH, description="房号 3-2-1201 / 3-1201 / 3-、姓名、手机或尾号"
    )
    building: int | None = Field(None, ge=1, le=MAX_ID)
    entrance: int | None = Field(None, ge=1, le=999)
    use: UnitUse | None = None
    state: UnitState | None = None
    contract_signed: bool | None = None


class PartyQuery(Paging):
    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH, description="姓名、手机或尾号、房号")
    relation: Relation | None = None


class ParkingQuery(Paging):
    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH)
    zone: str | None = Field(None, max_length=SEARCH_MAX_LENGTH)
    kind: ParkingKind | None = None
    occupied: bool | None = None


class VehicleQuery(Paging):
    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH, description="车牌、车主或 IC 卡号")


def _filter_data(query: Paging) -> dict[str, str]:
    """The query as FilterSet data: the same parameters the pages put in their URLs."""
    data = {}
    for key, value in query.dict(exclude={"limit", "offset", "project"}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        # A NUL can't be searched for in any database; drop it rather than answer 422 to a valid string.
        data[key] = str(value).replace("\x00", "")
    return data


def _page(qs, query: Paging) -> dict:
    if query.project is not None:
        qs = qs.filter(project_id=query.project)
    return {"count": qs.count(), "items": list(qs[query.offset : query.offset + query.limit])}


# --- output schemas ------------------------------------------------------------------------------------


class BuildingOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    code: str
    name: str
    kind: str
    floors: int
    entrances: int
    has_lift: bool
    n_units: int = Field(description="房屋数")
    area: Decimal | None = Field(description="建筑面积合计(m²)")
    n_occupied: int = Field(description="已入住户数")
    n_signed: int = Field(description="签约户数(R2.2)")
    n_unsigned: int = Field(description="未签约户数(R2.2)")


class BuildingPage(Schema):
    count: int
    items: list[BuildingOut]


class OccupantOut(Schema):
    id: int
    party: int
    name: str
    relation: str
    is_primary: bool
    started_on: date | None
    phone: str = Field(description="默认脱敏；有“查看完整个人信息”权限时在单条记录中为完整号码（已记录）")


class UnitOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    building: int = Field(alias="building_id")
    address: str
    entrance: int
    room: str
    floor: int
    building_area: Decimal
    inner_area: Decimal | None
    use: str
    state: str
    contract_signed: bool
    delivered_on: date | None
    note: str


class UnitListOut(UnitOut):
    occupants: list[OccupantOut] = Field(alias="occupants_out")


class UnitPage(Schema):
    count: int
    items: list[UnitListOut]


class UnitPatch(Schema):
    """Only these fields change through the API; anything else is a 422, not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    # Omitted means unchanged; null is not a state (422).
    state: UnitState = None
    contract_signed: StrictBool = None
    note: str = Field(None, max_length=200)


class PartyUnitOut(Schema):
    unit: int
    address: str
    relation: str
    is_primary: bool


class PartyOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    name: str
    kind: str
    phone: str = Field(alias="phone_out", description="脱敏；详情中有权限时为完整号码（已记录）")
    units: list[PartyUnitOut] = Field(alias="units_out", description="当前关联的房屋")


class PartyPage(Schema):
    count: int
    items: list[PartyOut]


class PartyDetailOut(PartyOut):
    id_number: str = Field(alias="id_number_out")
    vehicles: list[str] = Field(alias="vehicles_out", description="车牌号")
    parking_spaces: list[str] = Field(alias="spaces_out", description="车位号")


class ParkingSpaceOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    code: str
    zone: str
    kind: str
    area: Decimal | None
    unit: int | None = Field(alias="unit_id")
    holder: int | None = Field(alias="holder_id")
    n_vehicles: int


class ParkingPage(Schema):
    count: int
    items: list[ParkingSpaceOut]


class VehicleOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    plate: str
    owner: int = Field(alias="owner_id")
    owner_name: str
    space: int | None = Field(alias="space_id")
    card_no: str
    brand: str

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.owner.name


class VehiclePage(Schema):
    count: int
    items: list[VehicleOut]


# --- shaping rows with personal data ---------------------------------------------------------------------


def _revealable(user, party: Party, *, reveal: bool) -> bool:
    return reveal and bool(party.phone) and can_view_personal(user, party.project_id)


def _phone(user, party: Party, *, reveal: bool) -> str:
    if _revealable(user, party, reveal=reveal):
        return services.party_reveal(party, actor=user, field="phone", purpose="api")
    return party.phone if is_self(user, party) else mask_phone(party.phone)


def _occupants(user, unit: Unit, *, reveal: bool) -> list[dict]:
    occupancies = list(unit.current_occupancies)
    # Every full number shown is logged, the whole unit in one insert.
    shown = [o.party for o in occupancies if _revealable(user, o.party, reveal=reveal)]
    values = services.party_reveal_many(shown, actor=user, field="phone", purpose="api")
    full = {party.pk: value for party, value in zip(shown, values, strict=True)}
    return [
        {
            "id": occ.pk,
            "party": occ.party_id,
            "name": occ.party.name,
            "relation": occ.relation,
            "is_primary": occ.is_primary,
            "started_on": occ.started_on,
            "phone": full[occ.party_id] if occ.party_id in full else _phone(user, occ.party, reveal=False),
        }
        for occ in occupancies
    ]


def _unit_out(user, unit: Unit, *, reveal: bool = False) -> Unit:
    unit.occupants_out = _occupants(user, unit, reveal=reveal)
    return unit


def _party_out(user, party: Party, occupancies) -> Party:
    party.phone_out = party.phone if is_self(user, party) else mask_phone(party.phone)
    party.units_out = [
        {"unit": o.unit_id, "address": o.unit.address, "relation": o.relation, "is_primary": o.is_primary}
        for o in occupancies
    ]
    return party


# --- endpoints -----------------------------------------------------------------------------------------


@router.get("/buildings", response={200: BuildingPage, **ERRORS}, summary="楼栋列表（含签约/未签约户数）")
def list_buildings(request, query: Query[BuildingQuery]):
    page = _page(buildings_for(request.auth, None, _filter_data(query)), query)
    for building in page["items"]:
        building.area = quantize_area(building.area)
    return page


@router.get("/buildings/{building_id}", response={200: BuildingOut, **ERRORS}, summary="楼栋详情")
def get_building(request, building_id: int = Path(..., ge=1, le=MAX_ID)):
    return building_detail(request.auth, building_id)


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="房屋列表")
def list_units(request, query: Query[UnitQuery]):
    page = _page(units_for(request.auth, None, _filter_data(query)), query)
    page["items"] = [_unit_out(request.auth, u) for u in page["items"]]
    return page


@router.get("/units/{unit_id}", response={200: UnitListOut, **ERRORS}, summary="房屋详情（含当前住户）")
def get_unit(request, unit_id: int = Path(..., ge=1, le=MAX_ID)):
    return _unit_out(request.auth, unit_detail(request.auth, unit_id), reveal=True)


@router.patch(
    "/units/{unit_id}", response={200: UnitListOut, **ERRORS}, summary="修改房屋状态、签约情况、备注"
)
def patch_unit(request, payload: UnitPatch, unit_id: int = Path(..., ge=1, le=MAX_ID)):
    unit = unit_detail(request.auth, unit_id)
    services.unit_update(unit, actor=request.auth, **payload.dict(exclude_unset=True))
    return _unit_out(request.auth, unit_detail(request.auth, unit_id))


@router.get("/parties", response={200: PartyPage, **ERRORS}, summary="业主住户列表（手机号脱敏）")
def list_parties(request, query: Query[PartyQuery]):
    page = _page(parties_for(request.auth, None, _filter_data(query)), query)
    page["items"] = [_party_out(request.auth, p, p.current_occupancies) for p in page["items"]]
    return page


@router.get("/parties/{party_id}", response={200: PartyDetailOut, **ERRORS}, summary="业主住户详情")
def get_party(request, party_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    party = party_detail(user, party_id)
    _party_out(user, party, [o for o in party.occupancies.all() if o.ended_on is None])
    party.phone_out = _phone(user, party, reveal=True)
    if party.id_number and can_view_personal(user, party.project_id):
        party.id_number_out = services.party_reveal(party, actor=user, field="id_number", purpose="api")
    else:
        party.id_number_out = party.id_number if is_self(user, party) else mask_id(party.id_number)
    party.vehicles_out = [v.plate for v in party.vehicles.all()]
    party.spaces_out = [s.code for s in party.parking_spaces.all()]
    return party


@router.get("/parking-spaces", response={200: ParkingPage, **ERRORS}, summary="车位列表")
def list_parking_spaces(request, query: Query[ParkingQuery]):
    return _page(parking_for(request.auth, None, _filter_data(query)), query)


@router.get("/vehicles", response={200: VehiclePage, **ERRORS}, summary="车辆列表")
def list_vehicles(request, query: Query[VehicleQuery]):
    return _page(vehicles_for(request.auth, None, _filter_data(query)), query)
