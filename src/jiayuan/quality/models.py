"""Quality: indicator figures entered with evidence where the records cannot measure them (R10.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.files import PrivateName
from jiayuan.core.models import ProjectScoped


def evidence_path(entry: IndicatorEntry, filename: str) -> str:
    """The former, guessable ``upload_to`` (project, month, original name); kept because migration 0001
    names it. New files are named by ``PrivateName``."""
    return f"quality/evidence/{entry.project_id}/{entry.period:%Y-%m}/{filename}"


class IndicatorEntry(ProjectScoped):
    """A figure of one catalogue indicator for one project and month, typed in with its evidence.

    Never edited: a correction is a new entry, which supersedes the earlier ones of the same project,
    indicator and month (the board shows the latest; the earlier ones stay as its history)."""

    code = models.CharField(_("指标编码"), max_length=60)
    period = models.DateField(_("月份"), help_text=_("该月的第一天"))
    numerator = models.DecimalField(_("分子"), max_digits=12, decimal_places=2)
    # Empty for a count (起/年): the figure is the numerator itself.
    denominator = models.DecimalField(_("分母"), max_digits=12, decimal_places=2, null=True, blank=True)
    evidence = models.TextField(_("依据说明"))
    evidence_file = models.FileField(
        _("依据附件"), upload_to=PrivateName("quality/evidence"), blank=True, max_length=200
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("取代")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "code", "-period", "-entered_at", "-id"]
        indexes = [models.Index(fields=["project", "period", "code"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(numerator__gte=0), name="entry_numerator_nonnegative"),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="entry_denominator_positive",
            ),
        ]
        verbose_name = _("指标录入")
        verbose_name_plural = _("指标录入")

    def __str__(self) -> str:
        return f"{self.code} {self.period:%Y-%m}"
