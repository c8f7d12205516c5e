"""The page kit (core/web.py): each helper once allowed, once refused."""

from dataclasses import FrozenInstanceError

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from jiayuan.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm
from jiayuan.core.web import (
    Action,
    MarksInvalid,
    current_project,
    done,
    fetch,
    form_error,
    parse_id,
    requested_project_id,
    run_service,
)

pytestmark = pytest.mark.django_db


def _request(user, project=None, *, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().get("/", headers=headers)
    request.user = user
    request.project = project
    request.htmx = HtmxDetails(request)
    return request


def _edits_estate(user, project_id) -> bool:
    return has_perm(user, Perm.EDIT_ESTATE, project_id)


class NameForm(MarksInvalid, forms.Form):
    name = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control"}))


def _bound(name="张伟"):
    form = NameForm({"name": name})
    assert form.is_valid()
    return form


# --- current_project -----------------------------------------------------------------------------------


def test_current_project_is_the_chosen_one_when_the_check_allows(world):
    assert current_project(_request(world.manager, world.p1), _edits_estate, "不行") == world.p1


def test_current_project_refuses_staff_without_the_right(world):
    with pytest.raises(PermissionDenied, match="您没有维护房产资料的权限"):
        current_project(_request(world.tech, world.p1), _edits_estate, "您没有维护房产资料的权限")


def test_current_project_refuses_an_owner_whatever_the_check_says(world):
    with pytest.raises(PermissionDenied, match="业主不行"):
        current_project(_request(world.owner, world.p1), lambda user, pid: True, "业主不行")


def test_current_project_refuses_when_no_project_is_chosen(world):
    with pytest.raises(PermissionDenied, match="没有项目"):
        current_project(_request(world.admin, None), lambda user, pid: True, "没有项目")


# --- fetch ---------------------------------------------------------------------------------------------


def test_fetch_returns_what_the_selector_reads(world):
    assert fetch(lambda user, pk, *, extra: (user, pk, extra), world.clerk, 7, extra="x") == (
        world.clerk,
        7,
        "x",
    )


def test_fetch_turns_not_found_into_a_404_with_its_message(world):
    def selector(user, pk):
        raise NotFound("房屋不存在或无权查看")

    with pytest.raises(Http404, match="房屋不存在或无权查看"):
        fetch(selector, world.clerk, 7)


def test_fetch_lets_other_errors_through(world):
    def selector(user, pk):
        raise Forbidden()

    with pytest.raises(Forbidden):
        fetch(selector, world.clerk, 7)


# --- run_service and form_error --------------------------------------------------------------------------


def test_run_service_returns_the_result_and_leaves_the_form_clean():
    form = _bound()
    assert run_service(form, lambda data: f"已保存 {data['name']}") == "已保存 张伟"
    assert not form.errors


def test_a_domain_error_goes_next_to_its_field_and_marks_it_invalid():
    form = _bound()

    def call(data):
        raise ValidationFailed("姓名重复", field="name")

    assert run_service(form, call) is None
    assert form.errors == {"name": ["姓名重复"]}
    assert "is-invalid" in form.fields["name"].widget.attrs["class"].split()


def test_a_domain_error_on_a_field_the_form_lacks_goes_on_top():
    form = _bound()

    def call(data):
        raise Conflict("已有人处理", field="state")

    assert run_service(form, call) is None
    assert form.non_field_errors() == ["已有人处理"]
    assert "is-invalid" not in form.fields["name"].widget.attrs["class"]


def test_forbidden_is_a_403_not_a_form_error():
    form = _bound()

    def call(data):
        raise Forbidden("只有经理可以")

    with pytest.raises(PermissionDenied, match="只有经理可以"):
        run_service(form, call)
    assert not form.errors


def test_not_found_is_a_404_not_a_form_error():
    form = _bound()

    def call(data):
        raise NotFound("记录不存在或无权查看", field="name")

    with pytest.raises(Http404, match="记录不存在或无权查看"):
        run_service(form, call)
    assert not form.errors


def test_form_error_works_on_a_form_without_the_mixin():
    form = forms.Form({})
    form.is_valid()
    form_error(form, DomainError("不可以", field="nothing"))
    assert form.non_field_errors() == ["不可以"]


def test_marks_invalid_marks_validation_errors_too():
    form = NameForm({"name": ""})
    assert not form.is_valid()
    assert form.fields["name"].widget.attrs["class"] == "form-control is-invalid"


# --- done ----------------------------------------------------------------------------------------------


def test_done_redirects_a_plain_form_post(world):
    response = done(_request(world.clerk), "/estate/units/1/")
    assert response.status_code == 302 and response["Location"] == "/estate/units/1/"


def test_done_tells_htmx_to_navigate_instead_of_swapping_the_page_into_the_modal(world):
    response = done(_request(world.clerk, htmx=True), "/estate/units/1/")
    assert response.status_code == 204 and response["HX-Redirect"] == "/estate/units/1/"
    assert "Location" not in response


# --- Action --------------------------------------------------------------------------------------------


def test_an_action_says_who_may_use_it_and_calls_its_service(world):
    act = Action(
        NameForm, "改名", "保存", lambda obj, user, data: (obj, data["name"]), lambda user, obj: obj == 1
    )
    assert act.allowed(world.clerk, 1) and not act.allowed(world.clerk, 2)
    assert act.call(1, world.clerk, {"name": "李娜"}) == (1, "李娜")
    assert (act.confirm, act.files, act.form_kwargs) == ("", False, None)
    with pytest.raises(FrozenInstanceError):
        act.title = "别的"


# --- requested_project_id and parse_id ---------------------------------------------------------------


def test_requested_project_id_is_an_allowed_project(world):
    assert (
        requested_project_id(world.manager, str(world.p1.pk), {world.p1.pk}, forbidden="不行") == world.p1.pk
    )


def test_requested_project_id_refuses_an_own_project_without_the_right(world):
    with pytest.raises(PermissionDenied, match="没有该项目的权限"):
        requested_project_id(world.manager, str(world.p1.pk), set(), forbidden="没有该项目的权限")


def test_requested_project_id_does_not_reveal_another_companys_project(world):
    for raw in (str(world.p2.pk), "999999", "abc", ""):
        with pytest.raises(Http404):
            requested_project_id(world.manager, raw, {world.p1.pk}, forbidden="不行")


@pytest.mark.parametrize("raw", ["²", "1_0", " 7", "-1", "0", "1e9", "1" * 16, "", None])
def test_parse_id_refuses_what_is_not_a_plain_positive_id(raw):
    assert parse_id(raw) is None


def test_parse_id_reads_a_plain_id():
    assert parse_id("42") == 42
