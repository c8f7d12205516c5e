"""Service-promise timers (R3.4): started from the project's effective standards through core.worktime,
met by the action that keeps the promise, breached by ``timers_sweep`` — the same function in production
(Celery beat, every minute), the demo and the tests. No timer waits for someone to open a page."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils.timezone import localtime

from jiayuan.core.models import TimelineEntry
from jiayuan.core.outbox import notify
from jiayuan.core.roles import Role
from jiayuan.core.worktime import deadline
from jiayuan.org.models import Membership, Project
from jiayuan.service.models import (
    FaultCategory,
    RepairScope,
    RequestType,
    ServiceRequest,
    Timer,
    TimerKind,
    Urgency,
)
from jiayuan.service.services._common import request_link
from jiayuan.standards.models import StandardVersion
from jiayuan.standards.selectors import effective_map, effective_version

STANDARD_OF = {
    TimerKind.DISPATCH: "service.dispatch",
    TimerKind.FIRST_RESPONSE: "service.first_response",
    TimerKind.EMERGENCY_ON_SITE: "service.emergency_on_site",
    TimerKind.COMPLAINT_FEEDBACK: "service.complaint_feedback",
    TimerKind.SUGGESTION_FEEDBACK: "service.suggestion_feedback",
    TimerKind.INCIDENT_NOTIFY: "service.incident_notify",
    TimerKind.PROMISE: "service.promise_max",
    TimerKind.APPOINTMENT: "service.special_late",
}
SPECIAL_EARLY = "service.special_early"
# R4.6: a public-area fault's repair deadline depends on its category.
FAULT_STANDARD = {
    FaultCategory.DOORS_WINDOWS: "engineering.doors_windows_repair",
    FaultCategory.LIGHTING_ORDINARY: "engineering.lighting_repair_ordinary",
    FaultCategory.LIGHTING_OTHER: "engineering.lighting_repair_other",
}

# Which action keeps which promise.
MET_BY: dict[str, frozenset[str]] = {
    "dispatch": frozenset({TimerKind.DISPATCH, TimerKind.INCIDENT_NOTIFY}),
    "accept": frozenset({TimerKind.FIRST_RESPONSE}),
    "arrive": frozenset({TimerKind.FIRST_RESPONSE, TimerKind.EMERGENCY_ON_SITE, TimerKind.APPOINTMENT}),
    "contractor_done": frozenset({TimerKind.FIRST_RESPONSE}),
    "complete": frozenset(
        {
            TimerKind.DISPATCH,
            TimerKind.FIRST_RESPONSE,
            TimerKind.SUGGESTION_FEEDBACK,
            TimerKind.PROMISE,
            TimerKind.FAULT_REPAIR,
        }
    ),
    "verify": frozenset({TimerKind.PROMISE, TimerKind.FAULT_REPAIR}),
    "feedback": frozenset({TimerKind.COMPLAINT_FEEDBACK, TimerKind.FIRST_RESPONSE}),
}

SWEEP_BATCH = 2000


def kinds_for(req: ServiceRequest) -> list[str]:
    """The timers a request's type and urgency call for (R3.4)."""
    kinds = []
    if req.type in (RequestType.REPAIR, RequestType.SPECIAL):
        kinds.append(TimerKind.DISPATCH)
    if req.type != RequestType.PRAISE:
        kinds.append(TimerKind.FIRST_RESPONSE)
    if req.type == RequestType.REPAIR and req.urgency == Urgency.EMERGENCY:
        kinds.append(TimerKind.EMERGENCY_ON_SITE)
    if req.type == RequestType.COMPLAINT:
        kinds.append(TimerKind.COMPLAINT_FEEDBACK)
    if req.type == RequestType.SUGGESTION:
        kinds.append(TimerKind.SUGGESTION_FEEDBACK)
    if req.type == RequestType.COMPLAINT or req.urgency == Urgency.EMERGENCY:
        kinds.append(TimerKind.INCIDENT_NOTIFY)
    if req.type == RequestType.SPECIAL and req.preferred_time is not None:
        kinds.append(TimerKind.APPOINTMENT)
    if req.type == RequestType.REPAIR and req.repair_scope == RepairScope.PUBLIC and req.fault_category:
        kinds.append(TimerKind.FAULT_REPAIR)
    return kinds


def standard_code(req: ServiceRequest, kind: str) -> str:
    """The standard a timer of ``kind`` on ``req`` is measured against."""
    if kind == TimerKind.FAULT_REPAIR:
        return FAULT_STANDARD[req.fault_category]
    return STANDARD_OF[kind]


def standard_codes(req: ServiceRequest) -> set[str]:
    """The standards ``start_timers`` reads for ``req``."""
    return {standard_code(req, kind) for kind in kinds_for(req)}


def start_timers(req: ServiceRequest, versions: dict | None = None) -> list[Timer]:
    """Create the request's timers, each due by its project's effective standard (a standard switched off
    for the project starts no timer). One query for the standards (none when given), one insert."""
    if versions is None:
        versions = effective_map(req.project_id, req.received_at)
    timers = []
    for kind in kinds_for(req):
        version = versions.get(standard_code(req, kind))
        if version is None or not version.enabled or kind == TimerKind.PROMISE:
            continue
        # R8.1: an appointment timer runs from the agreed time (staff arrive at most this late; the early
        # side is the arrival flag); every other timer runs from receipt.
        start = req.preferred_time if kind == TimerKind.APPOINTMENT else req.received_at
        timers.append(
            Timer(
                project_id=req.project_id,
                request=req,
                kind=kind,
                standard_code=version.standard.code,
                standard_version=version,
                started_at=req.received_at,
                due_at=deadline(start, version.amount, version.unit),
            )
        )
    return Timer.objects.bulk_create(timers)


