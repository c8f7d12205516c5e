"""Every enum parameter of the estate, org and standards API refuses a value outside its choices with a 422
and a Chinese message, whether sent in a filter, a PATCH or a POST body — never a 200 that ignores it or
keeps a valid value sent alongside it, and nothing written.

Why this file exists: the OpenAPI fuzz test (test_fuzz_openapi.py) once saw ``/api/v1/buildings`` accept
an invalid ``kind``. The cause was a query parameter given twice, ``?kind=bad&kind=residential``: Django
keeps the last value, so the bad one was dropped silently and the list answered 200. A repeated scalar
parameter is now passed to validation as the list it is (core.api.StrictQueryParser) and refused.
(R2.1 building kinds, unit uses and states; R1.3 certificate kinds; standards kinds, departments,
periods and comparators.)
"""

import pytest

from jiayuan.estate.models import Building, Occupancy, ParkingSpace, Unit
from jiayuan.org.models import Certificate
from jiayuan.standards.models import Comparator, Department, Kind, Period, Standard, StandardVersion

pytestmark = pytest.mark.django_db

API = "/api/v1"

# (path, parameter, one valid value) for every enum filter of the three apps.
ENUM_FILTERS = [
    ("/buildings", "kind", Building.Kind.RESIDENTIAL),
    ("/units", "use", Unit.Use.RESIDENTIAL),
    ("/units", "state", Unit.State.DELIVERED),
    ("/parties", "relation", Occupancy.Relation.OWNER),
    ("/parking-spaces", "kind", ParkingSpace.Kind.OWNED),
    ("/staff", "status", "active"),
    ("/certificates", "kind", Certificate.Kind.ELECTRICIAN),
    ("/standards", "kind", Kind.TARGET),
    ("/standards", "department", Department.SECURITY),
]
# Booleans are two-valued enums too.
BOOL_FILTERS = [("/units", "contract_signed"), ("/parking-spaces", "occupied")]

# Values outside every enum above: unknown, empty, wrong case, padded, the label instead of the value,
# a JSON null spelt out, a NUL byte.
INVALID = ["bad", "", "RESIDENTIAL", "residential ", "住宅楼", "null", "None", "active\x00"]

IDS = [f"{path}?{param}" for path, param, _ in ENUM_FILTERS]


def _refused(response, param: str) -> None:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["message"].startswith("参数不合法")
    assert body["field"] == param


@pytest.mark.parametrize(("path", "param", "valid"), ENUM_FILTERS, ids=IDS)
def test_valid_enum_filter_is_accepted(world, as_user, path, param, valid):
    """The control: each valid value is a 200, so the refusals below are about the value alone."""
    response = as_user(world.admin).get(API + path, {param: str(valid)})
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("value", INVALID)
@pytest.mark.parametrize(("path", "param", "valid"), ENUM_FILTERS, ids=IDS)
def test_invalid_enum_filter_is_422(world, as_user, path, param, valid, value):
    _refused(as_user(world.admin).get(API + path, {param: value}), param)


@pytest.mark.parametrize("order", ["bad first", "bad last"])
@pytest.mark.parametrize(("path", "param", "valid"), ENUM_FILTERS, ids=IDS)
def test_repeated_enum_filter_with_a_bad_value_is_422(world, as_user, path, param, valid, order):
    """The fuzzer's case: ``?kind=bad&kind=residential`` was a 200 listing residential buildings."""
    values = ["bad", str(valid)] if order == "bad first" else [str(valid), "bad"]
    _refused(as_user(world.admin).get(API + path, {param: values}), param)


@pytest.mark.parametrize(("path", "param", "valid"), ENUM_FILTERS, ids=IDS)
def test_repeated_enum_filter_even_with_valid_values_is_422(world, as_user, path, param, valid):
    """One value per filter: two valid ones are ambiguous (which one was meant?), not silently the last."""
    _refused(as_user(world.admin).get(API + path, {param: [str(valid), str(valid)]}), param)


