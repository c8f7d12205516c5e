"""The profile page: the user's memberships and API tokens (create with the password again, revoke)."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiayuan.core.models import ApiToken
from jiayuan.core.throttle import LOCKED_OUT, lockout_message
from jiayuan.core.tokens import token_create, token_revoke

NEW_TOKEN_SESSION_KEY = "jiayuan_new_token"


class TokenCreateForm(forms.Form):
    """A token acts as its owner for as long as it lives, so creating one asks for the password again: a
    session left open on a shared desk does not hand out a token, and the attempt goes through the same
    lock as the login (five wrong passwords lock the username, jiayuan.core.throttle)."""

    name = forms.CharField(
        label=gettext_lazy("令牌名称"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("用于区分不同用途，例如“报表脚本”。"),
    )
    password = forms.CharField(
        label=gettext_lazy("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("为保护账号，创建令牌前请再次输入您的登录密码。"),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.request.user.get_username(), password=password)
        if getattr(self.request, "axes_locked_out", False):
            raise ValidationError(lockout_message(), code=LOCKED_OUT)
        if user is None or user.pk != self.request.user.pk:
            raise ValidationError(_("密码不正确。"), code="wrong_password")
        return password


def _profile_context(request, form=None):
    Membership = apps.get_model("org", "Membership")
    memberships = (
        Membership.objects.filter(user=request.user, active=True)
        .select_related("company", "project", "department")
        .order_by("project_id", "role")
    )
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created_at")
    return {
        "memberships": memberships,
        "tokens": tokens,
        "form": form or TokenCreateForm(request=request),
        "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        "api_base": request.build_absolute_uri("/api/v1/"),
    }


@login_required
def profile(request):
    return render(request, "core/profile.html", _profile_context(request))


@login_required
@require_POST
def token_create_view(request):
    form = TokenCreateForm(request.POST, request=request)
    if not form.is_valid():
        locked = form.has_error("password", LOCKED_OUT)
        return render(
            request, "core/profile.html", _profile_context(request, form), status=429 if locked else 422
        )
    _token, raw = token_create(request.user, name=form.cleaned_data["name"].strip() or "API")
    # Shown once on the next page (then popped from the session); the database keeps only its digest.
    request.session[NEW_TOKEN_SESSION_KEY] = raw
    return redirect("profile")


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    token_revoke(token)
    messages.success(
        request, _("令牌“%(name)s”已吊销，使用它的程序将无法再访问 API。") % {"name": token.name}
    )
    return redirect("profile")
