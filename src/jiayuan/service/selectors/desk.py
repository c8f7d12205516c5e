"""Reads of the desk records (R3.9, R3.11, R3.12): scoped querysets with what their pages show joined in."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from jiayuan.core.errors import NotFound
from jiayuan.core.timeline import timeline_of
from jiayuan.service.models import (
    DEFECT_OPEN_STATES,
    DefectPhoto,
    DefectState,
    GoodsRelease,
    HomeVisit,
    LegacyDefect,
    ReleaseState,
    VisitOpinion,
    VisitState,
)


def releases_for(user, project) -> QuerySet:
    return (
        GoodsRelease.objects.visible_to(user)
        .filter(project_id=project.pk)
        .select_related("unit", "issued_by", "released_by")
    )


def release_detail(user, pk: int) -> GoodsRelease:
    slip = (
        GoodsRelease.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("unit", "project", "issued_by", "released_by", "closed_by")
        .first()
    )
    if slip is None:
        raise NotFound()
    return slip


def release_by_number(user, project, number: str) -> GoodsRelease | None:
    number = (number or "").strip().upper()[:24]
    if not number:
        return None
    return releases_for(user, project).filter(number=number).first()


def release_counts(qs: QuerySet) -> dict[str, int]:
    today = timezone.localdate()
    agg = qs.aggregate(
        all=Count("id"),
        today=Count("id", filter=Q(state=ReleaseState.ISSUED, valid_on=today)),
        expired=Count("id", filter=Q(state=ReleaseState.ISSUED, valid_on__lt=today)),
        **{s: Count("id", filter=Q(state=s)) for s in ReleaseState.values},
    )
    return agg


def visits_for(user, project) -> QuerySet:
    return (
        HomeVisit.objects.visible_to(user)
        .filter(project_id=project.pk)
        .select_related("unit")
        .prefetch_related("staff")
        .annotate(opinion_count=Count("opinion_rows"))
    )


def visit_detail(user, pk: int) -> HomeVisit:
    visit = (
        HomeVisit.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("unit", "project", "called_by", "recorded_by", "created_by")
        .prefetch_related(
            "staff",
            Prefetch("opinion_rows", queryset=VisitOpinion.objects.select_related("request", "recorded_by")),
        )
        .first()
    )
    if visit is None:
        raise NotFound()
    return visit


def unit_visits(user, visit: HomeVisit) -> QuerySet:
    """The unit's other visits, newest first (the visit page lists them)."""
    return visits_for(user, visit.project).filter(unit_id=visit.unit_id).exclude(pk=visit.pk)[:20]


def visit_counts(qs: QuerySet) -> dict[str, int]:
    return qs.aggregate(all=Count("id"), **{s: Count("id", filter=Q(state=s)) for s in VisitState.values})


def defects_for(user, project) -> QuerySet:
    return LegacyDefect.objects.visible_to(user).filter(project_id=project.pk).select_related("unit")


def defect_detail(user, pk: int) -> LegacyDefect:
    defect = (
        LegacyDefect.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("unit", "project", "verified_by", "created_by")
        .prefetch_related(Prefetch("photos", queryset=DefectPhoto.objects.order_by("uploaded_at", "id")))
        .first()
    )
    if defect is None:
        raise NotFound()
    return defect


def overdue_defects(qs: QuerySet) -> QuerySet:
    """Past the developer's deadline and not rectified yet (the list's red rows)."""
    return qs.filter(state__in=DEFECT_OPEN_STATES, deadline__lt=timezone.localdate())


def defect_photo(user, defect_pk: int, photo_pk: int) -> DefectPhoto:
    """A photo of a legacy defect the user may read (the defect's own scope); the view checks the role."""
    photo = (
        DefectPhoto.objects.visible_to(user)
        .filter(
            pk=photo_pk, defect_id=defect_pk, defect__in=LegacyDefect.objects.visible_to(user).values("pk")
        )
        .first()
    )
    if photo is None:
        raise NotFound()
    return photo


def defect_counts(qs: QuerySet) -> dict[str, int]:
    today = timezone.localdate()
    return qs.aggregate(
        all=Count("id"),
        overdue=Count("id", filter=Q(state__in=DEFECT_OPEN_STATES, deadline__lt=today)),
        **{s: Count("id", filter=Q(state=s)) for s in DefectState.values},
    )


def timeline(obj, labels: dict, states: dict) -> list:
    rows = list(timeline_of(obj))
    for e in rows:
        e.label = labels.get(e.action, e.action)
        e.from_label = states.get(e.from_state, e.from_state)
        e.to_label = states.get(e.to_state, e.to_state)
    return rows
