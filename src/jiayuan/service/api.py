"""Customer requests API at /api/v1/requests: create (with ``Idempotency-Key``), list/filter (the queue's
FilterSet), read with timeline and timers, and one endpoint per action. Schemas in, service or selector
call, schema out. Owners reach only their own units' requests (the selectors' scoping)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from django.utils import timezone
from ninja import Field, Header, Path, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool, field_validator

from jiayuan.core.api import ERRORS, ErrorOut
from jiayuan.core.errors import ValidationFailed
from jiayuan.core.masking import mask_phone
from jiayuan.estate.models import Unit
from jiayuan.estate.permissions import can_view_personal
from jiayuan.estate.selectors import readable as estate_readable
from jiayuan.org.models import Department, Project
from jiayuan.service import services
from jiayuan.service.filters import SEARCH_MAX_LENGTH
from jiayuan.service.models import (
    Channel,
    ComplaintReview,
    FaultCategory,
    Referral,
    RepairScope,
    RequestType,
    ReturnVisit,
    State,
    Urgency,
)
from jiayuan.service.permissions import is_field_worker, is_requester
from jiayuan.service.selectors import (
    request_detail,
    request_timeline,
    requests_for,
    special_menu,
    visit_queue,
)

router = Router(tags=["service"])

MAX_ID = 2**31 - 1
ACTION_ERRORS = {**ERRORS, 409: ErrorOut}


def _choice(choices):
    """Inline Literal of a TextChoices' values (no enum component names to collide in the schema)."""
    return Literal[tuple(choices.values)]


TypeValue = _choice(RequestType)
StateValue = _choice(State)
UrgencyValue = _choice(Urgency)
ChannelValue = _choice(Channel)
ScopeValue = _choice(RepairScope)
FaultValue = _choice(FaultCategory)
PartyValue = _choice(Referral.Party)
CauseValue = _choice(ComplaintReview.Cause)
OutcomeValue = _choice(ReturnVisit.Outcome)
MethodValue = _choice(ReturnVisit.Method)


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


class RequestQuery(Schema):
    limit: int = Field(50, ge=1, le=200, description="每页条数 1–200")
    offset: int = Field(0, ge=0, le=1_000_000)
    project: int | None = Field(None, ge=1, le=MAX_ID, description="只看该项目")
    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH, description="单号、房号、手机尾号、内容")
    type: TypeValue | None = None
    state: StateValue | None = None
    urgency: UrgencyValue | None = None
    department: int | None = Field(None, ge=1, le=MAX_ID)
    assignee: int | None = Field(None, ge=1, le=MAX_ID)
    overdue: bool | None = None
    open: bool | None = None


class RequestIn(_In):
    project: int | None = Field(None, ge=1, le=MAX_ID, description="员工登记时必填；业主按房屋确定")
    type: TypeValue
    content: str = Field(..., min_length=1, max_length=2000)
    channel: ChannelValue = "api"
    urgency: UrgencyValue = "normal"
    repair_scope: ScopeValue | None = None
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    phone: str | None = Field(None, max_length=20, description="来电人手机，用于查找住户")
    contact_name: str | None = Field(None, max_length=60)
    location: str | None = Field(None, max_length=120)
    preferred_time: datetime | None = None
    contractor: str | None = Field(None, max_length=80)
    fee_item: int | None = Field(None, ge=1, le=MAX_ID, description="特约服务项目（收费项目，R8.1）")
    fault_category: FaultValue | None = Field(None, description="公共区域报修的故障类别（R4.6 修复时限）")

    _t = field_validator("preferred_time")(_aware)


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


class RequestPage(Schema):
    count: int
    items: list[RequestOut]


class NoteIn(_In):
    note: str | None = Field(None, max_length=2000)


class DispatchIn(_In):
    department: int = Field(..., ge=1, le=MAX_ID)
    assignee: int | None = Field(None, ge=1, le=MAX_ID)
    note: str | None = Field(None, max_length=2000)


class CompleteIn(_In):
    note: str = Field(..., min_length=1, max_length=2000, description="处理结果")


class VerifyIn(_In):
    passed: StrictBool
    note: str | None = Field(None, max_length=2000)


class ConfirmIn(_In):
    signature: str | None = Field(None, max_length=200_000, description="维修人员代为确认时的客户签名")


