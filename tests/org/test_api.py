"""Org API: the same scoping as the pages (R1.2), masked phones, bounded parameters, declared errors."""

import pytest
from freezegun import freeze_time

from jiayuan.core.models import PersonalDataAccess
from tests.org.conftest import FROZEN

API = "/api/v1"


def api(as_user, user, path, **params):
    return as_user(user).get(f"{API}{path}", params)


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_anonymous_gets_401(client, world):
    for path in ("/projects", "/staff", "/certificates", "/departments", f"/projects/{world.p1.pk}"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_projects_are_the_users_projects_R1_1(org, as_user):
    w = org.world
    assert ids(api(as_user, w.manager, "/projects")) == [w.p1.pk]
    assert ids(api(as_user, w.outsider, "/projects")) == [w.p2.pk]
    assert ids(api(as_user, w.admin, "/projects")) == [w.p1.pk, w.p2.pk]
    assert ids(api(as_user, w.owner, "/projects")) == []


def test_project_rows_carry_id_code_name_kind_company(org, as_user):
    [row] = api(as_user, org.world.manager, "/projects").json()["items"]
    assert row["id"] == row["project"] == org.world.p1.pk
    assert (row["code"], row["name"], row["kind"], row["company"]) == (
        "P1",
        "翠湖花园",
        "residential",
        org.world.company.pk,
    )


@pytest.mark.parametrize("user", ["outsider", "owner", "neighbour"])
def test_project_of_someone_else_is_404(org, as_user, user):
    response = api(as_user, getattr(org.world, user), f"/projects/{org.world.p1.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_project_detail_for_its_staff(org, as_user):
    response = api(as_user, org.world.clerk, f"/projects/{org.world.p1.pk}")
    assert response.status_code == 200 and response.json()["name"] == "翠湖花园"


def test_departments_of_other_projects_are_empty(org, as_user):
    w = org.world
    assert ids(api(as_user, w.outsider, "/departments", project=w.p1.pk)) == []
    mine = api(as_user, w.manager, "/departments", project=w.p1.pk).json()["items"]
    assert {d["kind"] for d in mine} == {"customer_service", "engineering"}
    assert all(d["project"] == w.p1.pk for d in mine)
    assert ids(api(as_user, w.owner, "/departments")) == []


def test_staff_list_is_scoped_and_defaults_to_active(org, as_user):
    w = org.world
    names = {r["name"] for r in api(as_user, w.manager, "/staff").json()["items"]}
    assert {"甲电工", "乙登高", "丙客服"} <= names and "己离职" not in names and "庚站务" not in names
    assert [r["name"] for r in api(as_user, w.outsider, "/staff").json()["items"]] == ["庚站务"]
    assert ids(api(as_user, w.outsider, "/staff", project=w.p1.pk)) == []
    assert ids(api(as_user, w.owner, "/staff")) == []
    assert ids(api(as_user, w.tech, "/staff")) == []  # no VIEW_ORG


def test_staff_filters_by_department_and_status(org, as_user):
    w = org.world
    rows = api(as_user, w.manager, "/staff", department=org.eng.pk).json()["items"]
    assert {r["name"] for r in rows} == {"甲电工", "乙登高"}
    assert all(r["department"] == org.eng.pk and r["project"] == w.p1.pk for r in rows)
    left = api(as_user, w.manager, "/staff", status="left").json()["items"]
    assert [r["name"] for r in left] == ["己离职"]


def test_phones_are_masked_without_view_personal_and_revealed_with_it_logged(org, as_user):
    inspector_rows = api(as_user, org.world.inspector, "/staff", project=org.world.p1.pk).json()["items"]
    assert {r["phone"] for r in inspector_rows} == {"138****5678"}
    assert not PersonalDataAccess.objects.exists()
    manager_rows = api(as_user, org.world.manager, "/staff").json()["items"]
    assert {r["phone"] for r in manager_rows} == {"13812345678"}
    assert PersonalDataAccess.objects.filter(actor=org.world.manager, purpose="api").count() == len(
        manager_rows
    )


@freeze_time(FROZEN)
def test_certificates_expiring_within_30_days_R1_3(org, as_user):
    w = org.world
    rows = api(as_user, w.manager, "/certificates", expiring_within=30).json()["items"]
    assert [(r["number"], r["status"]) for r in rows] == [("EL-EXPIRED", "expired"), ("HT-SOON", "expiring")]
    assert all(r["project"] == w.p1.pk for r in rows)
    assert [
        r["number"] for r in api(as_user, w.outsider, "/certificates", expiring_within=30).json()["items"]
    ] == ["P2-EXPIRED"]
    assert ids(api(as_user, w.owner, "/certificates", expiring_within=30)) == []


@freeze_time(FROZEN)
def test_certificates_without_window_list_all_visible(org, as_user):
    numbers = {r["number"] for r in api(as_user, org.world.manager, "/certificates").json()["items"]}
    assert {"PM-VALID", "PM-NEW", "PM-OLD", "EL-EXPIRED"} <= numbers and "P2-EXPIRED" not in numbers
    kind = api(as_user, org.world.manager, "/certificates", kind="height").json()["items"]
    assert [r["number"] for r in kind] == ["HT-SOON"]


def test_pagination_limit_and_offset(org, as_user):
    page = api(as_user, org.world.manager, "/staff", limit=2, offset=1).json()
    assert len(page["items"]) == 2 and page["count"] == 5


@pytest.mark.parametrize(
    "path, params",
    [
        ("/staff", {"limit": 0}),
        ("/staff", {"limit": 201}),
        ("/staff", {"offset": -1}),
        ("/staff", {"offset": 1_000_001}),
        ("/staff", {"project": 10**20}),
        ("/staff", {"department": "abc"}),
        ("/staff", {"q": "x" * 41}),
        ("/staff", {"status": "sacked"}),
        ("/certificates", {"expiring_within": 3651}),
        ("/certificates", {"kind": "wizard"}),
        ("/departments", {"project": 0}),
        ("/projects", {"limit": 10**6}),
    ],
)
def test_out_of_bounds_parameters_get_422(org, as_user, path, params):
    response = api(as_user, org.world.manager, path, **params)
    assert response.status_code == 422 and response.json()["code"] == "validation_failed"


def test_huge_project_id_in_path_is_a_4xx(org, as_user):
    assert api(as_user, org.world.manager, f"/projects/{10**20}").status_code == 422


def test_every_error_response_is_declared(client):
    schema = client.get(f"{API}/openapi.json").json()
    for path in (
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/staff",
        "/api/v1/certificates",
    ):
        declared = schema["paths"][path]["get"]["responses"]
        assert {"200", "401", "403", "404", "422"} <= set(declared)
