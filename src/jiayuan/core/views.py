"""Shell pages: home, project switcher, profile with API tokens, health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiayuan.core.middleware import SESSION_KEY
from jiayuan.core.models import ApiToken
from jiayuan.core.scoping import scope_of
from jiayuan.core.tokens import token_create, token_revoke


@login_required
def home(request):
    if not scope_of(request.user).is_staff_member:
        return redirect("portal:home")
    return render(request, "core/home.html")


@login_required
@require_POST
def switch_project(request):
    try:
        project_id = int(request.POST.get("project", ""))
    except ValueError:
        project_id = None
    if project_id not in scope_of(request.user).project_ids:
        messages.error(request, "无权切换到该项目")
    else:
        request.session[SESSION_KEY] = project_id
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    return redirect(nxt)


@login_required
def profile(request):
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request, "core/profile.html", {"tokens": tokens, "new_token": request.session.pop("new_token", None)}
    )


@login_required
@require_POST
def token_create_view(request):
    name = (request.POST.get("name") or "API").strip()[:60]
    _, raw = token_create(request.user, name=name)
    # Shown once on the next page, never stored in the clear.
    request.session["new_token"] = raw
    messages.success(request, "已创建令牌,请立即复制保存:离开此页后将无法再次查看。")
    return redirect("profile")


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token_revoke(token)
    messages.success(request, "令牌已吊销")
    return redirect("profile")


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"}) if request.GET.get("format") == "json" else HttpResponse("ok")
