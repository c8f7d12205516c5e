"""Estate API: scoped rows (outsider and neighbour get 404), masked phones, bounded parameters, PATCH rights."""

import pytest
from django.test import Client

from jiayuan.core.models import PersonalDataAccess
from jiayuan.core.tokens import token_create
from jiayuan.estate.models import Unit
from tests.factories import OccupancyFactory, ParkingSpaceFactory, UnitFactory, VehicleFactory

API = "/api/v1"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_clerk_lists_project_1_units_with_id_and_project_and_masked_phones(world, as_user):
    body = as_user(world.clerk).get(f"{API}/units").json()
    assert {row["id"] for row in body["items"]} == {world.unit.pk, world.other_unit.pk}
    row = next(r for r in body["items"] if r["id"] == world.unit.pk)
    assert row["project"] == world.p1.pk and row["address"] == "3-2-1201"
    assert row["occupants"][0]["phone"] == "138****8000"


def test_units_search_understands_the_address_form(world, as_user):
    UnitFactory(building=world.building, entrance=1, room="1201")
    client = as_user(world.clerk)
    assert _ids(client.get(f"{API}/units", {"q": "3-2-1201"})) == {world.unit.pk}
    assert len(_ids(client.get(f"{API}/units", {"q": "3-1201"}))) == 2
    assert _ids(client.get(f"{API}/units", {"q": "8000"})) == {world.unit.pk}


