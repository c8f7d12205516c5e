"""Demo steps for project 1, 翠湖花园： 24 residential buildings, the commercial podium 'S' and its shops.

Units are laid out like a real estate: per building, entrances 1–2, floors 1..N, rooms 01–03 per
floor; a stack (same entrance and room number) has the same floor plan on every floor. ``--scale``
below 1 samples the grid but keeps all buildings and the fixed owners' units.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from simple_history.utils import bulk_create_with_history

from jiayuan.demo.context import DEMO_REASON, RESIDENTIAL_CODE, DemoContext
from jiayuan.demo.logins import FIXED_OWNER_UNITS
from jiayuan.estate.models import Building, Unit

BUILDINGS = 24
ENTRANCES = 2
ROOMS_PER_FLOOR = 3
PODIUM = "S"
HANDOVER = date(2016, 6, 18)
# Floor plans by building group: (end unit, middle unit, other end unit) building areas in m².
PLANS = ((89, 75, 96), (118, 99, 128), (143, 125, 172))
CENT = Decimal("0.01")
# (state, weight): mostly lived in, some still empty or being fitted out, some let.
STATES = (
    (Unit.State.OCCUPIED, 76),
    (Unit.State.DELIVERED, 7),
    (Unit.State.VACANT, 5),
    (Unit.State.DECORATING, 5),
    (Unit.State.RENTED, 7),
)
_STATES, _WEIGHTS = zip(*STATES, strict=True)


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def create_buildings(ctx: DemoContext) -> None:
    project = ctx.project(RESIDENTIAL_CODE)
    count = max(BUILDINGS, round(BUILDINGS * ctx.scale))
    rows = [
        Building(
            project=project,
            code=str(n),
            sort_order=n,
            name=f"{n}号楼",
            kind=Building.Kind.RESIDENTIAL,
            floors=ctx.rng.randint(15, 18),
            entrances=ENTRANCES,
        )
        for n in range(1, count + 1)
    ]
    rows.append(
        Building(
            project=project,
            code=PODIUM,
            sort_order=900,  # after the numbered towers
            name="商业裙楼",
            kind=Building.Kind.COMMERCIAL,
            floors=2,
            entrances=1,
            has_lift=False,
        )
    )
    ctx.extra["p1_buildings"] = bulk_create_with_history(rows, Building, default_change_reason=DEMO_REASON)
    ctx.counts["buildings"] += len(rows)


def create_units(ctx: DemoContext) -> None:
    project = ctx.project(RESIDENTIAL_CODE)
    units: list[Unit] = []
    for building in ctx.extra["p1_buildings"]:
        if building.code == PODIUM:
            units += _podium_units(ctx, building)
        else:
            units += _tower_units(ctx, building)
    for unit in units:
        unit.project = project
        unit.address = Unit.make_address(unit.building.code, unit.entrance, unit.room)
    ctx.units[RESIDENTIAL_CODE] = bulk_create_with_history(units, Unit, default_change_reason=DEMO_REASON)
    ctx.counts["units"] += len(units)


def _tower_units(ctx: DemoContext, building: Building) -> list[Unit]:
    plan = PLANS[min(2, (int(building.code) - 1) * 3 // BUILDINGS)]
    ratio = ctx.rng.uniform(0.785, 0.845)  # inner ≈ 78–85% of building area
    stacks = {
        (e, r): ctx.rng.uniform(plan[r - 1] * 0.97, plan[r - 1] * 1.03)
        for e in range(1, ENTRANCES + 1)
        for r in range(1, ROOMS_PER_FLOOR + 1)
    }
    grid = [
        (e, floor, r)
        for e in range(1, ENTRANCES + 1)
        for floor in range(1, building.floors + 1)
        for r in range(1, ROOMS_PER_FLOOR + 1)
    ]
    if ctx.scale < 1:
        fixed = [g for g in grid if _address(building, *g) in FIXED_OWNER_UNITS]
        keep = set(ctx.rng.sample(grid, max(2, round(len(grid) * ctx.scale)))) | set(fixed)
        grid = [g for g in grid if g in keep]
    units = []
    for entrance, floor, r in grid:
        area = stacks[(entrance, r)]
        fixed = _address(building, entrance, floor, r) in FIXED_OWNER_UNITS
        state = Unit.State.OCCUPIED if fixed else ctx.rng.choices(_STATES, weights=_WEIGHTS)[0]
        # ~93% signed overall: empty units sign less often.
        signed = fixed or ctx.chance(0.6 if state == Unit.State.VACANT else 0.95)
        units.append(
            Unit(
                building=building,
                entrance=entrance,
                room=f"{floor:02d}{r:02d}",
                floor=floor,
                building_area=money(area),
                inner_area=money(area * ratio),
                use=Unit.Use.RESIDENTIAL,
                state=state,
                contract_signed=signed,
                delivered_on=HANDOVER + timedelta(days=ctx.rng.randint(0, 150)),
            )
        )
    return units


def _address(building: Building, entrance: int, floor: int, r: int) -> str:
    return Unit.make_address(building.code, entrance, f"{floor:02d}{r:02d}")


def _podium_units(ctx: DemoContext, building: Building) -> list[Unit]:
    rooms = [(1, n) for n in range(1, 15)] + [(2, n) for n in range(1, 11)]
    units = []
    for floor, n in rooms:
        area = ctx.rng.uniform(38, 220) if floor == 1 else ctx.rng.uniform(80, 320)
        units.append(
            Unit(
                building=building,
                entrance=1,
                room=f"{floor}{n:02d}",
                floor=floor,
                building_area=money(area),
                inner_area=money(area * ctx.rng.uniform(0.86, 0.92)),
                use=Unit.Use.SHOP,
                state=Unit.State.DELIVERED,  # set when shops are let, below
                contract_signed=ctx.chance(0.9),
                delivered_on=HANDOVER,
            )
        )
    return units
