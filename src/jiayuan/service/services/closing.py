"""Closing the loop: ratings, rework, complaint judgement and feedback, return visits, complaint routing to
the responsible party and level-by-level collection (R3.6, R3.7, R3.10, R4.3)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from jiayuan.core.errors import Conflict, ValidationFailed
from jiayuan.core.timeline import timeline_append
from jiayuan.service import permissions as perms
from jiayuan.service.models import (
    ComplaintLevel,
    ComplaintReview,
    Referral,
    RequestType,
    ReturnVisit,
    ServiceRequest,
)
from jiayuan.service.services._common import (
    as_actor,
    lock,
    now,
    require,
    tell,
    tell_requester,
    text,
)
from jiayuan.service.services.requests import referrals_fed_back, request_create
from jiayuan.service.services.timers import meet_timers, supervisors
from jiayuan.service.transitions import REFERRAL, REQUEST

# A repair reopened for the same problem within this many days of its completion is rework (返修, R4.3).
REWORK_DAYS = 30


def _score(value, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed(f"{label}须为 1–5 分", field=field)
    return value


def request_rate(req: ServiceRequest, *, actor, rating: int, comment: str = "") -> ServiceRequest:
    """The owner rates a closed request once (1–5 and a comment)."""
    rating = _score(rating, "rating", "评价")
    comment = text(comment, "comment", "评价意见", required=False, limit=500)
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.is_requester(actor, req), "只有提出请求的业主可以评价")
        REQUEST.guard(req, "rate")
        if req.rated_at is not None:
            raise Conflict("该请求已评价过", code="already_rated")
        REQUEST.move(
            req,
            "rate",
            actor=actor,
            at=at,
            note=f"{rating} 星" + (f"：{comment}" if comment else ""),
            fields={"rating": rating, "rating_comment": comment, "rated_at": at},
        )
    return req


def request_reopen(req: ServiceRequest, *, actor, content: str, channel: str = "") -> ServiceRequest:
    """The same problem again: a new repair linked to the first one. Within 30 days of its completion it
    counts as rework (返修, R4.3); the first request's history is not rewritten."""
    content = text(content, "content", "问题描述")
    at = now()
    if req.type != RequestType.REPAIR or not REQUEST.allowed(req, "reopen"):
        raise Conflict("只有已完成的报修可以返修", code="bad_state")
    require(
        perms.can_handle(actor, req.project_id) or perms.is_requester(actor, req), "您不能对该报修提出返修"
    )
    root = req.rework_of or req
    is_rework = req.completed_at is not None and at - req.completed_at <= timedelta(days=REWORK_DAYS)
    with transaction.atomic():
        new = request_create(
            actor=actor,
            project=req.project,
            type=RequestType.REPAIR,
            content=content,
            channel=channel or req.channel,
            urgency=req.urgency,
            repair_scope=req.repair_scope,
            unit=req.unit,
            caller=req.caller,
            location=req.location,
            contractor=req.contractor,
            rework_of=root,
            at=at,
        )
        if is_rework:
            ServiceRequest.objects.filter(pk=new.pk).update(is_rework=True)
            new.is_rework = True
        label = "返修" if is_rework else "再次报修（超过 30 天，不计返修）"
        timeline_append(new, actor=actor, action="reopen", note=f"{label}，原单 {root.number}", at=at)
        timeline_append(req, actor=actor, action="reopen", note=f"{label}：新单 {new.number}", at=at)
        if req.first_receiver_id:
            tell(
                req.first_receiver, f"【返修】{req.number}", f"客户再次反映同一问题，新单 {new.number}。", req
            )
    return new


def _review(req: ServiceRequest) -> ComplaintReview:
    review = ComplaintReview.objects.select_for_update().filter(request=req).first()
    return review or ComplaintReview(project_id=req.project_id, request=req)


def complaint_judge(
    req: ServiceRequest, *, actor, valid: bool, reason: str, cause: str, handler=None
) -> ComplaintReview:
    """Validity judgement (有效投诉) with reason and cause category (R3.7). A valid complaint is always
    visited back (R3.6)."""
    if not isinstance(valid, bool):
        raise ValidationFailed("请判定是否为有效投诉", field="valid")
    reason = text(reason, "reason", "判定理由", limit=300)
    if cause not in ComplaintReview.Cause.values:
        raise ValidationFailed("原因类别不正确", field="cause")
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_judge(actor, req.project_id), "只有项目经理可以判定投诉")
        if req.type != RequestType.COMPLAINT:
            raise Conflict("只有投诉需要判定", code="not_complaint")
        REQUEST.guard(req, "judge")
        review = _review(req)
        if review.judged_at is not None:
            raise Conflict("该投诉已判定", code="already_judged")
        if (
            handler is not None
            and not perms.can_view_all(handler, req.project_id)
            and not perms.can_work_orders(handler, req.project_id)
        ):
            raise ValidationFailed("处理人须为本项目员工", field="handler")
        review.valid, review.validity_reason, review.cause = valid, reason, cause
        review.handler, review.judged_by, review.judged_at = handler, actor, at
        as_actor(review, actor).save()
        if valid and not req.visit_required:
            ServiceRequest.objects.filter(pk=req.pk).update(visit_required=True)
        label = "有效投诉" if valid else "无效投诉"
        timeline_append(
            req, actor=actor, action="judge", note=f"{label}（{review.get_cause_display()}）：{reason}", at=at
        )
        if handler is not None:
            tell(handler, f"【投诉处理】{req.number}", f"请处理投诉：{req.content[:80]}", req)
    return review


