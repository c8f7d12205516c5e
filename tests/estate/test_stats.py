"""R2.2 contract status per unit: signed / not signed counts per building and project."""

from decimal import Decimal

from django.urls import reverse

from jiayuan.core.scoping import scope_of
from jiayuan.estate.models import Unit
from jiayuan.estate.selectors import building_stats
from tests.factories import BuildingFactory, UnitFactory


def _estate(world):
    b5 = BuildingFactory(project=world.p1, code="5")
    UnitFactory(building=world.building, room="0601", contract_signed=True, state=Unit.State.OCCUPIED)
    UnitFactory(building=b5, room="0101", contract_signed=True, building_area=Decimal("100.25"))
    UnitFactory(building=b5, room="0102", contract_signed=False)
    return b5


def test_r2_2_signed_and_unsigned_per_building_and_project(world):
    b5 = _estate(world)
    stats = building_stats(world.clerk, world.p1)
    by_code = {b.code: b for b in stats.buildings}
    assert (by_code["3"].n_units, by_code["3"].n_signed, by_code["3"].n_unsigned) == (3, 1, 2)
    assert (by_code[b5.code].n_signed, by_code[b5.code].n_unsigned) == (1, 1)
    assert by_code[b5.code].area == Decimal("189.75")
    assert by_code["3"].n_occupied == 1
    assert stats.totals["n_units"] == 5
    assert (stats.totals["n_signed"], stats.totals["n_unsigned"]) == (2, 3)


def test_r2_2_counts_come_from_one_aggregate_query(world, django_assert_num_queries):
    _estate(world)
    scope_of(world.clerk)  # the user's scope is read once per request, not per aggregate
    with django_assert_num_queries(1):
        building_stats(world.clerk, world.p1)


def test_r2_2_counts_never_include_other_projects(world):
    UnitFactory(building=world.p2_unit.building, room="102", contract_signed=True)
    stats = building_stats(world.clerk, world.p1)
    assert stats.totals["n_units"] == 2
    assert stats.totals["n_signed"] == 0


def test_buildings_page_shows_signed_and_unsigned(world, as_user):
    _estate(world)
    response = as_user(world.clerk).get(reverse("estate:buildings"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "签约户数" in html and "未签约户数" in html
    assert f"{reverse('estate:units')}?building={world.building.pk}&amp;contract_signed=false" in html


def test_units_list_filters_by_contract_status(world, as_user):
    _estate(world)
    response = as_user(world.clerk).get(reverse("estate:units"), {"contract_signed": "true"})
    html = response.content.decode()
    assert ">3-1-0601</a>" in html
    assert reverse("estate:unit", args=[world.unit.pk]) not in html
