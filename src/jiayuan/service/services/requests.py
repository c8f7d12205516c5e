"""Receiving a request and working it: create, dispatch, handover, the field steps, completion,
verification of warranty repairs, confirmation, promises and postponements (R3.2–R3.5, R4.1, R4.2, R8.1)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from PIL import Image

from jiayuan.core.errors import Conflict, ValidationFailed
from jiayuan.core.files import PHOTO, check_upload
from jiayuan.core.numbering import next_number
from jiayuan.core.timeline import timeline_append
from jiayuan.core.worktime import deadline
from jiayuan.estate.models import Occupancy, Party, Unit
from jiayuan.estate.services import clean_mobile
from jiayuan.org.models import Department, Membership
from jiayuan.service import permissions as perms
from jiayuan.service.models import (
    NUMBER_PREFIX,
    OPEN_STATES,
    Channel,
    ComplaintLevel,
    FaultCategory,
    Material,
    Photo,
    Postponement,
    RepairScope,
    RequestType,
    ServiceRequest,
    Urgency,
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
from jiayuan.service.services.special import charge_on_completion, menu_item, punctuality
from jiayuan.service.services.timers import (
    cancel_timers,
    meet_timers,
    standard_codes,
    start_promise_timer,
    start_timers,
    version_of,
)
from jiayuan.service.transitions import REQUEST
from jiayuan.standards.selectors import effective_map

# A repair reported again for the same unit within this many days is flagged as a repeat (R3.10).
REPEAT_WINDOW_DAYS = 30
MAX_QUANTITY = Decimal("99999")
MAX_PRICE = Decimal("9999999")


EVERY_REPAIR = "indicator.24_repair_return_visit.every_repair_profile"
VISIT_FLOOR = "indicator.24_repair_return_visit"


def visit_share(project_id: int, at: datetime, versions: dict | None = None) -> Decimal:
    """Share (percent) of non-emergency repairs picked for a return visit: the indicator-24 floor (30%), or
    every repair where the project runs the "every repair" profile (S1, S4)."""
    if versions is None:
        versions = effective_map(project_id, at)
    every = versions.get(EVERY_REPAIR)
    if every is not None and every.enabled:
        return Decimal(every.amount)
    floor = versions.get(VISIT_FLOOR)
    return Decimal(floor.amount) if floor is not None and floor.enabled else Decimal(30)


def sampled_for_visit(number: str, share: Decimal) -> bool:
    """Reproducible pick: the request number's hash decides, so a rerun picks the same requests."""
    bucket = int(hashlib.sha256(number.encode()).hexdigest()[:8], 16) % 10000
    return bucket < share * 100


def _needs_visit(req: ServiceRequest, versions: dict) -> bool:
    if req.type != RequestType.REPAIR:
        return False
    if req.urgency == Urgency.EMERGENCY:
        return True
    return sampled_for_visit(req.number, visit_share(req.project_id, req.received_at, versions))


def _choice(value, choices, field: str, label: str):
    if value not in choices.values:
        raise ValidationFailed(f"{label}不正确", field=field)
    return value


def _owner_units(user, project_id) -> list[int]:
    return list(
        Occupancy.objects.filter(party__user=user, ended_on__isnull=True, project_id=project_id).values_list(
            "unit_id", flat=True
        )
    )


def _resolve_caller(project, unit, caller, phone):
    """Find the caller by phone in the project (and their unit when they have only one)."""
    if caller is None and phone:
        caller = Party.objects.filter(project=project, phone=phone).order_by("id").first()
    if caller is not None and caller.project_id != project.pk:
        raise ValidationFailed("来电人不属于该项目", field="caller")
    if unit is None and caller is not None:
        units = list(
            Occupancy.objects.filter(party=caller, ended_on__isnull=True).values_list("unit_id", flat=True)[
                :2
            ]
        )
        if len(units) == 1:
            unit = Unit.objects.get(pk=units[0])
    if unit is not None and unit.project_id != project.pk:
        raise ValidationFailed("房屋不属于该项目", field="unit")
    if caller is None and unit is not None:
        # The unit's primary contact (else its owner) stands for the caller the clerk did not name.
        occ = (
            Occupancy.objects.filter(unit=unit, ended_on__isnull=True)
            .order_by("-is_primary", "relation", "id")
            .select_related("party")
            .first()
        )
        caller = occ.party if occ is not None else None
    return unit, caller


