"""What every staff page's shell needs: the current project, the switcher's projects, the navigation."""

from django.apps import apps

from jiayuan.core.scoping import scope_of


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    Project = apps.get_model("org", "Project")
    projects = (
        list(Project.objects.filter(pk__in=scope.project_ids).order_by("id")) if scope.project_ids else []
    )
    project = getattr(request, "project", None)
    return {
        "scope": scope,
        "shell_projects": projects,
        "current_project": project if project else None,
        "is_staff_user": scope.is_staff_member,
        "unread_count": user.outbox.filter(read_at__isnull=True).count(),
    }
