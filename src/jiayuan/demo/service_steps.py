"""Demo step: four months of customer requests in both projects — repairs, consultations, complaints,
suggestions, praise and special-service orders — with dispatch, arrival, completion, confirmation, ratings,
return visits, complaint judgements, a little rework and some breached promises, so the desk, the queue,
the technician's jobs, the visit queue and the service indicators all show something on first start.

Rows are bulk-inserted with their derived facts, timers (from the projects' effective standards through
core.worktime), timeline lines and per-month numbers (the numbering counters are set to match). Times are
anchored at 08:00 of ``ctx.today`` (or at ``ctx.now`` when the demo is built earlier in the day: nothing
done lies after the anchor); requests of the last two days are still open, and their timers due after the
anchor stay running, so the first sweep breaches them live.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType

from jiayuan.core.models import Sequence, TimelineEntry
from jiayuan.core.worktime import SHANGHAI, deadline
from jiayuan.demo.context import RESIDENTIAL_CODE, STATION_CODE, DemoContext
from jiayuan.service.models import (
    NUMBER_PREFIX,
    ComplaintReview,
    FaultCategory,
    Referral,
    RepairScope,
    RequestType,
    ReturnVisit,
    ServiceRequest,
    State,
    Timer,
    TimerKind,
    Urgency,
)
from jiayuan.service.services import kinds_for, sampled_for_visit
from jiayuan.service.services.timers import standard_code
from jiayuan.standards.selectors import effective_map

DAYS = 120
PER_PROJECT = {RESIDENTIAL_CODE: 900, STATION_CODE: 150}
TYPES = [
    (RequestType.REPAIR, 55),
    (RequestType.CONSULTATION, 14),
    (RequestType.COMPLAINT, 9),
    (RequestType.SUGGESTION, 7),
    (RequestType.PRAISE, 5),
    (RequestType.SPECIAL, 10),
]
CONTENT = {
    RequestType.REPAIR: [
        ("厨房水槽下水管漏水", "卫生间"),
        ("卫生间地漏返味", "卫生间"),
        ("客厅插座没电", "客厅"),
        ("入户门锁芯卡死，钥匙拧不动", "入户门"),
        ("阳台推拉门滑轮损坏", "阳台"),
        ("热水器不出热水", "卫生间"),
        ("楼道声控灯不亮", "楼道"),
        ("单元门禁刷卡无反应", "单元门"),
        ("电梯按钮失灵", "电梯"),
        ("地下车库顶板渗水", "车库"),
        ("外墙瓷砖松动", "外墙"),
        ("马桶水箱一直流水", "卫生间"),
        ("楼道窗户玻璃破裂", "楼道"),
        ("车库一排照明灯全不亮，疑似线路故障", "车库"),
    ],
    RequestType.CONSULTATION: [
        ("物业费缴费时间和方式", ""),
        ("装修申请需要哪些材料", ""),
        ("停车月卡怎么办理", ""),
    ],
    RequestType.COMPLAINT: [
        ("楼上夜间装修噪音", ""),
        ("小区垃圾清运不及时，有异味", ""),
        ("秩序员态度生硬", ""),
        ("维修师傅上门迟到一个多小时", ""),
        ("电梯频繁停运", ""),
        ("地下室墙面渗水，交房时就有", ""),
    ],
    RequestType.SUGGESTION: [("建议增设电动车充电桩", ""), ("建议儿童游乐区加装遮阳棚", "")],
    RequestType.PRAISE: [("感谢维修师傅及时上门，服务很好", ""), ("感谢保洁阿姨帮忙找回钥匙", "")],
    RequestType.SPECIAL: [("空调清洗", ""), ("家电清洗", ""), ("开荒保洁", ""), ("搬家搬运", "")],
}
CAUSES = [
    "service",
    "repair",
    "timeliness",
    "environment",
    "facility",
    "neighbour",
    "security",
    "house_quality",
]
# Each complaint's cause as a judge would find it; house quality and facilities go to the party responsible.
COMPLAINT_CAUSE = {
    "楼上夜间装修噪音": "neighbour",
    "小区垃圾清运不及时，有异味": "environment",
    "秩序员态度生硬": "service",
    "维修师傅上门迟到一个多小时": "timeliness",
    "电梯频繁停运": "facility",
    "地下室墙面渗水，交房时就有": "house_quality",
}
# R3.10: house-quality and facility complaints are checked with the party responsible for them.
REFER_TO = {
    "house_quality": [
        (Referral.Party.DEVELOPER, "华府置业有限公司", "防水保修期内，请派员核实渗漏原因并答复整改时间。"),
        (Referral.Party.CONTRACTOR, "中建某局三公司", "请核实该处施工质量问题，提出维修方案。"),
    ],
    "facility": [(Referral.Party.SUPPLIER, "某电梯有限公司", "请核实电梯故障原因并答复处理时限。")],
}


# Public-area faults with their own repair deadline (R4.6).
FAULTS = {
    "楼道声控灯不亮": FaultCategory.LIGHTING_ORDINARY,
    "楼道窗户玻璃破裂": FaultCategory.DOORS_WINDOWS,
    "车库一排照明灯全不亮，疑似线路故障": FaultCategory.LIGHTING_OTHER,
}


def _pick(ctx, weighted):
    total = sum(w for _, w in weighted)
    roll = ctx.rng.uniform(0, total)
    for value, weight in weighted:
        roll -= weight
        if roll <= 0:
            return value
    return weighted[-1][0]


def create_requests(ctx: DemoContext) -> None:
    anchor = min(datetime.combine(ctx.today, time(8, 0), tzinfo=SHANGHAI), ctx.now)
    ct = ContentType.objects.get_for_model(ServiceRequest)
    for code, full in PER_PROJECT.items():
        if code not in ctx.projects or not ctx.units.get(code):
            continue
        _project_requests(ctx, code, ctx.scaled(full, 5), anchor, ct)


def _project_requests(ctx, code, n, anchor, ct) -> None:
    project = ctx.project(code)
    clerk = ctx.users.get("clerk") if code == RESIDENTIAL_CODE else None
    tech = ctx.users.get("tech") if code == RESIDENTIAL_CODE else None
    manager = ctx.users.get("manager" if code == RESIDENTIAL_CODE else "manager2")
    eng = ctx.departments.get((code, "engineering"))
    cs = ctx.departments.get((code, "customer_service"))
    units = ctx.units[code]
    versions = effective_map(project.pk, anchor - timedelta(days=DAYS))
    times = [_call_time(ctx, anchor) for _ in range(n)]
    # The morning's calls: a few requests of the last hours, waiting for dispatch or just sent out.
    times += [anchor - timedelta(minutes=ctx.rng.uniform(5, 360)) for _ in range(ctx.scaled(12, 2))]
    times.sort()
    counters: Counter = Counter()
    requests, plans = [], []
    for received in times:
        received = received.astimezone(SHANGHAI)
        if received >= anchor:
            received = anchor - timedelta(minutes=ctx.rng.randint(5, 600))
        type_ = _pick(ctx, TYPES)
        content, location = ctx.rng.choice(CONTENT[type_])
        unit = ctx.rng.choice(units)
        caller = ctx.unit_owner.get(unit.pk)
        public = type_ == RequestType.REPAIR and location in ("楼道", "单元门", "电梯", "车库", "外墙")
        urgency = Urgency.EMERGENCY if type_ == RequestType.REPAIR and ctx.chance(0.12) else Urgency.NORMAL
        period = received.strftime("%Y%m")
        prefix = NUMBER_PREFIX[type_]
        counters[(prefix, period)] += 1
        req = ServiceRequest(
            project=project,
            number=f"{prefix}-{period}-{counters[(prefix, period)]:04d}",
            type=type_,
            repair_scope=(RepairScope.PUBLIC if public else RepairScope.IN_UNIT)
            if type_ == RequestType.REPAIR
            else "",
            fault_category=FAULTS.get(content, "") if public else "",
            complaint_level="team" if type_ == RequestType.COMPLAINT else "",
            channel=_pick(ctx, [("phone", 50), ("desk", 15), ("portal", 25), ("walk_in", 5), ("staff", 5)]),
            urgency=urgency,
            unit=None if public else unit,
            caller=None if public else caller,
            contact_name=caller.name if caller and not public else "",
            contact_phone=caller.phone if caller and not public else "",
            content=content,
            location=location,
            received_at=received,
            first_receiver=clerk or manager,
            created_by=clerk or manager,
        )
        plans.append(_lifecycle(ctx, req, anchor, eng, cs, tech))
        requests.append(req)
    ServiceRequest.objects.bulk_create(requests, batch_size=500)
    _set_sequences(project, counters)
    timers, lines, visits, reviews = [], [], [], []
    for req, plan in zip(requests, plans, strict=True):
        req_timers = _timers(req, plan, versions, anchor)
        timers += req_timers
        if any(t.state == Timer.State.BREACHED for t in req_timers):
            req.breached = True
        lines += _timeline(req, plan, ct)
        visit = plan.get("visit")
        if visit is not None:
            visits.append(ReturnVisit(project=project, request=req, visitor=clerk or manager, **visit))
            req.visited_at = visit["visited_at"] if visit["outcome"] != "unreachable" else None
        review = plan.get("review")
        if review is not None:
            reviews.append(ComplaintReview(project=project, request=req, judged_by=manager, **review))
            if review["valid"]:
                req.visit_required = True
    _rework(ctx, requests)
    ServiceRequest.objects.bulk_update(
        requests, ["breached", "visited_at", "visit_required", "rework_of", "is_rework"], batch_size=500
    )
    Timer.objects.bulk_create(timers, batch_size=1000)
    TimelineEntry.objects.bulk_create(lines, batch_size=1000)
    ReturnVisit.objects.bulk_create(visits, batch_size=500)
    ComplaintReview.objects.bulk_create(reviews, batch_size=500)
    referrals, referral_lines = _referrals(ctx, reviews, clerk or manager, anchor, ct)
    Referral.objects.bulk_create(referrals, batch_size=500)
    TimelineEntry.objects.bulk_create(referral_lines, batch_size=1000)
    ctx.counts["service requests"] += len(requests)
    ctx.counts["service timers"] += len(timers)
    ctx.counts["return visits"] += len(visits)


def _call_time(ctx, anchor) -> datetime:
    """A call on one of the last ``DAYS`` days, mostly in the day (the 24-hour line takes a few at night)."""
    day = anchor.date() - timedelta(days=ctx.rng.randint(1, DAYS))
    hour = ctx.rng.randint(0, 6) if ctx.chance(0.05) else min(23, int(ctx.rng.triangular(7, 22, 10)))
    return datetime.combine(day, time(hour, ctx.rng.randint(0, 59)), tzinfo=SHANGHAI)


def _lifecycle(ctx, req, anchor, eng, cs, tech) -> dict:
    """When each step happened (or None), with a few late dispatches and late arrivals."""
    r = ctx.rng
    age = anchor - req.received_at
    field = req.type in (RequestType.REPAIR, RequestType.SPECIAL)
    plan: dict = {"steps": []}
    at = req.received_at
    if age < timedelta(days=3) and ctx.chance(0.6):
        # Recent work is still in hand: the request stops somewhere along its way (open on the queue).
        anchor = req.received_at + age * r.uniform(0, 0.6)
    if age < timedelta(minutes=20) and ctx.chance(0.5):
        return plan  # still waiting for dispatch
    if field:
        at += timedelta(minutes=r.uniform(0.5, 2.8) if ctx.chance(0.92) else r.uniform(4, 25))
        if at > anchor:
            return plan  # still waiting for dispatch
        req.dispatched_at, req.department = at, eng
        req.assignee = tech if tech and ctx.chance(0.7) else None
        plan["steps"].append(("dispatch", State.NEW, State.DISPATCHED, at, "派至 工程部"))
        at += timedelta(minutes=r.uniform(2, 20) if ctx.chance(0.93) else r.uniform(31, 90))
        if at > anchor:
            req.state = State.DISPATCHED
            return plan
        req.accepted_at = at
        plan["steps"].append(("accept", State.DISPATCHED, State.ACCEPTED, at, ""))
        on_site = 25 if req.urgency == Urgency.EMERGENCY else 120
        at += timedelta(
            minutes=r.uniform(8, on_site) if ctx.chance(0.9) else r.uniform(on_site + 6, on_site * 3)
        )
        if at > anchor:
            req.state = State.ACCEPTED
            return plan
        req.arrived_at = at
        plan["steps"].append(("arrive", State.ACCEPTED, State.ARRIVED, at, ""))
        at += timedelta(minutes=r.uniform(20, 240))
    else:
        req.department = cs
        at += timedelta(minutes=r.uniform(3, 25) if ctx.chance(0.95) else r.uniform(40, 600))
        if req.type == RequestType.COMPLAINT:
            feedback = at + timedelta(hours=r.uniform(1, 30) if ctx.chance(0.9) else r.uniform(60, 120))
            valid = ctx.chance(0.45)
            cause = COMPLAINT_CAUSE.get(req.content) or r.choice(CAUSES)
            judged = at + timedelta(hours=r.uniform(1, 8))
            if judged > anchor:
                return plan  # not judged yet: still open on the queue
            plan["review"] = {
                "valid": valid,
                "validity_reason": "经核实属实" if valid else "经核实不属物业责任，已向业主解释",
                "cause": cause,
                "judged_at": judged,
                "feedback_at": feedback if feedback < anchor else None,
                "feedback": "已联系业主说明处理方案" if feedback < anchor else "",
                "result": "已处理完毕，业主认可" if feedback < anchor else "",
                "resolved_at": feedback if feedback < anchor else None,
            }
            plan["feedback_at"] = feedback if feedback < anchor else None
            at = max(at, feedback)
    if at > anchor:
        req.state = State.ARRIVED if field else State.NEW
        return plan
    req.completed_at, req.completion_note = at, "已处理" if not field else "已修复，试用正常"
    plan["steps"].append(
        ("complete", State.ARRIVED if field else State.NEW, State.COMPLETED, at, req.completion_note)
    )
    req.state = State.COMPLETED
    req.visit_required = req.type == RequestType.REPAIR and (
        req.urgency == Urgency.EMERGENCY or sampled_for_visit(req.number, 30)
    )
    confirm = at + timedelta(hours=r.uniform(0.2, 48))
    if confirm < anchor and ctx.chance(0.92):
        req.confirmed_at = req.closed_at = confirm
        req.state = State.CLOSED
        plan["steps"].append(("confirm", State.COMPLETED, State.CLOSED, confirm, "客户确认"))
        if ctx.chance(0.6):
            rating = _pick(ctx, [(5, 60), (4, 28), (3, 8), (2, 3), (1, 1)])
            rated = confirm + timedelta(hours=r.uniform(0.1, 24))
            if rated <= anchor:  # not rated yet otherwise
                req.rating, req.rated_at = rating, rated
    visit_at = at + timedelta(days=r.uniform(1, 5))
    if (req.visit_required or req.type == RequestType.COMPLAINT) and visit_at < anchor and ctx.chance(0.9):
        outcome = "unreachable" if ctx.chance(0.06) else "satisfied"
        score = None if outcome == "unreachable" else _pick(ctx, [(5, 62), (4, 30), (3, 6), (2, 2)])
        plan["visit"] = {
            "method": "phone",
            "outcome": outcome,
            "satisfaction": score,
            "comments": "" if score is None or score >= 4 else "希望下次更快一些",
            "visited_at": visit_at,
        }
    return plan


def _referrals(ctx, reviews, clerk, anchor, ct) -> tuple[list[Referral], list[TimelineEntry]]:
    """House-quality and facility complaints referred to the responsible party (R3.10): the finished ones
    answered and fed back to the owner, the open ones still waiting for the party; each step on the
    request's timeline as the services would write it."""
    referrals, lines = [], []
    for review in reviews:
        parties = REFER_TO.get(review.cause)
        if not parties:
            continue
        party, name, question = ctx.rng.choice(parties)
        req = review.request
        # A complaint closes only once the party's answer is fed back, so a finished one has it all.
        done = req.completed_at is not None
        span = (req.completed_at or anchor) - req.received_at
        sent, answered, fed_back = (req.received_at + span * k for k in (0.2, 0.6, 0.8))
        answer = "已派员核实，属保修范围，将于一周内完成维修。"
        due = (sent + timedelta(days=7)).date()
        referrals.append(
            Referral(
                project_id=review.project_id,
                request=req,
                party=party,
                party_name=name,
                question=question,
                reply_due=due,
                state=Referral.State.FED_BACK if done else Referral.State.SENT,
                sent_by=clerk,
                sent_at=sent,
                answer=answer if done else "",
                answered_at=answered if done else None,
                answer_recorded_by=clerk if done else None,
                fed_back_at=fed_back if done else None,
                fed_back_by=clerk if done else None,
            )
        )
        steps = [
            ("refer", sent, f"转{Referral.Party(party).label}「{name}」核实，要求 {due} 前答复：{question}")
        ]
        if done:
            steps += [
                ("referral_answer", answered, f"{name} 答复：{answer}"),
                ("referral_feedback", fed_back, f"已将 {name} 的答复反馈业主"),
            ]
        lines += [
            TimelineEntry(
                project_id=req.project_id,
                content_type=ct,
                object_id=req.pk,
                at=at,
                actor=clerk,
                action=action,
                note=note,
            )
            for action, at, note in steps
        ]
    return referrals, lines


