"""What every page's shell needs: the current project, the switcher's projects, the navigation, unread count."""

from django.apps import apps
from django.utils.functional import SimpleLazyObject

from jiayuan.core.navigation import nav_for
from jiayuan.core.scoping import scope_of


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    project = getattr(request, "project", None)
    project = project if project else None
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""

    def projects():
        if not scope.project_ids:
            return []
        Project = apps.get_model("org", "Project")
        return list(Project.objects.filter(pk__in=scope.project_ids).order_by("id").only("id", "name"))

    # Lazy: pages that never draw the shell (the H5 portal, error pages) do not pay for its queries.
    return {
        "scope": scope,
        "shell_projects": SimpleLazyObject(projects),
        "current_project": project,
        "is_staff_user": scope.is_staff_member,
        "shell_nav": SimpleLazyObject(lambda: nav_for(user, project, view_name)),
        "unread_count": SimpleLazyObject(lambda: user.outbox.filter(read_at__isnull=True).count()),
    }
