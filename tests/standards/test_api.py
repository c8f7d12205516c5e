"""Standards API: list with a project's effective values, detail with visible versions, overrides."""

import pytest

from jiayuan.standards.catalogue import read_catalogue
from jiayuan.standards.models import Standard, StandardVersion

pytestmark = pytest.mark.django_db

URL = "/api/v1/standards"


def post_override(client, standard_id, **body):
    body.setdefault("amount", "5")
    body.setdefault("enabled", True)
    body.setdefault("reason", "项目面积大")
    return client.post(f"{URL}/{standard_id}/overrides", body, content_type="application/json")


@pytest.fixture
def dispatch(db):
    return Standard.objects.get(code="service.dispatch")


def test_list_gives_the_catalogue_with_defaults(world, as_user):
    r = as_user(world.clerk).get(URL, {"limit": 200})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(read_catalogue()) == len(body["items"])
    item = next(i for i in body["items"] if i["code"] == "service.dispatch")
    assert item["default"]["display"] == "3 分钟"
    assert item["project"] is None and item["id"]


def test_list_with_project_gives_effective_values(world, as_user, dispatch):
    client = as_user(world.manager)
    assert post_override(client, dispatch.pk, project=world.p1.pk).status_code == 201
    r = client.get(URL, {"project": world.p1.pk, "code": "service.dispatch"})
    [item] = r.json()["items"]
    assert item["project"] == world.p1.pk and item["overridden"] is True
    assert item["effective"]["display"] == "5 分钟" and item["default"]["display"] == "3 分钟"


def test_list_for_a_project_not_visible_is_404(world, as_user):
    r = as_user(world.outsider).get(URL, {"project": world.p1.pk})
    assert r.status_code == 404 and r.json()["field"] == "project"


@pytest.mark.parametrize(
    "params, codes",
    [
        ({"department": "security", "kind": "frequency"}, {"security.patrol_day", "security.patrol_night"}),
        ({"code": "indicator.2"}, {"indicator.20_valid_complaints", "indicator.24_repair_return_visit"}),
        ({"q": "R7.2"}, {"indicator.04_fee_collection"}),
    ],
)
def test_list_filters(world, as_user, params, codes):
    items = as_user(world.clerk).get(URL, {**params, "limit": 200}).json()["items"]
    assert codes <= {i["code"] for i in items}
    if "department" in params:
        assert {i["department"] for i in items} == {"security"}


def test_list_paginates(world, as_user):
    client = as_user(world.clerk)
    first = client.get(URL, {"limit": 10, "offset": 0}).json()
    second = client.get(URL, {"limit": 10, "offset": 10}).json()
    assert len(first["items"]) == len(second["items"]) == 10
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"offset": 10**7}, {"kind": "colour"}, {"q": "x" * 61}],
)
def test_list_refuses_unbounded_parameters(world, as_user, params):
    assert as_user(world.clerk).get(URL, params).status_code == 422


def test_owners_and_anonymous_are_refused(world, as_user, client):
    assert as_user(world.owner).get(URL).status_code == 403
    assert client.get(URL).status_code == 401


def test_detail_shows_only_versions_of_visible_projects(world, as_user, dispatch):
    assert post_override(as_user(world.outsider), dispatch.pk, project=world.p2.pk).status_code == 201
    mine = as_user(world.manager).get(f"{URL}/{dispatch.pk}").json()
    assert [v["project"] for v in mine["versions"]] == [None]
    admin = as_user(world.admin).get(f"{URL}/{dispatch.pk}", {"project": world.p2.pk}).json()
    assert [v["project"] for v in admin["versions"]] == [None, world.p2.pk]
    assert admin["effective"]["display"] == "5 分钟"


def test_detail_of_unknown_standard_is_404(world, as_user):
    assert as_user(world.clerk).get(f"{URL}/999999").status_code == 404


def test_manager_overrides_own_project_201(world, as_user, dispatch):
    r = post_override(as_user(world.manager), dispatch.pk, project=world.p1.pk, enabled=False)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["project"], body["amount"], body["enabled"], body["created_by"]) == (
        world.p1.pk,
        "5",
        False,
        "manager",
    )


def test_clerk_override_is_403(world, as_user, dispatch):
    assert post_override(as_user(world.clerk), dispatch.pk, project=world.p1.pk).status_code == 403


def test_override_of_a_project_not_visible_is_404(world, as_user, dispatch):
    assert post_override(as_user(world.outsider), dispatch.pk, project=world.p1.pk).status_code == 404
    assert post_override(as_user(world.manager), dispatch.pk, project=world.p2.pk).status_code == 404
    assert not StandardVersion.objects.exclude(project=None).exists()


def test_admin_overrides_project_2(world, as_user, dispatch):
    assert post_override(as_user(world.admin), dispatch.pk, project=world.p2.pk).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "-1"},
        {"amount": "abc"},
        {"amount": "1e9"},
        {"amount": "0"},
        {"reason": ""},
        {"reason": "x" * 201},
        {"unit": "weeks"},
        {"people": 1000},
        {"period": "fortnight"},
    ],
)
def test_bad_override_is_422(world, as_user, dispatch, body):
    r = post_override(as_user(world.manager), dispatch.pk, project=world.p1.pk, **body)
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "validation_failed"


def test_percent_above_100_is_422(world, as_user):
    collection = Standard.objects.get(code="indicator.04_fee_collection")
    r = post_override(as_user(world.manager), collection.pk, project=world.p1.pk, amount="101")
    assert r.status_code == 422 and r.json()["field"] == "amount"


@pytest.mark.parametrize("path", [f"{URL}/{10**20}", f"{URL}/0", f"{URL}/-1"])
def test_out_of_range_ids_are_4xx_not_500(world, as_user, path):
    assert as_user(world.clerk).get(path).status_code in (404, 422)
    assert as_user(world.manager).post(
        f"{path}/overrides",
        {"project": world.p1.pk, "amount": 5, "enabled": True, "reason": "x"},
        content_type="application/json",
    ).status_code in (404, 422)


def test_backdated_override_is_422(world, as_user, dispatch):
    r = post_override(
        as_user(world.manager), dispatch.pk, project=world.p1.pk, valid_from="2001-01-01T00:00:00+08:00"
    )
    assert r.status_code == 422 and r.json()["field"] == "valid_from"
