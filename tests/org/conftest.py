"""Org fixtures on top of the shared ``world`` (tests/conftest.py), dated around 2026-05-15 (Q2).

Project 1 (翠湖花园):
- 甲电工 (engineering, professional): electrician certificate EL-EXPIRED expired 2026-05-01; 8 training
  hours in Q2 — meets R1.4
- 乙登高 (engineering, professional): height certificate HT-SOON expires 2026-06-10 (in 26 days);
  3 hours in Q2 (and 4 in Q1, which do not count) — short by 5
- 丙客服 (customer service, manager): property-management certificate PM-VALID until 2026-07-01 (47 days,
  not listed); professional sessions in April only
- 丁客服 (customer service): PM-OLD expired 2026-01-01 but renewed by PM-NEW until 2028 — not listed
- 戊客服 (customer service): no certificate
- 己离职 (inactive): LEFT-EXPIRED expired — not listed
Project 2 (城东客运站): 庚站务 with P2-EXPIRED expired — never shown to project 1's people.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

# Load the URLconf (and with it the API schemas) now: imported first inside freeze_time, pydantic would
# see freezegun's FakeDate where the schemas say ``date`` and refuse to build them.
import jiayuan.urls  # noqa: F401
from jiayuan.org.models import Certificate, Department, Training
from tests.factories import DepartmentFactory, StaffFactory

TODAY = date(2026, 5, 15)
FROZEN = "2026-05-15 10:00:00+08:00"


def cert(staff, kind, number, expires_on, issued_on=date(2020, 1, 1)):
    return Certificate.objects.create(
        project=staff.project,
        staff=staff,
        kind=kind,
        number=number,
        issued_on=issued_on,
        expires_on=expires_on,
    )


def train(staff, day, hours, kind=Training.Kind.GENERAL, topic="消防安全"):
    return Training.objects.create(
        project=staff.project, staff=staff, date=day, topic=topic, kind=kind, hours=Decimal(hours)
    )


@pytest.fixture
def org(world):
    p1, p2 = world.p1, world.p2
    cs = Department.objects.get(project=p1, kind=Department.Kind.CUSTOMER_SERVICE)
    eng = Department.objects.get(project=p1, kind=Department.Kind.ENGINEERING)
    cs2 = Department.objects.get(project=p2, kind=Department.Kind.CUSTOMER_SERVICE)

    def person(name, dept, **kw):
        return StaffFactory(project=dept.project, department=dept, name=name, phone="13812345678", **kw)

    electrician = person("甲电工", eng, post="电工", professional=True)
    climber = person("乙登高", eng, post="暖通技工", professional=True)
    lead = person("丙客服", cs, post="客服主管", is_manager=True)
    renewed = person("丁客服", cs, post="客服专员")
    uncertified = person("戊客服", cs, post="客服专员")
    former = person("己离职", cs, post="客服专员", active=False)
    station = person("庚站务", cs2, post="站务员")

    cert(electrician, Certificate.Kind.ELECTRICIAN, "EL-EXPIRED", date(2026, 5, 1))
    cert(climber, Certificate.Kind.HEIGHT, "HT-SOON", date(2026, 6, 10))
    cert(lead, Certificate.Kind.PROPERTY_MANAGEMENT, "PM-VALID", date(2026, 7, 1))
    cert(renewed, Certificate.Kind.PROPERTY_MANAGEMENT, "PM-OLD", date(2026, 1, 1))
    cert(
        renewed, Certificate.Kind.PROPERTY_MANAGEMENT, "PM-NEW", date(2028, 1, 1), issued_on=date(2026, 1, 1)
    )
    cert(former, Certificate.Kind.PROPERTY_MANAGEMENT, "LEFT-EXPIRED", date(2026, 3, 1))
    cert(station, Certificate.Kind.PROPERTY_MANAGEMENT, "P2-EXPIRED", date(2026, 4, 1))

    train(electrician, date(2026, 4, 10), "3")
    train(electrician, date(2026, 5, 12), "5")
    train(climber, date(2026, 4, 20), "3")
    train(climber, date(2026, 3, 31), "4")  # Q1
    train(lead, date(2026, 4, 8), "2", kind=Training.Kind.PROFESSIONAL, topic="物业法规")
    return SimpleNamespace(
        world=world,
        cs=cs,
        eng=eng,
        electrician=electrician,
        climber=climber,
        lead=lead,
        renewed=renewed,
        uncertified=uncertified,
        former=former,
        station=station,
    )


def add_people(world, n: int) -> list:
    """``n`` more people of project 1, each with a certificate due and a training, for query bounds."""
    dept = DepartmentFactory(project=world.p1, kind=Department.Kind.SECURITY)
    start = Training.objects.count()
    people = []
    for i in range(start, start + n):
        s = StaffFactory(project=world.p1, department=dept, name=f"秩序{i:03d}", is_manager=i % 5 == 0)
        cert(s, Certificate.Kind.FIRE, f"XF{i:03d}", date(2026, 5, 20))
        train(s, date(2026, 4, 2), "2", kind=Training.Kind.PROFESSIONAL)
        people.append(s)
    return people
