"""What the org pages share: which project a page shows (?project=, checked by core.web), page size, a safe
next URL."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.http import url_has_allowed_host_and_scheme

from jiayuan.core.tables import paginate as core_paginate
from jiayuan.core.web import requested_project_id
from jiayuan.org.models import Project
from jiayuan.org.permissions import org_project_ids

ALL = "all"


@dataclass(frozen=True)
class PageProjects:
    """The project a page shows (None: every project the user may read) and the projects to choose from."""

    project: Project | None
    choices: list[Project]
    allow_all: bool

    @property
    def ids(self) -> list[int]:
        return [self.project.pk] if self.project else [p.pk for p in self.choices]

    @property
    def param(self) -> str:
        return str(self.project.pk) if self.project else ALL


def page_projects(request, *, allow_all: bool = True) -> PageProjects:
    """``?project=<id>`` (or ``all``), else the current project of the top-bar switcher.

    Refuses with 403 when the user may read no project's organisation (owners, technicians…), 404 for a
    project outside their scope (so its existence is not revealed), 403 for one they see without VIEW_ORG.
    """
    allowed = org_project_ids(request.user)
    if not allowed:
        raise PermissionDenied("您没有查看组织人员的权限")
    choices = list(Project.objects.filter(pk__in=allowed).order_by("id"))
    allow_all = allow_all and len(choices) > 1
    raw = request.GET.get("project", "")
    if raw == ALL and allow_all:
        return PageProjects(None, choices, allow_all)
    if raw:
        pid = requested_project_id(
            request.user, raw, {p.pk for p in choices}, forbidden="您没有查看该项目组织人员的权限"
        )
        return PageProjects(next(p for p in choices if p.pk == pid), choices, allow_all)
    current_id = request.project.pk if request.project else None
    chosen = next((p for p in choices if p.pk == current_id), choices[0])
    return PageProjects(chosen, choices, allow_all)


def safe_next(request, fallback: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


def paginate(request, table) -> None:
    core_paginate(request, table)
