"""The clerks' search (R2.1, UI.md top bar): address forms, names, phones; scoped; phones masked."""

from django.urls import reverse

from jiayuan.estate.selectors import search_units
from tests.factories import BuildingFactory, OccupancyFactory, PartyFactory, UnitFactory


def _addresses(user, project, q):
    return sorted(u.address for u in search_units(user, project, q))


def test_full_address_finds_exactly_that_unit(world):
    UnitFactory(building=world.building, entrance=1, room="1201")
    assert _addresses(world.clerk, world.p1, "3-2-1201") == ["3-2-1201"]


def test_building_and_room_finds_the_room_in_every_entrance(world):
    UnitFactory(building=world.building, entrance=1, room="1201")
    UnitFactory(building=world.building, entrance=1, room="1202")
    assert _addresses(world.clerk, world.p1, "3-1201") == ["3-1-1201", "3-2-1201"]


def test_building_prefix_lists_the_whole_building_only(world):
    other = BuildingFactory(project=world.p1, code="5")
    UnitFactory(building=other, entrance=1, room="1201")
    assert _addresses(world.clerk, world.p1, "3-") == ["3-1-0502", "3-2-1201"]


def test_owner_name_contains(world):
    assert _addresses(world.clerk, world.p1, "张") == ["3-2-1201"]
    assert _addresses(world.clerk, world.p1, "李娜") == ["3-1-0502"]


def test_phone_full_or_last_four_digits(world):
    assert _addresses(world.clerk, world.p1, "13800138000") == ["3-2-1201"]
    assert _addresses(world.clerk, world.p1, "9000") == ["3-1-0502"]


def test_former_residents_are_not_found_by_name(world):
    occ = world.unit.occupancies.get()
    occ.ended_on = "2026-01-01"
    occ.save()
    assert _addresses(world.clerk, world.p1, "张伟") == []


def test_search_never_crosses_projects(world):
    party = PartyFactory(project=world.p2, name="张伟", phone="13700137000")
    OccupancyFactory(unit=world.p2_unit, party=party)
    assert _addresses(world.clerk, None, "张伟") == ["3-2-1201"]
    assert _addresses(world.outsider, None, "张伟") == ["A-1-101"]
    assert _addresses(world.outsider, None, "3-2-1201") == []


def test_search_page_redirects_a_single_exact_address_to_the_unit(world, as_user):
    response = as_user(world.clerk).get(reverse("estate:search"), {"q": "3-2-1201"})
    assert response.status_code == 302
    assert response["Location"] == reverse("estate:unit", args=[world.unit.pk])


def test_search_page_lists_partial_matches_with_masked_phones(world, as_user):
    response = as_user(world.clerk).get(reverse("estate:search"), {"q": "3-"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3-2-1201" in html and "3-1-0502" in html
    assert "138****8000" in html
    assert "13800138000" not in html


def test_search_page_says_why_when_nothing_matches(world, as_user):
    response = as_user(world.clerk).get(reverse("estate:search"), {"q": "9-9-9999"})
    assert response.status_code == 200
    assert "没有找到匹配的房屋或住户" in response.content.decode()


def test_outsider_search_for_project_1_address_does_not_redirect(world, as_user):
    response = as_user(world.outsider).get(reverse("estate:search"), {"q": "3-2-1201"})
    assert response.status_code == 200
    assert reverse("estate:unit", args=[world.unit.pk]) not in response.content.decode()
    assert "没有找到匹配的房屋或住户" in response.content.decode()


def test_plate_search_ignores_the_separator_dot_R2_1(world, as_user):
    from jiayuan.estate.models import Vehicle
    from jiayuan.estate.selectors import search_units

    Vehicle.objects.create(project=world.p1, plate="浙F·56237", owner=world.owner_party)
    for typed in ("浙F56237", "浙f·56237", "F56237", "56237"):
        assert world.unit in search_units(world.clerk, world.p1, typed), typed
    assert world.other_unit not in search_units(world.clerk, world.p1, "浙F56237")
