"""Reads of customer requests: scoped querysets for the queue, the record, the technician's jobs, the
return-visit queue, and per-state counts. Every read starts from ``readable(user)``."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.core.timeline import timeline_of
from jiayuan.service.models import OPEN_STATES, ServiceRequest, State, Timer
from jiayuan.service.permissions import request_project_ids, work_order_q


def readable(user) -> QuerySet:
    """Requests the user may read: every request of projects where they hold VIEW_REQUESTS, a technician's
    jobs (own or their department's), an owner's own units' requests."""
    qs = ServiceRequest.objects.visible_to(user)
    condition = Q(project_id__in=request_project_ids(user)) | work_order_q(user)
    if getattr(user, "is_authenticated", False):
        condition |= Q(pk__in=ServiceRequest._base_manager.filter(ServiceRequest.owner_q(user)).values("pk"))
    return qs.filter(condition)


def _rows(qs: QuerySet) -> QuerySet:
    return qs.select_related("unit", "caller", "department", "assignee", "first_receiver", "project")


def _apply(data, qs, *, user, project):
    if data is None:
        return qs
    from jiayuan.service.filters import RequestFilter

    fs = RequestFilter(data, queryset=qs, user=user, project=project)
    if not fs.is_valid():
        name, errors = next(iter(fs.errors.items()))
        raise ValidationFailed(f"筛选条件不合法：{errors[0]}", field=name)
    return fs.qs


def requests_for(user, project, filters=None) -> QuerySet:
    """The queue: the page passes the current project, the API ``None`` (every readable project)."""
    qs = readable(user)
    if project is not None:
        qs = qs.filter(project_id=project.pk)
    return _apply(filters, _rows(qs), user=user, project=project)


def request_detail(user, pk: int) -> ServiceRequest:
    req = (
        _rows(readable(user).filter(pk=pk))
        .select_related("fee_item", "charge", "delay_agreed_by")
        .prefetch_related(
            Prefetch(
                "timers", queryset=Timer.objects.select_related("standard_version").order_by("due_at", "id")
            ),
            "materials",
            "photos",
            "visits",
            "postponement_rows",
        )
        .select_related("rework_of", "repeat_of")
        .first()
    )
    if req is None:
        raise NotFound("请求不存在或无权查看")
    return req


def request_timeline(req: ServiceRequest):
    return timeline_of(req).order_by("at", "id")


def state_counts(qs: QuerySet) -> dict[str, int]:
    """Counts per state for the queue's tabs, plus 全部 and 已超时."""
    counts = {s: 0 for s in State.values}
    for row in qs.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    counts["all"] = sum(counts[s] for s in State.values)
    counts["overdue"] = qs.filter(state__in=OPEN_STATES, breached=True).count()
    return counts


def my_jobs(user, project=None) -> QuerySet:
    """A technician's open jobs: assigned to them first, then their department's unassigned ones."""
    qs = readable(user).filter(state__in=OPEN_STATES).filter(Q(assignee=user) | work_order_q(user))
    if project is not None:
        qs = qs.filter(project_id=project.pk)
    return _rows(qs).order_by("-urgency", "received_at")


def visit_queue(user, project=None) -> QuerySet:
    """Requests due a return visit (R3.6): every valid complaint, emergency repairs, the reproducible share
    of the other repairs — finished and not yet visited."""
    qs = readable(user).filter(
        visit_required=True, visited_at__isnull=True, state__in=[State.COMPLETED, State.CLOSED]
    )
    if project is not None:
        qs = qs.filter(project_id=project.pk)
    return _rows(qs).order_by("completed_at", "id")


def owner_requests(user) -> QuerySet:
    """The portal's "my requests": only the owner's own units' and own requests."""
    owned = ServiceRequest._base_manager.filter(ServiceRequest.owner_q(user)).values("pk")
    return _rows(ServiceRequest.objects.visible_to(user).filter(pk__in=owned))


def now():
    return timezone.now()


def overdue_badge(user, project) -> int | None:
    """The navigation's count beside 客服工作台: open requests already breached in the current project."""
    if project is None:
        return None
    n = readable(user).filter(project_id=project.pk, state__in=OPEN_STATES, breached=True).count()
    return n or None


# --- the desk's intake form and the special-service menu ---------------------------------------------------

RECENT_DAYS = 30
LOOKUP_LIMIT = 8


def intake_lookup(user, project, q: str) -> list:
    """Units (with their current occupants) an address, name or phone typed at the desk names."""
    from jiayuan.estate.selectors import search_units

    q = (q or "").strip()[:60]
    if len(q) < 2:
        return []
    return list(search_units(user, project, q)[:LOOKUP_LIMIT])


def intake_pick(user, project, unit_id: int | None, caller_id: int | None):
    """The unit and caller one click selected, re-read within the user's scope (``None`` when not found)."""
    from jiayuan.estate.models import Occupancy, Party, Unit

    unit = caller = None
    if unit_id:
        unit = Unit.objects.visible_to(user).filter(project_id=project.pk, pk=unit_id).first()
    if caller_id:
        caller = Party.objects.visible_to(user).filter(project_id=project.pk, pk=caller_id).first()
        if caller is not None and unit is not None:
            current = Occupancy.objects.visible_to(user).filter(
                unit=unit, party=caller, ended_on__isnull=True
            )
            if not current.exists():
                caller = None
    return unit, caller


def recent_requests(user, project, *, unit=None, caller=None, days: int = RECENT_DAYS) -> QuerySet:
    """The caller's and the unit's requests of the last 30 days: the repeat-report hint (R3.10)."""
    condition = Q(pk__in=[])
    if unit is not None:
        condition |= Q(unit_id=unit.pk)
    if caller is not None:
        condition |= Q(caller_id=caller.pk)
    since = timezone.now() - timedelta(days=days)
    return (
        readable(user)
        .filter(condition, project_id=project.pk, received_at__gte=since)
        .order_by("-received_at", "-id")[:10]
    )


def special_menu(user, project_id: int) -> list[tuple]:
    """The project's special-service menu (R8.1): billing's active fee items of kind special with their
    price in force today; unpriced items are not offered."""
    from jiayuan.billing.models import FeeItem
    from jiayuan.service.services.special import price_of

    items = FeeItem.objects.visible_to(user).filter(
        project_id=project_id, kind=FeeItem.Kind.SPECIAL, active=True
    )
    menu = []
    for item in items.order_by("sort_order", "code"):
        price = price_of(item)
        if price is not None:
            menu.append((item, price))
    return menu
