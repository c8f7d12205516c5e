"""Org pages: what each person sees (R1.2 scoping), the R1.3 and R1.4 figures, and bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from jiayuan.org.models import Certificate, Training
from tests.org.conftest import FROZEN, add_people

LISTS = ["org:staff", "org:certificates", "org:training"]


def get(as_user, user, url, **params):
    return as_user(user).get(url, params)


# --- authorization matrix -------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*LISTS, "org:projects", "org:training_add"])
def test_anonymous_is_sent_to_login(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", [*LISTS, "org:projects", "org:training_add"])
def test_owner_is_refused_every_org_page(org, as_user, name):
    assert get(as_user, org.world.owner, reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["staff_detail", "certificate_add", "staff_phone"])
@pytest.mark.parametrize("user", ["owner", "tech"])
def test_people_without_org_access_are_refused_staff_records(org, as_user, name, user):
    url = reverse(f"org:{name}", args=[org.electrician.pk])
    client = as_user(getattr(org.world, user))
    assert (client.post(url) if name == "staff_phone" else client.get(url)).status_code == 403


@pytest.mark.parametrize("name", LISTS)
def test_technician_without_view_org_is_refused_R1_2(org, as_user, name):
    assert get(as_user, org.world.tech, reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LISTS)
def test_outsider_asking_for_project_1_gets_404(org, as_user, name):
    assert get(as_user, org.world.outsider, reverse(name), project=org.world.p1.pk).status_code == 404


@pytest.mark.parametrize("bad", ["abc", "²", "9" * 40, "-1", "0"])
def test_fuzzed_project_parameter_is_a_404_not_a_500(org, as_user, bad):
    assert get(as_user, org.world.manager, reverse("org:certificates"), project=bad).status_code == 404


@pytest.mark.parametrize("name", ["staff_detail", "certificate_add", "project_detail"])
def test_huge_ids_in_the_path_are_404_not_500(org, as_user, name):
    assert get(as_user, org.world.manager, reverse(f"org:{name}", args=[10**30])).status_code == 404


@freeze_time(FROZEN)
def test_training_form_with_a_fuzzed_staff_id_is_a_form_error(org, as_user):
    data = {"staff": ["9" * 40], "date": "2026-05-14", "topic": "模糊", "kind": "general", "hours": "1"}
    response = as_user(org.world.manager).post(reverse("org:training_add"), data)
    assert response.status_code == 200 and not Training.objects.filter(topic="模糊").exists()


@freeze_time(FROZEN)
@pytest.mark.parametrize("name", LISTS)
def test_outsider_lists_show_none_of_project_1(org, as_user, name):
    response = get(as_user, org.world.outsider, reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲电工" not in body and "EL-EXPIRED" not in body


@pytest.mark.parametrize("name", ["staff_detail", "certificate_add"])
def test_outsider_cannot_open_project_1_staff(org, as_user, name):
    url = reverse(f"org:{name}", args=[org.electrician.pk])
    assert get(as_user, org.world.outsider, url).status_code == 404


def test_outsider_cannot_open_project_1(org, as_user):
    url = reverse("org:project_detail", args=[org.world.p1.pk])
    assert get(as_user, org.world.outsider, url).status_code == 404
    assert get(as_user, org.world.owner, url).status_code == 403


def test_project_page_shows_the_published_service_numbers_R3_1(org, as_user):
    p1 = org.world.p1
    p1.service_phone, p1.emergency_phone, p1.complaint_phone = "0571-1", "0571-2", "0571-3"
    p1.save()
    html = get(as_user, org.world.clerk, reverse("org:project_detail", args=[p1.pk])).content.decode()
    assert all(number in html for number in ("0571-1", "0571-2", "0571-3", "08:00–18:00"))


@freeze_time(FROZEN)
@pytest.mark.parametrize("name", LISTS)
def test_clerk_can_view_lists(org, as_user, name):
    response = get(as_user, org.world.clerk, reverse(name))
    assert response.status_code == 200 and "甲电工" in response.content.decode()


def test_clerk_sees_staff_but_no_add_buttons(org, as_user):
    response = get(as_user, org.world.clerk, reverse("org:staff_detail", args=[org.electrician.pk]))
    assert response.status_code == 200
    assert reverse("org:certificate_add", args=[org.electrician.pk]) not in response.content.decode()


def test_clerk_cannot_add_a_certificate_R1_2(org, as_user):
    url = reverse("org:certificate_add", args=[org.electrician.pk])
    client = as_user(org.world.clerk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "electrician", "number": "X1"}).status_code == 403
    assert not Certificate.objects.filter(number="X1").exists()


@freeze_time(FROZEN)
def test_clerk_cannot_record_training(org, as_user):
    client = as_user(org.world.clerk)
    assert client.get(reverse("org:training_add")).status_code == 403
    data = {"staff": [org.climber.pk], "date": "2026-05-14", "topic": "X", "kind": "general", "hours": "2"}
    assert client.post(reverse("org:training_add"), data).status_code == 403
    assert not Training.objects.filter(topic="X").exists()


def test_manager_adds_a_certificate(org, as_user):
    url = reverse("org:certificate_add", args=[org.electrician.pk])
    response = as_user(org.world.manager).post(
        url,
        {"kind": "electrician", "number": "EL-NEW", "issued_on": "2026-05-02", "expires_on": "2032-05-02"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("org:staff_detail", args=[org.electrician.pk])
    assert Certificate.objects.get(number="EL-NEW").staff == org.electrician


def test_certificate_form_shows_the_services_chinese_error_and_keeps_input(org, as_user):
    url = reverse("org:certificate_add", args=[org.electrician.pk])
    response = as_user(org.world.manager).post(
        url,
        {"kind": "electrician", "number": "EL-BAD", "issued_on": "2026-05-02", "expires_on": "2025-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "有效期须晚于发证日期" in body and 'value="EL-BAD"' in body
    assert not Certificate.objects.filter(number="EL-BAD").exists()


@freeze_time(FROZEN)
def test_manager_records_one_session_for_several_people_R1_4(org, as_user):
    data = {
        "staff": [org.climber.pk, org.uncertified.pk],
        "date": "2026-05-14",
        "topic": "电梯困人救援",
        "kind": "professional",
        "hours": "5",
        "passed": "true",
    }
    response = as_user(org.world.manager).post(reverse("org:training_add"), data)
    assert response.status_code == 302
    assert Training.objects.filter(topic="电梯困人救援").count() == 2


@freeze_time(FROZEN)
def test_training_form_refuses_hours_out_of_range_in_chinese(org, as_user):
    data = {
        "staff": [org.climber.pk],
        "date": "2026-05-14",
        "topic": "超时",
        "kind": "general",
        "hours": "25",
    }
    response = as_user(org.world.manager).post(reverse("org:training_add"), data)
    assert response.status_code == 200 and "学时须在 0.5 至 24 小时之间" in response.content.decode()
    assert not Training.objects.filter(topic="超时").exists()


@freeze_time(FROZEN)
def test_training_form_offers_only_the_projects_active_staff(org, as_user):
    data = {"staff": [org.station.pk], "date": "2026-05-14", "topic": "越权", "kind": "general", "hours": "1"}
    response = as_user(org.world.manager).post(reverse("org:training_add"), data)
    assert response.status_code == 200 and not Training.objects.filter(topic="越权").exists()


# --- content --------------------------------------------------------------------------------------


@freeze_time(FROZEN)
def test_certificates_page_lists_only_expired_and_due_within_30_days_R1_3(org, as_user):
    body = get(as_user, org.world.manager, reverse("org:certificates")).content.decode()
    assert "EL-EXPIRED" in body and "HT-SOON" in body
    for hidden in ("PM-VALID", "PM-OLD", "PM-NEW", "LEFT-EXPIRED", "P2-EXPIRED"):
        assert hidden not in body
    assert body.index("EL-EXPIRED") < body.index("HT-SOON")  # by expiry
    assert "已过期 14 天" in body and "剩 26 天" in body


@freeze_time(FROZEN)
def test_certificates_page_shows_coverage_figures_R1_3(org, as_user):
    body = get(as_user, org.world.manager, reverse("org:certificates")).content.decode()
    assert "50.0%" in body  # professional staff certified
    assert "66.7%" in body  # property-management certificate (target ≥80%)
    assert "目标 ≥80%" in body


@freeze_time(FROZEN)
def test_company_roles_filter_certificates_over_all_projects(org, as_user):
    client = as_user(org.world.inspector)
    everything = client.get(reverse("org:certificates"), {"project": "all"}).content.decode()
    assert "EL-EXPIRED" in everything and "P2-EXPIRED" in everything
    only_p2 = client.get(reverse("org:certificates"), {"project": org.world.p2.pk}).content.decode()
    assert "P2-EXPIRED" in only_p2 and "EL-EXPIRED" not in only_p2


@freeze_time(FROZEN)
def test_certificates_tabs_split_expired_from_due(org, as_user):
    body = get(as_user, org.world.manager, reverse("org:certificates"), state="expired").content.decode()
    assert "EL-EXPIRED" in body and "HT-SOON" not in body


@freeze_time(FROZEN)
def test_training_page_flags_the_person_short_of_8_hours_R1_4(org, as_user):
    response = get(as_user, org.world.manager, reverse("org:training"), year=2026, quarter=2)
    body = response.content.decode()
    rows = {r.staff.name: r for r in response.context["table"].data}
    assert rows["甲电工"].ok and not rows["乙登高"].ok
    assert "差 5.0 小时" in body and "达标" in body
    assert "badge-orange" in body  # the quarter is still running


@freeze_time("2026-07-02 10:00:00+08:00")
def test_after_the_quarter_a_shortfall_is_red_R1_4(org, as_user):
    body = get(as_user, org.world.manager, reverse("org:training"), year=2026, quarter=2).content.decode()
    assert '<span class="badge badge-red">差 5.0 小时</span>' in body


@freeze_time(FROZEN)
def test_training_page_marks_the_default_standard_when_none_is_configured(org, as_user, monkeypatch):
    from jiayuan.org.selectors import targets

    monkeypatch.setattr(targets, "effective_version", lambda *a, **k: None)
    body = get(as_user, org.world.manager, reverse("org:training")).content.decode()
    assert "(默认)" in body


@freeze_time(FROZEN)
@pytest.mark.parametrize(
    "params", [{"year": "1999", "quarter": "2"}, {"year": "2026", "quarter": "5"}, {"year": "x"}]
)
def test_training_page_out_of_range_quarter_falls_back_to_current(org, as_user, params):
    response = get(as_user, org.world.manager, reverse("org:training"), **params)
    assert response.status_code == 200 and response.context["report"].quarter == 2


def test_staff_list_masks_phones_and_filters_by_department(org, as_user):
    body = get(as_user, org.world.manager, reverse("org:staff"), department=org.eng.pk).content.decode()
    assert "138****5678" in body and "13812345678" not in body
    assert "甲电工" in body and "丙客服" not in body


def test_full_phone_is_revealed_to_the_manager_and_logged(org, as_user):
    from jiayuan.core.models import PersonalDataAccess

    url = reverse("org:staff_phone", args=[org.electrician.pk])
    assert as_user(org.world.inspector).post(url).status_code == 403  # read-only role
    response = as_user(org.world.manager).post(url)
    assert "13812345678" in response.content.decode()
    assert PersonalDataAccess.objects.get().actor == org.world.manager


@freeze_time(FROZEN)
def test_staff_page_shows_certificate_badges(org, as_user):
    body = get(
        as_user, org.world.manager, reverse("org:staff_detail", args=[org.renewed.pk])
    ).content.decode()
    assert '<span class="badge badge-red">已过期</span>' in body  # PM-OLD
    assert '<span class="badge badge-green">有效</span>' in body  # PM-NEW
    soon = get(
        as_user, org.world.manager, reverse("org:staff_detail", args=[org.climber.pk])
    ).content.decode()
    assert '<span class="badge badge-orange">即将到期</span>' in soon


def test_projects_page_lists_the_users_projects_with_responsible_person_R1_1(org, as_user):
    org.world.p1.manager = org.world.manager
    org.world.p1.save()
    body = get(as_user, org.world.manager, reverse("org:projects")).content.decode()
    assert "翠湖花园" in body and "城东客运站" not in body and "manager" in body
    assert "城东客运站" in get(as_user, org.world.admin, reverse("org:projects")).content.decode()


def test_project_page_shows_departments(org, as_user):
    body = get(
        as_user, org.world.clerk, reverse("org:project_detail", args=[org.world.p1.pk])
    ).content.decode()
    assert "客服部" in body and "工程部" in body


# --- bounded queries ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"per_page": 100}).status_code == 200
    return len(ctx.captured_queries)


@freeze_time(FROZEN)
@pytest.mark.parametrize("name", [*LISTS, "org:projects"])
def test_list_pages_run_a_bounded_number_of_queries(org, as_user, django_assert_max_num_queries, name):
    """As many queries for 40 rows as for 10: no query per row (ARCHITECTURE.md "Tests")."""
    client, url = as_user(org.world.manager), reverse(name)
    few = _queries(client, url)
    add_people(org.world, 30)
    with django_assert_max_num_queries(few):
        client.get(url, {"per_page": 100})
    with django_assert_max_num_queries(20):
        client.get(url, {"per_page": 100})