def _timers(req, plan, versions, anchor) -> list[Timer]:
    met = {
        TimerKind.DISPATCH: req.dispatched_at or req.completed_at,
        TimerKind.FIRST_RESPONSE: req.accepted_at
        or req.arrived_at
        or plan.get("feedback_at")
        or req.completed_at,
        TimerKind.EMERGENCY_ON_SITE: req.arrived_at,
        TimerKind.COMPLAINT_FEEDBACK: plan.get("feedback_at"),
        TimerKind.SUGGESTION_FEEDBACK: req.completed_at,
        TimerKind.INCIDENT_NOTIFY: req.dispatched_at or plan.get("feedback_at") or req.completed_at,
        TimerKind.FAULT_REPAIR: req.verified_at or req.completed_at,
    }
    out = []
    for kind in kinds_for(req):
        version = versions.get(standard_code(req, kind))
        if version is None or not version.enabled:
            continue
        due = deadline(req.received_at, version.amount, version.unit)
        done = met.get(kind)
        if done is not None and done <= due:
            state, breached_at = Timer.State.MET, None
        elif done is not None or due < anchor:
            state, breached_at = Timer.State.BREACHED, due
        else:
            state, breached_at = Timer.State.RUNNING, None
        out.append(
            Timer(
                project_id=req.project_id,
                request=req,
                kind=kind,
                standard_code=version.standard.code,
                standard_version=version,
                started_at=req.received_at,
                due_at=due,
                state=state,
                met_at=done if state != Timer.State.RUNNING else None,
                breached_at=breached_at,
                # History is not news: only breaches after loading reach the supervisors' inbox.
                supervisor_notified_at=due if state == Timer.State.BREACHED else None,
            )
        )
    return out


