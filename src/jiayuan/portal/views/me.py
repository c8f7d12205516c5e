"""The owners' 我的 tab: profile (phone masked) with the latest messages, and the message list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from jiayuan.core.inbox import inbox_for
from jiayuan.core.masking import mask_phone
from jiayuan.portal.selectors import my_party


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