def complaint_feedback(
    req: ServiceRequest, *, actor, feedback: str, result: str = "", resolved: bool = False
) -> ComplaintReview:
    """Feedback to the customer (within 2 working days, R3.4), then follow-up until the result is fed back
    (R3.7). Each feedback is a timeline line; the first one keeps the promise."""
    feedback = text(feedback, "feedback", "反馈内容")
    result = text(result, "result", "处理结果", required=resolved)
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id), "您没有反馈投诉的权限")
        if req.type != RequestType.COMPLAINT:
            raise Conflict("只有投诉需要反馈", code="not_complaint")
        REQUEST.guard(req, "feedback")
        review = _review(req)
        if review.resolved_at is not None:
            raise Conflict("该投诉已反馈处理结果", code="already_resolved")
        if resolved:
            referrals_fed_back(req)
        review.feedback_at = review.feedback_at or at
        review.feedback = feedback
        if result:
            review.result = result
        if resolved:
            review.resolved_at = at
        as_actor(review, actor).save()
        meet_timers(req, "feedback", at)
        note = feedback + (f"；处理结果：{result}" if result else "") + ("（已办结）" if resolved else "")
        timeline_append(req, actor=actor, action="feedback", note=note, at=at)
    return review


def visit_record(
    req: ServiceRequest,
    *,
    actor,
    outcome: str,
    satisfaction: int | None = None,
    comments: str = "",
    method: str = ReturnVisit.Method.PHONE,
    follow_up: str = "",
) -> ReturnVisit:
    """A return visit (R3.6): outcome, satisfaction 1–5, comments; an unhappy customer gets a follow-up
    request (for a repair: a rework linked to it)."""
    if outcome not in ReturnVisit.Outcome.values:
        raise ValidationFailed("回访结果不正确", field="outcome")
    if method not in ReturnVisit.Method.values:
        raise ValidationFailed("回访方式不正确", field="method")
    if outcome == ReturnVisit.Outcome.UNREACHABLE:
        satisfaction = None
    else:
        satisfaction = _score(satisfaction, "satisfaction", "满意度")
    comments = text(comments, "comments", "意见", required=False)
    unhappy = outcome == ReturnVisit.Outcome.UNSATISFIED or (satisfaction is not None and satisfaction <= 2)
    follow_up = text(follow_up, "follow_up", "跟进事项", required=False)
    if unhappy and not follow_up:
        raise ValidationFailed("客户不满意：请填写跟进事项，系统将生成跟进单", field="follow_up")
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id), "您没有回访的权限")
        REQUEST.guard(req, "visit")
        follow = None
        if unhappy:
            if req.type == RequestType.REPAIR:
                follow = request_reopen(req, actor=actor, content=follow_up, channel="phone")
            else:
                follow = request_create(
                    actor=actor,
                    project=req.project,
                    type=req.type,
                    content=follow_up,
                    unit=req.unit,
                    caller=req.caller,
                    at=at,
                )
        visit = as_actor(
            ReturnVisit(
                project_id=req.project_id,
                request=req,
                method=method,
                outcome=outcome,
                satisfaction=satisfaction,
                comments=comments,
                follow_up=follow,
                visitor=actor,
                visited_at=at,
            ),
            actor,
        )
        visit.save()
        if req.visited_at is None and outcome != ReturnVisit.Outcome.UNREACHABLE:
            ServiceRequest.objects.filter(pk=req.pk).update(visited_at=at)
        note = ReturnVisit.Outcome(outcome).label + (f"，满意度 {satisfaction}" if satisfaction else "")
        if follow is not None:
            note += f"；跟进单 {follow.number}"
        timeline_append(
            req, actor=actor, action="visit", note=note + (f"：{comments}" if comments else ""), at=at
        )
    return visit


# --- R3.10 complaint routing ----------------------------------------------------------------------------

# Causes a responsible party (developer, contractor, supplier) answers for; service complaints are not.
REFERRABLE_CAUSES = frozenset({ComplaintReview.Cause.HOUSE_QUALITY, ComplaintReview.Cause.FACILITY})
NEXT_LEVEL = {
    "": ComplaintLevel.DEPARTMENT,
    ComplaintLevel.TEAM: ComplaintLevel.DEPARTMENT,
    ComplaintLevel.DEPARTMENT: ComplaintLevel.PROJECT,
}


def can_refer(req: ServiceRequest) -> bool:
    """A house-quality or facility complaint (not judged as another cause) or a warranty repair, still open
    or awaiting confirmation."""
    if not REQUEST.allowed(req, "refer"):
        return False
    if req.is_warranty:
        return True
    if req.type != RequestType.COMPLAINT:
        return False
    review = ComplaintReview.objects.filter(request=req).only("cause", "judged_at").first()
    return review is None or review.judged_at is None or review.cause in REFERRABLE_CAUSES


