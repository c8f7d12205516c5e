"""Estate pages: who may open what (the authorization matrix), and list pages in bounded queries."""

import pytest
from django.urls import reverse

from jiayuan.core.scoping import forget_scope
from tests.factories import (
    OccupancyFactory,
    ParkingSpaceFactory,
    PartyFactory,
    UnitFactory,
    VehicleFactory,
)

LISTS = [
    ("estate:search", {"q": "3-"}),
    ("estate:buildings", {}),
    ("estate:units", {}),
    ("estate:parties", {}),
    ("estate:parking", {}),
    ("estate:parking", {"tab": "vehicles"}),
    ("estate:shops", {}),
]


@pytest.mark.parametrize(("name", "params"), LISTS)
@pytest.mark.parametrize("who", ["clerk", "manager", "tech", "admin", "inspector", "outsider"])
def test_staff_with_estate_rights_open_list_pages(world, as_user, name, params, who):
    assert as_user(getattr(world, who)).get(reverse(name), params).status_code == 200


@pytest.mark.parametrize(("name", "params"), LISTS)
def test_owners_are_refused_staff_list_pages(world, as_user, name, params):
    assert as_user(world.owner).get(reverse(name), params).status_code == 403


@pytest.mark.parametrize(("name", "params"), LISTS)
def test_anonymous_users_are_sent_to_log_in(world, client, name, params):
    response = client.get(reverse(name), params)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_outsider_lists_show_only_their_own_project(world, as_user):
    html = as_user(world.outsider).get(reverse("estate:units")).content.decode()
    assert reverse("estate:unit", args=[world.p2_unit.pk]) in html
    assert reverse("estate:unit", args=[world.unit.pk]) not in html
    html = as_user(world.outsider).get(reverse("estate:parties")).content.decode()
    assert "张伟" not in html


def _record_urls(world):
    occ = world.unit.occupancies.get()
    return [
        reverse("estate:unit", args=[world.unit.pk]),
        reverse("estate:party", args=[world.owner_party.pk]),
    ], [
        reverse("estate:unit_edit", args=[world.unit.pk]),
        reverse("estate:occupancy_add", args=[world.unit.pk]),
        reverse("estate:occupancy_end", args=[occ.pk]),
        reverse("estate:party_edit", args=[world.owner_party.pk]),
    ]


@pytest.mark.parametrize("who", ["clerk", "manager", "admin"])
def test_staff_who_edit_open_record_pages_and_forms(world, as_user, who):
    pages, forms = _record_urls(world)
    client = as_user(getattr(world, who))
    for url in pages + forms:
        assert client.get(url).status_code == 200, url


def test_outsider_gets_404_on_project_1_records_and_forms(world, as_user):
    pages, forms = _record_urls(world)
    client = as_user(world.outsider)
    for url in pages + forms:
        assert client.get(url).status_code == 404, url


def test_owner_gets_403_on_staff_pages_of_own_unit_and_404_on_neighbours(world, as_user):
    pages, forms = _record_urls(world)
    owner, neighbour = as_user(world.owner), as_user(world.neighbour)
    for url in pages + forms:
        assert owner.get(url).status_code == 403, url
        assert neighbour.get(url).status_code == 404, url


def test_tech_reads_records_but_cannot_open_edit_forms(world, as_user):
    pages, forms = _record_urls(world)
    client = as_user(world.tech)
    for url in pages:
        assert client.get(url).status_code == 200, url
    for url in forms:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("estate:unit_edit", args=[world.unit.pk]), {"state": "vacant"})
    assert response.status_code == 403


def test_inspector_reads_but_cannot_edit(world, as_user):
    client = as_user(world.inspector)
    assert client.get(reverse("estate:unit", args=[world.unit.pk])).status_code == 200
    assert client.get(reverse("estate:unit_edit", args=[world.unit.pk])).status_code == 403


def test_unit_page_shows_occupants_masked_and_reveal_only_for_personal_data_roles(world, as_user):
    url = reverse("estate:unit", args=[world.unit.pk])
    reveal = reverse("estate:party_reveal", args=[world.owner_party.pk, "phone"])
    html = as_user(world.clerk).get(url).content.decode()
    assert "138****8000" in html and "13800138000" not in html
    assert reveal in html
    html = as_user(world.tech).get(url).content.decode()
    assert "138****8000" in html and reveal not in html


def test_unit_page_shows_parking_and_vehicles_of_its_parties(world, as_user):
    space = ParkingSpaceFactory(project=world.p1, code="B1-088", holder=world.owner_party)
    VehicleFactory(project=world.p1, plate="沪A12345", owner=world.owner_party, space=space)
    html = as_user(world.clerk).get(reverse("estate:unit", args=[world.unit.pk])).content.decode()
    assert "B1-088" in html and "沪A12345" in html


def _many_units(world, n=30):
    for i in range(n):
        unit = UnitFactory(building=world.building, entrance=1 + i % 2, room=f"{i + 1:02d}0{3 + i % 2}")
        party = PartyFactory(project=world.p1, phone=f"1370000{i:04d}")
        OccupancyFactory(unit=unit, party=party)
        OccupancyFactory(unit=unit, party=PartyFactory(project=world.p1), relation="family", is_primary=False)
        space = ParkingSpaceFactory(project=world.p1, holder=party, unit=unit)
        VehicleFactory(project=world.p1, owner=party, space=space)


@pytest.mark.parametrize(
    ("name", "params"), [*LISTS, ("estate:units", {"per_page": 100, "state": "delivered"})]
)
def test_list_pages_run_a_bounded_number_of_queries(
    world, as_user, django_assert_max_num_queries, name, params
):
    _many_units(world)
    client = as_user(world.clerk)
    forget_scope(world.clerk)
    with django_assert_max_num_queries(15):
        response = client.get(reverse(name), {**params, "per_page": params.get("per_page", 100)})
    assert response.status_code == 200


def test_record_pages_run_a_bounded_number_of_queries(world, as_user, django_assert_max_num_queries):
    _many_units(world, n=5)
    client = as_user(world.clerk)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("estate:unit", args=[world.unit.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("estate:party", args=[world.owner_party.pk])).status_code == 200


def test_units_list_shows_counts_per_state_as_tabs(world, as_user):
    UnitFactory(building=world.building, room="0901", state="vacant")
    html = as_user(world.clerk).get(reverse("estate:units")).content.decode()
    assert "空置" in html and "已交付" in html
    assert "?state=vacant" in html


def test_units_list_has_the_export_button_with_the_same_filters(world, as_user):
    html = as_user(world.clerk).get(reverse("estate:units"), {"state": "vacant"}).content.decode()
    assert f"{reverse('estate:export')}?state=vacant" in html


@pytest.mark.parametrize(("name", "params"), LISTS[1:])
def test_list_pages_render_their_filter_fields(world, as_user, name, params):
    html = as_user(world.clerk).get(reverse(name), params).content.decode()
    assert 'name="q"' in html
