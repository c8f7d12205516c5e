"""What the service API modules (``requests``, ``special``, ``routing``) share: id bounds, the strict
input base, the request's output schemas, shaping a request for its reader and running one action on it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Path, Schema
from pydantic import ConfigDict

from jiayuan.core.api import ERRORS, ErrorOut
from jiayuan.core.masking import mask_phone
from jiayuan.estate.permissions import can_view_personal
from jiayuan.service.permissions import is_field_worker, is_requester
from jiayuan.service.selectors import request_detail, request_timeline

MAX_ID = 2**31 - 1
ACTION_ERRORS = {**ERRORS, 409: ErrorOut}


def _choice(choices):
    """Inline Literal of a TextChoices' values (no enum component names to collide in the schema)."""
    return Literal[tuple(choices.values)]


def _aware(value: datetime | None) -> datetime | None:
    """Naive times are read as Asia/Shanghai; anything outside 2000–2100 is refused."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not 2000 <= value.year <= 2100:
        raise ValueError("时间须在 2000–2100 年之间")
    return value


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class TimelineOut(Schema):
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str


class TimerOut(Schema):
    kind: str
    standard_code: str
    standard_version: int | None = Field(alias="standard_version_id")
    started_at: datetime
    due_at: datetime
    state: str
    met_at: datetime | None
    breached_at: datetime | None


class MaterialOut(Schema):
    name: str
    quantity: Decimal
    measure: str
    unit_price: Decimal | None


class VisitOut(Schema):
    visited_at: datetime
    method: str
    outcome: str
    satisfaction: int | None
    comments: str
    follow_up: int | None = Field(alias="follow_up_id")


class ReferralOut(Schema):
    id: int
    party: str
    party_name: str
    contact: str
    question: str
    reply_due: date | None
    state: str
    sent_at: datetime
    answer: str
    answered_at: datetime | None
    fed_back_at: datetime | None


class RequestOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    number: str
    type: str
    repair_scope: str
    fault_category: str
    complaint_level: str
    channel: str
    urgency: str
    state: str
    unit: int | None = Field(alias="unit_id")
    address: str = Field(alias="address_out")
    contact_name: str
    contact_phone: str = Field(alias="phone_out", description="脱敏；本人或有权限者在详情中为完整号码")
    content: str
    location: str
    preferred_time: datetime | None
    received_at: datetime
    first_receiver: int | None = Field(alias="first_receiver_id")
    department: int | None = Field(alias="department_id")
    assignee: int | None = Field(alias="assignee_id")
    promised_at: datetime | None
    postponements: int
    dispatched_at: datetime | None
    accepted_at: datetime | None
    arrived_at: datetime | None
    completed_at: datetime | None
    confirmed_at: datetime | None
    closed_at: datetime | None
    breached: bool
    is_rework: bool
    rework_of: int | None = Field(alias="rework_of_id")
    repeat_of: int | None = Field(alias="repeat_of_id")
    visit_required: bool
    visited_at: datetime | None
    rating: int | None
    rating_comment: str
    fee_item: int | None = Field(alias="fee_item_id")
    quoted_price: Decimal | None
    punctual: bool | None
    charge: int | None = Field(alias="charge_id")
    delay_agreed_until: datetime | None


class RequestDetailOut(RequestOut):
    completion_note: str
    special_reason: str
    timeline: list[TimelineOut] = Field(alias="timeline_out")
    timers: list[TimerOut] = Field(alias="timers_out")
    materials: list[MaterialOut] = Field(alias="materials_out")
    visits: list[VisitOut] = Field(alias="visits_out")
    referrals: list[ReferralOut] = Field(alias="referrals_out")


def _shape(user, req, *, detail: bool = False):
    req.address_out = req.unit.address if req.unit_id else ""
    full = detail and (  # the role first: it needs no query
        can_view_personal(user, req.project_id) or is_requester(user, req) or is_field_worker(user, req)
    )
    req.phone_out = req.contact_phone if full else mask_phone(req.contact_phone)
    return req


def _timeline(req):
    return [
        {
            "at": e.at,
            "actor": (e.actor.get_full_name() or e.actor.username) if e.actor else "系统",
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
        }
        for e in request_timeline(req)
    ]


def _detail(user, pk: int):
    req = _shape(user, request_detail(user, pk), detail=True)
    req.timeline_out = _timeline(req)
    req.timers_out = list(req.timers.all())
    req.materials_out = list(req.materials.all())
    req.visits_out = list(req.visits.all())
    req.referrals_out = list(req.referrals.all())
    return req


def _text(value: str | None) -> str:
    return (value or "").replace("\x00", "")


def _act(request, request_id: int, fn, **kwargs):
    req = request_detail(request.auth, request_id)
    fn(req, actor=request.auth, **kwargs)
    return _detail(request.auth, request_id)


ID = Path(..., ge=1, le=MAX_ID)
