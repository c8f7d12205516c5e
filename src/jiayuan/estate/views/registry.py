"""Estate list pages (buildings, units, parties, parking, shops) and the clerks' search: selector → FilterSet →
table. Record pages: records.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiayuan.core.tables import paginate
from jiayuan.core.web import current_project
from jiayuan.estate.filters import (
    BuildingFilter,
    ParkingFilter,
    PartyFilter,
    ShopFilter,
    UnitFilter,
    VehicleFilter,
)
from jiayuan.estate.models import Unit
from jiayuan.estate.permissions import can_edit_estate, can_view_estate
from jiayuan.estate.selectors import (
    SEARCH_MAX_LENGTH,
    building_stats,
    exact_address_unit,
    parking_for,
    parties_for,
    search_units,
    shops_for,
    state_counts,
    units_for,
    vehicles_for,
)
from jiayuan.estate.tables import (
    BuildingTable,
    ParkingTable,
    PartyTable,
    SearchTable,
    ShopTable,
    UnitTable,
    VehicleTable,
)


def staff_project(request, check=can_view_estate):
    """The current project, if the user is staff there with the right to read (or edit) the registry."""
    return current_project(request, check, _("您没有查看房产资料的权限"))


def configure(request, table):
    return paginate(request, table)


def _list(request, template, project, filterset, table, **extra):
    context = {
        "project": project,
        "filter": filterset,
        "table": configure(request, table),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "per_page", "sort", "tab")),
        "can_edit": can_edit_estate(request.user, project.pk),
        "more_filters": (),  # fields shown behind 更多筛选
        **extra,
    }
    return render(request, template, context)


@login_required
def search(request):
    """The top-bar search: ``3-2-1201`` goes straight to the unit; anything else lists the matches."""
    project = staff_project(request)
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    units = search_units(request.user, project, q) if q else Unit.objects.none()
    if q:
        unit = exact_address_unit(units, q)
        if unit is not None:
            return redirect("estate:unit", pk=unit.pk)
    table = configure(request, SearchTable(units))
    return render(
        request,
        "estate/search.html",
        {
            "project": project,
            "q": q,
            "table": table,
        },
    )


@login_required
def buildings(request):
    project = staff_project(request)
    filterset = BuildingFilter(request.GET or None, user=request.user, project=project)
    stats = building_stats(request.user, project, request.GET if filterset.is_valid() else None)
    table = BuildingTable(stats.buildings)
    totals = stats.totals
    signed_rate = (totals["n_signed"] * 100 / totals["n_units"]) if totals["n_units"] else None
    return _list(
        request, "estate/buildings.html", project, filterset, table, totals=totals, signed_rate=signed_rate
    )


@login_required
def units(request):
    project = staff_project(request)
    base = units_for(request.user, project)
    filterset = UnitFilter(request.GET or None, queryset=base, user=request.user, project=project)
    # The state tabs count the list as filtered by everything except the state itself.
    without_state = request.GET.copy()
    without_state.pop("state", None)
    tab_set = UnitFilter(without_state or None, queryset=base, user=request.user, project=project)
    counts = state_counts(tab_set.qs)
    tabs = [("", _("全部"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Unit.State.choices
    ]
    return _list(
        request,
        "estate/units.html",
        project,
        filterset,
        UnitTable(filterset.qs),
        tabs=tabs,
        current_state=request.GET.get("state", ""),
        more_filters=("entrance", "use"),
    )


@login_required
def parties(request):
    project = staff_project(request)
    filterset = PartyFilter(
        request.GET or None, queryset=parties_for(request.user, project), user=request.user, project=project
    )
    return _list(request, "estate/parties.html", project, filterset, PartyTable(filterset.qs))


@login_required
def parking(request):
    """Parking spaces, and on the second tab the registered vehicles."""
    project = staff_project(request)
    tab = "vehicles" if request.GET.get("tab") == "vehicles" else "spaces"
    if tab == "vehicles":
        filterset = VehicleFilter(
            request.GET or None,
            queryset=vehicles_for(request.user, project),
            user=request.user,
            project=project,
        )
        table = VehicleTable(filterset.qs)
    else:
        filterset = ParkingFilter(
            request.GET or None,
            queryset=parking_for(request.user, project),
            user=request.user,
            project=project,
        )
        table = ParkingTable(filterset.qs)
    return _list(request, "estate/parking.html", project, filterset, table, tab=tab)


@login_required
def shops(request):
    project = staff_project(request)
    filterset = ShopFilter(
        request.GET or None, queryset=shops_for(request.user, project), user=request.user, project=project
    )
    return _list(request, "estate/shops.html", project, filterset, ShopTable(filterset.qs))
