"""A NUL (or another C0 control character) anywhere a person types is refused at the door with 422 and
writes nothing: API JSON bodies, query strings, form posts, path parameters. On PostgreSQL each of these
answered 500 before (text cannot hold NUL)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.billing import services
from jiayuan.billing.models import FeeItem, Payment, PriceVersion
from jiayuan.core.middleware import control_character_path
from jiayuan.core.roles import Role
from jiayuan.estate.models import Unit
from jiayuan.standards.models import Standard, StandardVersion
from tests.factories import MembershipFactory, UserFactory

MESSAGE = "输入内容含有不允许的控制字符（如空字符），请删除后重新提交。"


@pytest.fixture(autouse=True)
def _clock():
    with freeze_time("2026-11-20 10:00:00+08:00"):
        yield


@pytest.fixture
def books(world):
    finance = UserFactory(username="finance")
    MembershipFactory(user=finance, project=world.p1, company=world.company, role=Role.FINANCE)
    item = services.fee_item_create(world.p1.pk, actor=finance, code="LJF", name="垃圾清运费", kind="fixed")
    services.price_version_add(item, actor=finance, valid_from=date(2026, 1, 1), unit_price="10")
    payment, _ = services.payment_take(
        services.Holder.of(world.unit), actor=world.clerk, channel="cash", amount="5", idempotency_key="k0"
    )
    return world, finance, item, payment


def counts() -> tuple:
    return (
        Payment.objects.count(),
        Payment.objects.filter(status="reversed").count(),
        FeeItem.objects.count(),
        PriceVersion.objects.count(),
        StandardVersion.objects.count(),
        tuple(Unit.objects.order_by("pk").values_list("note", flat=True)),
    )


def api_calls(world, finance, item, payment):
    """(who, method, url, JSON body, headers): each would write if its text had no control character."""
    dispatch = Standard.objects.get(code="service.dispatch")
    return [
        (
            world.clerk,
            "post",
            "/api/v1/payments",
            {"unit": world.unit.pk, "channel": "cash", "amount": "10", "payer_name": "张\x00三"},
            {"HTTP_IDEMPOTENCY_KEY": "k1"},
        ),
        (
            finance,
            "post",
            "/api/v1/fee-items",
            {"project": world.p1.pk, "code": "X1", "name": "水\x00费", "kind": "fixed"},
            {},
        ),
        (
            finance,
            "post",
            f"/api/v1/fee-items/{item.pk}/prices",
            {"valid_from": "2026-12-01", "unit_price": "12", "note": "\x00"},
            {},
        ),
        (world.manager, "post", f"/api/v1/payments/{payment.pk}/reverse", {"reason": "错\x00"}, {}),
        (world.clerk, "patch", f"/api/v1/units/{world.unit.pk}", {"note": "a\x1fb"}, {}),
        (
            world.manager,
            "post",
            f"/api/v1/standards/{dispatch.pk}/overrides",
            {"project": world.p1.pk, "amount": 5, "enabled": True, "reason": "调\x00整"},
            {},
        ),
    ]


@pytest.mark.parametrize(
    "index", range(6), ids=["payment", "fee_item", "price", "reversal", "unit", "override"]
)
def test_api_write_with_a_control_character_is_422_and_writes_nothing(books, as_user, index):
    who, method, url, body, headers = api_calls(*books)[index]
    before = counts()
    resp = getattr(as_user(who), method)(url, body, content_type="application/json", **headers)
    assert resp.status_code == 422, resp.content
    assert resp.json()["code"] == "validation_failed" and resp.json()["message"] == f"参数不合法：{MESSAGE}"
    assert counts() == before


def test_the_json_path_of_a_control_character_is_named():
    assert control_character_path({"a": "ok", "b": [1, "ok", {"c": "\x00"}]}) == "b.2.c"
    assert control_character_path({"a": {"k\x07": 1}}) == "a.k\x07"
    assert control_character_path(["ok", "tab\tand\r\nbreaks", 3, None]) is None


def test_api_query_string_with_nul_is_422(books, as_user):
    resp = as_user(books[0].clerk).get("/api/v1/units?search=%00")
    assert (resp.status_code, resp.json()["field"]) == (422, "search")


def test_search_box_with_nul_is_a_422_page_not_a_500(world, as_user):
    resp = as_user(world.clerk).get("/estate/search/?q=%00")
    assert resp.status_code == 422
    assert MESSAGE in resp.content.decode()


def test_tab_and_line_breaks_are_not_control_characters_we_refuse(world, as_user):
    assert as_user(world.clerk).get("/estate/search/", {"q": "3-2\t1201\r\n"}).status_code in (200, 302)


def test_form_post_with_nul_is_a_422_page_and_writes_nothing(books, as_user):
    world, finance, _item, _payment = books
    before = counts()
    resp = as_user(finance).post(
        reverse("billing:fee_items"), {"item-code": "X2", "item-name": "电\x00费", "item-kind": "fixed"}
    )
    assert resp.status_code == 422 and MESSAGE in resp.content.decode()
    assert counts() == before


def test_path_parameter_with_nul_is_422(world, as_user):
    assert as_user(world.owner).get("/billing/online/sandbox/JY%00/").status_code == 422


def test_anonymous_page_with_nul_is_422(client):
    resp = client.get("/login/?next=%00")
    assert resp.status_code == 422 and MESSAGE in resp.content.decode()


def test_session_cookie_with_nul_is_422_and_deleted(client, db):
    """Django unquotes ``"…\\000"`` in a cookie to a NUL; the session table would see it."""
    client.cookies["sessionid"] = "abcdefghij\x00"
    resp = client.get("/login/")
    assert resp.status_code == 422 and MESSAGE in resp.content.decode()
    assert resp.cookies["sessionid"].value == "" and resp.cookies["sessionid"]["max-age"] == 0


def test_multipart_form_field_with_nul_is_422(world, as_user):
    resp = as_user(world.clerk).post(reverse("estate:search"), {"q": "a\x00"})  # the test client's multipart
    assert resp.status_code == 422
