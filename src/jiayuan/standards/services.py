"""Changes to service standards. Versions are never edited: a change closes the version in force
(``valid_to``) and opens the next one, so every timer, round and indicator keeps the value it was
measured against. Page, API and commands call these functions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jiayuan.core.errors import Forbidden, NotFound, ValidationFailed
from jiayuan.core.timeline import timeline_append
from jiayuan.standards.models import Standard, StandardVersion
from jiayuan.standards.permissions import can_edit_company_standard, can_override_standard, can_see_project
from jiayuan.standards.values import Values, check_values, format_value, to_decimal

MAX_REASON = 200
# A change may not reach back into the past (that would rewrite what timers were measured against);
# a minute of slack absorbs clock skew between a form being rendered and posted.
BACKDATE_SLACK = timedelta(minutes=1)
MAX_AHEAD = timedelta(days=366)


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写调整原因", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed("调整原因最多 200 个字", field="reason")
    return reason


def _clean_valid_from(valid_from: datetime | None, now: datetime) -> datetime:
    if valid_from is None:
        return now
    if timezone.is_naive(valid_from):
        valid_from = timezone.make_aware(valid_from)
    if valid_from < now - BACKDATE_SLACK:
        raise ValidationFailed("生效时间不能早于现在：标准不能追溯调整", field="valid_from")
    if valid_from > now + MAX_AHEAD:
        raise ValidationFailed("生效时间最多提前一年设定", field="valid_from")
    return max(valid_from, now)


def _merge(kind: str, base: StandardVersion, **given) -> Values:
    """The new values: what the caller gave, the rest inherited from ``base``. ``people=0`` clears it."""
    amount = to_decimal(given.pop("amount"))
    if amount is None:
        raise ValidationFailed("请输入有效的数值", field="amount")
    fields = Values.of(base).as_fields()
    fields.update({k: v for k, v in given.items() if v is not None})
    fields["amount"] = amount
    if fields["people"] == 0:
        fields["people"] = None
    values = Values(**fields)
    errors = check_values(kind, values)
    if errors:
        name, message = errors[0]
        raise ValidationFailed(message, field=name)
    return values


def _state(version: StandardVersion | None, kind: str) -> str:
    if version is None:
        return ""
    text = format_value(version, kind)
    if not version.enabled:
        text += " · 停用"
    return text[:64]


def _next_version_number(standard: Standard) -> int:
    """Version numbers count per standard across the default and every project, so a history reads
    v1 (default), v2 (翠湖花园), v3 (default)… The caller holds the standard's row lock."""
    return (StandardVersion.objects.filter(standard=standard).aggregate(n=Max("version"))["n"] or 0) + 1


def _open_version(standard: Standard, project_id: int | None) -> StandardVersion | None:
    qs = StandardVersion.objects.select_for_update().filter(standard=standard, valid_to__isnull=True)
    qs = qs.filter(project__isnull=True) if project_id is None else qs.filter(project_id=project_id)
    return qs.first()


def _replace(
    standard: Standard, *, actor, project_id: int | None, values: Values, reason: str, valid_from: datetime
) -> tuple[StandardVersion | None, StandardVersion]:
    """Close the open version of the scope (if any) at ``valid_from`` and open the next one."""
    current = _open_version(standard, project_id)
    if current is not None:
        if valid_from <= current.valid_from:
            raise ValidationFailed("生效时间须晚于当前版本的生效时间", field="valid_from")
        current.valid_to = valid_from
        current._history_user = actor
        current.save(update_fields=["valid_to"])
    new = StandardVersion(
        standard=standard,
        project_id=project_id,
        version=_next_version_number(standard),
        valid_from=valid_from,
        reason=reason,
        created_by=actor,
        **values.as_fields(),
    )
    new._history_user = actor
    new.save()
    return current, new


def _lock(standard: Standard) -> Standard:
    # Serialises every change to one standard: version numbers and "one open version" stay consistent.
    return Standard.objects.select_for_update().get(pk=standard.pk)


def _default_in_force(standard: Standard, at: datetime) -> StandardVersion | None:
    return StandardVersion.objects.filter(standard=standard, project__isnull=True).in_force(at).first()


