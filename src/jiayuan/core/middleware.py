"""The current project of a staff session: chosen with the project switcher, always one the user may see."""

from django.apps import apps
from django.utils.functional import SimpleLazyObject

from jiayuan.core.scoping import scope_of

SESSION_KEY = "jiayuan_project_id"


def current_project(request):
    user = getattr(request, "user", None)
    scope = scope_of(user)
    if not scope.project_ids:
        return None
    Project = apps.get_model("org", "Project")
    wanted = request.session.get(SESSION_KEY)
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
