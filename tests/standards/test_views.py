"""The standards pages (服务标准): grouped list, record page with history, the override form."""

import pytest
from django.urls import reverse

from jiayuan.standards.models import Standard, StandardVersion
from jiayuan.standards.services import standard_override

pytestmark = pytest.mark.django_db

LIST = reverse("standards:list")


@pytest.fixture
def dispatch(db):
    return Standard.objects.get(code="service.dispatch")


def detail(standard):
    return reverse("standards:detail", args=[standard.pk])


def test_list_is_grouped_by_department_with_bounded_queries(world, as_user, django_assert_max_num_queries):
    client = as_user(world.clerk)
    client.get(LIST)  # warm the session and content-type caches
    with django_assert_max_num_queries(12):
        r = client.get(LIST)
    assert r.status_code == 200
    html = r.content.decode()
    for header in ("客服中心", "工程", "秩序", "环境", "品质", "社区", "人事培训"):
        assert f"<span>{header}</span>" in html
    assert "三分钟服务承诺" in html and "3 分钟" in html and "2 个工作日" in html
    assert "每日 4 次 · 夜间(2人)" in html and "≥ 98%" in html


def test_query_count_does_not_grow_with_overrides(world, as_user, clock, django_assert_max_num_queries):
    client = as_user(world.manager)
    for code in (
        "service.dispatch",
        "security.patrol_day",
        "indicator.04_fee_collection",
        "cleaning.roads_sweep",
    ):
        clock.tick(minutes=1)
        s = Standard.objects.get(code=code)
        standard_override(s, actor=world.manager, project=world.p1, amount=6, enabled=True, reason="测试")
    client.get(LIST)
    with django_assert_max_num_queries(12):
        r = client.get(LIST)
    assert r.content.decode().count("项目调整") >= 4


def test_override_is_highlighted_on_the_list(world, as_user, dispatch, clock):
    clock.tick(minutes=1)
    standard_override(
        dispatch, actor=world.manager, project=world.p1, amount=5, enabled=True, reason="面积大"
    )
    html = as_user(world.clerk).get(LIST, {"department": "customer_service"}).content.decode()
    assert "jy-std-adjusted" in html and "项目调整" in html and "5 分钟" in html
    assert "<span>工程</span>" not in html


def test_adjusted_filter_shows_only_overridden_standards(world, as_user, dispatch, clock):
    client = as_user(world.manager)
    empty = client.get(LIST, {"adjusted": "true"}).content.decode()
    assert "尚未调整任何标准" in empty
    clock.tick(minutes=1)
    standard_override(
        dispatch, actor=world.manager, project=world.p1, amount=5, enabled=True, reason="面积大"
    )
    html = client.get(LIST, {"adjusted": "true"}).content.decode()
    assert "三分钟服务承诺" in html and "三十分钟响应" not in html


def test_search_and_empty_state(world, as_user):
    client = as_user(world.clerk)
    assert "管理费收缴率" in client.get(LIST, {"q": "R7.2"}).content.decode()
    assert "没有符合筛选条件的标准" in client.get(LIST, {"q": "不存在的标准"}).content.decode()


def test_list_refusals(world, as_user, client):
    assert as_user(world.owner).get(LIST).status_code == 403
    assert as_user(world.neighbour).get(LIST).status_code == 403
    assert client.get(LIST).status_code == 302


def test_detail_shows_values_per_project_and_history(world, as_user, dispatch, clock):
    clock.tick(minutes=1)
    standard_override(
        dispatch, actor=world.manager, project=world.p1, amount=5, enabled=True, reason="面积大"
    )
    r = as_user(world.admin).get(detail(dispatch))
    html = r.content.decode()
    assert r.status_code == 200
    assert "翠湖花园" in html and "城东客运站" in html
    assert "面积大" in html and "3 分钟</span> → <strong>5 分钟" in html
    assert "S0 篇4 二2" in html and "R3.4" in html


def test_outsider_does_not_see_project_1_values(world, as_user, dispatch, clock):
    clock.tick(minutes=1)
    standard_override(
        dispatch, actor=world.manager, project=world.p1, amount=5, enabled=True, reason="翠湖专用原因"
    )
    html = as_user(world.outsider).get(detail(dispatch)).content.decode()
    assert "翠湖" not in html and "翠湖专用原因" not in html


def test_manager_sees_the_override_button_clerk_does_not(world, as_user, dispatch):
    assert "调整本项目标准" in as_user(world.manager).get(detail(dispatch)).content.decode()
    clerk_html = as_user(world.clerk).get(detail(dispatch)).content.decode()
    assert 'data-bs-target="#override-modal"' not in clerk_html
    assert "调整公司默认" not in clerk_html


def test_manager_overrides_through_the_page(world, as_user, dispatch):
    r = as_user(world.manager).post(
        reverse("standards:override", args=[dispatch.pk]),
        {"amount": "5", "unit": "minutes", "reason": "面积大"},
    )
    assert r.status_code == 302
    v = StandardVersion.objects.get(project=world.p1, standard=dispatch)
    assert (v.amount, v.enabled, v.reason, v.created_by) == (5, False, "面积大", world.manager)


def test_page_override_error_is_shown_next_to_the_field(world, as_user, dispatch):
    r = as_user(world.manager).post(
        reverse("standards:override", args=[dispatch.pk]),
        {"amount": "5", "unit": "minutes", "enabled": "on", "reason": ""},
    )
    assert r.status_code == 422
    assert "is-invalid" in r.content.decode() and 'id="override-modal"' in r.content.decode()
    assert not StandardVersion.objects.filter(project=world.p1).exists()


def test_page_reset(world, as_user, dispatch, clock):
    clock.tick(minutes=1)
    standard_override(
        dispatch, actor=world.manager, project=world.p1, amount=5, enabled=True, reason="面积大"
    )
    clock.tick(minutes=1)
    r = as_user(world.manager).post(reverse("standards:reset", args=[dispatch.pk]), {"reason": "人手已足"})
    assert r.status_code == 302
    assert not StandardVersion.objects.filter(project=world.p1, valid_to=None).exists()


@pytest.mark.parametrize("who", ["clerk", "tech", "inspector"])
def test_posting_without_permission_is_403(world, as_user, dispatch, who):
    client = as_user(getattr(world, who))
    body = {"amount": "5", "unit": "minutes", "enabled": "on", "reason": "x"}
    assert client.post(reverse("standards:override", args=[dispatch.pk]), body).status_code == 403
    assert client.post(reverse("standards:reset", args=[dispatch.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("standards:default", args=[dispatch.pk]), body).status_code == 403
    assert not StandardVersion.objects.filter(version__gt=1).exists()


def test_admin_changes_the_company_default_through_the_page(world, as_user, dispatch):
    body = {"amount": "4", "unit": "minutes", "enabled": "on", "reason": "全公司统一"}
    assert (
        as_user(world.admin).post(reverse("standards:default", args=[dispatch.pk]), body).status_code == 302
    )
    assert StandardVersion.objects.get(standard=dispatch, project=None, valid_to=None).amount == 4


def test_detail_refusals(world, as_user, client, dispatch):
    assert as_user(world.owner).get(detail(dispatch)).status_code == 403
    assert as_user(world.clerk).get(reverse("standards:detail", args=[999999])).status_code == 404
    assert client.get(detail(dispatch)).status_code == 302
