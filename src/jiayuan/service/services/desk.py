"""The desk's records beside the requests (R3.9, R3.11, R3.12): goods-release slips and their check at the
gate, home visits, and the developer's legacy defects. One function per state change (``<entity>_<verb>``):
guard the state, lock the row, save with ``update_fields``, append the timeline; nothing half-written."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from jiayuan.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from jiayuan.core.files import PHOTO, check_upload
from jiayuan.core.numbering import next_number
from jiayuan.core.outbox import notify
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm
from jiayuan.core.timeline import timeline_append
from jiayuan.estate.models import Occupancy, Unit
from jiayuan.estate.services import clean_id_number, clean_mobile
from jiayuan.org.models import Membership
from jiayuan.service import permissions as perms
from jiayuan.service.models import (
    ApplicantRelation,
    Channel,
    ConsentMethod,
    DefectCategory,
    DefectPhoto,
    GoodsRelease,
    HomeVisit,
    LegacyDefect,
    RequestType,
    VisitOpinion,
    VisitOutcome,
)
from jiayuan.service.services._common import as_actor, require, text
from jiayuan.service.services.requests import request_create
from jiayuan.service.transitions import DEFECT, DESK_LABELS, RELEASE, VISIT

RELEASE_PREFIX, VISIT_PREFIX, DEFECT_PREFIX = "FX", "ZF", "YL"
# A slip is made out for the day the goods leave: today or a day booked ahead, at most this far.
RELEASE_MAX_DAYS_AHEAD = 7
MAX_ITEM_COUNT = 9999
# R3.11 (S4 方案5): entering a unit takes two staff; one may go when staying at the door.
MIN_STAFF_ENTERING = 2
VISIT_PLAN_AHEAD_DAYS = 180
DEFECT_MAX_DEADLINE_DAYS = 366
PLATE_RE = re.compile(r"^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$")
OPINION_REQUEST_TYPES = (
    RequestType.REPAIR,
    RequestType.COMPLAINT,
    RequestType.SUGGESTION,
    RequestType.CONSULTATION,
)

LABELS = DESK_LABELS  # pages label the desk records' timelines with these


# --- permissions (named predicates over core.roles) -------------------------------------------------------


def can_view(user, project_id) -> bool:
    return perms.can_view_all(user, project_id)


def can_desk(user, project_id) -> bool:
    return perms.can_handle(user, project_id)


def can_check_gate(user, project_id) -> bool:
    return project_id is not None and has_perm(user, Perm.CHECK_RELEASES, project_id)


def can_view_defects(user, project_id) -> bool:
    return can_view(user, project_id) or perms.can_work_orders(user, project_id)


def can_verify_defect(user, project_id) -> bool:
    """Engineering verifies the developer's rectification (R3.12); the project manager may as well."""
    return perms.can_work_orders(user, project_id) or perms.can_judge(user, project_id)


# --- shared steps ------------------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _local(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _lock(obj):
    return type(obj).objects.select_for_update(of=("self",)).get(pk=obj.pk)


def _unit(project, unit, *, required=True) -> Unit | None:
    if unit is None:
        if required:
            raise ValidationFailed("请选择房屋", field="unit")
        return None
    if unit.project_id != project.pk:
        raise ValidationFailed("房屋不属于该项目", field="unit")
    return unit


def _renamed(exc: DomainError, field: str) -> ValidationFailed:
    return ValidationFailed(exc.message, field=field)


