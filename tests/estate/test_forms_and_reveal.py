"""Edit forms on the pages (Chinese errors next to the field, htmx modal), and revealing personal data
(个人信息保护法： masked by default, a logged click for roles with VIEW_PERSONAL)."""

from django.urls import reverse

from jiayuan.core.models import PersonalDataAccess
from jiayuan.estate.models import Occupancy


def _reveal(world, field="phone"):
    return reverse("estate:party_reveal", args=[world.owner_party.pk, field])


def test_clerk_reveals_a_phone_and_the_reveal_is_logged(world, as_user):
    response = as_user(world.clerk).post(_reveal(world), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "13800138000" in response.content.decode()
    log = PersonalDataAccess.objects.get()
    assert (log.actor, log.project, log.field) == (world.clerk, world.p1, "phone")
    assert "张伟" in log.subject


def test_tech_is_refused_the_reveal_and_nothing_is_logged(world, as_user):
    response = as_user(world.tech).post(_reveal(world))
    assert response.status_code == 403
    assert "13800138000" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_outsider_and_neighbour_get_404_on_the_reveal(world, as_user):
    assert as_user(world.outsider).post(_reveal(world)).status_code == 404
    assert as_user(world.neighbour).post(_reveal(world)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_reveal_is_post_only_and_field_limited(world, as_user):
    client = as_user(world.clerk)
    assert client.get(_reveal(world)).status_code == 405
    assert client.post(_reveal(world, "name")).status_code == 404


def test_lists_show_phones_masked(world, as_user):
    client = as_user(world.clerk)
    for name in ("estate:units", "estate:parties"):
        html = client.get(reverse(name)).content.decode()
        assert "138****8000" in html, name
        assert "13800138000" not in html, name


def test_unit_edit_errors_are_chinese_and_keep_what_was_typed(world, as_user):
    url = reverse("estate:unit_edit", args=[world.unit.pk])
    data = {
        "state": "occupied",
        "building_area": "80",
        "inner_area": "95",
        "use": "residential",
        "note": "复核面积",
    }
    response = as_user(world.clerk).post(url, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "套内面积必须大于 0 且不大于建筑面积" in html
    assert "复核面积" in html
    world.unit.refresh_from_db()
    assert world.unit.state == "delivered"


def test_unit_edit_through_htmx_answers_with_hx_redirect(world, as_user):
    url = reverse("estate:unit_edit", args=[world.unit.pk])
    data = {"state": "occupied", "contract_signed": "on", "building_area": "89.50", "use": "residential"}
    response = as_user(world.clerk).post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("estate:unit", args=[world.unit.pk])
    world.unit.refresh_from_db()
    assert world.unit.contract_signed


def test_htmx_form_with_errors_is_swapped_into_the_modal(world, as_user):
    url = reverse("estate:party_edit", args=[world.owner_party.pk])
    response = as_user(world.clerk).post(
        url, {"name": "张伟", "kind": "person", "phone": "12345"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx responses
    assert "modal-body" in html and "<html" not in html
    assert "手机号格式不正确" in html


def test_opening_the_party_edit_form_is_logged_as_personal_data_access(world, as_user):
    assert (
        as_user(world.clerk).get(reverse("estate:party_edit", args=[world.owner_party.pk])).status_code == 200
    )
    assert PersonalDataAccess.objects.filter(actor=world.clerk, purpose="edit").count() == 1


def test_occupancy_add_and_end_through_the_pages(world, as_user):
    client = as_user(world.clerk)
    response = client.post(
        reverse("estate:occupancy_add", args=[world.unit.pk]),
        {"name": "王芳", "phone": "13600136000", "relation": "family"},
    )
    assert response.status_code == 302
    occ = Occupancy.objects.get(party__name="王芳")
    response = client.post(reverse("estate:occupancy_end", args=[occ.pk]), {"ended_on": "2026-11-01"})
    assert response.status_code == 302
    occ.refresh_from_db()
    assert str(occ.ended_on) == "2026-11-01"
    # An ended relation cannot be ended again: the form is gone.
    assert client.get(reverse("estate:occupancy_end", args=[occ.pk])).status_code == 404
