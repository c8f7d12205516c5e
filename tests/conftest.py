"""Shared fixtures: a company with two projects and named people (ARCHITECTURE.md "Tests").

- ``admin``: company admin (sees every project); ``inspector``: company quality department
- ``manager``, ``clerk``, ``tech``: staff of project 1 (``p1``)
- ``outsider``: manager of project 2 (``p2``), who must never see project 1's rows
- ``owner``: owner of unit 3-2-1201 in project 1; ``neighbour``: owner of another unit in project 1
"""

from types import SimpleNamespace

import pytest
from django.test import Client

# Import the URLconf (and so every API schema) before any test freezes the clock: pydantic refuses to
# build schemas against freezegun's fake date class.
import jiayuan.urls  # noqa: F401
from jiayuan.core.roles import Role
from jiayuan.estate.models import Occupancy
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    DepartmentFactory,
    MembershipFactory,
    OccupancyFactory,
    PartyFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

# ``--now`` runs the suite at a moved clock (tests/moved_clock.py).
pytest_plugins = ["tests.moved_clock"]


@pytest.fixture
def world(db):
    company = CompanyFactory(code="jy", name="家园物业服务有限公司")
    p1 = ProjectFactory(company=company, code="P1", name="翠湖花园")
    p2 = ProjectFactory(company=company, code="P2", name="城东客运站", kind="station")
    cs1 = DepartmentFactory(project=p1, kind="customer_service")
    eng1 = DepartmentFactory(project=p1, kind="engineering")
    DepartmentFactory(project=p2, kind="customer_service")

    def member(username, role, project=None, department=None):
        user = UserFactory(username=username)
        MembershipFactory(user=user, project=project, company=company, role=role, department=department)
        return user

    admin = member("admin", Role.COMPANY_ADMIN)
    inspector = member("inspector", Role.INSPECTOR)
    manager = member("manager", Role.PROJECT_MANAGER, p1)
    clerk = member("clerk", Role.CS_CLERK, p1, cs1)
    tech = member("tech", Role.TECHNICIAN, p1, eng1)
    outsider = member("outsider", Role.PROJECT_MANAGER, p2)

    b3 = BuildingFactory(project=p1, code="3", sort_order=3, name="3号楼")
    unit = UnitFactory(building=b3, entrance=2, room="1201", floor=12)
    other_unit = UnitFactory(building=b3, entrance=1, room="0502", floor=5)
    owner = UserFactory(username="owner1")
    neighbour = UserFactory(username="owner2")
    owner_party = PartyFactory(project=p1, name="张伟", phone="13800138000", user=owner)
    neighbour_party = PartyFactory(project=p1, name="李娜", phone="13900139000", user=neighbour)
    OccupancyFactory(unit=unit, party=owner_party, relation=Occupancy.Relation.OWNER)
    OccupancyFactory(unit=other_unit, party=neighbour_party, relation=Occupancy.Relation.OWNER)

    b_p2 = BuildingFactory(project=p2, code="A", sort_order=0, name="站房A")
    p2_unit = UnitFactory(building=b_p2, entrance=1, room="101", floor=1)

    return SimpleNamespace(
        company=company,
        p1=p1,
        p2=p2,
        admin=admin,
        inspector=inspector,
        manager=manager,
        clerk=clerk,
        tech=tech,
        outsider=outsider,
        owner=owner,
        neighbour=neighbour,
        unit=unit,
        other_unit=other_unit,
        owner_party=owner_party,
        neighbour_party=neighbour_party,
        p2_unit=p2_unit,
        building=b3,
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """``as_user(world.clerk)`` gives a logged-in test client."""
    return login


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Data migrations load the standards catalogue and the holiday calendar. A transactional test (the
    browser tests' live server) flushes every table when it ends, so a later test on the same worker puts
    them back (inside its own transaction: rolled back with it, reloaded for the next)."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker:
        request.getfixturevalue("db")
    else:
        return
    from jiayuan.core.models import CalendarDay
    from jiayuan.core.worktime import seed_calendar
    from jiayuan.standards.catalogue import load_catalogue
    from jiayuan.standards.models import Standard, StandardVersion

    if not Standard.objects.exists():
        load_catalogue(Standard, StandardVersion)
    if not CalendarDay.objects.exists():
        seed_calendar()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The working-day calendar is cached per process; a rolled-back test must not leak its days."""
    from jiayuan.core import worktime

    worktime.clear_cache()
    yield
    worktime.clear_cache()
