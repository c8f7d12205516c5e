"""State changes of the organisation: certificates (R1.3) and training records (R1.4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.timeline import timeline_append
from jiayuan.org.models import Certificate, Staff, Training
from jiayuan.org.permissions import can_edit_org

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal(24)


def _guard(staff: Staff, actor) -> None:
    if not can_edit_org(actor, staff.project_id):
        raise Forbidden("您没有维护该项目员工资料的权限")
    if not staff.active:
        raise ValidationFailed("该员工已离职，不能再登记", field="staff")


def _check_date(value: date | None, field: str, label: str) -> None:
    if value is not None and not (EARLIEST <= value <= LATEST):
        raise ValidationFailed(f"{label}须在 2000-01-01 至 2100-12-31 之间", field=field)


def certificate_add(
    staff: Staff,
    *,
    actor,
    kind: str,
    number: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
) -> Certificate:
    """Record a certificate the employee holds (持证上岗). A renewal is a new certificate of the same kind:
    the old one stays for the record and drops out of the expiry list."""
    _guard(staff, actor)
    if kind not in Certificate.Kind.values:
        raise ValidationFailed("请选择证书类型", field="kind")
    number = (number or "").strip()
    if len(number) > 40:
        raise ValidationFailed("证书编号不能超过 40 个字符", field="number")
    _check_date(issued_on, "issued_on", "发证日期")
    _check_date(expires_on, "expires_on", "有效期")
    if issued_on and expires_on and expires_on <= issued_on:
        raise ValidationFailed("有效期须晚于发证日期", field="expires_on")
    with transaction.atomic():
        cert = Certificate.objects.create(
            project_id=staff.project_id,
            staff=staff,
            kind=kind,
            number=number,
            issued_on=issued_on,
            expires_on=expires_on,
        )
        until = expires_on.isoformat() if expires_on else "长期"
        label = " ".join(filter(None, [cert.get_kind_display(), number]))
        timeline_append(
            staff,
            actor=actor,
            action="certificate_add",
            note=f"登记{label}，有效期至 {until}",
            data={"certificate": cert.pk},
        )
    return cert


def training_record(
    staff: Staff,
    *,
    actor,
    date: date,
    topic: str,
    hours,
    kind: str = Training.Kind.GENERAL,
    passed: bool | None = None,
    score=None,
) -> Training:
    """Record that the employee attended a training session, with hours and assessment (R1.4)."""
    _guard(staff, actor)
    topic = (topic or "").strip()
    if not topic:
        raise ValidationFailed("请填写培训主题", field="topic")
    if len(topic) > 100:
        raise ValidationFailed("培训主题不能超过 100 个字符", field="topic")
    if kind not in Training.Kind.values:
        raise ValidationFailed("请选择培训类型", field="kind")
    if date is None:
        raise ValidationFailed("请填写培训日期", field="date")
    _check_date(date, "date", "培训日期")
    if date > timezone.localdate():
        raise ValidationFailed("培训日期不能晚于今天：请在培训结束后登记", field="date")
    hours = _decimal(hours, "hours", "学时")
    if hours is None or not (MIN_HOURS <= hours <= MAX_HOURS):
        raise ValidationFailed("学时须在 0.5 至 24 小时之间", field="hours")
    score = _decimal(score, "score", "成绩")
    if score is not None and not (0 <= score <= 100):
        raise ValidationFailed("成绩须在 0 至 100 之间", field="score")
    with transaction.atomic():
        training = Training.objects.create(
            project_id=staff.project_id,
            staff=staff,
            date=date,
            topic=topic,
            kind=kind,
            hours=hours.quantize(Decimal("0.1")),
            passed=passed,
            score=score.quantize(Decimal("0.1")) if score is not None else None,
        )
        timeline_append(
            staff,
            actor=actor,
            action="training_record",
            note=f"{date.isoformat()} {training.get_kind_display()}「{topic}」{training.hours} 学时",
            data={"training": training.pk},
        )
    return training


def _decimal(value, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(f"{label}须为数字", field=field)
    if not result.is_finite():
        raise ValidationFailed(f"{label}须为数字", field=field)
    return result
