"""Login throttling with django-axes (settings ``AXES_*``, docs/operators.md "Login throttling").

After ``AXES_FAILURE_LIMIT`` wrong passwords within ``AXES_COOLOFF_TIME`` the username is locked from any
address and the address for any username, until the cool-off has passed. Three places take a password and
so go through the lock: the login page, the Django admin's login and API token creation (which asks for the
password again). Here: the client's address as axes should count it, the message, and the locked pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

LOCKED_OUT = "locked_out"


def client_ip(request) -> str | None:
    """The address that sent the request. Behind nginx (``BEHIND_TLS_PROXY``) every request comes from the
    proxy, which appends the peer it saw to ``X-Forwarded-For``; anything to the left of that entry was
    written by the client and is not believed. Without a proxy: the socket's peer."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "登录失败次数过多，该账号或本机地址已被暂时锁定。请 %(minutes)s 分钟后再试，或联系公司管理员解锁。"
    ) % {"minutes": minutes}


class _Locked:
    """A login form that refuses without asking the backends again (that would count one more failure)."""

    def clean(self):
        raise ValidationError(lockout_message(), code=LOCKED_OUT)


class LockedLoginForm(_Locked, AuthenticationForm):
    pass


class LockedAdminLoginForm(_Locked, AdminAuthenticationForm):
    pass


def _login_page(request, form_class, template_name: str, context: dict | None = None) -> HttpResponse:
    view = LoginView.as_view(
        authentication_form=form_class, template_name=template_name, extra_context=context
    )
    response = view(request)
    if hasattr(response, "render"):
        response.render()
    response.status_code = settings.AXES_HTTP_RESPONSE_CODE
    return response


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the page the attempt came from, with the lockout message in its form."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "login":
        return _login_page(request, LockedLoginForm, "registration/login.html")
    if match is not None and match.view_name == "admin:login":
        from django.contrib import admin

        context = {
            **admin.site.each_context(request),
            "title": _("登录"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        return _login_page(request, LockedAdminLoginForm, "admin/login.html", context)
    if original_response is not None and original_response.status_code == settings.AXES_HTTP_RESPONSE_CODE:
        return original_response  # a page that said so itself (API token creation)
    return HttpResponse(
        lockout_message(), status=settings.AXES_HTTP_RESPONSE_CODE, content_type="text/plain; charset=utf-8"
    )
