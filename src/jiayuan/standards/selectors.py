"""Reads of standards. Other apps ask for a project's effective value here (contract used across apps):

- ``effective_version(code, project_id, at)`` — the one version a timer or round is measured against;
- ``effective_map(project_id, at, codes)`` — all of them (or those of ``codes``) at once (one query).

Pages and the API use the rest, always starting from what the user may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from jiayuan.core.models import TimelineEntry
from jiayuan.core.scoping import scope_of
from jiayuan.core.timeline import timeline_of
from jiayuan.standards.models import Department, Standard, StandardVersion


def _for_project(project_id: int | None) -> Q:
    if project_id is None:
        return Q(project__isnull=True)
    return Q(project__isnull=True) | Q(project_id=project_id)


def effective_version(
    code: str, project_id: int | None, at: datetime | None = None
) -> StandardVersion | None:
    """The version in force for ``project_id`` at ``at`` (now by default): the project's override if it has
    one, else the company default. ``None`` when the standard is unknown or not in force. A disabled
    version is still returned (check ``.enabled``): "switched off here" is an answer, not an absence."""
    at = at or timezone.now()
    return (
        StandardVersion.objects.filter(standard__code=code)
        .filter(_for_project(project_id))
        .in_force(at)
        .select_related("standard")
        .order_by(F("project_id").asc(nulls_last=True))
        .first()
    )


def effective_map(
    project_id: int | None, at: datetime | None = None, codes: Iterable[str] | None = None
) -> dict[str, StandardVersion]:
    """Every standard's version in force for the project at ``at``, keyed by code; only those of ``codes``
    when given (a request reads a handful of the catalogue's hundred). One query."""
    at = at or timezone.now()
    versions = (
        StandardVersion.objects.filter(_for_project(project_id))
        .in_force(at)
        .select_related("standard")
        .order_by(F("project_id").asc(nulls_first=True))
    )
    if codes is not None:
        versions = versions.filter(standard__code__in=sorted(codes))
    # Defaults come first, so a project's override replaces its default in the dict.
    return {v.standard.code: v for v in versions}


@dataclass
class Row:
    """One line of the standards page: the company default and what the project runs now."""

    standard: Standard
    default: StandardVersion | None
    effective: StandardVersion | None

    @property
    def overridden(self) -> bool:
        return self.effective is not None and self.effective.project_id is not None


@dataclass
class Group:
    department: str
    label: str
    rows: list[Row] = field(default_factory=list)


def standards_for_page(user, project, standards: QuerySet | None = None, at=None) -> list[Group]:
    """Standards grouped by department (in the order of ``Department``), each with the company default
    and the project's effective value. Two queries whatever the number of standards.

    ``standards`` is an already filtered ``Standard.objects.visible_to(user)`` queryset (the page's
    filter bar); without it, everything the user may see."""
    at = at or timezone.now()
    if standards is None:
        standards = Standard.objects.visible_to(user)
    standard_list = list(standards.order_by("sort_order", "code"))
    project_id = project.pk if project is not None and project.pk in scope_of(user).project_ids else None
    defaults: dict[int, StandardVersion] = {}
    overrides: dict[int, StandardVersion] = {}
    if standard_list:
        versions = StandardVersion.objects.filter(standard_id__in=[s.pk for s in standard_list])
        for v in versions.filter(_for_project(project_id)).in_force(at):
            (defaults if v.project_id is None else overrides)[v.standard_id] = v
    groups = {dep: Group(dep, str(label)) for dep, label in Department.choices}
    for s in standard_list:
        default = defaults.get(s.pk)
        groups[s.department].rows.append(Row(s, default, overrides.get(s.pk, default)))
    return [g for g in groups.values() if g.rows]


def adjusted_standard_ids(project_id: int, at=None) -> QuerySet:
    """Ids of standards the project runs with its own value now (the "仅看已调整" filter)."""
    at = at or timezone.now()
    return StandardVersion.objects.filter(project_id=project_id).in_force(at).values("standard_id")


@dataclass
class HistoryEntry:
    """A version with the value it replaced for its scope (``previous`` is ``None`` for the first)."""

    version: StandardVersion
    previous: StandardVersion | None


def _with_previous(versions: list[StandardVersion]) -> list[HistoryEntry]:
    """``versions`` of one standard in ``valid_from`` order. A default replaces the previous default; a
    project version replaces the project's previous version when it directly follows it, otherwise the
    company default that was in force when it started (the first override, or one after a reset)."""
    entries = []
    last_by_scope: dict[int | None, StandardVersion] = {}
    defaults = [v for v in versions if v.project_id is None]
    for v in versions:
        previous = last_by_scope.get(v.project_id)
        if v.project_id is not None and (previous is None or previous.valid_to != v.valid_from):
            previous = _in_force(defaults, v.valid_from)
        entries.append(HistoryEntry(v, previous))
        last_by_scope[v.project_id] = v
    return entries


def _in_force(versions: list[StandardVersion], at) -> StandardVersion | None:
    for v in versions:
        if v.valid_from <= at and (v.valid_to is None or v.valid_to > at):
            return v
    return None


def version_history(standard: Standard, project_id: int | None) -> list[HistoryEntry]:
    """The company default's versions and the project's overrides, oldest first, each with the value it
    replaced. Versions are never edited, so this is the full record of what applied when."""
    versions = list(
        StandardVersion.objects.filter(standard=standard)
        .filter(_for_project(project_id))
        .select_related("project", "created_by")
        .order_by("valid_from", "version")
    )
    return _with_previous(versions)


def visible_history(user, standard: Standard) -> list[HistoryEntry]:
    """Like ``version_history`` but across every project the user may see (the detail page)."""
    versions = list(
        StandardVersion.objects.visible_to(user)
        .filter(standard=standard)
        .select_related("project", "created_by")
        .order_by("valid_from", "version")
    )
    return _with_previous(versions)


def visible_timeline(user, standard: Standard) -> QuerySet[TimelineEntry]:
    """Timeline lines of the standard (overrides, resets, default changes) for the user's projects."""
    project_ids = scope_of(user).project_ids
    return (
        timeline_of(standard)
        .filter(Q(project__isnull=True) | Q(project_id__in=project_ids))
        .order_by("-at", "-id")
    )


@dataclass
class ProjectValue:
    project: object
    effective: StandardVersion | None

    @property
    def overridden(self) -> bool:
        return self.effective is not None and self.effective.project_id is not None


def project_values(user, standard: Standard, at=None) -> list[ProjectValue]:
    """What each project the user may see runs now for ``standard``. Two queries."""
    at = at or timezone.now()
    project_ids = scope_of(user).project_ids
    Project = apps.get_model("org", "Project")
    projects = list(Project.objects.filter(pk__in=project_ids).order_by("id"))
    versions = StandardVersion.objects.filter(standard=standard).in_force(at)
    versions = versions.filter(Q(project__isnull=True) | Q(project_id__in=project_ids))
    default = None
    overrides = {}
    for v in versions:
        if v.project_id is None:
            default = v
        else:
            overrides[v.project_id] = v
    return [ProjectValue(p, overrides.get(p.pk, default)) for p in projects]


def visible_project(user, project_id: int | None):
    """The project if the user may see it, else ``None`` (callers turn that into a 404)."""
    if project_id is None or project_id not in scope_of(user).project_ids:
        return None
    return apps.get_model("org", "Project").objects.filter(pk=project_id).first()
