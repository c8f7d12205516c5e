"""The customer-service and repair indicators of R10.1 measured from this app's records (core.indicators
contract). Each side is a queryset of the rows it counts, filtered on derived facts kept on the row
(``completed_at``, ``breached``, ``visited_at``, ``is_rework``…), so a figure is one indexed query counting
both sides in one pass, and its drill-down lists exactly what it counts; the board gets them all from
``measure_board`` in six queries. Periods are calendar months in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from jiayuan.core.indicators import Column, IndicatorSource, Measurement, Period, Side, register
from jiayuan.core.roles import Perm
from jiayuan.core.worktime import SHANGHAI
from jiayuan.estate.models import Unit
from jiayuan.service.models import RequestType, ReturnVisit, ServiceRequest, State, Timer, TimerKind

TIMELINESS_CODE = "indicator.02_repair_timeliness"
VALID_COMPLAINTS_CODE = "indicator.20_valid_complaints"
COMPLAINTS_HANDLED_CODE = "indicator.21_complaints_handled"
RETURN_VISIT_CODE = "indicator.24_repair_return_visit"
SATISFACTION_CODE = "service.return_visit_satisfaction"
COMPLAINT_VISIT_CODE = "service.complaint_return_visit"
REWORK_CODE = "service.rework_rate"
TIMER_CODE = "service.timer.{kind}"

# A visit counts as satisfied at 4 or 5 of 5 (满意、非常满意).
SATISFIED_FROM = 4

# The numerators, each a part of its denominator's rows.
ON_TIME = Q(breached=False)
VISITED = Q(visited_at__isnull=False)
REWORK = Q(is_rework=True)
HANDLED = Q(review__resolved_at__isnull=False) | Q(state__in=[State.COMPLETED, State.CLOSED])
SATISFIED = Q(satisfaction__gte=SATISFIED_FROM)
MET = Q(state=Timer.State.MET)

NOTES = {
    TIMELINESS_CODE: _("当月完成的报修中，派单、响应、急修到场、承诺完成等时限均未超时的比例"),
    RETURN_VISIT_CODE: _("当月完成的报修中已回访（联系上）的比例"),
    REWORK_CODE: _("当月受理的报修中，原单完成后 30 天内同一问题再次报修（返修）的比例；目标 ≤1%（R4.3）"),
    SATISFACTION_CODE: _("当月回访中满意度 4–5 分的比例（未联系上的不计）"),
    VALID_COMPLAINTS_CODE: _("当月受理并判定为有效的投诉 / 项目总户数（房屋数）"),
    COMPLAINTS_HANDLED_CODE: _("当月有效投诉中已反馈处理结果或已办结的比例"),
    COMPLAINT_VISIT_CODE: _("当月有效投诉中已回访的比例；目标 100%（R3.6）"),
}
TIMER_NOTE = _("当月到期的时限中按时达成的比例（取消的、尚未到期的不计）")


def _bounds(period: Period) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.start, time(0), tzinfo=SHANGHAI),
        datetime.combine(period.end, time(0), tzinfo=SHANGHAI),
    )


def _requests(project_id: int) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(project_id=project_id).select_related("unit", "assignee")


def _part_of(rows: QuerySet, part: Q, note, counts: tuple[int, int]) -> Measurement:
    numerator, denominator = counts
    return Measurement(
        Side(Decimal(numerator), rows.filter(part)), Side(Decimal(denominator), rows), note=note
    )


def _ratio(rows: QuerySet, part: Q, note) -> Measurement:
    """``rows.filter(part)`` over ``rows``: both counted in one pass (conditional counts)."""
    counts = rows.aggregate(part=Count("pk", filter=part), whole=Count("pk"))
    return _part_of(rows, part, note, (counts["part"], counts["whole"]))


# --- the rows each figure counts: one definition for the measures, the board's batch and the drill-down --


def repairs_completed(project_id: int, period: Period) -> QuerySet[ServiceRequest]:
    """Repairs (in-unit, public, warranty) completed in the month, by their completion time."""
    start, end = _bounds(period)
    return (
        _requests(project_id)
        .filter(type=RequestType.REPAIR, completed_at__gte=start, completed_at__lt=end)
        .order_by("completed_at", "id")
    )


def repairs_received(project_id: int, period: Period) -> QuerySet[ServiceRequest]:
    start, end = _bounds(period)
    return (
        _requests(project_id)
        .filter(type=RequestType.REPAIR, received_at__gte=start, received_at__lt=end)
        .order_by("received_at", "id")
    )


def valid_complaints(project_id: int, period: Period) -> QuerySet[ServiceRequest]:
    start, end = _bounds(period)
    return (
        _requests(project_id)
        .filter(type=RequestType.COMPLAINT, received_at__gte=start, received_at__lt=end, review__valid=True)
        .select_related("review")
        .order_by("received_at", "id")
    )


def households(project_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(project_id=project_id).select_related("building").order_by("address")


def return_visits(project_id: int, period: Period) -> QuerySet[ReturnVisit]:
    """The month's visits with a satisfaction score (the unreachable ones have none)."""
    start, end = _bounds(period)
    return (
        ReturnVisit.objects.filter(
            project_id=project_id, visited_at__gte=start, visited_at__lt=end, satisfaction__isnull=False
        )
        .select_related("request", "request__unit")
        .order_by("visited_at", "id")
    )