@pytest.mark.parametrize("value", ["maybe", "", "2", ["true", "false"]])
@pytest.mark.parametrize(("path", "param"), BOOL_FILTERS)
def test_invalid_boolean_filter_is_422(world, as_user, path, param, value):
    _refused(as_user(world.admin).get(API + path, {param: value}), param)


def test_repeated_paging_parameter_is_422(world, as_user):
    """Not only enums: ``?limit=1&limit=500`` no longer slips a bound by repeating the parameter."""
    _refused(as_user(world.admin).get(f"{API}/buildings", {"limit": ["1", "500"]}), "limit")
    _refused(as_user(world.admin).get(f"{API}/buildings", {"limit": ["500", "1"]}), "limit")


def test_repeated_filter_is_refused_before_scoping(world, as_user):
    """A manager of another project gets the same 422 (nothing about project 1 is revealed either way)."""
    _refused(as_user(world.outsider).get(f"{API}/units", {"state": ["bad", "delivered"]}), "state")


# --- bodies ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["bad", "", "DELIVERED", None, 1, ["delivered"], {"value": "delivered"}])
def test_patch_unit_with_an_invalid_state_is_422_and_changes_nothing(world, as_user, state):
    before = Unit.objects.values("state", "contract_signed", "note").get(pk=world.unit.pk)
    response = as_user(world.admin).patch(
        f"{API}/units/{world.unit.pk}",
        {"state": state, "note": "不应保存"},
        content_type="application/json",
    )
    _refused(response, "state")
    assert Unit.objects.values("state", "contract_signed", "note").get(pk=world.unit.pk) == before


def test_patch_unit_with_a_valid_state_still_works(world, as_user):
    response = as_user(world.admin).patch(
        f"{API}/units/{world.unit.pk}", {"state": Unit.State.RENTED}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=world.unit.pk).state == Unit.State.RENTED


def test_patch_unit_refuses_another_projects_unit_before_anything(world, as_user):
    """The outsider's bad PATCH of a project-1 unit is refused (422 for the value or 404 for the unit),
    never applied."""
    response = as_user(world.outsider).patch(
        f"{API}/units/{world.unit.pk}", {"state": "bad"}, content_type="application/json"
    )
    assert response.status_code in (404, 422)
    response = as_user(world.outsider).patch(
        f"{API}/units/{world.unit.pk}", {"state": Unit.State.RENTED}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Unit.objects.get(pk=world.unit.pk).state != Unit.State.RENTED


def _override(client, standard, **body):
    body = {"project": body.pop("project"), "amount": "5", "enabled": True, "reason": "项目面积大", **body}
    return client.post(f"{API}/standards/{standard.pk}/overrides", body, content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("period", "fortnight"),
        ("period", ""),
        ("period", "MONTH"),
        ("period", ["month"]),
        ("comparator", "gt"),
        ("comparator", "≥"),
        ("comparator", ""),
        ("comparator", 1),
        ("enabled", "perhaps"),
    ],
)
def test_override_with_an_invalid_enum_is_422_and_writes_no_version(world, as_user, field, value):
    standard = Standard.objects.get(code="indicator.04_fee_collection")
    before = StandardVersion.objects.count()
    response = _override(as_user(world.manager), standard, project=world.p1.pk, **{field: value})
    _refused(response, field)
    assert StandardVersion.objects.count() == before


def test_override_with_valid_enums_is_201(world, as_user):
    standard = Standard.objects.get(code="indicator.04_fee_collection")
    response = _override(
        as_user(world.manager), standard, project=world.p1.pk, comparator=Comparator.GE, amount="97"
    )
    assert response.status_code == 201, response.content
    assert response.json()["comparator"] == "ge"
    assert Period.MONTH == "month"  # the enum the period cases above are measured against


def test_override_by_a_clerk_is_403_whatever_the_enum(world, as_user):
    standard = Standard.objects.get(code="indicator.04_fee_collection")
    before = StandardVersion.objects.count()
    response = _override(as_user(world.clerk), standard, project=world.p1.pk, comparator=Comparator.GE)
    assert response.status_code == 403
    assert StandardVersion.objects.count() == before
