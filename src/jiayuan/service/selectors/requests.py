"""Reads of customer requests: scoped querysets for the queue, the record, the technician's jobs, the
return-visit queue, and per-state counts. Every read starts from ``readable(user)``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiayuan.core.errors import NotFound, ValidationFailed
from jiayuan.core.timeline import timeline_of
from jiayuan.service.models import (
    OPEN_STATES,
    Photo,
    Referral,
    RepairScope,
    RequestType,
    ServiceRequest,
    State,
    Timer,
    Urgency,
)
from jiayuan.service.permissions import request_project_ids, work_order_q


def readable(user) -> QuerySet:
    """Requests the user may read: every request of projects where they hold VIEW_REQUESTS, a technician's
    jobs (own or their department's), an owner's own units' requests, and what a staff member reported
    himself (a guard's or technician's finding: he follows what he reported, 首问责任制)."""
    qs = ServiceRequest.objects.visible_to(user)
    condition = Q(project_id__in=request_project_ids(user)) | work_order_q(user)
    if getattr(user, "is_authenticated", False):
        condition |= Q(pk__in=ServiceRequest._base_manager.filter(ServiceRequest.owner_q(user)).values("pk"))
        condition |= Q(created_by=user)
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
            Prefetch(
                "referrals", queryset=Referral.objects.select_related("sent_by").order_by("sent_at", "id")
            ),
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


def request_photo(user, request_pk: int, photo_pk: int, *, own_only: bool = False) -> Photo:
    """A photo of a request the user may read, checked like the request itself: staff through the request's
    project and work order, an owner (``own_only``, the portal) only for their own units' requests."""
    requests = owner_requests(user) if own_only else readable(user)
    photo = (
        Photo.objects.visible_to(user)
        .filter(pk=photo_pk, request_id=request_pk, request__in=requests.values("pk"))
        .first()
    )
    if photo is None:
        raise NotFound("照片不存在或无权查看")
    return photo


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


def price_of(item, on: date | None = None) -> Decimal | None:
    """The menu price of a special-service item in force on ``on`` (today by default)."""
    from jiayuan.billing.models import PriceVersion

    on = on or timezone.localdate()
    version = PriceVersion.objects.filter(fee_item=item, valid_from__lte=on).order_by("-valid_from").first()
    return None if version is None else Decimal(version.unit_price).quantize(Decimal("0.01"))


def special_menu(user, project_id: int) -> list[tuple]:
    """The project's special-service menu (R8.1): billing's active fee items of kind special with their
    price in force today; unpriced items are not offered."""
    from jiayuan.billing.models import FeeItem

    items = FeeItem.objects.visible_to(user).filter(
        project_id=project_id, kind=FeeItem.Kind.SPECIAL, active=True
    )
    menu = []
    for item in items.order_by("sort_order", "code"):
        price = price_of(item)
        if price is not None:
            menu.append((item, price))
    return menu


# --- R4.1 the month's repair summary on screen ---------------------------------------------------------


@dataclass
class SummaryRow:
    label: str
    total: int
    completed: int
    on_time: int
    rework: int
    avg_duration: timedelta | None
    link: dict = field(default_factory=dict)

    @property
    def on_time_pct(self) -> Decimal | None:
        if not self.completed:
            return None
        return (Decimal(self.on_time) * 100 / self.completed).quantize(Decimal("0.1"))

    @property
    def avg_hours(self) -> Decimal | None:
        if self.avg_duration is None:
            return None
        return (Decimal(self.avg_duration.total_seconds()) / 3600).quantize(Decimal("0.1"))


def _summary_metrics() -> dict:
    done = Q(completed_at__isnull=False)
    return {
        "total": Count("id"),
        "completed": Count("id", filter=done),
        "on_time": Count("id", filter=done & Q(breached=False)),
        "rework": Count("id", filter=Q(is_rework=True)),
        "avg_duration": Avg(
            ExpressionWrapper(F("completed_at") - F("received_at"), output_field=DurationField()), filter=done
        ),
    }


def _row(label: str, values: dict, link: dict | None = None) -> SummaryRow:
    return SummaryRow(
        label=label,
        total=values["total"],
        completed=values["completed"],
        on_time=values["on_time"],
        rework=values["rework"],
        avg_duration=values["avg_duration"],
        link=link or {},
    )


def summary_projects(user):
    """Projects whose whole month of repairs the user may summarise (VIEW_REQUESTS)."""
    from jiayuan.org.models import Project

    return Project.objects.filter(pk__in=request_project_ids(user)).order_by("code", "id")


def repair_summary(user, project, start, end) -> dict:
    """The month's repairs (received in ``[start, end)``) by scope and urgency, by building and by person:
    counts, completed, completed on time (no timer breached), average time to complete, rework (R4.1). One
    grouped query per table and one for the totals."""
    base = readable(user).filter(
        project_id=project.pk, type=RequestType.REPAIR, received_at__gte=start, received_at__lt=end
    )
    metrics = _summary_metrics()
    scopes, urgencies = dict(RepairScope.choices), dict(Urgency.choices)
    by_scope = [
        _row(
            f"{scopes.get(r['repair_scope'], '—')}·{urgencies.get(r['urgency'], r['urgency'])}",
            r,
            {"repair_scope": r["repair_scope"], "urgency": r["urgency"]},
        )
        for r in base.order_by()
        .values("repair_scope", "urgency")
        .annotate(**metrics)
        .order_by("repair_scope", "urgency")
    ]
    by_building = [
        _row(r["unit__building__name"] or _("公共区域（未指定房屋）"), r)
        for r in base.order_by()
        .values("unit__building_id", "unit__building__name", "unit__building__sort_order")
        .annotate(**metrics)
        .order_by(F("unit__building__sort_order").asc(nulls_last=True), "unit__building__name")
    ]
    by_person = [
        _row(
            (f"{r['assignee__first_name']} {r['assignee__last_name']}".strip() or r["assignee__username"])
            if r["assignee_id"]
            else _("（未指派）"),
            r,
            {"assignee": r["assignee_id"]} if r["assignee_id"] else {},
        )
        for r in base.order_by()
        .values("assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username")
        .annotate(**metrics)
        .order_by("-total", "assignee__username")
    ]
    totals = _row(_("合计"), base.aggregate(**metrics))
    return {"by_scope": by_scope, "by_building": by_building, "by_person": by_person, "totals": totals}


# --- R3.8 the customer archive of one owner ----------------------------------------------------------------


def customer_archive(user, party) -> QuerySet:
    """Every request the party made or that concerns a unit they occupy or occupied (while they did), with
    results, complaint reviews and return visits: consultations, complaints, repairs… (R3.8)."""
    from jiayuan.estate.models import Occupancy

    spans = Occupancy.objects.filter(party=party).values_list("unit_id", "started_on", "ended_on")
    condition = Q(caller_id=party.pk)
    for unit_id, started, ended in spans:
        span = Q(unit_id=unit_id)
        if started is not None:
            span &= Q(received_at__date__gte=started)
        if ended is not None:
            span &= Q(received_at__date__lte=ended)
        condition |= span
    return (
        _rows(readable(user).filter(condition, project_id=party.project_id))
        .select_related("review")
        .prefetch_related("visits", "referrals")
        .order_by("-received_at", "-id")
    )
