"""Demo step for the people of 翠湖花园： owners, their households, tenants and a few past owners.

Every tower unit has an owner; lived-in units have family members, let units a tenant; about one in
thirty units changed hands (the old owner's relation is ended, never deleted); a few investors own a
second, let or empty, unit. The demo owners ``owner1``/``owner2`` get fixed names and families.
"""

from __future__ import annotations

from datetime import date, timedelta

from simple_history.utils import bulk_create_with_history

from jiayuan.demo.context import DEMO_REASON, RESIDENTIAL_CODE, DemoContext
from jiayuan.demo.logins import FIXED_OWNER_UNITS
from jiayuan.demo.people import Person
from jiayuan.demo.residential import HANDOVER
from jiayuan.estate.models import Occupancy, Party, Unit

_R = Occupancy.Relation
# username -> (owner's birth, male?, household: (name, male, birth year))
FIXED_HOUSEHOLDS = {
    "owner1": (date(1968, 5, 12), True, (("刘桂兰", False, 1970), ("王磊", True, 1994))),
    "owner2": (date(1975, 9, 3), False, (("张伟", True, 1973), ("张欣怡", False, 2001))),
}


class Ledger:
    """Parties and occupancies waiting for one bulk insert each (occupancies point at unsaved parties)."""

    def __init__(self, ctx: DemoContext, project):
        self.ctx, self.project = ctx, project
        self.parties: list[Party] = []
        self.occupancies: list[Occupancy] = []

    def party(self, person: Person, *, user=None, kind=Party.Kind.PERSON, note="") -> Party:
        party = Party(
            project=self.project,
            name=person.name,
            kind=kind,
            phone=person.phone,
            id_number=person.id_number,
            user=user,
            note=note,
        )
        self.parties.append(party)
        return party

    def organisation(self, name: str) -> Party:
        """A company party; its phone is its contact person's mobile, its ID the credit code."""
        contact = self.ctx.people.person(born=(1965, 1995), with_id=False)
        party = Party(
            project=self.project,
            name=name,
            kind=Party.Kind.ORGANISATION,
            phone=contact.phone,
            id_number=self.ctx.people.credit_code(),
            note=f"联系人：{contact.name}",
        )
        self.parties.append(party)
        return party

    def relate(self, unit: Unit, party: Party, relation: str, *, primary=False, since=None, until=None):
        self.occupancies.append(
            Occupancy(
                project=self.project,
                unit=unit,
                party=party,
                relation=relation,
                is_primary=primary,
                started_on=since,
                ended_on=until,
            )
        )

    def save(self) -> None:
        bulk_create_with_history(self.parties, Party, default_change_reason=DEMO_REASON)
        bulk_create_with_history(self.occupancies, Occupancy, default_change_reason=DEMO_REASON)
        self.ctx.counts["parties"] += len(self.parties)
        self.ctx.counts["occupancies"] += len(self.occupancies)


def create_residents(ctx: DemoContext) -> None:
    ledger = Ledger(ctx, ctx.project(RESIDENTIAL_CODE))
    households: list[tuple[Party, Unit]] = []  # one per owner, their first unit; parking uses it
    investors: list[Party] = []
    for unit in ctx.units[RESIDENTIAL_CODE]:
        if unit.use != Unit.Use.RESIDENTIAL:
            continue
        login = FIXED_OWNER_UNITS.get(unit.address)
        if login:
            owner, person = _fixed_owner(ctx, ledger, login)
        elif investors and unit.state in (Unit.State.RENTED, Unit.State.VACANT) and ctx.chance(0.12):
            owner, person = ctx.rng.choice(investors), None
        else:
            person = ctx.people.person(born=(1950, 1996))
            owner = ledger.party(person)
            investors.append(owner)
        since = _past_owner(ctx, ledger, unit) if not login and ctx.chance(0.03) else unit.delivered_on
        ledger.relate(unit, owner, _R.OWNER, primary=True, since=since)
        ctx.unit_owner[unit.pk] = owner
        if person is not None:
            households.append((owner, unit))
            if unit.state == Unit.State.OCCUPIED:
                _household(ctx, ledger, unit, person, since, login)
        if unit.state == Unit.State.RENTED:
            _tenants(ctx, ledger, unit)
    ledger.save()
    ctx.extra["p1_households"] = households


def _fixed_owner(ctx: DemoContext, ledger: Ledger, login) -> tuple[Party, Person]:
    birth, male, _ = FIXED_HOUSEHOLDS[login.username]
    person = Person(
        name=login.name,
        surname=login.name[0],
        male=male,
        phone=ctx.people.phone(),
        id_number=ctx.people.id_number(birth, male),
        birth=birth,
    )
    return ledger.party(person, user=ctx.users[login.username]), person


def _past_owner(ctx: DemoContext, ledger: Ledger, unit: Unit) -> date:
    """A first owner who sold the unit; returns the day the current owner took over."""
    sold = HANDOVER + timedelta(days=ctx.rng.randint(400, max(401, (ctx.today - HANDOVER).days - 60)))
    seller = ledger.party(ctx.people.person(born=(1950, 1985)), note="原业主，已过户")
    ledger.relate(unit, seller, _R.OWNER, since=unit.delivered_on, until=sold)
    return sold


def _household(ctx: DemoContext, ledger: Ledger, unit: Unit, owner: Person, since, login) -> None:
    for member in _members(ctx, owner, login):
        ledger.relate(unit, ledger.party(member), _R.FAMILY, since=since)


def _members(ctx: DemoContext, owner: Person, login) -> list[Person]:
    if login:
        _, _, fixed = FIXED_HOUSEHOLDS[login.username]
        return [_known(ctx, name, male, year) for name, male, year in fixed]
    members = []
    spouse = None
    if ctx.chance(0.8):
        year = owner.birth.year + ctx.rng.randint(-3, 3)
        spouse = ctx.people.person(male=not owner.male, born=(year, year), with_phone=ctx.chance(0.85))
        members.append(spouse)
    family_name = owner.surname if owner.male or spouse is None else spouse.surname
    for _ in range(ctx.rng.choices((0, 1, 2), weights=(3, 5, 2))[0]):
        year = min(ctx.today.year - 1, owner.birth.year + ctx.rng.randint(24, 34))
        adult = ctx.today.year - year >= 16
        members.append(
            ctx.people.person(surname=family_name, born=(year, year), with_phone=adult and ctx.chance(0.7))
        )
    if ctx.chance(0.15):
        year = owner.birth.year - ctx.rng.randint(25, 32)
        surname = owner.surname if ctx.chance(0.5) else None
        members.append(ctx.people.person(surname=surname, born=(year, year), with_phone=ctx.chance(0.5)))
    return members


def _known(ctx: DemoContext, name: str, male: bool, year: int) -> Person:
    birth = date(year, ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))
    return Person(name, name[0], male, ctx.people.phone(), ctx.people.id_number(birth, male), birth)


def _tenants(ctx: DemoContext, ledger: Ledger, unit: Unit) -> None:
    since = ctx.today - timedelta(days=ctx.rng.randint(30, 900))
    tenant = ledger.party(ctx.people.person(born=(1978, 2001)), note="租户")
    ledger.relate(unit, tenant, _R.TENANT, since=since)
    if ctx.chance(0.35):
        ledger.relate(unit, ledger.party(ctx.people.person(born=(1978, 2001))), _R.RESIDENT, since=since)