def _repeat_of(project, unit, type_, at) -> ServiceRequest | None:
    if unit is None or type_ != RequestType.REPAIR:
        return None
    return (
        ServiceRequest.objects.filter(
            project=project,
            unit=unit,
            type=type_,
            state__in=OPEN_STATES,
            received_at__gte=at - timedelta(days=REPEAT_WINDOW_DAYS),
        )
        .order_by("received_at")
        .select_related("first_receiver")  # told of the repeat
        .first()
    )


def request_create(
    *,
    actor,
    project,
    type: str,
    content: str,
    channel: str = Channel.PHONE,
    urgency: str = Urgency.NORMAL,
    repair_scope: str = "",
    unit: Unit | None = None,
    caller: Party | None = None,
    phone: str = "",
    contact_name: str = "",
    location: str = "",
    preferred_time: datetime | None = None,
    contractor: str = "",
    idempotency_key: str = "",
    rework_of: ServiceRequest | None = None,
    fee_item=None,
    fault_category: str = "",
    at: datetime | None = None,
) -> ServiceRequest:
    """Receive a request (R3.2): number, first receiver (R3.3), timers from the project's standards (R3.4),
    repeat-report flag (R3.10), return-visit pick (R3.6). With an ``idempotency_key`` a repeated call
    returns the first request."""
    at = at or now()
    idempotency_key = (idempotency_key or "").strip()[:80]
    if idempotency_key:
        existing = ServiceRequest.objects.filter(project=project, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.created_by_id != getattr(actor, "pk", None):
                raise Conflict("该幂等键已被其他用户使用", code="idempotency_conflict")
            existing.replayed = True
            return existing
    owner_units = []
    is_staff = perms.can_report(actor, project.pk)
    if not is_staff:
        owner_units = _owner_units(actor, project.pk)
        require(bool(owner_units), "您没有在该项目登记客户请求的权限")
        channel = Channel.PORTAL
    _choice(type, RequestType, "type", "请求类型")
    _choice(channel, Channel, "channel", "渠道")
    _choice(urgency, Urgency, "urgency", "紧急程度")
    content = text(content, "content", "内容")
    phone = clean_mobile(phone) if phone else ""
    unit, caller = _resolve_caller(project, unit, caller, phone)
    if not is_staff:
        if unit is None or unit.pk not in owner_units:
            raise ValidationFailed("请选择您自己的房屋", field="unit")
        if caller is None:
            caller = Party.objects.filter(project=project, user=actor).order_by("id").first()
    if type == RequestType.REPAIR:
        repair_scope = repair_scope or (RepairScope.IN_UNIT if unit is not None else RepairScope.PUBLIC)
        _choice(repair_scope, RepairScope, "repair_scope", "报修范围")
        if repair_scope == RepairScope.IN_UNIT and unit is None:
            raise ValidationFailed("户内维修须选择房屋", field="unit")
    else:
        repair_scope = ""
    fault_category = fault_category or ""
    if fault_category:
        # R4.6: the category picks the public-area fault's repair deadline; elsewhere it means nothing.
        _choice(fault_category, FaultCategory, "fault_category", "故障类别")
        if repair_scope != RepairScope.PUBLIC:
            raise ValidationFailed("故障类别只适用于公共区域报修", field="fault_category")
    quoted_price = None
    if type == RequestType.SPECIAL:
        # R8.1: a special-service order names a menu item, its price is stated before ordering, and the
        # agreed time is the appointment the arrival is measured against.
        fee_item, quoted_price = menu_item(project.pk, fee_item, at)
        if unit is None:
            raise ValidationFailed("特约服务须选择房屋", field="unit")
        if preferred_time is None:
            raise ValidationFailed("请约定上门时间", field="preferred_time")
    else:
        fee_item = None
    req = ServiceRequest(
        project=project,
        type=type,
        repair_scope=repair_scope,
        fault_category=fault_category,
        complaint_level=ComplaintLevel.TEAM if type == RequestType.COMPLAINT else "",
        channel=channel,
        urgency=urgency,
        unit=unit,
        caller=caller,
        contact_name=text(
            contact_name or (caller.name if caller else ""),
            "contact_name",
            "联系人",
            required=False,
            limit=60,
        ),
        contact_phone=phone or (caller.phone if caller else ""),
        content=content,
        location=text(location, "location", "地点", required=False, limit=120),
        preferred_time=preferred_time,
        contractor=text(contractor, "contractor", "施工单位", required=False, limit=80),
        received_at=at,
        first_receiver=actor if is_staff else None,
        idempotency_key=idempotency_key,
        created_by=actor,
        rework_of=rework_of,
        fee_item=fee_item,
        quoted_price=quoted_price,
    )
    versions = effective_map(project.pk, at, codes={*standard_codes(req), EVERY_REPAIR, VISIT_FLOOR})
    try:
        with transaction.atomic():
            # The month's counter stays locked from here to the commit (gap-free numbers): every read is done
            # but the repeat check, which under the same lock sees a report of the same unit made a moment ago.
            req.number = next_number(project.pk, NUMBER_PREFIX[type], at)
            req.repeat_of = _repeat_of(project, unit, type, at)
            req.visit_required = _needs_visit(req, versions)
            as_actor(req, actor).save()
            start_timers(req, versions)
            note = f"{req.get_channel_display()}受理"
            if fee_item is not None:
                note += f"；特约服务 {fee_item.name}，报价 {quoted_price} 元，预约 {_local(preferred_time)}"
            if req.repeat_of is not None:
                note += f"；重复反映，原单 {req.repeat_of.number}（不得等业主二次反映）"
            timeline_append(req, actor=actor, action="create", to_state=req.state, note=note, at=at)
            if req.repeat_of is not None and req.repeat_of.first_receiver is not None:
                tell(
                    req.repeat_of.first_receiver,
                    f"【重复反映】{req.repeat_of.number}",
                    f"客户再次反映同一房屋的报修（{req.number}），请尽快处理。",
                    req.repeat_of,
                )
    except IntegrityError:
        if idempotency_key:
            existing = ServiceRequest.objects.filter(project=project, idempotency_key=idempotency_key).first()
            if existing is not None and existing.created_by_id == getattr(actor, "pk", None):
                existing.replayed = True
                return existing
        raise
    return req


def _department(project_id: int, department: Department | None) -> Department:
    if department is None or department.project_id != project_id:
        raise ValidationFailed("请选择本项目的部门", field="department")
    return department


def _assignee(project_id: int, user):
    if user is None:
        return None
    if not Membership.objects.filter(user=user, project_id=project_id, active=True).exists():
        raise ValidationFailed("处理人须为本项目员工", field="assignee")
    return user


def request_dispatch(
    req: ServiceRequest, *, actor, department: Department, assignee=None, note: str = ""
) -> ServiceRequest:
    """Send the request to a department (and a person). The dispatcher becomes first receiver of a request
    that came in without one (portal, API)."""
    require(perms.can_handle(actor, req.project_id), "您没有派单的权限")
    at = now()
    with transaction.atomic():
        req = lock(req)
        department = _department(req.project_id, department)
        assignee = _assignee(req.project_id, assignee)
        fields = {"department": department, "assignee": assignee, "dispatched_at": at}
        if req.first_receiver_id is None:
            fields["first_receiver"] = actor
        who = f"{department.name}" + (
            f" / {assignee.get_full_name() or assignee.username}" if assignee else ""
        )
        REQUEST.move(
            req,
            "dispatch",
            actor=actor,
            at=at,
            note=text(note, "note", "说明", required=False) or f"派至 {who}",
            fields=fields,
        )
        meet_timers(req, "dispatch", at)
        if assignee is not None:
            tell(assignee, f"【新工单】{req.number}", f"{req.get_type_display()}：{req.content[:80]}", req)
    return req


def request_handover(
    req: ServiceRequest, *, actor, department: Department | None = None, assignee=None, note: str = ""
) -> ServiceRequest:
    """Hand the work to another department or person; the first receiver stays responsible and is told (R3.3)."""
    require(perms.can_handle(actor, req.project_id) or perms.is_field_worker(actor, req), "您没有转交的权限")
    note = text(note, "note", "转交原因")
    at = now()
    with transaction.atomic():
        req = lock(req)
        department = _department(req.project_id, department or req.department)
        assignee = _assignee(req.project_id, assignee)
        who = department.name + (f" / {assignee.get_full_name() or assignee.username}" if assignee else "")
        REQUEST.move(
            req,
            "handover",
            actor=actor,
            at=at,
            note=f"转交 {who}：{note}",
            fields={"department": department, "assignee": assignee},
        )
        if req.first_receiver_id and req.first_receiver_id != actor.pk:
            tell(req.first_receiver, f"【转交】{req.number}", f"已转交 {who}：{note}", req)
        if assignee is not None:
            tell(assignee, f"【新工单】{req.number}", f"{req.get_type_display()}：{req.content[:80]}", req)
    return req


def _field_step(req, action: str, *, actor, fields: dict, note: str = "", at=None) -> ServiceRequest:
    at = at or now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_work(actor, req), "只有派单的维修人员或客服可以登记")
        REQUEST.move(
            req,
            action,
            actor=actor,
            at=at,
            note=note,
            fields={k: (at if v is None else v) for k, v in fields.items()},
        )
        meet_timers(req, action, at)
    return req


