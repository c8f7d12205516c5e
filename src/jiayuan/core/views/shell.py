"""Shell pages: home (工作台), project switcher, messages (the bell), health check. Profile: profile.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiayuan.core.dashboard import home_facts
from jiayuan.core.inbox import inbox_for, inbox_mark_all_read, message_mark_read
from jiayuan.core.middleware import COOKIE_MAX_AGE, COOKIE_NAME, SESSION_KEY
from jiayuan.core.navigation import nav_for
from jiayuan.core.scoping import scope_of


def _safe_next(request, fallback: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return fallback


@login_required
def home(request):
    if not scope_of(request.user).is_staff_member:
        # Owners (no staff membership) live in the H5 portal.
        return redirect("portal:home")
    project = request.project if request.project else None
    return render(
        request,
        "core/home.html",
        {
            "project": project,
            "facts": home_facts(request.user, project),
            "modules": nav_for(request.user, project),
        },
    )


@login_required
@require_POST
def switch_project(request):
    try:
        project_id = int(request.POST.get("project", ""))
    except ValueError:
        project_id = None
    response = redirect(_safe_next(request, "/"))
    if project_id not in scope_of(request.user).project_ids:
        messages.error(request, _("无权切换到该项目"))
    else:
        request.session[SESSION_KEY] = project_id
        response.set_signed_cookie(
            COOKIE_NAME,
            str(project_id),
            salt=COOKIE_NAME,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


# --- messages (the bell) ------------------------------------------------------------------------------


@login_required
def message_list(request):
    if not scope_of(request.user).is_staff_member:
        return redirect("portal:messages")
    unread_only = request.GET.get("filter") == "unread"
    page = Paginator(inbox_for(request.user, unread_only=unread_only), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/messages.html",
        {"page": page, "unread_only": unread_only, "all_count": inbox_for(request.user).count()},
    )


@login_required
@require_POST
def message_read(request, message_id: int):
    message = get_object_or_404(inbox_for(request.user), pk=message_id)
    message_mark_read(message, actor=request.user)
    if request.POST.get("open") and message.link:
        link_ok = url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()})
        if link_ok:
            return redirect(message.link)
    return redirect(_safe_next(request, "messages"))


@login_required
@require_POST
def message_read_all(request):
    n = inbox_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(n)s 条消息标为已读") % {"n": n})
    return redirect(_safe_next(request, "messages"))


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"}) if request.GET.get("format") == "json" else HttpResponse("ok")
