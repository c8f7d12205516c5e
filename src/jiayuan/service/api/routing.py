"""Complaint routing in the customer requests API (R3.10): a complaint checked with the party responsible
for it, their answer recorded and fed back to the owner, and escalation level by level."""

from __future__ import annotations

from datetime import date

from ninja import Field, Path, Router, Status

from jiayuan.service import services
from jiayuan.service.api.common import (
    ACTION_ERRORS,
    ID,
    MAX_ID,
    RequestDetailOut,
    _act,
    _choice,
    _detail,
    _In,
    _text,
)
from jiayuan.service.models import Referral
from jiayuan.service.selectors import request_detail

router = Router(tags=["service"])


PartyValue = _choice(Referral.Party)


class NoteIn(_In):
    note: str | None = Field(None, max_length=2000)


class ReferralIn(_In):
    party: PartyValue
    party_name: str = Field(..., min_length=1, max_length=80)
    question: str = Field(..., min_length=1, max_length=2000, description="需要责任单位核实的事项")
    contact: str | None = Field(None, max_length=80)
    reply_due: date | None = Field(None, description="要求答复日期")


class ReferralAnswerIn(_In):
    answer: str = Field(..., min_length=1, max_length=2000)


class EscalateIn(_In):
    note: str = Field(..., min_length=1, max_length=300)


@router.post(
    "/requests/{request_id}/referrals",
    response={201: RequestDetailOut, **ACTION_ERRORS},
    summary="转责任单位核实（房屋质量、设施设备类投诉或保修期报修，R3.10）",
)
def request_refer(request, payload: ReferralIn, request_id: int = ID):
    req = request_detail(request.auth, request_id)
    services.referral_send(
        req,
        actor=request.auth,
        party=payload.party,
        party_name=_text(payload.party_name),
        question=_text(payload.question),
        contact=_text(payload.contact),
        reply_due=payload.reply_due,
    )
    return Status(201, _detail(request.auth, request_id))


REFERRAL_ID = Path(..., ge=1, le=MAX_ID)


@router.post(
    "/requests/{request_id}/referrals/{referral_id}/answer",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="登记责任单位答复",
)
def referral_answer(request, payload: ReferralAnswerIn, request_id: int = ID, referral_id: int = REFERRAL_ID):
    return _act(
        request,
        request_id,
        services.referral_answer,
        referral_id=referral_id,
        answer=_text(payload.answer),
    )


@router.post(
    "/requests/{request_id}/referrals/{referral_id}/feedback",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="将责任单位答复反馈业主",
)
def referral_feedback(request, payload: NoteIn, request_id: int = ID, referral_id: int = REFERRAL_ID):
    return _act(
        request, request_id, services.referral_feedback, referral_id=referral_id, note=_text(payload.note)
    )


@router.post(
    "/requests/{request_id}/escalate",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="投诉逐级上报：班组 → 部门 → 项目处（R3.10）",
)
def request_escalate(request, payload: EscalateIn, request_id: int = ID):
    return _act(request, request_id, services.complaint_escalate, note=_text(payload.note))
