"""State changes of the quality app: an indicator figure entered with its evidence (R10.1)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiayuan.core import indicators
from jiayuan.core.errors import Forbidden, ValidationFailed
from jiayuan.core.files import DOCUMENT, check_upload
from jiayuan.core.indicators import Period
from jiayuan.core.timeline import timeline_append
from jiayuan.quality.models import IndicatorEntry
from jiayuan.quality.permissions import can_enter_indicators
from jiayuan.quality.selectors import FIRST_MONTH, current_month, is_count
from jiayuan.standards.models import Standard
from jiayuan.standards.selectors import effective_version

MAX_FIGURE = Decimal("1000000000")
MAX_EVIDENCE = 2000


def enterable(code: str) -> Standard | None:
    """The catalogue indicator ``code`` if a figure may be typed in for it: one of the 25 that no module
    measures from its records (a measured figure is never overwritten by hand)."""
    if indicators.source(code) is not None:
        return None
    return Standard.objects.filter(code=code, indicator_no__isnull=False).first()


def _check_figures(numerator, denominator, count: bool) -> tuple[Decimal, Decimal | None]:
    if numerator is None:
        raise ValidationFailed("请填写分子（达标数或发生数）", field="numerator")
    numerator = Decimal(numerator)
    if not numerator.is_finite() or numerator < 0 or numerator > MAX_FIGURE:
        raise ValidationFailed("数值须在 0 到 1000000000 之间", field="numerator")
    if numerator != numerator.quantize(Decimal("0.01")):
        raise ValidationFailed("数值最多保留两位小数", field="numerator")
    if count:
        return numerator, None  # cases (起): the figure is the number itself
    if denominator is None:
        raise ValidationFailed("请填写分母（应检查或总数）", field="denominator")
    denominator = Decimal(denominator)
    if not denominator.is_finite() or denominator <= 0 or denominator > MAX_FIGURE:
        raise ValidationFailed("分母须大于 0 且不超过 1000000000", field="denominator")
    if denominator != denominator.quantize(Decimal("0.01")):
        raise ValidationFailed("数值最多保留两位小数", field="denominator")
    if numerator > denominator:
        raise ValidationFailed("分子不能大于分母", field="numerator")
    return numerator, denominator


def indicator_entry_record(
    project,
    *,
    actor,
    code: str,
    period: Period,
    numerator: Decimal | None,
    denominator: Decimal | None = None,
    evidence: str,
    evidence_file=None,
) -> IndicatorEntry:
    """Type in one month's figure of a catalogue indicator the records do not measure, with its evidence.

    Never edits: the new entry supersedes the one in force (kept, with its evidence, as history)."""
    if not can_enter_indicators(actor, project.pk):
        raise Forbidden("您没有录入该项目指标的权限")
    standard = enterable(code)
    if standard is None:
        raise ValidationFailed("该指标由系统根据业务记录计算，不能手工录入", field="code")
    if not (FIRST_MONTH <= period.start <= current_month().start):
        raise ValidationFailed("月份须在 2000-01 至本月之间", field="month")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationFailed("请填写依据说明（检查记录、台账或报告）", field="evidence")
    if len(evidence) > MAX_EVIDENCE:
        raise ValidationFailed("依据说明不能超过 2000 字", field="evidence")
    check_upload(evidence_file, DOCUMENT, field="evidence_file")
    version = effective_version(code, project.pk)
    numerator, denominator = _check_figures(numerator, denominator, is_count(version))
    with transaction.atomic():
        previous = (
            IndicatorEntry.objects.select_for_update()
            .filter(project_id=project.pk, code=code, period=period.start)
            .order_by("-entered_at", "-id")
            .first()
        )
        entry = IndicatorEntry(
            project_id=project.pk,
            code=code,
            period=period.start,
            numerator=numerator,
            denominator=denominator,
            evidence=evidence,
            entered_by=actor,
            entered_at=timezone.now(),
            supersedes=previous,
        )
        if evidence_file is not None:
            entry.evidence_file = evidence_file
        entry.save()
        figure = f"{numerator}" if denominator is None else f"{numerator}/{denominator}"
        timeline_append(
            entry,
            actor=actor,
            action="indicator_entered",
            note=f"录入{standard.name} {period.label}：{figure}",
            data={"supersedes": previous.pk if previous else None},
        )
    return entry