def test_units_filters_are_the_pages_filters(world, as_user):
    Unit.objects.filter(pk=world.unit.pk).update(contract_signed=True)
    client = as_user(world.clerk)
    assert _ids(client.get(f"{API}/units", {"contract_signed": "true"})) == {world.unit.pk}
    assert _ids(client.get(f"{API}/units", {"contract_signed": "false", "entrance": 1})) == {
        world.other_unit.pk
    }
    assert _ids(client.get(f"{API}/units", {"building": world.building.pk, "state": "delivered"})) == {
        world.unit.pk,
        world.other_unit.pk,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"offset": 10**7},
        {"q": "x" * 61},
        {"state": "sold"},
        {"entrance": 0},
        {"building": 2**40},
    ],
)
def test_out_of_range_parameters_are_422(world, as_user, params):
    response = as_user(world.clerk).get(f"{API}/units", params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_building_of_another_project_as_a_filter_matches_nothing(world, as_user):
    response = as_user(world.clerk).get(f"{API}/units", {"building": world.p2_unit.building_id})
    assert _ids(response) == set()


def test_limit_and_offset_page_through(world, as_user):
    body = as_user(world.clerk).get(f"{API}/units", {"limit": 1, "offset": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1


def test_outsider_gets_404_on_project_1_rows_and_sees_none_in_lists(world, as_user):
    client = as_user(world.outsider)
    for url in (
        f"{API}/units/{world.unit.pk}",
        f"{API}/parties/{world.owner_party.pk}",
        f"{API}/buildings/{world.building.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.patch(
            f"{API}/units/{world.unit.pk}", {"note": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert _ids(client.get(f"{API}/units")) == {world.p2_unit.pk}
    assert _ids(client.get(f"{API}/parties")) == set()


def test_owner_sees_own_unit_and_party_but_404_on_the_neighbours(world, as_user):
    client = as_user(world.owner)
    assert _ids(client.get(f"{API}/units")) == {world.unit.pk}
    assert _ids(client.get(f"{API}/parties")) == {world.owner_party.pk}
    assert client.get(f"{API}/units/{world.unit.pk}").status_code == 200
    assert client.get(f"{API}/units/{world.other_unit.pk}").status_code == 404
    assert client.get(f"{API}/parties/{world.neighbour_party.pk}").status_code == 404
    own = client.get(f"{API}/parties/{world.owner_party.pk}").json()
    assert own["phone"] == "13800138000"  # an owner sees their own number


def test_owner_cannot_patch_even_their_own_unit(world, as_user):
    response = as_user(world.owner).patch(
        f"{API}/units/{world.unit.pk}", {"state": "vacant"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_tech_cannot_patch_a_unit(world, as_user):
    response = as_user(world.tech).patch(
        f"{API}/units/{world.unit.pk}", {"state": "vacant"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    world.unit.refresh_from_db()
    assert world.unit.state == "delivered"


def test_clerk_patches_state_contract_and_note(world, as_user):
    response = as_user(world.clerk).patch(
        f"{API}/units/{world.unit.pk}",
        {"state": "occupied", "contract_signed": True, "note": "已收房"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["contract_signed"]) == ("occupied", True)
    world.unit.refresh_from_db()
    assert world.unit.note == "已收房"


@pytest.mark.parametrize(
    "body",
    [
        {"state": "sold"},
        {"note": "x" * 201},
        {"state": None},
        {"contract_signed": None},
        {"building_area": 1},
    ],
)
def test_bad_patches_are_422(world, as_user, body):
    response = as_user(world.clerk).patch(
        f"{API}/units/{world.unit.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422


def test_unit_detail_shows_full_phones_only_with_view_personal_and_logs_it(world, as_user):
    tech = as_user(world.tech).get(f"{API}/units/{world.unit.pk}").json()
    assert tech["occupants"][0]["phone"] == "138****8000"
    assert not PersonalDataAccess.objects.exists()
    clerk = as_user(world.clerk).get(f"{API}/units/{world.unit.pk}").json()
    assert clerk["occupants"][0]["phone"] == "13800138000"
    assert PersonalDataAccess.objects.filter(actor=world.clerk, purpose="api").count() == 1


def test_unit_detail_logs_every_revealed_phone_in_one_insert(world, as_user):
    """Each occupant's full phone is logged, one row each as before, in a single INSERT: the query count
    does not grow with the occupants."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.clerk)
    url = f"{API}/units/{world.unit.pk}"
    client.get(url)  # warm the session and caches
    PersonalDataAccess.objects.all().delete()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for phone in ("13900139001", "13900139002", "13900139003"):
        OccupancyFactory(unit=world.unit, relation="resident", is_primary=False, party__phone=phone)
    with CaptureQueriesContext(connection) as four:
        body = client.get(url).json()
    assert sorted(o["phone"] for o in body["occupants"]) == [
        "13800138000",
        "13900139001",
        "13900139002",
        "13900139003",
    ]
    assert len(four) == len(one)
    inserts = [q["sql"] for q in four if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and "personaldataaccess" in inserts[0]
    logged = PersonalDataAccess.objects.filter(actor=world.clerk, purpose="api", field="phone")
    assert logged.count() == 1 + 4
    assert {row.subject for row in logged} == {
        f"住户 {o['name']} (#{o['party']})" for o in body["occupants"]
    } and all(row.project_id == world.p1.pk for row in logged)


def test_party_list_masks_phones_even_for_clerks(world, as_user):
    rows = as_user(world.clerk).get(f"{API}/parties", {"q": "张伟"}).json()["items"]
    assert [(r["name"], r["phone"], r["project"]) for r in rows] == [("张伟", "138****8000", world.p1.pk)]
    assert rows[0]["units"][0]["address"] == "3-2-1201"


def test_buildings_carry_signed_and_unsigned_counts(world, as_user):
    Unit.objects.filter(pk=world.unit.pk).update(contract_signed=True)
    body = as_user(world.clerk).get(f"{API}/buildings/{world.building.pk}").json()
    assert (body["n_units"], body["n_signed"], body["n_unsigned"], body["project"]) == (2, 1, 1, world.p1.pk)
    assert body["area"] == "179.00"
    assert _ids(as_user(world.clerk).get(f"{API}/buildings")) == {world.building.pk}


def test_parking_spaces_and_vehicles_are_scoped(world, as_user):
    mine = ParkingSpaceFactory(project=world.p1, code="B1-001", holder=world.owner_party)
    VehicleFactory(project=world.p1, plate="沪A00001", owner=world.owner_party, space=mine)
    theirs = ParkingSpaceFactory(project=world.p2, code="P2-001")
    clerk = as_user(world.clerk)
    assert _ids(clerk.get(f"{API}/parking-spaces")) == {mine.pk}
    assert _ids(clerk.get(f"{API}/parking-spaces", {"occupied": "true"})) == {mine.pk}
    assert _ids(clerk.get(f"{API}/parking-spaces", {"occupied": "false"})) == set()
    vehicles = clerk.get(f"{API}/vehicles", {"q": "沪A"}).json()["items"]
    assert [(v["plate"], v["owner_name"], v["project"]) for v in vehicles] == [
        ("沪A00001", "张伟", world.p1.pk)
    ]
    assert _ids(as_user(world.outsider).get(f"{API}/parking-spaces")) == {theirs.pk}
    assert _ids(as_user(world.owner).get(f"{API}/vehicles")) != set()
    assert _ids(as_user(world.neighbour).get(f"{API}/vehicles")) == set()


def test_bearer_token_works_and_no_credentials_is_401(world):
    _, raw = token_create(world.clerk)
    client = Client()
    assert client.get(f"{API}/units").status_code == 401
    response = client.get(f"{API}/units", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert _ids(response) == {world.unit.pk, world.other_unit.pk}


def test_every_estate_operation_declares_its_error_responses(world, as_user):
    schema = as_user(world.clerk).get(f"{API}/openapi.json").json()
    for path, ops in schema["paths"].items():
        if not any(
            path.startswith(f"{API}/{p}") for p in ("buildings", "units", "parties", "parking", "vehicles")
        ):
            continue
        for method, op in ops.items():
            assert {"401", "403", "404", "422"} <= set(op["responses"]), (method, path)