def _timeline(req, plan, ct) -> list[TimelineEntry]:
    def line(action, from_state, to_state, at, note, actor):
        return TimelineEntry(
            project_id=req.project_id,
            content_type=ct,
            object_id=req.pk,
            at=at,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )

    lines = [
        line("create", "", State.NEW, req.received_at, f"{req.get_channel_display()}受理", req.first_receiver)
    ]
    for action, from_state, to_state, at, note in plan["steps"]:
        actor = (
            req.assignee
            if action in ("accept", "arrive", "complete") and req.assignee
            else req.first_receiver
        )
        lines.append(line(action, from_state, to_state, at, note, actor))
    return lines


def _rework(ctx, requests) -> None:
    """About one repair in a hundred is the same problem again within 30 days of an earlier one."""
    by_unit: dict[int, ServiceRequest] = {}
    for req in requests:
        if req.type != RequestType.REPAIR or req.unit_id is None:
            continue
        first = by_unit.get(req.unit_id)
        if (
            first is not None
            and first.completed_at is not None
            and timedelta(0) < req.received_at - first.completed_at <= timedelta(days=30)
            and ctx.chance(0.5)
        ):
            req.rework_of, req.is_rework = first, True
        by_unit.setdefault(req.unit_id, req)


def _set_sequences(project, counters: Counter) -> None:
    Sequence.objects.bulk_create(
        [
            Sequence(project=project, prefix=prefix, period=period, last=n)
            for (prefix, period), n in counters.items()
        ]
    )