def start_promise_timer(req: ServiceRequest, *, at: datetime) -> Timer:
    """The promised-completion timer: due at the time agreed with the customer; the standard kept is the
    one-week ceiling it was checked against."""
    Timer.objects.filter(request=req, kind=TimerKind.PROMISE, state=Timer.State.RUNNING).update(
        state=Timer.State.CANCELLED
    )
    version = effective_version(STANDARD_OF[TimerKind.PROMISE], req.project_id, at)
    return Timer.objects.create(
        project_id=req.project_id,
        request=req,
        kind=TimerKind.PROMISE,
        standard_code=STANDARD_OF[TimerKind.PROMISE],
        standard_version=version,
        started_at=at,
        due_at=req.promised_at,
    )


def meet_timers(req: ServiceRequest, action: str, at: datetime) -> None:
    """Stop the running timers ``action`` keeps: met when on time, breached (late) otherwise. A late one
    marks the request breached; the sweep notifies the supervisor."""
    kinds = MET_BY.get(action)
    if not kinds:
        return
    running = Timer.objects.filter(request=req, kind__in=kinds, state=Timer.State.RUNNING)
    running.filter(due_at__gte=at).update(state=Timer.State.MET, met_at=at)
    late = running.filter(due_at__lt=at).update(
        state=Timer.State.BREACHED, met_at=at, breached_at=F("due_at")
    )
    if late and not req.breached:
        ServiceRequest.objects.filter(pk=req.pk).update(breached=True)
        req.breached = True


def cancel_timers(req: ServiceRequest) -> None:
    Timer.objects.filter(request=req, state=Timer.State.RUNNING).update(state=Timer.State.CANCELLED)


def supervisors(project_ids) -> dict[int, list]:
    """Who answers for a breach: the project's managers (memberships) and its named responsible person."""
    by_project: dict[int, dict[int, object]] = defaultdict(dict)
    rows = Membership.objects.filter(
        project_id__in=project_ids, role=Role.PROJECT_MANAGER, active=True, user__is_active=True
    ).select_related("user")
    for m in rows:
        by_project[m.project_id][m.user_id] = m.user
    for project in Project.objects.filter(pk__in=project_ids, manager__isnull=False).select_related(
        "manager"
    ):
        by_project[project.pk][project.manager_id] = project.manager
    return {pid: list(users.values()) for pid, users in by_project.items()}


def _lock_batch(qs):
    # Two sweeps at once (a slow one overlapping the next minute) must not notify twice.
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True, of=("self",))
    return qs


def timers_sweep(now: datetime) -> dict[str, int]:
    """Mark running timers past due as breached, flag their requests, write the timeline, and notify the
    responsible supervisor once per breached timer. Idempotent: a second run changes nothing. Bulk
    statements only; at most ``SWEEP_BATCH`` timers per run (the next minute takes the rest)."""
    with transaction.atomic():
        due = list(
            _lock_batch(
                Timer.objects.filter(state=Timer.State.RUNNING, due_at__lte=now).order_by("due_at")
            ).values_list("pk", "request_id", "project_id", "kind", "due_at")[:SWEEP_BATCH]
        )
        ids = [row[0] for row in due]
        breached = Timer.objects.filter(pk__in=ids, state=Timer.State.RUNNING).update(
            state=Timer.State.BREACHED, breached_at=F("due_at")
        )
        ServiceRequest.objects.filter(pk__in={row[1] for row in due}, breached=False).update(breached=True)
        ct = ContentType.objects.get_for_model(ServiceRequest)
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(
                    project_id=pid,
                    content_type=ct,
                    object_id=rid,
                    at=due_at,
                    action="timer_breached",
                    note=f"{TimerKind(kind).label}超时",
                    data={"timer": pk, "kind": kind},
                )
                for pk, rid, pid, kind, due_at in due
            ]
        )
        notified = _notify_supervisors(now)
    return {"breached": breached, "notified": notified}


def _notify_supervisors(now: datetime) -> int:
    pending = list(
        _lock_batch(
            Timer.objects.filter(state=Timer.State.BREACHED, supervisor_notified_at__isnull=True).order_by(
                "id"
            )
        ).select_related("request")[:SWEEP_BATCH]
    )
    if not pending:
        return 0
    bosses = supervisors({t.project_id for t in pending})
    for timer in pending:
        req = timer.request
        for user in bosses.get(timer.project_id, []):
            notify(
                user,
                f"【超时】{req.number} {TimerKind(timer.kind).label}",
                f"{req.get_type_display()}「{req.content[:60]}」已超过时限（应于 {localtime(timer.due_at):%Y-%m-%d %H:%M} 前）。",
                project_id=req.project_id,
                link=request_link(req),
            )
    return Timer.objects.filter(pk__in=[t.pk for t in pending], supervisor_notified_at__isnull=True).update(
        supervisor_notified_at=now
    )


def version_of(code: str, project_id: int, at: datetime) -> StandardVersion | None:
    version = effective_version(code, project_id, at)
    return version if version is not None and version.enabled else None


def overdue_q(now: datetime) -> Q:
    """Requests with a running timer past due (between two sweeps) or already breached."""
    return Q(breached=True) | Q(timers__state=Timer.State.RUNNING, timers__due_at__lt=now)