def _day(value, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise ValidationFailed(f"请填写{label}", field=field)
    return value


# --- R3.9 goods-release slip -------------------------------------------------------------------------------


def current_owners(unit: Unit) -> list[str]:
    return list(
        Occupancy.objects.filter(
            unit=unit, relation=Occupancy.Relation.OWNER, ended_on__isnull=True
        ).values_list("party__name", flat=True)
    )


def release_issue(
    *,
    actor,
    project,
    unit: Unit,
    applicant_relation: str,
    carrier_name: str,
    carrier_phone: str,
    items: str,
    item_count: int,
    carrier_id_number: str = "",
    vehicle_plate: str = "",
    valid_on: date | None = None,
    consent_name: str = "",
    consent_method: str = "",
    consent_note: str = "",
) -> GoodsRelease:
    """Issue a numbered goods-release slip (物品出门条, R3.9) for goods leaving from a unit. Anyone but the
    owner needs the owner's consent, recorded with the owner's name (one of the unit's registered owners)
    and how it was confirmed."""
    require(can_desk(actor, project.pk), "您没有开具物品出门条的权限")
    unit = _unit(project, unit)
    if applicant_relation not in ApplicantRelation.values:
        raise ValidationFailed("申请人身份不正确", field="applicant_relation")
    carrier_name = text(carrier_name, "carrier_name", "携物人姓名", limit=40)
    try:
        carrier_phone = clean_mobile(carrier_phone, required=True)
    except ValidationFailed as exc:
        raise _renamed(exc, "carrier_phone") from exc
    try:
        carrier_id_number = clean_id_number(carrier_id_number)
    except ValidationFailed as exc:
        raise _renamed(exc, "carrier_id_number") from exc
    items = text(items, "items", "物品清单", limit=1000)
    if not isinstance(item_count, int) or not 1 <= item_count <= MAX_ITEM_COUNT:
        raise ValidationFailed(f"件数应为 1–{MAX_ITEM_COUNT}", field="item_count")
    vehicle_plate = re.sub(r"[\s·.-]", "", vehicle_plate or "").upper()
    if vehicle_plate and not PLATE_RE.match(vehicle_plate):
        raise ValidationFailed("车牌号格式不正确，如 粤B12345 或 粤BD12345", field="vehicle_plate")
    today = timezone.localdate()
    valid_on = valid_on or today
    if valid_on < today:
        raise ValidationFailed("有效日期不能早于今天", field="valid_on")
    if valid_on > today + timedelta(days=RELEASE_MAX_DAYS_AHEAD):
        raise ValidationFailed(f"有效日期最多提前 {RELEASE_MAX_DAYS_AHEAD} 天", field="valid_on")
    consent_name = text(consent_name, "consent_name", "同意业主", required=False, limit=40)
    consent_note = text(consent_note, "consent_note", "确认说明", required=False, limit=200)
    if applicant_relation != ApplicantRelation.OWNER:
        owners = current_owners(unit)
        if not owners:
            raise ValidationFailed(
                "该房屋没有登记业主，无法确认业主同意，请先核实产权人", field="consent_name"
            )
        if not consent_name:
            raise ValidationFailed("非业主本人办理，须经业主同意：请填写同意的业主姓名", field="consent_name")
        if consent_name not in owners:
            raise ValidationFailed("同意人须为该房屋登记的业主", field="consent_name")
        if consent_method not in ConsentMethod.values:
            raise ValidationFailed("请选择业主同意的确认方式", field="consent_method")
    elif consent_method and consent_method not in ConsentMethod.values:
        raise ValidationFailed("确认方式不正确", field="consent_method")
    at = _now()
    with transaction.atomic():
        slip = GoodsRelease(
            project=project,
            number=next_number(project.pk, RELEASE_PREFIX, at),
            unit=unit,
            applicant_relation=applicant_relation,
            carrier_name=carrier_name,
            carrier_phone=carrier_phone,
            carrier_id_number=carrier_id_number,
            items=items,
            item_count=item_count,
            vehicle_plate=vehicle_plate,
            valid_on=valid_on,
            consent_name=consent_name,
            consent_method=consent_method,
            consent_note=consent_note,
            issued_by=actor,
            issued_at=at,
        )
        as_actor(slip, actor).save()
        consent = (
            f"，{slip.consent_name} 经{slip.get_consent_method_display()}同意" if slip.consent_name else ""
        )
        timeline_append(
            slip,
            actor=actor,
            action="issue",
            to_state=slip.state,
            note=f"{unit.address} {slip.get_applicant_relation_display()}{consent}，{item_count} 件，"
            f"有效日期 {valid_on:%Y-%m-%d}",
            at=at,
        )
    return slip


def release_problem(slip: GoodsRelease) -> str:
    """Why the gate must not let these goods out, or ``""`` when the slip is good for today."""
    if not RELEASE.allowed(slip, "release"):
        return RELEASE.refusal(slip, "release").message
    today = timezone.localdate()
    if slip.valid_on < today:
        return f"该出门条已过期（有效日期 {slip.valid_on:%Y-%m-%d}）"
    if slip.valid_on > today:
        return f"该出门条未到有效日期（{slip.valid_on:%Y-%m-%d}）"
    return ""


def _gate_slip(slip: GoodsRelease, actor) -> GoodsRelease:
    require(can_check_gate(actor, slip.project_id), "您没有核验物品出门条的权限")
    return GoodsRelease.objects.select_for_update(of=("self",)).select_related("released_by").get(pk=slip.pk)


def release_release(slip: GoodsRelease, *, actor) -> GoodsRelease:
    """The gate guard checked the goods against the slip and lets them out (R3.9): once, on its day."""
    with transaction.atomic():
        slip = _gate_slip(slip, actor)
        problem = release_problem(slip)
        if problem:
            raise Conflict(problem, code="release_refused")
        at = _now()
        RELEASE.move(
            slip,
            "release",
            actor=actor,
            at=at,
            fields={"released_by": actor, "released_at": at},
        )
        if slip.issued_by_id is not None:
            notify(
                slip.issued_by,
                f"【已放行】{slip.number}",
                f"{slip.unit.address} 的物品已由 {_who(actor)} 于 {_local(at)} 放行。",
                project_id=slip.project_id,
            )
    return slip


def release_refuse(slip: GoodsRelease, *, actor, reason: str) -> GoodsRelease:
    """The goods do not match the slip (or the carrier is not the one named): the guard refuses it, with
    the reason; the owner applies again at the desk."""
    reason = text(reason, "reason", "拒绝原因", limit=200)
    with transaction.atomic():
        slip = _gate_slip(slip, actor)
        at = _now()
        RELEASE.move(
            slip,
            "refuse",
            actor=actor,
            at=at,
            note=reason,
            fields={"closed_by": actor, "closed_at": at, "reason": reason},
        )
    return slip


def release_cancel(slip: GoodsRelease, *, actor, reason: str) -> GoodsRelease:
    """The desk withdraws an unused slip (the owner withdrew consent, issued in error…), with the reason."""
    reason = text(reason, "reason", "作废原因", limit=200)
    with transaction.atomic():
        slip = _lock(slip)
        require(can_desk(actor, slip.project_id), "您没有作废物品出门条的权限")
        at = _now()
        RELEASE.move(
            slip,
            "cancel",
            actor=actor,
            at=at,
            note=reason,
            fields={"closed_by": actor, "closed_at": at, "reason": reason},
        )
    return slip


# --- R3.11 home visits -------------------------------------------------------------------------------------


def _staff(project, staff) -> list:
    """The visiting staff: distinct active members of the project."""
    people = list({u.pk: u for u in (staff or [])}.values())
    if not people:
        return []
    members = set(
        Membership.objects.filter(
            project=project, active=True, user_id__in=[u.pk for u in people]
        ).values_list("user_id", flat=True)
    )
    if any(u.pk not in members for u in people):
        raise ValidationFailed("走访人员须为本项目员工", field="staff")
    return people


def visit_plan(*, actor, project, unit: Unit, purpose: str, planned_on: date, staff=()) -> HomeVisit:
    """Plan a home visit to a unit (R3.11); the owner is phoned next to agree the time."""
    require(can_desk(actor, project.pk), "您没有安排上门走访的权限")
    unit = _unit(project, unit)
    purpose = text(purpose, "purpose", "走访事由", limit=200)
    planned_on = _day(planned_on, "planned_on", "计划日期")
    today = timezone.localdate()
    if planned_on < today - timedelta(days=30) or planned_on > today + timedelta(days=VISIT_PLAN_AHEAD_DAYS):
        raise ValidationFailed("计划日期应在近 30 天至未来 180 天之间", field="planned_on")
    people = _staff(project, staff)
    at = _now()
    with transaction.atomic():
        visit = HomeVisit(
            project=project,
            number=next_number(project.pk, VISIT_PREFIX, at),
            unit=unit,
            purpose=purpose,
            planned_on=planned_on,
            created_by=actor,
            created_at=at,
        )
        as_actor(visit, actor).save()
        if people:
            visit.staff.set(people)
        timeline_append(visit, actor=actor, action="plan", to_state=visit.state, note=purpose, at=at)
    return visit


def visit_call(visit: HomeVisit, *, actor, agreed_time: datetime, note: str = "") -> HomeVisit:
    """The phone call before the visit (先致电业主): when it was made and the time agreed with the owner.
    Calling again re-agrees the time."""
    note = text(note, "note", "电话记录", required=False, limit=200)
    at = _now()
    if not isinstance(agreed_time, datetime):
        raise ValidationFailed("请填写约定上门时间", field="agreed_time")
    if agreed_time < at - timedelta(minutes=5):
        raise ValidationFailed("约定上门时间不能早于现在", field="agreed_time")
    if agreed_time > at + timedelta(days=60):
        raise ValidationFailed("约定上门时间不能超过 60 天后", field="agreed_time")
    with transaction.atomic():
        visit = _lock(visit)
        require(can_desk(actor, visit.project_id), "您没有安排上门走访的权限")
        VISIT.move(
            visit,
            "call",
            actor=actor,
            at=at,
            note=f"约定 {_local(agreed_time)} 上门" + (f"：{note}" if note else ""),
            fields={"called_at": at, "called_by": actor, "agreed_time": agreed_time, "call_note": note},
        )
        for person in visit.staff.all():
            if person.pk != getattr(actor, "pk", None):
                notify(
                    person,
                    f"【上门走访】{visit.number}",
                    f"{visit.unit.address}：已与业主约定 {_local(agreed_time)} 上门，事由：{visit.purpose}",
                    project_id=visit.project_id,
                )
    return visit


def visit_record(
    visit: HomeVisit,
    *,
    actor,
    visited_at: datetime,
    staff,
    outcome: str,
    entered_unit: bool = False,
    knocked_again: bool = False,
    note_left: str = "",
    opinions: str = "",
) -> HomeVisit:
    """Record the visit (R3.11): who went, whether they entered (two staff at least), the outcome. Nobody
    home: knocked again after 30 seconds and left a note, whose content is recorded."""
    note_left = text(note_left, "note_left", "便条内容", required=False, limit=200)
    opinions = text(opinions, "opinions", "业主意见", required=False)
    if outcome not in VisitOutcome.values:
        raise ValidationFailed("请选择走访结果", field="outcome")
    at = _now()
    if not isinstance(visited_at, datetime):
        raise ValidationFailed("请填写实际上门时间", field="visited_at")
    if visited_at > at + timedelta(minutes=5):
        raise ValidationFailed("实际上门时间不能晚于现在", field="visited_at")
    if outcome != VisitOutcome.MET and entered_unit:
        raise ValidationFailed("未见到业主或业主婉拒时不能进入室内", field="entered_unit")
    if outcome == VisitOutcome.NOBODY_HOME:
        if not knocked_again:
            raise ValidationFailed("无人应答时须等候 30 秒后再次敲门", field="knocked_again")
        if not note_left:
            raise ValidationFailed("无人在家须留下便条，请记录便条内容", field="note_left")
    with transaction.atomic():
        visit = _lock(visit)
        require(can_desk(actor, visit.project_id), "您没有登记走访结果的权限")
        people = _staff(visit.project, staff)
        if not people:
            raise ValidationFailed("请选择走访人员", field="staff")
        if entered_unit and len(people) < MIN_STAFF_ENTERING:
            raise ValidationFailed("进入业主室内须两名以上员工同行，不能登记为进入室内", field="staff")
        if visit.called_at is not None and visited_at < visit.called_at:
            raise ValidationFailed("实际上门时间不能早于电话预约时间", field="visited_at")
        VISIT.move(
            visit,
            "record",
            actor=actor,
            at=at,
            note=VisitOutcome(outcome).label + ("，进入室内" if entered_unit else ""),
            fields={
                "visited_at": visited_at,
                "outcome": outcome,
                "entered_unit": entered_unit,
                "knocked_again": knocked_again,
                "note_left": note_left if outcome == VisitOutcome.NOBODY_HOME else "",
                "opinions": opinions,
                "recorded_by": actor,
            },
        )
        visit.staff.set(people)
    return visit


def visit_add_opinion(
    visit: HomeVisit, *, actor, content: str, open_request: bool = False, request_type: str = ""
) -> VisitOpinion:
    """One opinion of the owner; one that needs action opens a customer request for the unit, linked here,
    so the desk follows it like any other (R3.11)."""
    content = text(content, "content", "意见内容", limit=1000)
    if open_request and request_type not in OPINION_REQUEST_TYPES:
        raise ValidationFailed("请选择生成的请求类型", field="request_type")
    with transaction.atomic():
        visit = _lock(visit)
        require(can_desk(actor, visit.project_id), "您没有登记走访意见的权限")
        VISIT.guard(visit, "opinion")
        at = _now()
        req = None
        if open_request:
            req = request_create(
                actor=actor,
                project=visit.project,
                type=request_type,
                content=f"{content}（上门走访 {visit.number}）",
                unit=visit.unit,
                channel=Channel.STAFF,
            )
        opinion = VisitOpinion(
            project_id=visit.project_id,
            visit=visit,
            content=content,
            request=req,
            recorded_by=actor,
            recorded_at=at,
        )
        as_actor(opinion, actor).save()
        timeline_append(
            visit,
            actor=actor,
            action="opinion",
            note=content + (f"（已生成 {req.number}）" if req is not None else ""),
            at=at,
        )
    return opinion


def visit_cancel(visit: HomeVisit, *, actor, reason: str) -> HomeVisit:
    reason = text(reason, "reason", "取消原因", limit=200)
    with transaction.atomic():
        visit = _lock(visit)
        require(can_desk(actor, visit.project_id), "您没有取消走访的权限")
        VISIT.move(
            visit,
            "cancel",
            actor=actor,
            at=_now(),
            note=reason,
            fields={"cancel_reason": reason},
        )
    return visit


# --- R3.12 legacy defects ----------------------------------------------------------------------------------


def _photo(defect: LegacyDefect, image, stage: str, actor, at) -> None:
    if image is None:
        return
    photo = DefectPhoto(
        project_id=defect.project_id,
        defect=defect,
        stage=stage,
        image=image,
        uploaded_by=actor,
        uploaded_at=at,
    )
    as_actor(photo, actor).save()


def defect_register(
    *,
    actor,
    project,
    category: str,
    description: str,
    found_on: date,
    found_by: str = "",
    unit: Unit | None = None,
    location: str = "",
    photo=None,
) -> LegacyDefect:
    """Enter a legacy defect in the project's register (R3.12): in a unit or a common area."""
    require(can_desk(actor, project.pk), "您没有登记遗留问题的权限")
    unit = _unit(project, unit, required=False)
    location = text(location, "location", "部位", required=False, limit=120)
    if unit is None and not location:
        raise ValidationFailed("请选择房屋或填写公共区域部位", field="location")
    if category not in DefectCategory.values:
        raise ValidationFailed("请选择类别", field="category")
    description = text(description, "description", "问题描述")
    found_on = _day(found_on, "found_on", "发现日期")
    if found_on > timezone.localdate():
        raise ValidationFailed("发现日期不能晚于今天", field="found_on")
    found_by = text(found_by, "found_by", "发现人", required=False, limit=60) or _who(actor)
    check_upload(photo, PHOTO, field="photo")
    at = _now()
    with transaction.atomic():
        defect = LegacyDefect(
            project=project,
            number=next_number(project.pk, DEFECT_PREFIX, at),
            unit=unit,
            location=location,
            category=category,
            description=description,
            found_on=found_on,
            found_by=found_by,
            created_by=actor,
            created_at=at,
        )
        as_actor(defect, actor).save()
        _photo(defect, photo, DefectPhoto.Stage.FOUND, actor, at)
        timeline_append(
            defect, actor=actor, action="register", to_state=defect.state, note=description, at=at
        )
    return defect


def _defect_move(defect, action, *, actor, note="", fields=None):
    return DEFECT.move(defect, action, actor=actor, at=_now(), note=note, fields=fields)


def defect_report(
    defect: LegacyDefect, *, actor, developer_contact: str, reported_on: date, deadline: date
) -> LegacyDefect:
    """Report the defect to the developer (who received it, when) with the rectification deadline."""
    developer_contact = text(developer_contact, "developer_contact", "开发商接收人", limit=60)
    reported_on = _day(reported_on, "reported_on", "上报日期")
    deadline = _day(deadline, "deadline", "整改期限")
    if reported_on > timezone.localdate():
        raise ValidationFailed("上报日期不能晚于今天", field="reported_on")
    if deadline < reported_on:
        raise ValidationFailed("整改期限不能早于上报日期", field="deadline")
    if deadline > reported_on + timedelta(days=DEFECT_MAX_DEADLINE_DAYS):
        raise ValidationFailed("整改期限不能超过上报后一年", field="deadline")
    with transaction.atomic():
        defect = _lock(defect)
        require(can_desk(actor, defect.project_id), "您没有上报遗留问题的权限")
        if reported_on < defect.found_on:
            raise ValidationFailed("上报日期不能早于发现日期", field="reported_on")
        return _defect_move(
            defect,
            "report",
            actor=actor,
            note=f"{developer_contact} 接收，整改期限 {deadline:%Y-%m-%d}",
            fields={"developer_contact": developer_contact, "reported_on": reported_on, "deadline": deadline},
        )


def defect_rectified(
    defect: LegacyDefect, *, actor, rectified_on: date, note: str, photo=None
) -> LegacyDefect:
    """The developer says the defect is rectified; engineering verifies it next."""
    note = text(note, "note", "整改情况", limit=300)
    rectified_on = _day(rectified_on, "rectified_on", "整改完成日期")
    if rectified_on > timezone.localdate():
        raise ValidationFailed("整改完成日期不能晚于今天", field="rectified_on")
    check_upload(photo, PHOTO, field="photo")
    with transaction.atomic():
        defect = _lock(defect)
        require(can_desk(actor, defect.project_id), "您没有登记整改情况的权限")
        if defect.reported_on and rectified_on < defect.reported_on:
            raise ValidationFailed("整改完成日期不能早于上报日期", field="rectified_on")
        _defect_move(
            defect,
            "rectified",
            actor=actor,
            note=note,
            fields={"rectified_on": rectified_on, "rectify_note": note},
        )
        _photo(defect, photo, DefectPhoto.Stage.RECTIFIED, actor, _now())
    return defect


def defect_verify(defect: LegacyDefect, *, actor, passed: bool, note: str = "") -> LegacyDefect:
    """Engineering checks the rectification on site: passed closes it; not passed sends it back to the
    developer (the deadline stands, so it shows overdue once past)."""
    note = text(note, "note", "验证意见", required=not passed, limit=300)
    with transaction.atomic():
        defect = _lock(defect)
        if not can_verify_defect(actor, defect.project_id):
            raise Forbidden("只有工程人员或项目经理可以验证整改")
        if passed:
            return _defect_move(
                defect, "verify", actor=actor, note=note, fields={"verified_at": _now(), "verified_by": actor}
            )
        return _defect_move(defect, "verify_reject", actor=actor, note=note, fields={"rectified_on": None})


def defect_close(defect: LegacyDefect, *, actor, reason: str) -> LegacyDefect:
    """Not a defect of the developer (owner's own alteration, normal wear…): closed with the reason by
    engineering or the project manager."""
    reason = text(reason, "reason", "关闭原因", limit=300)
    with transaction.atomic():
        defect = _lock(defect)
        if not can_verify_defect(actor, defect.project_id):
            raise Forbidden("只有工程人员或项目经理可以判定为非缺陷")
        return _defect_move(
            defect, "close", actor=actor, note=reason, fields={"closed_at": _now(), "close_reason": reason}
        )