def referral_send(
    req: ServiceRequest,
    *,
    actor,
    party: str,
    party_name: str,
    question: str,
    contact: str = "",
    reply_due=None,
) -> Referral:
    """Refer a house-quality or facility complaint (or a warranty repair) to the party responsible for it,
    with what they must check and by when they should answer (R3.10)."""
    if party not in Referral.Party.values:
        raise ValidationFailed("责任单位类别不正确", field="party")
    party_name = text(party_name, "party_name", "责任单位", limit=80)
    contact = text(contact, "contact", "联系人及电话", required=False, limit=80)
    question = text(question, "question", "核实事项")
    at = now()
    if reply_due is not None and reply_due < at.date():
        raise ValidationFailed("要求答复日期不能早于今天", field="reply_due")
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id), "您没有转责任单位核实的权限")
        if not can_refer(req):
            raise Conflict(
                "只有房屋质量、设施设备类投诉或保修期内报修（未办结）可以转责任单位核实",
                code="not_referrable",
            )
        referral = as_actor(
            Referral(
                project_id=req.project_id,
                request=req,
                party=party,
                party_name=party_name,
                contact=contact,
                question=question,
                reply_due=reply_due,
                sent_by=actor,
                sent_at=at,
            ),
            actor,
        )
        referral.save()
        due = f"，要求 {reply_due:%Y-%m-%d} 前答复" if reply_due else ""
        timeline_append(
            req,
            actor=actor,
            action="refer",
            note=f"转{Referral.Party(party).label}「{party_name}」核实{due}：{question}",
            data={"referral": referral.pk},
            at=at,
        )
    return referral


def _referral(req: ServiceRequest, referral_id) -> Referral:
    referral = Referral.objects.select_for_update().filter(request=req, pk=referral_id).first()
    if referral is None:
        raise ValidationFailed("请选择该请求的责任单位核实记录", field="referral")
    return referral


def referral_answer(req: ServiceRequest, *, actor, referral_id: int, answer: str) -> Referral:
    """Record the responsible party's answer (R3.10)."""
    answer = text(answer, "answer", "责任单位答复")
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id), "您没有登记责任单位答复的权限")
        referral = _referral(req, referral_id)
        REFERRAL.move(
            referral,
            "referral_answer",
            actor=actor,
            at=at,
            fields={"answer": answer, "answered_at": at, "answer_recorded_by": actor},
        )
        timeline_append(
            req,
            actor=actor,
            action="referral_answer",
            note=f"{referral.party_name} 答复：{answer}",
            data={"referral": referral.pk},
            at=at,
        )
    return referral


def referral_feedback(req: ServiceRequest, *, actor, referral_id: int, note: str = "") -> Referral:
    """Feed the party's answer back to the owner: a message in their portal with the answer (R3.10)."""
    note = text(note, "note", "说明", required=False, limit=300)
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id), "您没有反馈业主的权限")
        referral = _referral(req, referral_id)
        REFERRAL.move(
            referral,
            "referral_feedback",
            actor=actor,
            at=at,
            fields={"fed_back_at": at, "fed_back_by": actor},
        )
        timeline_append(
            req,
            actor=actor,
            action="referral_feedback",
            note=f"已将 {referral.party_name} 的答复反馈业主" + (f"：{note}" if note else ""),
            data={"referral": referral.pk},
            at=at,
        )
        tell_requester(
            req,
            f"【核实结果】{req.number}",
            f"您反映的问题经{referral.get_party_display()}「{referral.party_name}」核实，答复如下：{referral.answer}"
            + (f"（{note}）" if note else ""),
        )
    return referral


def complaint_escalate(req: ServiceRequest, *, actor, note: str) -> ServiceRequest:
    """Collect a service complaint one level up: team → department → project office (R3.10). At the project
    office its managers are told."""
    note = text(note, "note", "上报说明", limit=300)
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id), "您没有上报投诉的权限")
        if req.type != RequestType.COMPLAINT:
            raise Conflict("只有投诉可以逐级上报", code="not_complaint")
        REQUEST.guard(req, "escalate")
        target = NEXT_LEVEL.get(req.complaint_level)
        if target is None:
            raise Conflict("投诉已汇总至项目处，不能再上报", code="top_level")
        from_level = ComplaintLevel(req.complaint_level).label if req.complaint_level else ""
        req.complaint_level = target
        as_actor(req, actor).save(update_fields=["complaint_level"])
        label = ComplaintLevel(target).label
        timeline_append(
            req,
            actor=actor,
            action="escalate",
            note=(f"{from_level} → " if from_level else "") + f"{label}：{note}",
            data={"level": target},
            at=at,
        )
        if target == ComplaintLevel.PROJECT:
            for boss in supervisors([req.project_id]).get(req.project_id, []):
                tell(boss, f"【投诉上报项目处】{req.number}", f"{req.content[:60]}。上报说明：{note}", req)
    return req
