"""Customer requests API at /api/v1/requests: create (with ``Idempotency-Key``), list/filter (the queue's
FilterSet), read with timeline and timers, and one endpoint per action. Schemas in, service or selector
call, schema out. Owners reach only their own units' requests (the selectors' scoping)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from ninja import Field, Header, Path, Query, Router, Schema, Status
from pydantic import StrictBool, field_validator

from jiayuan.core.api import ERRORS
from jiayuan.core.errors import ValidationFailed
from jiayuan.estate.models import Unit
from jiayuan.estate.selectors import readable as estate_readable
from jiayuan.org.models import Department, Project
from jiayuan.service import services
from jiayuan.service.api.common import (
    ACTION_ERRORS,
    ID,
    MAX_ID,
    RequestDetailOut,
    RequestOut,
    VisitOut,
    _act,
    _aware,
    _choice,
    _detail,
    _In,
    _shape,
    _text,
    _timeline,
)
from jiayuan.service.filters import SEARCH_MAX_LENGTH
from jiayuan.service.models import (
    Channel,
    ComplaintReview,
    FaultCategory,
    RepairScope,
    RequestType,
    ReturnVisit,
    State,
    Urgency,
)
from jiayuan.service.selectors import request_detail, requests_for, visit_queue

router = Router(tags=["service"])


TypeValue = _choice(RequestType)
StateValue = _choice(State)
UrgencyValue = _choice(Urgency)
ChannelValue = _choice(Channel)
ScopeValue = _choice(RepairScope)
FaultValue = _choice(FaultCategory)
CauseValue = _choice(ComplaintReview.Cause)
OutcomeValue = _choice(ReturnVisit.Outcome)
MethodValue = _choice(ReturnVisit.Method)


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


class RequestPage(Schema):
    count: int
    items: list[RequestOut]


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


class VisitResultOut(Schema):
    request: RequestOut
    visit: VisitOut


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
