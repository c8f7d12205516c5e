"""Demo step for parking spaces and vehicles in both projects.

翠湖花园： two basement levels (B1, B2); about 70% of spaces are held — sold with a unit (产权) or let
(租赁) — the rest are free or public. Each held space has the holder's car with an IC card; some
households have a second car. ``owner1`` always holds a space. The station has a ground car park let to
its tenant companies, and a coach bay.
"""

from __future__ import annotations

from jiayuan.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext
from jiayuan.demo.residential import money
from jiayuan.estate.models import ParkingSpace, Vehicle

_K = ParkingSpace.Kind
RESIDENTIAL_ZONES = (("B1", 360), ("B2", 300))
STATION_ZONES = (("P", "地面停车场", 120, (12.0, 14.0)), ("BUS", "大巴停车区", 20, (40.0, 48.0)))


def create_parking(ctx: DemoContext) -> None:
    spaces: list[ParkingSpace] = []
    vehicles: list[Vehicle] = []
    _residential(ctx, spaces, vehicles)
    _station(ctx, spaces, vehicles)
    ParkingSpace.objects.bulk_create(spaces)
    Vehicle.objects.bulk_create(vehicles)
    ctx.counts["parking_spaces"] += len(spaces)
    ctx.counts["vehicles"] += len(vehicles)


def _residential(ctx: DemoContext, spaces: list, vehicles: list) -> None:
    project = ctx.project(RESIDENTIAL_CODE)
    households = ctx.extra["p1_households"]
    first = next(h for h in households if h[0].user is not None and h[0].user.username == "owner1")
    others = [h for h in households if h is not first]
    ctx.rng.shuffle(others)
    queue, held = [first, *others], 0  # owner1 first, so the demo owner has a space and a car
    for zone, full in RESIDENTIAL_ZONES:
        for n in range(1, ctx.scaled(full, minimum=10) + 1):
            roll = ctx.rng.random()
            kind = _K.OWNED if roll < 0.42 else _K.RENTED if roll < 0.85 else _K.PUBLIC
            space = ParkingSpace(
                project=project,
                code=f"{zone}-{n:03d}",
                zone=zone,
                kind=kind,
                area=money(ctx.rng.uniform(12.5, 15.0)),
            )
            if roll < 0.70:
                space.holder, space.unit = queue[held % len(queue)]
                held += 1
                vehicles.append(_vehicle(ctx, project, space.holder, space))
                if ctx.chance(0.1):
                    vehicles.append(_vehicle(ctx, project, space.holder, None))
            spaces.append(space)
    # Households without a space park by the month on public spaces.
    for party, _ in ctx.rng.sample(others, len(others) // 20):
        vehicles.append(_vehicle(ctx, project, party, None))


def _station(ctx: DemoContext, spaces: list, vehicles: list) -> None:
    project = ctx.project(STATION_CODE)
    tenants = ctx.extra.get("p2_organisations") or []
    for prefix, zone, full, (low, high) in STATION_ZONES:
        for n in range(1, ctx.scaled(full, minimum=4) + 1):
            space = ParkingSpace(
                project=project,
                code=f"{prefix}-{n:03d}",
                zone=zone,
                kind=_K.PUBLIC,
                area=money(ctx.rng.uniform(low, high)),
            )
            if tenants and ctx.chance(0.45):
                space.kind, space.holder = _K.RENTED, ctx.rng.choice(tenants)
                vehicles.append(_vehicle(ctx, project, space.holder, space))
            spaces.append(space)


def _vehicle(ctx: DemoContext, project, owner, space) -> Vehicle:
    return Vehicle(
        project=project,
        plate=ctx.people.plate(),
        owner=owner,
        space=space,
        card_no=ctx.people.card_no(),
        brand=ctx.people.car(),
    )