class MaterialIn(_In):
    name: str = Field(..., min_length=1, max_length=60)
    quantity: Decimal = Field(..., gt=0, le=99999, max_digits=7, decimal_places=2)
    measure: str | None = Field(None, max_length=10)
    unit_price: Decimal | None = Field(None, ge=0, le=9999999, max_digits=9, decimal_places=2)


class PromiseIn(_In):
    promised_at: datetime
    special_reason: str | None = Field(None, max_length=200)

    _t = field_validator("promised_at")(_aware)


class PostponeIn(_In):
    to: datetime
    reason: str = Field(..., min_length=1, max_length=200)
    customer_informed: StrictBool = Field(..., description="已在到期前告知客户并取得同意")

    _t = field_validator("to")(_aware)


class AgreeDelayIn(_In):
    until: datetime = Field(..., description="客户同意的到场时间（7 天内）")
    note: str | None = Field(None, max_length=200)

    _t = field_validator("until")(_aware)


class MenuItemOut(Schema):
    id: int
    code: str
    name: str
    price: Decimal


class MenuQuery(Schema):
    project: int = Field(..., ge=1, le=MAX_ID)


class ReasonIn(_In):
    reason: str = Field(..., min_length=1, max_length=200)


class RateIn(_In):
    rating: int = Field(..., ge=1, le=5)
    comment: str | None = Field(None, max_length=500)


class ReopenIn(_In):
    content: str = Field(..., min_length=1, max_length=2000)


class JudgeIn(_In):
    valid: StrictBool
    reason: str = Field(..., min_length=1, max_length=300)
    cause: CauseValue
    handler: int | None = Field(None, ge=1, le=MAX_ID)


class FeedbackIn(_In):
    feedback: str = Field(..., min_length=1, max_length=2000)
    result: str | None = Field(None, max_length=2000)
    resolved: StrictBool = False


class VisitIn(_In):
    outcome: OutcomeValue
    satisfaction: int | None = Field(None, ge=1, le=5)
    comments: str | None = Field(None, max_length=2000)
    method: MethodValue = "phone"
    follow_up: str | None = Field(None, max_length=2000, description="不满意时必填：生成跟进单")


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


class VisitResultOut(Schema):
    request: RequestOut
    visit: VisitOut


# --- shaping ----------------------------------------------------------------------------------------------


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


def _created(user, req):
    """The answer to a create, without reading the new request back: its fields as the database gives them
    (times in UTC, decimals to their places), its timers and timeline as stored, and none of the records it
    cannot have yet (materials, visits, referrals). tests/service/test_intake_cost.py holds it equal to
    ``_detail``."""
    for field in req._meta.concrete_fields:
        value = getattr(req, field.attname)
        if isinstance(value, datetime):
            setattr(req, field.attname, value.astimezone(UTC))
        elif isinstance(value, Decimal):
            setattr(req, field.attname, value.quantize(Decimal(1).scaleb(-field.decimal_places)))
    req = _shape(user, req, detail=True)
    req.timeline_out = _timeline(req)
    req.timers_out = list(req.timers.order_by("due_at", "id"))  # request_detail's order
    req.materials_out, req.visits_out, req.referrals_out = [], [], []
    return req


def _filter_data(query: RequestQuery) -> dict[str, str]:
    data = {}
    for key, value in query.dict(exclude={"limit", "offset", "project"}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[key] = str(value).replace("\x00", "")
    return data


def _department(user, pk: int | None):
    if pk is None:
        return None
    dept = Department.objects.visible_to(user).filter(pk=pk).first()
    if dept is None:
        raise ValidationFailed("部门不存在", field="department")
    return dept


def _user(pk: int | None, field: str):
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationFailed("人员不存在", field=field)
    return user


def _text(value: str | None) -> str:
    return (value or "").replace("\x00", "")


# --- endpoints ----------------------------------------------------------------------------------------------


@router.get(
    "/requests", response={200: RequestPage, **ERRORS}, summary="客户请求列表（与工作台队列同一筛选）"
)
def list_requests(request, query: Query[RequestQuery]):
    qs = requests_for(request.auth, None, _filter_data(query))
    if query.project is not None:
        qs = qs.filter(project_id=query.project)
    items = [_shape(request.auth, r) for r in qs[query.offset : query.offset + query.limit]]
    return {"count": qs.count(), "items": items}


@router.get("/requests/visit-queue", response={200: RequestPage, **ERRORS}, summary="待回访队列（R3.6）")
def list_visit_queue(
    request, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000)
):
    qs = visit_queue(request.auth)
    return {"count": qs.count(), "items": [_shape(request.auth, r) for r in qs[offset : offset + limit]]}