def request_accept(req: ServiceRequest, *, actor) -> ServiceRequest:
    fields = {"accepted_at": None}
    if req.assignee_id is None and perms.is_field_worker(actor, req):
        fields["assignee"] = actor
    return _field_step(req, "accept", actor=actor, fields=fields)


def request_depart(req: ServiceRequest, *, actor) -> ServiceRequest:
    return _field_step(req, "depart", actor=actor, fields={"departed_at": None})


def request_arrive(req: ServiceRequest, *, actor) -> ServiceRequest:
    """On-site time (R4.1), which keeps the emergency on-site promise (R3.4); a special-service order's
    arrival is also measured against its appointment (R8.1)."""
    at = now()
    fields: dict = {"arrived_at": None}
    note = ""
    on_time = punctuality(req, at)
    if on_time is not None:
        fields["punctual"] = on_time
        note = f"预约 {_local(req.preferred_time)}，" + ("准时上门" if on_time else "未按约定时间上门")
    return _field_step(req, "arrive", actor=actor, fields=fields, note=note, at=at)


def _decimal(value, field: str, label: str, *, maximum: Decimal, positive: bool) -> Decimal:
    try:
        d = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(f"{label}须为数字", field=field) from None
    if not d.is_finite() or d > maximum or d < 0 or (positive and d == 0):
        raise ValidationFailed(
            f"{label}须{'大于 0 且' if positive else '不小于 0 且'}不超过 {maximum}", field=field
        )
    return d


