"""The current project of a staff session: chosen with the project switcher, always one the user may see."""

from django.apps import apps
from django.utils.functional import SimpleLazyObject

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
