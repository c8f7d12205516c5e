"""Request middleware: the current project of a staff session (chosen with the project switcher, always
one the user may see), Chinese first, and control characters refused at the door."""

import json
import re

from django.apps import apps
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from jiayuan.core.scoping import scope_of

SESSION_KEY = "jiayuan_project_id"
# The last project chosen survives logging out (a signed cookie, per browser): an inspector who works on
# 城东客运站 finds it again tomorrow. It is only a preference: the scope check below still decides.
COOKIE_NAME = "jiayuan_project"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _remembered(request) -> int | None:
    raw = request.session.get(SESSION_KEY)
    if raw is None:
        raw = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_NAME)
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def current_project(request):
    user = getattr(request, "user", None)
    scope = scope_of(user)
    if not scope.project_ids:
        return None
    Project = apps.get_model("org", "Project")
    wanted = _remembered(request)
    if wanted in scope.project_ids:
        project = Project.objects.filter(pk=wanted).first()
        if project:
            return project
    return Project.objects.filter(pk__in=scope.project_ids).order_by("id").first()


class CurrentProjectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.project = SimpleLazyObject(lambda: current_project(request))
        return self.get_response(request)


class ChineseFirstMiddleware:
    """zh-Hans unless the user chose otherwise (the language cookie set by the 中文/English switch).

    Django would follow the browser's Accept-Language; staff computers and phones here often report
    English while their users read Chinese, so the header is ignored (docs/decisions/0002)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# C0 control characters but tab, line feed and carriage return: none belongs in anything a person types,
# PostgreSQL refuses NUL in text (a 500 where the database sees it), and an xlsx file cannot hold them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def control_character_path(data) -> str | None:
    """The path (``items.0.name``) of the first string, key or value, holding a control character."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if CONTROL_CHARACTERS.search(key):
                    return f"{path}.{key}".lstrip(".")
                stack.append((f"{path}.{key}".lstrip("."), item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}".lstrip("."), item) for i, item in enumerate(value))
    return None


def control_character_field(request) -> str | None:
    """Where the request carries a control character: ``path``, a query or form field's name, a JSON
    path, or None. Files are not looked at; a body that is not JSON is left to the view, which refuses it."""
    if CONTROL_CHARACTERS.search(request.path_info):
        return "path"
    fields = list(request.GET.lists())
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in FORM_TYPES:
        fields += list(request.POST.lists())  # file names: Django's parser keeps printable ones only
    for key, values in fields:
        if CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values):
            return key
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            return None
        return control_character_path(data)
    return None


class ControlCharactersMiddleware:
    """Refuses, in one place, any request whose path, query string, form fields, JSON body or cookies
    hold a control character (NUL and the other C0 characters but tab and line breaks): 422, as JSON
    ``{code, message, field}`` under /api/ and as an error page elsewhere, before any view or query.

    Django's form ``CharField`` already refuses NUL, but search boxes, list filters read from
    ``request.GET``, Ninja schemas and path parameters do not go through it. A cookie holding one (the
    session cookie ``"…\\000"`` would reach the session table) is deleted, and the page is drawn without
    the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookies = [name for name, value in request.COOKIES.items() if CONTROL_CHARACTERS.search(name + value)]
        field = f"cookie:{cookies[0]}" if cookies else control_character_field(request)
        if field is None:
            return self.get_response(request)
        message = _("输入内容含有不允许的控制字符（如空字符），请删除后重新提交。")
        if request.path_info.startswith("/api/"):
            # the API's wording for a refused parameter (core.api), then the reason
            body = {"code": "validation_failed", "message": f"参数不合法：{message}", "field": field}
            response = JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
        elif cookies:
            response = HttpResponse(render_to_string("422.html", {"message": message}), status=422)
        else:
            response = render(request, "422.html", {"message": message}, status=422)
        for name in cookies:
            response.delete_cookie(name)
        return response