def request_add_material(
    req: ServiceRequest, *, actor, name: str, quantity, measure: str = "", unit_price=None
) -> Material:
    """Materials used on the job (R4.1); amounts in yuan, two decimals."""
    name = text(name, "name", "材料名称", limit=60)
    quantity = _decimal(quantity, "quantity", "数量", maximum=MAX_QUANTITY, positive=True)
    price = (
        None
        if unit_price in (None, "")
        else _decimal(unit_price, "unit_price", "单价", maximum=MAX_PRICE, positive=False)
    )
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_work(actor, req), "只有派单的维修人员或客服可以登记材料")
        REQUEST.guard(req, "add_material")
        material = as_actor(
            Material(
                project_id=req.project_id,
                request=req,
                name=name,
                quantity=quantity,
                measure=text(measure, "measure", "单位", required=False, limit=10),
                unit_price=price,
                recorded_by=actor,
                recorded_at=at,
            ),
            actor,
        )
        material.save()
        timeline_append(
            req, actor=actor, action="add_material", note=f"{name} × {quantity}{material.measure}", at=at
        )
    return material


def request_add_photo(req: ServiceRequest, *, actor, image, stage: str = Photo.Stage.REPORT) -> Photo:
    _choice(stage, Photo.Stage, "stage", "照片阶段")
    check_upload(image, PHOTO, field="image")
    at = now()
    with transaction.atomic():
        req = lock(req)
        if stage == Photo.Stage.REPORT:
            require(perms.can_work(actor, req) or perms.is_requester(actor, req), "您不能为该请求上传照片")
        else:
            require(perms.can_work(actor, req), "只有维修人员可以上传维修前后照片")
        REQUEST.guard(req, "add_photo")
        photo = as_actor(
            Photo(
                project_id=req.project_id,
                request=req,
                stage=stage,
                image=image,
                uploaded_by=actor,
                uploaded_at=at,
            ),
            actor,
        )
        photo.save()
        timeline_append(req, actor=actor, action="add_photo", note=Photo.Stage(stage).label, at=at)
    return photo