@router.post(
    "/requests",
    response={201: RequestDetailOut, 200: RequestDetailOut, **ACTION_ERRORS},
    summary="登记客户请求",
)
def create_request(
    request,
    payload: RequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=80),
):
    """同一 `Idempotency-Key` 重复提交返回第一次创建的请求（200）。"""
    user = request.auth
    unit = None
    if payload.unit is not None:
        unit = estate_readable(Unit, user).filter(pk=payload.unit).select_related("project").first()
        if unit is None:
            raise ValidationFailed("房屋不存在或无权查看", field="unit")
    project_id = payload.project or (unit.project_id if unit is not None else None)
    if project_id is None:
        raise ValidationFailed("请指定项目或房屋", field="project")
    if unit is not None and unit.project_id == project_id:
        project = unit.project
    else:
        project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise ValidationFailed("项目不存在", field="project")
    key = _text(idempotency_key).strip()
    req = services.request_create(
        actor=user,
        project=project,
        type=payload.type,
        content=_text(payload.content),
        channel=payload.channel,
        urgency=payload.urgency,
        repair_scope=payload.repair_scope or "",
        unit=unit,
        phone=_text(payload.phone),
        contact_name=_text(payload.contact_name),
        location=_text(payload.location),
        preferred_time=payload.preferred_time,
        contractor=_text(payload.contractor),
        fee_item=payload.fee_item,
        fault_category=payload.fault_category or "",
        idempotency_key=key,
    )
    if getattr(req, "replayed", False):
        return Status(200, _detail(user, req.pk))
    return Status(201, _created(user, req))


@router.get(
    "/requests/{request_id}",
    response={200: RequestDetailOut, **ERRORS},
    summary="客户请求详情（含时间线、时限）",
)
def get_request(request, request_id: int = Path(..., ge=1, le=MAX_ID)):
    return _detail(request.auth, request_id)


def _act(request, request_id: int, fn, **kwargs):
    req = request_detail(request.auth, request_id)
    fn(req, actor=request.auth, **kwargs)
    return _detail(request.auth, request_id)


ID = Path(..., ge=1, le=MAX_ID)


@router.post(
    "/requests/{request_id}/dispatch", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="派单"
)
def request_dispatch(request, payload: DispatchIn, request_id: int = ID):
    dept = _department(request.auth, payload.department)
    return _act(
        request,
        request_id,
        services.request_dispatch,
        department=dept,
        assignee=_user(payload.assignee, "assignee"),
        note=_text(payload.note),
    )


@router.post(
    "/requests/{request_id}/handover",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="转交（首问责任人知会）",
)
def request_handover(request, payload: DispatchIn, request_id: int = ID):
    dept = _department(request.auth, payload.department)
    return _act(
        request,
        request_id,
        services.request_handover,
        department=dept,
        assignee=_user(payload.assignee, "assignee"),
        note=_text(payload.note),
    )


@router.post(
    "/requests/{request_id}/accept", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="接单"
)
def request_accept(request, request_id: int = ID):
    return _act(request, request_id, services.request_accept)


@router.post(
    "/requests/{request_id}/depart", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="出发"
)
def request_depart(request, request_id: int = ID):
    return _act(request, request_id, services.request_depart)


@router.post(
    "/requests/{request_id}/arrive", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="到场"
)
def request_arrive(request, request_id: int = ID):
    return _act(request, request_id, services.request_arrive)


@router.post(
    "/requests/{request_id}/materials", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="登记材料"
)
def request_add_material(request, payload: MaterialIn, request_id: int = ID):
    return _act(
        request,
        request_id,
        services.request_add_material,
        name=_text(payload.name),
        quantity=payload.quantity,
        measure=_text(payload.measure),
        unit_price=payload.unit_price,
    )


@router.post(
    "/requests/{request_id}/complete", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="完成"
)
def request_complete(request, payload: CompleteIn, request_id: int = ID):
    return _act(request, request_id, services.request_complete, note=_text(payload.note))


