"""The owners' H5 portal: 首页 (my units), 报事报修 and 缴费 (coming soon), 我的 (profile, messages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from jiayuan.core.inbox import inbox_for
from jiayuan.core.masking import mask_phone
from jiayuan.portal.selectors import household, my_party, my_units


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


@login_required
def me(request):
    party = my_party(request.user)
    return render(
        request,
        "portal/me.html",
        {
            "tab": "me",
            "party": party,
            "masked_phone": mask_phone(party.phone) if party else "",
            "recent": list(inbox_for(request.user)[:3]),
        },
    )


@login_required
def messages_page(request):
    page = Paginator(inbox_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "portal/messages.html", {"tab": "me", "page": page})
