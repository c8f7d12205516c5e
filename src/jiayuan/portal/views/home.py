"""The owners' H5 portal home (首页: my units and the published numbers of their projects), and the page of a
tab not open yet. The other tabs: 报事报修 service.py, 缴费 billing.py, 我的 me.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jiayuan.portal.selectors import household, my_units


@login_required
def home(request):
    units = [(unit, household(unit, request.user)) for unit in my_units(request.user)]
    # The published numbers of each project the owner lives in (R3.1), once per project.
    projects = list({unit.project_id: unit.project for unit, _ in units}.values())
    return render(
        request,
        "portal/home.html",
        {"tab": "home", "units": units, "projects": projects},
    )


@login_required
def coming_soon(request, tab: str):
    return render(request, "portal/soon.html", {"tab": tab})