def request_complete(req: ServiceRequest, *, actor, note: str) -> ServiceRequest:
    """Done with notes. A repair needs its on-site time first (R4.1); a warranty repair done by the contractor
    waits for engineering's verification (R4.2)."""
    note = text(note, "note", "处理结果")
    at = now()
    with transaction.atomic():
        req = lock(req)
        if (
            req.type in (RequestType.REPAIR, RequestType.SPECIAL)
            and not req.is_warranty
            and req.arrived_at is None
        ):
            if req.is_open:
                raise Conflict("请先登记到场时间，再登记完成", code="not_arrived")
        if req.is_warranty:
            require(perms.can_work(actor, req), "只有派单的维修人员或客服可以登记")
            REQUEST.move(
                req,
                "contractor_done",
                actor=actor,
                at=at,
                note=f"施工单位完工：{note}",
                fields={"contractor_done_at": at, "completion_note": note},
            )
            meet_timers(req, "contractor_done", at)
            if req.department_id:
                for m in Membership.objects.filter(
                    department_id=req.department_id, active=True
                ).select_related("user"):
                    tell(m.user, f"【待验收】{req.number}", "保修期维修已由施工单位完成，请工程部验收。", req)
            return req
        if req.type in (RequestType.REPAIR, RequestType.SPECIAL):
            require(perms.can_work(actor, req), "只有派单的维修人员或客服可以登记完成")
        else:
            referrals_fed_back(req)
            require(
                perms.can_handle(actor, req.project_id) or perms.can_work(actor, req),
                "您没有处理该请求的权限",
            )
        REQUEST.move(
            req,
            "complete",
            actor=actor,
            at=at,
            note=note,
            fields={"completed_at": at, "completion_note": note},
        )
        meet_timers(req, "complete", at)
        charge_on_completion(req, actor=actor)
        tell_requester(
            req, f"【请确认】{req.number} 已处理完毕", f"处理结果：{note[:120]}。请在“我的报修”中确认并评价。"
        )
    return req


def request_verify(req: ServiceRequest, *, actor, passed: bool, note: str = "") -> ServiceRequest:
    """Engineering verifies a warranty repair the contractor reported done (R4.2)."""
    note = text(note, "note", "验收意见", required=not passed)
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(
            (perms.can_work_orders(actor, req.project_id) and perms.is_field_worker(actor, req))
            or perms.can_judge(actor, req.project_id),
            "只有工程部或项目经理可以验收",
        )
        if passed:
            REQUEST.move(
                req,
                "verify",
                actor=actor,
                at=at,
                note=note or "验收合格",
                fields={"verified_at": at, "completed_at": at},
            )
            meet_timers(req, "verify", at)
            tell_requester(req, f"【请确认】{req.number} 已处理完毕", "保修期维修已验收合格，请确认并评价。")
        else:
            REQUEST.move(
                req,
                "verify_reject",
                actor=actor,
                at=at,
                note=f"验收不通过：{note}",
                fields={"contractor_done_at": None},
            )
    return req