def timers_due(project_id: int, period: Period, kind: str) -> QuerySet[Timer]:
    """The month's timers of one kind that came due: met or breached (cancelled and running ones aside)."""
    start, end = _bounds(period)
    return (
        Timer.objects.filter(
            project_id=project_id,
            kind=kind,
            due_at__gte=start,
            due_at__lt=end,
            state__in=[Timer.State.MET, Timer.State.BREACHED],
        )
        .select_related("request", "request__unit")
        .order_by("due_at", "id")
    )


# --- one figure at a time (the drill-down and its trend) ---------------------------------------------


def measure_timeliness(project_id: int, period: Period) -> Measurement:
    return _ratio(repairs_completed(project_id, period), ON_TIME, NOTES[TIMELINESS_CODE])


def measure_rework(project_id: int, period: Period) -> Measurement:
    return _ratio(repairs_received(project_id, period), REWORK, NOTES[REWORK_CODE])


def measure_return_visits(project_id: int, period: Period) -> Measurement:
    return _ratio(repairs_completed(project_id, period), VISITED, NOTES[RETURN_VISIT_CODE])


def measure_satisfaction(project_id: int, period: Period) -> Measurement:
    return _ratio(return_visits(project_id, period), SATISFIED, NOTES[SATISFACTION_CODE])


def _over_households(project_id: int, complaints: QuerySet, counts: tuple[int, int]) -> Measurement:
    return Measurement(
        Side(Decimal(counts[0]), complaints),
        Side(Decimal(counts[1]), households(project_id)),
        note=NOTES[VALID_COMPLAINTS_CODE],
    )


def measure_valid_complaints(project_id: int, period: Period) -> Measurement:
    valid = valid_complaints(project_id, period)
    return _over_households(project_id, valid, (valid.count(), households(project_id).count()))


def measure_complaints_handled(project_id: int, period: Period) -> Measurement:
    return _ratio(valid_complaints(project_id, period), HANDLED, NOTES[COMPLAINTS_HANDLED_CODE])


def measure_complaint_visits(project_id: int, period: Period) -> Measurement:
    return _ratio(valid_complaints(project_id, period), VISITED, NOTES[COMPLAINT_VISIT_CODE])


def timer_measure(kind: str):
    def measure(project_id: int, period: Period) -> Measurement:
        return _ratio(timers_due(project_id, period, kind), MET, TIMER_NOTE)

    return measure


# --- every figure at once (the board) -----------------------------------------------------------------


def measure_board(project_id: int, period: Period) -> dict[str, Measurement]:
    """Every service figure of one project and month in six queries, one pass over each set of rows the
    figures count — the repairs completed, the repairs received, the valid complaints, the households, the
    return visits, the timers by kind — with the rows and figures of the measures above."""
    done = repairs_completed(project_id, period)
    received = repairs_received(project_id, period)
    complaints = valid_complaints(project_id, period)
    visits = return_visits(project_id, period)
    d = done.aggregate(
        on_time=Count("pk", filter=ON_TIME), visited=Count("pk", filter=VISITED), n=Count("pk")
    )
    r = received.aggregate(rework=Count("pk", filter=REWORK), n=Count("pk"))
    c = complaints.aggregate(
        handled=Count("pk", filter=HANDLED), visited=Count("pk", filter=VISITED), n=Count("pk")
    )
    v = visits.aggregate(satisfied=Count("pk", filter=SATISFIED), n=Count("pk"))
    measured = {
        TIMELINESS_CODE: _part_of(done, ON_TIME, NOTES[TIMELINESS_CODE], (d["on_time"], d["n"])),
        RETURN_VISIT_CODE: _part_of(done, VISITED, NOTES[RETURN_VISIT_CODE], (d["visited"], d["n"])),
        REWORK_CODE: _part_of(received, REWORK, NOTES[REWORK_CODE], (r["rework"], r["n"])),
        VALID_COMPLAINTS_CODE: _over_households(
            project_id, complaints, (c["n"], households(project_id).count())
        ),
        COMPLAINTS_HANDLED_CODE: _part_of(
            complaints, HANDLED, NOTES[COMPLAINTS_HANDLED_CODE], (c["handled"], c["n"])
        ),
        COMPLAINT_VISIT_CODE: _part_of(
            complaints, VISITED, NOTES[COMPLAINT_VISIT_CODE], (c["visited"], c["n"])
        ),
        SATISFACTION_CODE: _part_of(visits, SATISFIED, NOTES[SATISFACTION_CODE], (v["satisfied"], v["n"])),
    }
    start, end = _bounds(period)
    timers = {
        row["kind"]: (row["met"], row["n"])
        for row in Timer.objects.filter(
            project_id=project_id,
            kind__in=TimerKind.values,
            due_at__gte=start,
            due_at__lt=end,
            state__in=[Timer.State.MET, Timer.State.BREACHED],
        )
        .order_by()
        .values("kind")
        .annotate(met=Count("pk", filter=MET), n=Count("pk"))
    }
    for kind in TimerKind.values:
        measured[TIMER_CODE.format(kind=kind)] = _part_of(
            timers_due(project_id, period, kind), MET, TIMER_NOTE, timers.get(kind, (0, 0))
        )
    return measured


