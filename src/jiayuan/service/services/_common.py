"""What every request service shares: the guarded move along the transition table, locking, messages."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiayuan.core.errors import Conflict, Forbidden, ValidationFailed
from jiayuan.core.outbox import notify
from jiayuan.core.timeline import timeline_append
from jiayuan.service.models import TRANSITIONS, ServiceRequest, State

ACTION_LABELS = {
    "create": "受理",
    "dispatch": "派单",
    "handover": "转交",
    "accept": "接单",
    "depart": "出发",
    "arrive": "到场",
    "add_material": "登记材料",
    "add_photo": "上传照片",
    "contractor_done": "施工单位完工",
    "verify": "工程验收",
    "verify_reject": "验收不通过",
    "complete": "完成",
    "confirm": "客户确认",
    "postpone": "推迟",
    "promise": "约定承诺时间",
    "cancel": "取消",
    "rate": "评价",
    "visit": "回访",
    "judge": "投诉判定",
    "feedback": "投诉反馈",
    "reopen": "返修",
    "agree_delay": "客户同意延后到场",
    "charge": "特约服务收费",
    "timer_breached": "超时",
    "refer": "转责任单位核实",
    "referral_answer": "登记责任单位答复",
    "referral_feedback": "答复反馈业主",
    "escalate": "投诉上报",
}

MAX_TEXT = 2000


def now():
    return timezone.now()


def request_link(req: ServiceRequest) -> str:
    return reverse("service:request", args=[req.pk])


def owner_link(req: ServiceRequest) -> str:
    """The owner's own page of the request in the portal (staff links would be a 403 for them)."""
    return reverse("portal:request", args=[req.pk])


def as_actor(obj, actor):
    obj._history_user = actor if getattr(actor, "pk", None) else None
    return obj


def lock(req: ServiceRequest) -> ServiceRequest:
    """Re-read the row under a lock: two clerks pressing the same button move it once."""
    return (
        ServiceRequest.objects.select_for_update(of=("self",)).select_related("caller", "unit").get(pk=req.pk)
    )


def guard(req: ServiceRequest, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    if req.state not in sources:
        raise Conflict(
            f"{req.number} 当前状态为“{State(req.state).label}”，不能{ACTION_LABELS[action]}",
            code="bad_state",
        )


def require(condition: bool, message: str = "您没有执行此操作的权限") -> None:
    if not condition:
        raise Forbidden(message)


def text(value: str | None, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(value) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 字", field=field)
    return value


def move(
    req: ServiceRequest,
    action: str,
    *,
    actor,
    at,
    note: str = "",
    data: dict | None = None,
    fields: dict | None = None,
) -> ServiceRequest:
    """Guard the state, set the derived fields, save them, append the timeline. Call inside a transaction
    on a locked row."""
    guard(req, action)
    _sources, target = TRANSITIONS[action]
    from_state = req.state
    changed = dict(fields or {})
    if target is not None:
        changed["state"] = target
    for name, value in changed.items():
        setattr(req, name, value)
    if changed:
        as_actor(req, actor).save(update_fields=list(changed))
    timeline_append(
        req,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=req.state,
        note=note,
        data=data,
        at=at,
    )
    return req


def tell(user, subject: str, body: str, req: ServiceRequest, *, link: str = "") -> None:
    """An outbox message about a request (rows written in the transaction, delivered after commit)."""
    if user is None:
        return
    notify(user, subject, body, project_id=req.project_id, link=link or request_link(req))


def tell_requester(req: ServiceRequest, subject: str, body: str = "") -> None:
    if req.caller_id is not None and req.caller.user_id is not None:
        tell(req.caller.user, subject, body, req, link=owner_link(req))


def atomic():
    return transaction.atomic()