SIGNATURE_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX = 200_000
SIGNER_NAME_MAX = 60


def clean_signature(value: str) -> str:
    """The customer's signature (R3.5, R4.1): a PNG drawn on the phone as a data URL (at most ~200 KB that
    decodes as a PNG image), or the customer's typed name when drawing is impossible."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed("请让客户签名后再确认", field="signature")
    if not value.startswith("data:"):
        return text(value, "signature", "签名人姓名", limit=SIGNER_NAME_MAX)
    if not value.startswith(SIGNATURE_PREFIX):
        raise ValidationFailed("签名须为 PNG 图片", field="signature")
    if len(value) > SIGNATURE_MAX:
        raise ValidationFailed("签名图片过大（不超过 200 KB），请清除后重签", field="signature")
    try:
        raw = base64.b64decode(value[len(SIGNATURE_PREFIX) :], validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            image.verify()
            if image.format != "PNG":
                raise ValueError
    except (ValueError, binascii.Error, OSError, Image.DecompressionBombError):
        raise ValidationFailed("签名图片无法识别，请清除后重签", field="signature") from None
    return value


def is_signature_image(value: str) -> bool:
    return (value or "").startswith(SIGNATURE_PREFIX)


def referrals_fed_back(req: ServiceRequest) -> None:
    """R3.10: a request referred to a responsible party is not closed before their answer reached the owner."""
    from jiayuan.service.models import Referral

    pending = Referral.objects.filter(request=req).exclude(state=Referral.State.FED_BACK).first()
    if pending is not None:
        raise Conflict(f"已转{pending.party_name}核实，须先将其答复反馈业主，才能办结", code="referral_open")


def request_confirm(req: ServiceRequest, *, actor, signature: str = "") -> ServiceRequest:
    """The customer confirms completion in the portal, or the technician records the customer's signature
    on the phone (R3.5, R4.1). The first receiver is told and the request closes."""
    at = now()
    with transaction.atomic():
        req = lock(req)
        signature = (signature or "").strip()
        if perms.is_requester(actor, req):
            how = "客户在线确认"
        else:
            require(perms.can_work(actor, req), "只有客户本人或维修人员（带客户签名）可以确认")
            signature = clean_signature(signature)
            how = "维修人员记录客户签名"
        referrals_fed_back(req)
        REQUEST.move(
            req,
            "confirm",
            actor=actor,
            at=at,
            note=how,
            fields={"confirmed_at": at, "closed_at": at, "confirmed_by": actor, "signature": signature},
        )
        cancel_timers(req)
        if req.first_receiver_id and req.first_receiver_id != actor.pk:
            tell(req.first_receiver, f"【已确认】{req.number}", f"客户已确认处理结果（{how}）。", req)
    return req


def request_cancel(req: ServiceRequest, *, actor, reason: str) -> ServiceRequest:
    reason = text(reason, "reason", "取消原因", limit=200)
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(perms.can_handle(actor, req.project_id) or perms.is_requester(actor, req), "您不能取消该请求")
        REQUEST.move(req, "cancel", actor=actor, at=at, note=reason, fields={"closed_at": at})
        cancel_timers(req)
    return req


def request_promise(
    req: ServiceRequest, *, actor, promised_at: datetime, special_reason: str = ""
) -> ServiceRequest:
    """Agree a completion time with the customer. Beyond the one-week ceiling only with a recorded special
    reason (R3.4)."""
    at = now()
    special_reason = text(special_reason, "special_reason", "特殊原因", required=False, limit=200)
    if promised_at is None or promised_at <= at:
        raise ValidationFailed("承诺完成时间须晚于现在", field="promised_at")
    with transaction.atomic():
        req = lock(req)
        require(
            perms.can_handle(actor, req.project_id) or perms.is_field_worker(actor, req),
            "您没有约定承诺时间的权限",
        )
        REQUEST.guard(req, "promise")
        ceiling = version_of("service.promise_max", req.project_id, at)
        if ceiling is not None:
            limit = deadline(req.received_at, ceiling.amount, ceiling.unit)
            if promised_at > limit and not special_reason:
                raise ValidationFailed(
                    f"承诺时间超过 {ceiling.amount.normalize()} 天上限（{limit:%Y-%m-%d}），须记录特殊原因",
                    field="special_reason",
                )
        fields = {"promised_at": promised_at, "promise_no": req.promise_no + 1}
        if special_reason:
            fields["special_reason"] = special_reason
        note = f"承诺 {_local(promised_at)} 前完成" + (
            f"；特殊原因：{special_reason}" if special_reason else ""
        )
        REQUEST.move(req, "promise", actor=actor, at=at, note=note, fields=fields)
        start_promise_timer(req, at=at)
        tell_requester(req, f"【承诺时间】{req.number}", note)
    return req


def _local(value: datetime) -> str:
    from django.utils.timezone import localtime

    return f"{localtime(value):%Y-%m-%d %H:%M}"


def request_postpone(
    req: ServiceRequest, *, actor, to: datetime, reason: str, customer_informed: bool
) -> ServiceRequest:
    """Postpone the promise: at most once per promise (the project's standard), before its deadline, with a
    reason and the customer told (R3.4 不得两次推迟)."""
    reason = text(reason, "reason", "推迟原因", limit=200)
    if not customer_informed:
        raise ValidationFailed("推迟须在到期前告知客户并取得同意，请先告知客户", field="customer_informed")
    at = now()
    with transaction.atomic():
        req = lock(req)
        require(
            perms.can_handle(actor, req.project_id) or perms.is_field_worker(actor, req), "您没有推迟的权限"
        )
        REQUEST.guard(req, "postpone")
        if req.promised_at is None:
            raise ValidationFailed("该请求尚未约定承诺时间，无需推迟", field="to")
        if at >= req.promised_at:
            raise Conflict("承诺时间已过，不能再推迟：推迟须在到期前告知客户", code="promise_expired")
        limit = version_of("service.max_postponements", req.project_id, at)
        allowed = int(limit.amount) if limit is not None else 1
        done = Postponement.objects.filter(request=req, promise_no=req.promise_no).count()
        if done >= allowed:
            raise Conflict("该承诺已推迟过一次，同一事项不得两次推迟", code="second_postponement")
        if to is None or to <= req.promised_at:
            raise ValidationFailed("推迟后的时间须晚于原承诺时间", field="to")
        try:
            with transaction.atomic():
                as_actor(
                    Postponement(
                        project_id=req.project_id,
                        request=req,
                        promise_no=req.promise_no,
                        from_due=req.promised_at,
                        to_due=to,
                        reason=reason,
                        customer_informed=True,
                        actor=actor,
                        at=at,
                    ),
                    actor,
                ).save()
        except IntegrityError:
            raise Conflict("该承诺已推迟过一次，同一事项不得两次推迟", code="second_postponement") from None
        from_due = req.promised_at
        REQUEST.move(
            req,
            "postpone",
            actor=actor,
            at=at,
            note=f"{_local(from_due)} → {_local(to)}：{reason}（已告知客户）",
            fields={"promised_at": to, "postponements": req.postponements + 1},
        )
        from jiayuan.service.models import Timer, TimerKind

        Timer.objects.filter(request=req, kind=TimerKind.PROMISE, state=Timer.State.RUNNING).update(due_at=to)
        tell_requester(req, f"【推迟】{req.number}", f"处理时间推迟至 {_local(to)}：{reason}")
    return req
