"""Unit and party pages and their actions (edit, occupants, revealing personal data).

Rows come from the scoped selectors (another project's row is a 404); reading needs VIEW_ESTATE in the
row's project (an owner opening a staff page gets 403), changing needs EDIT_ESTATE (checked by the services).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.core.errors import Forbidden
from jiayuan.core.timeline import timeline_of
from jiayuan.core.web import done, fetch, run_service
from jiayuan.estate import services
from jiayuan.estate.forms import OccupancyEndForm, OccupancyForm, PartyForm, UnitForm
from jiayuan.estate.models import Occupancy, Party
from jiayuan.estate.permissions import can_edit_estate, can_view_estate, can_view_personal
from jiayuan.estate.selectors import (
    history_of,
    party_detail,
    readable,
    unit_detail,
    unit_parking,
    unit_past_occupancies,
)


def _fetch(selector, request, pk):
    """The record through its scoped selector (404), then the right to read the registry there (403)."""
    obj = fetch(selector, request.user, pk)
    if not can_view_estate(request.user, obj.project_id):
        raise PermissionDenied(_("您没有查看房产资料的权限"))
    return obj


def _form_page(request, form, *, title, action, back, back_label, confirm="", submit=None):
    template = "components/modal_form.html" if request.htmx else "estate/form_page.html"
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "action": action,
            "back": back,
            "back_label": back_label,
            "confirm": confirm,
            "submit": submit or _("保存"),
        },
        # htmx swaps only 2xx answers into the modal; a plain form post says 422 like the API.
        status=422 if form.is_bound and form.errors and not request.htmx else 200,
    )


# --- unit -----------------------------------------------------------------------------------------------


def _record_context(request, obj) -> dict:
    """What every record page shows beside its own facts: audit history, timeline, allowed actions."""
    return {
        "history": history_of(obj),
        "timeline": list(timeline_of(obj).order_by("-at", "-id")[:50]),
        "can_edit": can_edit_estate(request.user, obj.project_id),
        "can_reveal": can_view_personal(request.user, obj.project_id),
    }


@login_required
def unit_page(request, pk: int):
    unit = _fetch(unit_detail, request, pk)
    spaces, vehicles = unit_parking(unit)
    return render(
        request,
        "estate/unit.html",
        {
            "unit": unit,
            "occupants": unit.current_occupancies,
            "past_occupants": unit_past_occupancies(unit),
            "spaces": spaces,
            "vehicles": vehicles,
            **_record_context(request, unit),
        },
    )


@login_required
def unit_edit(request, pk: int):
    unit = _fetch(unit_detail, request, pk)
    if not can_edit_estate(request.user, unit.project_id):
        raise PermissionDenied(_("您没有维护房产资料的权限"))
    form = UnitForm.for_unit(unit, request.POST if request.method == "POST" else None)
    url = reverse("estate:unit", args=[unit.pk])
    if form.is_bound and form.is_valid():
        if run_service(form, lambda data: services.unit_update(unit, actor=request.user, **data)) is not None:
            return done(request, url)
    return _form_page(
        request,
        form,
        title=_("编辑房屋 %(address)s") % {"address": unit.address},
        action=request.path,
        back=url,
        back_label=unit.address,
    )


@login_required
def occupancy_add(request, pk: int):
    unit = _fetch(unit_detail, request, pk)
    if not can_edit_estate(request.user, unit.project_id):
        raise PermissionDenied(_("您没有维护房产资料的权限"))
    form = OccupancyForm(request.POST if request.method == "POST" else None)
    url = reverse("estate:unit", args=[unit.pk])
    if form.is_bound and form.is_valid():
        if (
            run_service(form, lambda data: services.occupancy_add(unit, actor=request.user, **data))
            is not None
        ):
            return done(request, url)
    return _form_page(
        request,
        form,
        title=_("登记住户：%(address)s") % {"address": unit.address},
        action=request.path,
        back=url,
        back_label=unit.address,
        submit=_("登记"),
    )


@login_required
def occupancy_end(request, pk: int):
    occ = (
        readable(Occupancy, request.user)
        .select_related("party", "unit")
        .filter(pk=pk, ended_on__isnull=True)
        .first()
    )
    if occ is None:
        raise Http404(_("记录不存在或无权查看"))
    if not can_edit_estate(request.user, occ.project_id):
        raise PermissionDenied(_("您没有维护房产资料的权限"))
    form = OccupancyEndForm(request.POST if request.method == "POST" else None)
    url = reverse("estate:unit", args=[occ.unit_id])
    if form.is_bound and form.is_valid():
        if (
            run_service(form, lambda data: services.occupancy_end(occ, actor=request.user, **data))
            is not None
        ):
            return done(request, url)
    confirm = _(
        "将解除 %(name)s 与 %(address)s 的%(relation)s关系。历史记录会保留，此后其门户账号不能再查看该房屋。"
    ) % {
        "name": occ.party.name,
        "address": occ.unit.address,
        "relation": occ.get_relation_display(),
    }
    return _form_page(
        request,
        form,
        title=_("解除住户关系"),
        action=request.path,
        back=url,
        back_label=occ.unit.address,
        confirm=confirm,
        submit=_("确认解除"),
    )


# --- party ----------------------------------------------------------------------------------------------


@login_required
def party_page(request, pk: int):
    party = _fetch(party_detail, request, pk)
    occupancies = list(party.occupancies.all())
    return render(
        request,
        "estate/party.html",
        {
            "party": party,
            "current": [o for o in occupancies if o.ended_on is None],
            "past": [o for o in occupancies if o.ended_on is not None],
            "vehicles": list(party.vehicles.all()),
            "spaces": list(party.parking_spaces.all()),
            **_record_context(request, party),
        },
    )


@login_required
def party_edit(request, pk: int):
    party = _fetch(party_detail, request, pk)
    # The form shows the full phone and ID number, so it needs both rights and is logged like a reveal.
    if not (
        can_edit_estate(request.user, party.project_id) and can_view_personal(request.user, party.project_id)
    ):
        raise PermissionDenied(_("您没有维护住户资料的权限"))
    form = PartyForm.for_party(party, request.POST if request.method == "POST" else None)
    url = reverse("estate:party", args=[party.pk])
    if form.is_bound and form.is_valid():
        if (
            run_service(form, lambda data: services.party_update(party, actor=request.user, **data))
            is not None
        ):
            return done(request, url)
    elif not form.is_bound:
        services.party_reveal(party, actor=request.user, field="phone", purpose="edit")
    return _form_page(
        request,
        form,
        title=_("编辑住户 %(name)s") % {"name": party.name},
        action=request.path,
        back=url,
        back_label=party.name,
    )


@login_required
@require_POST
def party_reveal(request, pk: int, field: str):
    """htmx: swap a masked phone or ID number for the full value; every reveal is logged (PersonalDataAccess)."""
    party = readable(Party, request.user).filter(pk=pk).first()
    if party is None or field not in ("phone", "id_number"):
        raise Http404(_("记录不存在或无权查看"))
    try:
        value = services.party_reveal(party, actor=request.user, field=field)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    return render(request, "estate/_revealed.html", {"value": value, "field": field})
