"""R2.3 export: same columns as the import (round trip), scoped, filtered like the units list, audited."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiayuan.core.models import PersonalDataAccess
from jiayuan.estate.exporting import export_estate
from jiayuan.estate.importing import COLUMNS, import_estate
from jiayuan.estate.models import Unit
from tests.estate.test_import_service import table_counts
from tests.estate.xlsx import read_header, read_rows, row, workbook
from tests.factories import OccupancyFactory, PartyFactory, ProjectFactory, UnitFactory

URL = reverse("estate:export")


def download(client, **params) -> bytes:
    """Start the export job (the list's filters in the query string), open its page, fetch the file."""
    started = client.post(f"{URL}?{urlencode(params)}" if params else URL)
    assert started.status_code == 302, started.content
    page = client.get(started.url)
    assert page.status_code == 200 and 'data-state="done"' in page.content.decode(), page.content
    response = client.get(started.url + "download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def addresses(data: bytes) -> set[str]:
    return {f"{r[0]}-{r[2]}-{r[3]}" for r in read_rows(data)}


@pytest.fixture
def richer(world):
    """P1 with a shop with a tenant, a unit with two parties and a unit nobody is registered in."""
    shop = UnitFactory(
        building=world.building,
        entrance=1,
        room="0101",
        floor=1,
        use="shop",
        state="rented",
        contract_signed=True,
    )
    OccupancyFactory(
        unit=shop, party=PartyFactory(project=world.p1, name="赵六", phone="13600136000"), relation="tenant"
    )
    OccupancyFactory(
        unit=world.unit,
        party=PartyFactory(
            project=world.p1, name="李静", phone="13800138001", id_number="330102199001011234"
        ),
        relation="family",
        is_primary=False,
    )
    UnitFactory(
        building=world.building,
        entrance=2,
        room="1202",
        floor=12,
        building_area=Decimal("120.00"),
        state="vacant",
    )
    return world


def test_export_has_the_import_columns_and_one_row_per_party_R2_3(richer, as_user):
    data = download(as_user(richer.clerk))

    assert read_header(data) == [c.title for c in COLUMNS]
    rows = read_rows(data)
    assert (
        "3",
        "3号楼",
        2,
        "1201",
        12,
        89.5,
        None,
        "住宅",
        "已交付",
        "否",
        "张伟",
        "13800138000",
        None,
        "业主",
    ) in rows
    assert (
        "3",
        "3号楼",
        2,
        "1201",
        12,
        89.5,
        None,
        "住宅",
        "已交付",
        "否",
        "李静",
        "13800138001",
        "330102199001011234",
        "家庭成员",
    ) in rows
    assert ("3", "3号楼", 2, "1202", 12, 120, None, "住宅", "空置", "否", None, None, None, None) in rows
    assert len(rows) == 5


def test_export_then_import_round_trip_is_equal_R2_3(richer, as_user):
    exported = download(as_user(richer.clerk))
    fresh = ProjectFactory(company=richer.company, code="P3")

    report = import_estate(fresh, io.BytesIO(exported), actor=richer.admin)
    assert report.ok, [str(e) for e in report.errors]
    again = io.BytesIO()
    export_estate(fresh, again)

    assert read_rows(again.getvalue()) == read_rows(exported)


def test_importing_an_export_back_changes_nothing(richer, as_user):
    exported = download(as_user(richer.clerk))
    before = table_counts()

    report = import_estate(richer.p1, io.BytesIO(exported), actor=richer.clerk)

    assert report.ok, [str(e) for e in report.errors]
    assert report.created == {"buildings": 0, "units": 0, "parties": 0, "occupancies": 0}
    assert table_counts() == before


def test_export_is_scoped_to_the_current_project_R2_3(world, as_user):
    exported = download(as_user(world.outsider))

    assert addresses(exported) == {"A-1-101"}
    assert "张伟" not in {r[10] for r in read_rows(exported)}


def test_company_admin_exports_only_the_project_in_the_switcher(world, as_user):
    assert addresses(download(as_user(world.admin))) == {"3-2-1201", "3-1-0502"}


@pytest.mark.parametrize("who", ["owner", "neighbour"])
def test_export_is_refused_to_owners(world, as_user, who):
    assert as_user(getattr(world, who)).post(URL).status_code == 403


def test_export_masks_personal_data_for_roles_without_view_personal(world, as_user):
    rows = read_rows(download(as_user(world.tech)))

    assert {r[11] for r in rows} == {"138****8000", "139****9000"}


def test_export_is_audited_R2_3(world, as_user):
    download(as_user(world.clerk))

    audit = PersonalDataAccess.objects.get(actor=world.clerk)
    assert (audit.field, audit.purpose, audit.subject, audit.project) == (
        "export",
        "export",
        "房屋导出 2 行",
        world.p1,
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "vacant"}, {"3-2-1202"}),
        ({"use": "shop"}, {"3-1-0101"}),
        ({"contract_signed": "true"}, {"3-1-0101"}),
        ({"entrance": "2"}, {"3-2-1201", "3-2-1202"}),
        ({"q": "张伟"}, {"3-2-1201"}),
        ({"q": "1202"}, {"3-2-1202"}),
    ],
)
def test_export_accepts_the_units_list_filters(richer, as_user, params, expected):
    assert addresses(download(as_user(richer.clerk), **params)) == expected


def test_export_with_a_bad_filter_is_refused_not_widened(richer, as_user):
    client = as_user(richer.clerk)
    started = client.post(f"{URL}?state=no-such-state")
    page = client.get(started.url).content.decode()

    assert 'data-state="failed"' in page and "筛选条件不合法" in page
    assert client.get(started.url + "download/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_export_building_filter(richer, as_user):
    other = UnitFactory(building__project=richer.p1, building__code="7", entrance=1, room="101")

    assert addresses(download(as_user(richer.clerk), building=other.building_id)) == {"7-1-101"}


def test_export_of_a_big_project_runs_a_bounded_number_of_queries(
    world, as_user, django_assert_max_num_queries
):
    fresh = ProjectFactory(company=world.company, code="P3")
    import_estate(
        fresh,
        workbook([row(room=f"{f}0{r}", phone="") for f in range(1, 21) for r in range(1, 6)]),
        actor=None,
    )
    assert Unit.objects.filter(project=fresh).count() == 100

    with django_assert_max_num_queries(6):
        export_estate(fresh, io.BytesIO())


def test_export_writes_formula_like_text_as_text(world):
    """A party or building named like a formula is a string cell in the export, exactly as typed."""
    evil = '=HYPERLINK("http://evil","x")'
    world.building.name = "+3号楼"
    world.building.save(update_fields=["name"])
    OccupancyFactory(
        unit=world.unit, party=PartyFactory(project=world.p1, name=evil), relation="family", is_primary=False
    )
    out = io.BytesIO()
    export_estate(world.p1, out)
    ws = load_workbook(io.BytesIO(out.getvalue()))["房屋"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value in (evil, "+3号楼")]
    assert {c.value for c in cells} == {evil, "+3号楼"}
    assert {c.data_type for c in cells} == {"s"}