def _add_version(
    standard, base, *, actor, project_id, changes: dict, reason: str, valid_from, action: str, same: str
) -> StandardVersion:
    """Close ``base``'s line and open the next version with ``changes`` merged in; timeline it."""
    values = _merge(standard.kind, base, **changes)
    if values == Values.of(base):
        raise ValidationFailed(same, field="amount")
    _, new = _replace(
        standard, actor=actor, project_id=project_id, values=values, reason=reason, valid_from=valid_from
    )
    timeline_append(
        standard,
        actor=actor,
        action=action,
        from_state=_state(base, standard.kind),
        to_state=_state(new, standard.kind),
        note=reason,
        data={"version": new.version, "replaced_version": base.version, "valid_from": valid_from.isoformat()},
        project_id=project_id,
    )
    return new


def _guard_project(actor, project) -> None:
    if project is None or not can_see_project(actor, project.pk):
        raise NotFound("项目不存在或无权查看", field="project")
    if not can_override_standard(actor, project):
        raise Forbidden("只有本项目的项目经理或公司管理员可以调整本项目的服务标准")


def standard_override(
    standard: Standard,
    *,
    actor,
    project,
    amount,
    enabled: bool,
    reason: str,
    unit: str | None = None,
    period: str | None = None,
    comparator: str | None = None,
    window: str | None = None,
    people: int | None = None,
    valid_from: datetime | None = None,
) -> StandardVersion:
    """Give ``project`` its own value of ``standard`` from ``valid_from`` (now by default). Fields left
    ``None`` keep the value the project runs now; ``people=0`` drops the people requirement."""
    _guard_project(actor, project)
    changes = dict(
        amount=amount,
        enabled=bool(enabled),
        unit=unit,
        period=period,
        comparator=comparator,
        window=window,
        people=people,
    )
    reason = _clean_reason(reason)
    now = timezone.now()
    valid_from = _clean_valid_from(valid_from, now)
    with transaction.atomic():
        standard = _lock(standard)
        base = _open_version(standard, project.pk) or _default_in_force(standard, valid_from)
        if base is None:
            raise ValidationFailed("该标准没有生效的公司默认值，无法调整")
        new = _add_version(
            standard,
            base,
            actor=actor,
            project_id=project.pk,
            changes=changes,
            reason=reason,
            valid_from=valid_from,
            action="standard_override",
            same="调整后的值与本项目当前执行的值相同",
        )
    return new


def standard_reset(standard: Standard, *, actor, project, reason: str) -> StandardVersion:
    """End the project's own value now: the company default applies again. Returns the closed version."""
    _guard_project(actor, project)
    reason = _clean_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        standard = _lock(standard)
        current = _open_version(standard, project.pk)
        if current is None:
            raise ValidationFailed("本项目未调整该标准，已在执行公司默认值")
        # A change scheduled for later that is reset before it starts never comes into force.
        current.valid_to = max(now, current.valid_from)
        current._history_user = actor
        current.save(update_fields=["valid_to"])
        default = _default_in_force(standard, current.valid_to)
        timeline_append(
            standard,
            actor=actor,
            action="standard_reset",
            from_state=_state(current, standard.kind),
            to_state=_state(default, standard.kind),
            note=reason,
            data={"version": current.version, "default_version": default.version if default else None},
            project_id=project.pk,
        )
    return current


def standard_set_default(
    standard: Standard,
    *,
    actor,
    amount,
    enabled: bool,
    reason: str,
    unit: str | None = None,
    period: str | None = None,
    comparator: str | None = None,
    window: str | None = None,
    people: int | None = None,
    valid_from: datetime | None = None,
) -> StandardVersion:
    """Change the company default (company admins). Projects with their own value keep it."""
    if not can_edit_company_standard(actor):
        raise Forbidden("只有公司管理员可以调整公司默认标准")
    changes = dict(
        amount=amount,
        enabled=bool(enabled),
        unit=unit,
        period=period,
        comparator=comparator,
        window=window,
        people=people,
    )
    reason = _clean_reason(reason)
    now = timezone.now()
    valid_from = _clean_valid_from(valid_from, now)
    with transaction.atomic():
        standard = _lock(standard)
        base = _open_version(standard, None)
        if base is None:
            raise ValidationFailed("该标准没有当前的公司默认值")
        new = _add_version(
            standard,
            base,
            actor=actor,
            project_id=None,
            changes=changes,
            reason=reason,
            valid_from=valid_from,
            action="standard_set_default",
            same="调整后的值与当前公司默认值相同",
        )
    return new