@router.post(
    "/requests/{request_id}/verify",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="保修期维修验收（R4.2）",
)
def request_verify(request, payload: VerifyIn, request_id: int = ID):
    return _act(request, request_id, services.request_verify, passed=payload.passed, note=_text(payload.note))


@router.post(
    "/requests/{request_id}/confirm", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="客户确认"
)
def request_confirm(request, payload: ConfirmIn, request_id: int = ID):
    return _act(request, request_id, services.request_confirm, signature=_text(payload.signature))


@router.post(
    "/requests/{request_id}/promise",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="约定承诺完成时间",
)
def request_promise(request, payload: PromiseIn, request_id: int = ID):
    return _act(
        request,
        request_id,
        services.request_promise,
        promised_at=payload.promised_at,
        special_reason=_text(payload.special_reason),
    )


@router.post(
    "/requests/{request_id}/postpone",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="推迟（每个承诺至多一次）",
)
def request_postpone(request, payload: PostponeIn, request_id: int = ID):
    return _act(
        request,
        request_id,
        services.request_postpone,
        to=payload.to,
        reason=_text(payload.reason),
        customer_informed=payload.customer_informed,
    )


@router.post(
    "/requests/{request_id}/cancel", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="取消"
)
def request_cancel(request, payload: ReasonIn, request_id: int = ID):
    return _act(request, request_id, services.request_cancel, reason=_text(payload.reason))


@router.post(
    "/requests/{request_id}/rate", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="业主评价"
)
def request_rate(request, payload: RateIn, request_id: int = ID):
    return _act(
        request, request_id, services.request_rate, rating=payload.rating, comment=_text(payload.comment)
    )


@router.post(
    "/requests/{request_id}/reopen",
    response={201: RequestDetailOut, **ACTION_ERRORS},
    summary="返修（生成关联新单）",
)
def request_reopen(request, payload: ReopenIn, request_id: int = ID):
    req = request_detail(request.auth, request_id)
    new = services.request_reopen(req, actor=request.auth, content=_text(payload.content))
    return Status(201, _detail(request.auth, new.pk))


@router.post(
    "/requests/{request_id}/judge",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="投诉有效性判定",
)
def request_judge(request, payload: JudgeIn, request_id: int = ID):
    return _act(
        request,
        request_id,
        services.complaint_judge,
        valid=payload.valid,
        reason=_text(payload.reason),
        cause=payload.cause,
        handler=_user(payload.handler, "handler"),
    )


@router.post(
    "/requests/{request_id}/feedback", response={200: RequestDetailOut, **ACTION_ERRORS}, summary="投诉反馈"
)
def request_feedback(request, payload: FeedbackIn, request_id: int = ID):
    return _act(
        request,
        request_id,
        services.complaint_feedback,
        feedback=_text(payload.feedback),
        result=_text(payload.result),
        resolved=payload.resolved,
    )


@router.post("/requests/{request_id}/visit", response={200: VisitResultOut, **ACTION_ERRORS}, summary="回访")
def request_visit(request, payload: VisitIn, request_id: int = ID):
    req = request_detail(request.auth, request_id)
    v = services.visit_record(
        req,
        actor=request.auth,
        outcome=payload.outcome,
        satisfaction=payload.satisfaction,
        comments=_text(payload.comments),
        method=payload.method,
        follow_up=_text(payload.follow_up),
    )
    return {"request": _shape(request.auth, request_detail(request.auth, request_id)), "visit": v}


@router.post(
    "/requests/{request_id}/agree-delay",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="客户同意延后到场（三分钟服务承诺的例外，R3.4）",
)
def request_agree_delay(request, payload: AgreeDelayIn, request_id: int = ID):
    return _act(
        request, request_id, services.request_agree_delay, until=payload.until, note=_text(payload.note)
    )


@router.post(
    "/requests/{request_id}/charge",
    response={200: RequestDetailOut, **ACTION_ERRORS},
    summary="收取特约服务费（每单一次，R8.1）",
)
def request_charge(request, request_id: int = ID):
    return _act(request, request_id, services.special_charge)


@router.get("/special-services", response={200: list[MenuItemOut], **ERRORS}, summary="特约服务菜单（R8.1）")
def special_services(request, filters: Query[MenuQuery]):
    return [
        {"id": item.pk, "code": item.code, "name": item.name, "price": price}
        for item, price in special_menu(request.auth, filters.project)
    ]


# --- R3.10 complaint routing ----------------------------------------------------------------------------


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
