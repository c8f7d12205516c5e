"""Special-service orders (R8.1) and the three-minute exception (R3.4).

A special-service order is a request of type ``special`` naming a menu item — billing's fee item of kind
``special`` — with the price in force stated before ordering (``quoted_price``); the agreed time is the
appointment, the arrival is measured against "at most 5 minutes early, at most 2 minutes late" (standards
``service.special_early`` / ``service.special_late``: the late side is a timer, both sides the
``punctual`` flag). Once done, the quoted price is charged through billing's ``charge_create``: one bill
per order (``ServiceRequest.charge``), a second call returns it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiayuan.billing.models import Bill, FeeItem
from jiayuan.billing.permissions import can_manage_fees
from jiayuan.billing.services import Holder, charge_create
from jiayuan.core.errors import Conflict, ValidationFailed
from jiayuan.core.worktime import deadline
from jiayuan.service import permissions as perms
from jiayuan.service.models import RequestType, ServiceRequest, Timer, TimerKind
from jiayuan.service.selectors import price_of
from jiayuan.service.services._common import lock, now, require, tell, tell_requester, text
from jiayuan.service.services.timers import SPECIAL_EARLY, STANDARD_OF, version_of
from jiayuan.service.transitions import REQUEST

# The agreed later arrival of the three-minute exception is at most this far ahead (bounds the input).
MAX_DELAY = timedelta(days=7)


def menu_item(project_id: int, fee_item, at: datetime) -> tuple[FeeItem, Decimal]:
    """Check the ordered item is on the project's special-service menu; return it with its price."""
    if fee_item is None:
        raise ValidationFailed("请选择特约服务项目", field="fee_item")
    if isinstance(fee_item, int):
        fee_item = FeeItem.objects.filter(pk=fee_item).first()
    if (
        fee_item is None
        or fee_item.project_id != project_id
        or fee_item.kind != FeeItem.Kind.SPECIAL
        or not fee_item.active
    ):
        raise ValidationFailed("该项目不在本项目的特约服务菜单中", field="fee_item")
    price = price_of(fee_item, timezone.localdate(at))
    if price is None:
        raise ValidationFailed("该特约服务尚未定价，暂不能预约", field="fee_item")
    return fee_item, price


def punctuality(req: ServiceRequest, arrived: datetime) -> bool | None:
    """On time for the appointment: no more than the early margin before it, no more than the late
    margin after it (R8.1). ``None`` when the order has no appointment or the standard is switched off."""
    if req.type != RequestType.SPECIAL or req.preferred_time is None:
        return None
    late = version_of(STANDARD_OF[TimerKind.APPOINTMENT], req.project_id, req.received_at)
    early = version_of(SPECIAL_EARLY, req.project_id, req.received_at)
    if late is None and early is None:
        return None
    pt = req.preferred_time
    latest = deadline(pt, late.amount, late.unit) if late is not None else None
    earliest = pt - (deadline(pt, early.amount, early.unit) - pt) if early is not None else None
    return (earliest is None or arrived >= earliest) and (latest is None or arrived <= latest)


def special_charge(req: ServiceRequest, *, actor) -> Bill:
    """Charge the order's quoted price to its unit through billing (R8.1): one bill per order; a repeated
    call (two clicks, a retry) returns the bill already raised."""
    require(can_manage_fees(actor, req.project_id), "只有财务人员可以收取特约服务费")
    with transaction.atomic():
        req = lock(req)
        if req.charge_id is not None:
            return req.charge
        if req.type != RequestType.SPECIAL or req.fee_item_id is None:
            raise ValidationFailed("只有特约服务订单可以收费", field="fee_item")
        REQUEST.guard(req, "charge")
        if req.unit_id is None:
            raise ValidationFailed("特约服务订单没有房屋，无法出账", field="unit")
        bill = charge_create(
            Holder.of(req.unit),
            req.fee_item,
            actor=actor,
            amount=req.quoted_price,
            description=f"{req.fee_item.name}（{req.number}）",
        )
        REQUEST.move(
            req,
            "charge",
            actor=actor,
            at=now(),
            note=f"收费单 {bill.number}，金额 {bill.total} 元",
            fields={"charge": bill},
        )
        tell_requester(
            req,
            f"【特约服务费】{req.number}",
            f"{req.fee_item.name}：{bill.total} 元，请在“我的账单”中缴纳。",
        )
    return bill


def charge_on_completion(req: ServiceRequest, *, actor) -> Bill | None:
    """Called by the completion: the fee is charged right away when the one completing may raise charges;
    otherwise the project's fee staff are told the order waits to be charged."""
    if req.type != RequestType.SPECIAL or req.fee_item_id is None or req.charge_id is not None:
        return None
    if can_manage_fees(actor, req.project_id):
        return special_charge(req, actor=actor)
    from jiayuan.core.roles import Perm
    from jiayuan.core.scoping import has_perm
    from jiayuan.org.models import Membership

    for m in Membership.objects.filter(project_id=req.project_id, active=True).select_related("user"):
        if has_perm(m.user, Perm.MANAGE_FEES, req.project_id):
            tell(m.user, f"【待收费】{req.number}", f"特约服务已完成，请收取 {req.quoted_price} 元。", req)
    return None


def request_agree_delay(req: ServiceRequest, *, actor, until: datetime, note: str = "") -> ServiceRequest:
    """R3.4 three-minute exception: the promise can't be kept, so the customer was told beforehand and
    agreed to a later arrival. Recorded with who and when; the three-minute timer is then measured
    against the agreed time."""
    note = text(note, "note", "说明", required=False, limit=200)
    at = now()
    if until is None or until <= at:
        raise ValidationFailed("约定到场时间须晚于现在", field="until")
    if until > at + MAX_DELAY:
        raise ValidationFailed("约定到场时间不能超过 7 天", field="until")
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id), "您没有记录客户同意的权限")
        REQUEST.guard(req, "agree_delay")
        timer = (
            Timer.objects.select_for_update()
            .filter(request=req, kind=TimerKind.DISPATCH, state=Timer.State.RUNNING)
            .first()
        )
        if timer is None:
            raise Conflict("该请求没有正在计时的三分钟服务承诺", code="no_dispatch_timer")
        if at > timer.due_at:
            raise Conflict("三分钟已过：须在到期前告知客户并取得同意", code="promise_expired")
        Timer.objects.filter(pk=timer.pk).update(due_at=until)
        from jiayuan.service.services.requests import _local

        who = actor.get_full_name() or actor.username
        REQUEST.move(
            req,
            "agree_delay",
            actor=actor,
            at=at,
            note=f"无法三分钟到场，已事先告知客户，客户同意于 {_local(until)} 前到场（{who} 记录）"
            + (f"：{note}" if note else ""),
            fields={"delay_agreed_until": until, "delay_agreed_by": actor, "delay_agreed_at": at},
        )
    return req
