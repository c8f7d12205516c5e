"""The demo estate behind ``make demo``: fixed logins, two projects, relative dates, reproducibility."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from freezegun import freeze_time

from jiayuan.core.roles import Role
from jiayuan.demo import DEFAULT_SEED, DEMO_LOGINS, DEMO_PASSWORD, load_demo
from jiayuan.demo.people import id_check_digit, uscc_check_char
from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Party, Shop, Unit, Vehicle
from jiayuan.org.models import Certificate, Company, Membership, Project, Staff, Training

SMALL = 0.02
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@pytest.fixture
def demo(db):
    return load_demo(seed=DEFAULT_SEED, scale=SMALL)


def _membership(username):
    return Membership.objects.select_related("project", "department").get(user__username=username)


def test_every_demo_login_exists_with_the_demo_password_and_a_chinese_name(demo):
    users = get_user_model().objects.filter(username__in=[x.username for x in DEMO_LOGINS])
    assert users.count() == len(DEMO_LOGINS) == 10
    for user in users:
        assert user.check_password(DEMO_PASSWORD)
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", user.first_name) and user.last_name == ""


def test_admin_is_company_admin_without_project_and_a_django_superuser(demo):
    m = _membership("admin")
    assert (m.role, m.project, m.company.code) == (Role.COMPANY_ADMIN, None, "jy")
    assert m.user.is_superuser and m.user.is_staff


@pytest.mark.parametrize(
    ("username", "role", "project", "department"),
    [
        ("manager", Role.PROJECT_MANAGER, "CUIHU", "management"),
        ("manager2", Role.PROJECT_MANAGER, "CHENGDONG", "management"),
        ("clerk", Role.CS_CLERK, "CUIHU", "customer_service"),
        ("tech", Role.TECHNICIAN, "CUIHU", "engineering"),
        ("guard", Role.GUARD, "CUIHU", "security"),
        ("finance", Role.FINANCE, "CUIHU", "finance"),
    ],
)
def test_project_staff_logins_hold_their_role_in_their_project_and_department(
    demo, username, role, project, department
):
    m = _membership(username)
    assert (m.role, m.project.code, m.department.kind) == (role, project, department)
    staff = Staff.objects.get(user=m.user)
    assert (staff.project.code, staff.department.kind, staff.name) == (project, department, m.user.first_name)
    assert not m.user.is_staff and not m.user.is_superuser


def test_inspector_is_company_level_with_a_staff_row_in_the_quality_department(demo):
    m = _membership("inspector")
    assert (m.role, m.project) == (Role.INSPECTOR, None)
    assert Staff.objects.get(user=m.user).department.kind == "quality"


def test_project_managers_are_the_projects_responsible_persons(demo):
    """R1.1: one responsible person per project."""
    assert Project.objects.get(code="CUIHU").manager.username == "manager"
    assert Project.objects.get(code="CHENGDONG").manager.username == "manager2"


def test_owner1_owns_3_2_1201_and_sees_only_that_unit(demo):
    unit = Unit.objects.get(project__code="CUIHU", address="3-2-1201")
    owner = unit.occupancies.get(relation=Occupancy.Relation.OWNER, ended_on__isnull=True).party
    assert (owner.name, owner.user.username) == ("王建国", "owner1")
    assert unit.occupancies.filter(relation=Occupancy.Relation.FAMILY).count() >= 1
    assert list(Unit.objects.visible_to(owner.user).values_list("address", flat=True)) == ["3-2-1201"]


def test_owner2_owns_a_different_unit(demo):
    owner2 = Party.objects.get(user__username="owner2")
    units = Unit.objects.filter(occupancies__party=owner2, occupancies__relation="owner")
    assert list(units.values_list("address", flat=True)) == ["5-1-0802"]


def test_small_scale_keeps_all_buildings_and_both_project_kinds(demo):
    p1 = Project.objects.get(code="CUIHU")
    assert Project.objects.get(code="CHENGDONG").kind == Project.Kind.STATION
    assert p1.kind == Project.Kind.RESIDENTIAL and "杭州" in p1.address
    assert Company.objects.get(code="jy").name == "家园物业服务有限公司"
    assert Building.objects.filter(project=p1).count() >= 20
    assert Unit.objects.filter(project=p1).count() < 300  # the scale did shrink the estate


def test_station_units_are_let_to_organisations(demo):
    tenants = Occupancy.objects.filter(project__code="CHENGDONG", relation=Occupancy.Relation.TENANT)
    assert tenants.filter(party__kind=Party.Kind.ORGANISATION, unit__use="office").exists()
    assert ParkingSpace.objects.filter(project__code="CHENGDONG").exists()


def test_every_department_of_both_projects_has_staff(demo):
    for code in ("CUIHU", "CHENGDONG"):
        kinds = set(Staff.objects.filter(project__code=code).values_list("department__kind", flat=True))
        assert {
            "management",
            "customer_service",
            "engineering",
            "security",
            "environment",
            "finance",
        } <= kinds


@pytest.mark.parametrize("today", ["2026-03-15", "2027-11-01"])
def test_certificates_lapse_and_fall_due_relative_to_the_load_date(db, today):
    """R1.3: some certificates have expired and at least five expire within 30 days of today."""
    with freeze_time(today):
        load_demo(scale=SMALL)
    day = date.fromisoformat(today)
    certs = Certificate.objects.all()
    due = certs.filter(expires_on__gte=day, expires_on__lte=day + timedelta(days=30))
    assert due.filter(project__code="CUIHU").count() >= 5 and due.filter(project__code="CHENGDONG").exists()
    assert certs.filter(expires_on__lt=day).exists()
    assert not certs.filter(issued_on__gt=day).exists()
    assert certs.filter(kind=Certificate.Kind.ELECTRICIAN).exists()


@freeze_time("2026-05-20")
def test_training_covers_four_quarters_and_most_people_reach_eight_hours(db):
    """R1.4: ≥8 h per quarter for most employees, some short."""
    load_demo(scale=SMALL)
    quarter = (date(2026, 1, 1), date(2026, 3, 31))
    trained = Training.objects.filter(date__range=quarter)
    hours: dict[int, float] = {}
    for staff_id, h in trained.values_list("staff_id", "hours"):
        hours[staff_id] = hours.get(staff_id, 0) + float(h)
    enough = sum(h >= 8 for h in hours.values())
    assert 0.8 * len(hours) <= enough < len(hours)
    assert Training.objects.filter(date__range=(date(2025, 4, 1), date(2025, 6, 30))).exists()
    assert not Training.objects.filter(date__lt=date(2025, 4, 1)).exists()
    assert not Training.objects.filter(date__gte=date(2026, 5, 20)).exists()


def _snapshot(seed):
    with transaction.atomic():
        load_demo(seed=seed, scale=SMALL)
        data = (
            list(Unit.objects.order_by("pk").values_list("address", "building_area", "state")),
            list(Party.objects.order_by("pk").values_list("name", "phone", "id_number")),
            list(Staff.objects.order_by("pk").values_list("name", "post")),
            list(Vehicle.objects.order_by("pk").values_list("plate", "card_no")),
        )
        transaction.set_rollback(True)
    return data


@freeze_time("2026-06-01")
def test_same_seed_gives_the_same_data_and_another_seed_does_not(db):
    first, second = _snapshot(DEFAULT_SEED), _snapshot(DEFAULT_SEED)
    assert first == second and len(first[1]) > 50
    other = _snapshot(DEFAULT_SEED + 1)
    assert other[1] != first[1] and other[3] != first[3]


def test_if_empty_is_a_no_op_the_second_time(db, capsys):
    call_command("load_demo", scale=SMALL, if_empty=True)
    counts = (Unit.objects.count(), Party.objects.count(), get_user_model().objects.count())
    call_command("load_demo", scale=SMALL, if_empty=True)
    assert "跳过" in capsys.readouterr().out
    assert (Unit.objects.count(), Party.objects.count(), get_user_model().objects.count()) == counts


def test_second_plain_run_stops_with_a_message_and_adds_nothing(db):
    call_command("load_demo", scale=SMALL)
    units = Unit.objects.count()
    with pytest.raises(CommandError, match="已存在"):
        call_command("load_demo", scale=SMALL)
    assert Unit.objects.count() == units and Company.objects.count() == 1


def test_reset_is_refused_without_debug(db, settings):
    settings.DEBUG = False
    call_command("load_demo", scale=SMALL)
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", scale=SMALL, reset=True)
    assert Company.objects.filter(code="jy").exists()


def test_reset_in_debug_rebuilds_the_demo_without_duplicates(db, settings):
    settings.DEBUG = True
    call_command("load_demo", scale=SMALL)
    counts = (Unit.objects.count(), Party.objects.count(), Membership.objects.count())
    call_command("load_demo", scale=SMALL, reset=True)
    assert (Unit.objects.count(), Party.objects.count(), Membership.objects.count()) == counts
    assert get_user_model().objects.filter(username="owner1").count() == 1


def test_load_refuses_when_a_demo_username_is_taken(db):
    get_user_model().objects.create_user("clerk", password="x")
    with pytest.raises(CommandError, match="clerk"):
        call_command("load_demo", scale=SMALL)
    assert not Company.objects.exists()  # nothing half-made


def test_full_scale_estate_is_big_and_its_identifiers_are_valid_and_unique(db):
    load_demo(scale=1.0)
    p1 = Project.objects.get(code="CUIHU")
    units = Unit.objects.filter(project=p1)
    assert units.filter(use=Unit.Use.RESIDENTIAL).count() >= 2000
    assert Building.objects.filter(project=p1).count() >= 20
    assert Shop.objects.filter(project=p1).count() >= 20
    spaces = ParkingSpace.objects.filter(project=p1)
    assert (
        spaces.count() >= 600 and 0.6 <= spaces.filter(holder__isnull=False).count() / spaces.count() <= 0.8
    )
    signed = units.filter(contract_signed=True).count() / units.count()
    assert 0.88 <= signed <= 0.97
    areas = units.filter(use=Unit.Use.RESIDENTIAL).values_list("building_area", "inner_area")
    assert all(70 <= a <= 180 and 0.78 <= inner / a <= 0.85 for a, inner in areas)
    phones = list(Party.objects.exclude(phone="").values_list("phone", flat=True))
    phones += list(Staff.objects.values_list("phone", flat=True))
    assert len(phones) == len(set(phones)) and all(MOBILE.match(p) for p in phones)
    ids = list(Party.objects.filter(kind="person").exclude(id_number="").values_list("id_number", flat=True))
    assert len(ids) == len(set(ids)) and all(len(i) == 18 and id_check_digit(i[:17]) == i[17] for i in ids)
    codes = Party.objects.filter(kind="organisation").values_list("id_number", flat=True)
    assert all(uscc_check_char(c[:17]) == c[17] for c in codes)
    plates = list(Vehicle.objects.values_list("plate", flat=True))
    assert len(plates) == len(set(plates)) and all(
        re.fullmatch(r"[\u4e00-\u9fff][A-Z]·[A-Z0-9]{5,6}", p) for p in plates
    )


def test_demo_command_migrates_loads_once_prints_logins_and_starts_the_server(db, monkeypatch, capsys):
    from jiayuan.demo.management.commands import demo as demo_command

    calls = []

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":
            calls.append((args, kwargs))
            return None
        kwargs.setdefault("scale", SMALL) if name == "load_demo" else None
        return call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    monkeypatch.setenv("PORT", "8765")
    call_command("demo")
    call_command("demo", port=8123)
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8765/" in out and "跳过" in out
    assert all(login.username in out for login in DEMO_LOGINS) and DEMO_PASSWORD in out
    assert Company.objects.count() == 1
    assert [c[0] for c in calls] == [("127.0.0.1:8765",), ("127.0.0.1:8123",)]
    assert all(c[1]["use_reloader"] is False for c in calls)
    # the settings file went to the test's own folder, never the checkout's var/ (a run on PostgreSQL once
    # left its test database's URL there for the next `make demo`)
    assert "DEBUG=1" in settings.DEMO_ENV_FILE.read_text()
    assert not settings.DEMO_ENV_FILE.is_relative_to(settings.PROJECT_DIR)


def test_demo_command_with_no_server_does_not_start_one(db, monkeypatch, capsys):
    from jiayuan.demo.management.commands import demo as demo_command

    started = []
    real = demo_command.call_command
    monkeypatch.setattr(
        demo_command,
        "call_command",
        lambda name, *a, **k: started.append(name) if name == "runserver" else real(name, *a, **k),
    )
    load_demo(scale=SMALL)
    call_command("demo", no_server=True, port=8124)
    assert started == [] and "http://127.0.0.1:8124/" in capsys.readouterr().out
