"""Demo step: the desk's records beside the requests in both projects — goods-release slips (some released at
the gate, some waiting today, one cancelled), home visits (done, agreed, planned; opinions, one opening a
request) and the developer's legacy defects at every stage, a few past their rectification deadline
(R3.9, R3.11, R3.12).

Past rows are written with their own dates (numbers from ``core.numbering`` for the month they happened in,
timeline lines at those times); today's are made through the services, as the desk would.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from jiayuan.core.numbering import next_number
from jiayuan.core.timeline import timeline_append
from jiayuan.core.worktime import SHANGHAI
from jiayuan.demo.context import RESIDENTIAL_CODE, DemoContext
from jiayuan.org.models import Membership
from jiayuan.service.models import (
    DefectCategory,
    DefectState,
    GoodsRelease,
    HomeVisit,
    LegacyDefect,
    ReleaseState,
    VisitOutcome,
    VisitState,
)
from jiayuan.service.services import desk

ITEMS = [
    ("双人床 1 张\n床垫 1 个\n衣柜 2 个", 4),
    ("冰箱 1 台\n洗衣机 1 台", 2),
    ("纸箱 12 个（衣物、书籍）", 12),
    ("沙发 1 套\n茶几 1 张\n电视 1 台", 3),
    ("办公桌椅 4 套", 8),
    ("空调外机 1 台（更换旧机）", 1),
]
PLATES = ["粤B3K721", "粤BD12345", "粤A7Q009", "", "", "粤B88M16"]
PURPOSES = ["入住满一年回访", "装修完工后走访", "节前安全走访", "空置房巡查告知", "物业服务意见征询"]
OPINIONS = [
    ("卫生间吊顶有渗水痕迹，希望尽快查看", "repair"),
    ("楼下夜间停车占用消防通道", "complaint"),
    ("建议在单元门口加装雨棚", "suggestion"),
    ("对保洁和秩序服务满意", ""),
]
DEFECTS = [
    (DefectCategory.LEAK, "地下车库 B2 层顶板渗水", "地下车库 B2-17"),
    (DefectCategory.CRACK, "客厅墙面多处裂缝", ""),
    (DefectCategory.DOORS_WINDOWS, "主卧窗框密封不严，雨天渗水", ""),
    (DefectCategory.FACADE, "外墙瓷砖空鼓，有脱落风险", "3号楼东侧外墙"),
    (DefectCategory.PLUMBING, "公共排水管坡度不足，返水", "5号楼一层管井"),
    (DefectCategory.ELECTRICAL, "楼道应急照明未接入", "2号楼楼梯间"),
    (DefectCategory.LANDSCAPE, "中心花园步道地砖沉降", "中心花园"),
    (DefectCategory.FACILITY, "单元门禁对讲系统未调试", "1号楼1单元门厅"),
]
DEVELOPER_CONTACTS = ["开发商工程部 刘工", "开发商客服部 陈经理", "总包单位 王工"]


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _staff(project) -> list:
    seen, people = set(), []
    for m in Membership.objects.filter(project=project, active=True).select_related("user").order_by("id"):
        if m.user_id not in seen and m.role in ("cs_clerk", "adviser", "project_manager"):
            seen.add(m.user_id)
            people.append(m.user)
    return people


def create_desk_records(ctx: DemoContext) -> None:
    for code, project in ctx.projects.items():
        units = ctx.units.get(code)
        staff = _staff(project)
        if not units or not staff:
            continue
        clerk = ctx.users.get("clerk") if code == RESIDENTIAL_CODE else staff[0]
        guard = ctx.users.get("guard") if code == RESIDENTIAL_CODE else staff[0]
        tech = ctx.users.get("tech") if code == RESIDENTIAL_CODE else None
        manager = ctx.users.get("manager" if code == RESIDENTIAL_CODE else "manager2") or staff[0]
        _releases(ctx, project, units, clerk or staff[0], guard or staff[0])
        _visits(ctx, project, units, clerk or staff[0], staff)
        _defects(ctx, project, units, clerk or staff[0], tech or manager)


def _owner_name(ctx, unit) -> str:
    party = ctx.unit_owner.get(unit.pk)
    return party.name if party is not None else ""


def _phone(ctx) -> str:
    return f"1{ctx.rng.choice('3578')}{ctx.rng.randint(0, 9)}{ctx.rng.randint(10000000, 99999999)}"


def _releases(ctx, project, units, clerk, guard) -> None:
    today = ctx.today
    past = sorted(ctx.rng.randint(1, 75) for _ in range(ctx.scaled(10, 3)))
    for days_ago in reversed(past):
        day = today - timedelta(days=days_ago)
        unit = ctx.rng.choice(units)
        owner = _owner_name(ctx, unit)
        tenant = bool(owner) and ctx.chance(0.4)
        items, count = ctx.rng.choice(ITEMS)
        issued = _at(day, ctx.rng.randint(8, 11), ctx.rng.randint(0, 59))
        cancelled = ctx.chance(0.1)
        slip = GoodsRelease.objects.create(
            project=project,
            number=next_number(project.pk, desk.RELEASE_PREFIX, issued),
            unit=unit,
            applicant_relation="tenant" if tenant else "owner",
            carrier_name=ctx.fake.name(),
            carrier_phone=_phone(ctx),
            items=items,
            item_count=count,
            vehicle_plate=ctx.rng.choice(PLATES),
            valid_on=day,
            consent_name=owner if tenant else "",
            consent_method="phone" if tenant else "",
            consent_note="电话确认，同意租户搬出" if tenant else "",
            state=ReleaseState.CANCELLED if cancelled else ReleaseState.RELEASED,
            issued_by=clerk,
            issued_at=issued,
            released_by=None if cancelled else guard,
            released_at=None if cancelled else issued + timedelta(hours=ctx.rng.randint(1, 5)),
            closed_by=clerk if cancelled else None,
            closed_at=issued + timedelta(minutes=40) if cancelled else None,
            reason="业主撤回同意" if cancelled else "",
        )
        timeline_append(slip, actor=clerk, action="issue", to_state=ReleaseState.ISSUED, at=issued)
        if cancelled:
            timeline_append(
                slip,
                actor=clerk,
                action="cancel",
                from_state="issued",
                to_state=slip.state,
                at=slip.closed_at,
            )
        else:
            timeline_append(
                slip,
                actor=guard,
                action="release",
                from_state="issued",
                to_state=slip.state,
                at=slip.released_at,
            )
    # Today's: a few waiting at the gate, one already let out.
    waiting = []
    for _ in range(ctx.scaled(3, 2)):
        unit = ctx.rng.choice(units)
        owner = _owner_name(ctx, unit)
        tenant = bool(owner) and ctx.chance(0.5)
        items, count = ctx.rng.choice(ITEMS)
        waiting.append(
            desk.release_issue(
                actor=clerk,
                project=project,
                unit=unit,
                applicant_relation="tenant" if tenant else "owner",
                carrier_name=ctx.fake.name(),
                carrier_phone=_phone(ctx),
                items=items,
                item_count=count,
                vehicle_plate=ctx.rng.choice(PLATES),
                valid_on=today,
                consent_name=owner if tenant else "",
                consent_method="phone" if tenant else "",
            )
        )
    if desk.can_check_gate(guard, project.pk):
        desk.release_release(waiting[0], actor=guard)


def _visits(ctx, project, units, clerk, staff) -> None:
    today = ctx.today
    two = staff[:2]
    # Every stage on every scale: two done, one agreed for the coming days, one still to be phoned.
    offsets = [-40, -12, 2, 9] + [ctx.rng.randint(-50, 12) for _ in range(ctx.scaled(12, 4) - 4)]
    plans = sorted(((offset, ctx.rng.choice(units)) for offset in offsets), key=lambda p: p[0])
    for offset, unit in plans:
        day = today + timedelta(days=offset)
        created = _at(min(day, today) - timedelta(days=3), 9, 30)
        visit = HomeVisit.objects.create(
            project=project,
            number=next_number(project.pk, desk.VISIT_PREFIX, created),
            unit=unit,
            purpose=ctx.rng.choice(PURPOSES),
            planned_on=day,
            created_by=clerk,
            created_at=created,
        )
        visit.staff.set(two)
        timeline_append(
            visit, actor=clerk, action="plan", to_state=VisitState.PLANNED, note=visit.purpose, at=created
        )
        if offset > 5:
            continue  # still to be phoned
        called = created + timedelta(hours=2)
        agreed = _at(day, ctx.rng.choice([10, 14, 15, 16]))
        fields = {"state": VisitState.AGREED, "called_at": called, "called_by": clerk, "agreed_time": agreed}
        timeline_append(
            visit,
            actor=clerk,
            action="call",
            from_state="planned",
            to_state="agreed",
            at=called,
            note=f"约定 {agreed:%Y-%m-%d %H:%M} 上门",
        )
        if offset >= 0:
            HomeVisit.objects.filter(pk=visit.pk).update(**fields)
            continue
        roll = ctx.rng.random()
        outcome = (
            VisitOutcome.MET
            if roll < 0.7
            else (VisitOutcome.NOBODY_HOME if roll < 0.9 else VisitOutcome.REFUSED)
        )
        visited = agreed + timedelta(minutes=ctx.rng.randint(-3, 8))
        fields |= {
            "state": VisitState.DONE,
            "visited_at": visited,
            "outcome": outcome,
            "entered_unit": outcome == VisitOutcome.MET and len(two) >= 2 and ctx.chance(0.6),
            "knocked_again": outcome == VisitOutcome.NOBODY_HOME,
            "note_left": "今日来访未遇，请方便时回电客服中心" if outcome == VisitOutcome.NOBODY_HOME else "",
            "opinions": "对物业服务总体满意" if outcome == VisitOutcome.MET else "",
            "recorded_by": clerk,
        }
        HomeVisit.objects.filter(pk=visit.pk).update(**fields)
        timeline_append(
            visit,
            actor=clerk,
            action="record",
            from_state="agreed",
            to_state="done",
            at=visited + timedelta(hours=1),
            note=VisitOutcome(outcome).label,
        )
    # Opinions on the latest visits where the owner was met; one needing action becomes a request.
    met = list(
        HomeVisit.objects.filter(project=project, outcome=VisitOutcome.MET).order_by("-visited_at")[:2]
    )
    for visit, (content, type_) in zip(met, OPINIONS[ctx.rng.randint(0, 2) :], strict=False):
        desk.visit_add_opinion(
            visit, actor=clerk, content=content, open_request=bool(type_), request_type=type_
        )


def _defects(ctx, project, units, clerk, verifier) -> None:
    today = ctx.today
    found = sorted(ctx.rng.randint(3, 150) for _ in range(ctx.scaled(14, 5)))
    for days_ago in reversed(found):
        category, description, location = ctx.rng.choice(DEFECTS)
        unit = None if location else ctx.rng.choice(units)
        found_on = today - timedelta(days=days_ago)
        at = _at(found_on, 15)
        defect = LegacyDefect.objects.create(
            project=project,
            number=next_number(project.pk, desk.DEFECT_PREFIX, at),
            unit=unit,
            location=location or ctx.rng.choice(["客厅", "主卧", "卫生间", "厨房"]),
            category=category,
            description=description,
            found_on=found_on,
            found_by=ctx.rng.choice(["业主报修发现", "工程部巡检", "交房验收"]),
            created_by=clerk,
            created_at=at,
        )
        timeline_append(defect, actor=clerk, action="register", to_state="open", note=description, at=at)
        stage = ctx.rng.random()
        if stage < 0.15 or days_ago < 5:
            continue  # waiting to be reported
        if stage < 0.25:
            reason = (
                "业主自行改造造成，非开发商遗留问题"
                if unit is not None
                else "经现场核查属使用损耗，非开发商遗留问题"
            )
            LegacyDefect.objects.filter(pk=defect.pk).update(
                state=DefectState.CLOSED, closed_at=at + timedelta(days=3), close_reason=reason
            )
            timeline_append(
                defect,
                actor=verifier,
                action="close",
                from_state="open",
                to_state="closed",
                note=reason,
                at=at + timedelta(days=3),
            )
            continue
        reported_on = found_on + timedelta(days=2)
        deadline = reported_on + timedelta(days=ctx.rng.choice([15, 30, 45]))
        contact = ctx.rng.choice(DEVELOPER_CONTACTS)
        fields = {
            "state": DefectState.REPORTED,
            "developer_contact": contact,
            "reported_on": reported_on,
            "deadline": deadline,
        }
        timeline_append(
            defect,
            actor=clerk,
            action="report",
            from_state="open",
            to_state="reported",
            note=f"{contact} 接收，整改期限 {deadline:%Y-%m-%d}",
            at=_at(reported_on, 10),
        )
        # Older defects were mostly rectified; the rest wait on the developer (some past the deadline).
        rectified_on = reported_on + timedelta(days=ctx.rng.randint(5, 60))
        if stage < 0.55 or rectified_on >= today:
            LegacyDefect.objects.filter(pk=defect.pk).update(**fields)
            continue
        fields |= {
            "state": DefectState.RECTIFIED,
            "rectified_on": rectified_on,
            "rectify_note": "开发商已安排整改",
        }
        timeline_append(
            defect,
            actor=clerk,
            action="rectified",
            from_state="reported",
            to_state="rectified",
            note="开发商已安排整改",
            at=_at(rectified_on, 16),
        )
        verified = _at(rectified_on + timedelta(days=2), 10)
        if stage < 0.8 and verified.date() < today:
            fields |= {"state": DefectState.VERIFIED, "verified_at": verified, "verified_by": verifier}
            timeline_append(
                defect,
                actor=verifier,
                action="verify",
                from_state="rectified",
                to_state="verified",
                at=verified,
            )
        LegacyDefect.objects.filter(pk=defect.pk).update(**fields)