def _request_url(obj) -> str:
    try:
        if isinstance(obj, Unit):
            return reverse("estate:unit", args=[obj.pk])
        pk = obj.pk if isinstance(obj, ServiceRequest) else obj.request_id
        return reverse("service:request", args=[pk])
    except NoReverseMatch:
        return ""


def _when(value) -> str:
    return f"{localtime(value):%Y-%m-%d %H:%M}" if value else ""


REQUEST_COLUMNS = (
    Column(_("单号"), "number"),
    Column(_("类型"), lambda r: r.get_type_display()),
    Column(_("房屋"), lambda r: r.unit.address if r.unit_id else r.location),
    Column(_("受理时间"), lambda r: _when(r.received_at)),
    Column(_("完成时间"), lambda r: _when(r.completed_at)),
    Column(
        _("处理人"), lambda r: (r.assignee.get_full_name() or r.assignee.username) if r.assignee_id else ""
    ),
    Column(_("超时"), lambda r: _("是") if r.breached else _("否")),
)
VISIT_COLUMNS = (
    Column(_("单号"), "request.number"),
    Column(_("回访时间"), lambda v: _when(v.visited_at)),
    Column(_("结果"), lambda v: v.get_outcome_display()),
    Column(_("满意度"), "satisfaction"),
    Column(_("意见"), "comments"),
)
TIMER_COLUMNS = (
    Column(_("单号"), "request.number"),
    Column(_("开始"), lambda t: _when(t.started_at)),
    Column(_("到期"), lambda t: _when(t.due_at)),
    Column(_("达成"), lambda t: _when(t.met_at)),
    Column(_("状态"), lambda t: t.get_state_display()),
)
# Indicator 20 counts complaints over households: its two sides list requests and units.
COMPLAINT_OVER_UNIT_COLUMNS = (
    Column(
        _("房屋"),
        lambda o: o.address if isinstance(o, Unit) else (o.unit.address if o.unit_id else o.location),
    ),
    Column(_("单号"), lambda o: getattr(o, "number", "")),
    Column(_("受理时间"), lambda o: _when(getattr(o, "received_at", None))),
    Column(_("判定理由"), lambda o: o.review.validity_reason if isinstance(o, ServiceRequest) else ""),
)


def _source(code, label, num, den, measure, columns, order) -> IndicatorSource:
    return IndicatorSource(
        code=code,
        label=label,
        numerator_label=num,
        denominator_label=den,
        measure=measure,
        columns=columns,
        row_url=_request_url,
        perm=Perm.VIEW_REQUESTS,
        module="service",
        order=order,
        batch=measure_board,
    )


SOURCES = [
    _source(
        TIMELINESS_CODE,
        _("房屋零修、急修及时率"),
        _("按时完成的报修"),
        _("当月完成的报修"),
        measure_timeliness,
        REQUEST_COLUMNS,
        2,
    ),
    _source(
        VALID_COMPLAINTS_CODE,
        _("用户有效投诉率"),
        _("有效投诉"),
        _("总户数"),
        measure_valid_complaints,
        COMPLAINT_OVER_UNIT_COLUMNS,
        20,
    ),
    _source(
        COMPLAINTS_HANDLED_CODE,
        _("有效投诉处理率"),
        _("已处理的有效投诉"),
        _("有效投诉"),
        measure_complaints_handled,
        REQUEST_COLUMNS,
        21,
    ),
    _source(
        RETURN_VISIT_CODE,
        _("维修服务回访率"),
        _("已回访的报修"),
        _("当月完成的报修"),
        measure_return_visits,
        REQUEST_COLUMNS,
        24,
    ),
    _source(
        SATISFACTION_CODE,
        _("服务质量回访满意率"),
        _("满意的回访"),
        _("回访（有满意度）"),
        measure_satisfaction,
        VISIT_COLUMNS,
        101,
    ),
    _source(
        COMPLAINT_VISIT_CODE,
        _("有效投诉回访率"),
        _("已回访的有效投诉"),
        _("有效投诉"),
        measure_complaint_visits,
        REQUEST_COLUMNS,
        102,
    ),
    _source(REWORK_CODE, _("返修率"), _("返修单"), _("当月受理的报修"), measure_rework, REQUEST_COLUMNS, 103),
] + [
    _source(
        TIMER_CODE.format(kind=kind),
        _("时限达成率：%(kind)s") % {"kind": label},
        _("按时达成"),
        _("当月到期"),
        timer_measure(kind),
        TIMER_COLUMNS,
        110 + i,
    )
    for i, (kind, label) in enumerate(TimerKind.choices)
]


def register_sources() -> None:
    for source in SOURCES:
        register(source)
