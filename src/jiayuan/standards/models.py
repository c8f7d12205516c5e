"""Service standards as data (ARCHITECTURE.md): deadlines, frequencies and targets.

``Standard`` is a catalogue entry (what is measured, with its R-number and seed source). Its values live
in ``StandardVersion`` rows that are never edited: the company default has ``project`` empty, a project
override names the project, and a change closes the current version (``valid_to``) and opens the next.
Timers, rounds and indicator values keep a reference to the version they were measured against, so
changing a standard never rewrites history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.roles import Perm
from jiayuan.core.scoping import scope_of


class Kind(models.TextChoices):
    DEADLINE = "deadline", _("时限")
    FREQUENCY = "frequency", _("频次")
    TARGET = "target", _("指标")


class Department(models.TextChoices):
    """Which department a standard belongs to (the page groups by it)."""

    MANAGEMENT = "management", _("综合管理")
    CUSTOMER_SERVICE = "customer_service", _("客服中心")
    ENGINEERING = "engineering", _("工程")
    SECURITY = "security", _("秩序")
    ENVIRONMENT = "environment", _("环境")
    FINANCE = "finance", _("财务")
    QUALITY = "quality", _("品质")
    COMMUNITY = "community", _("社区")
    HR = "hr", _("人事培训")


class DeadlineUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    HOURS = "hours", _("小时")
    DAYS = "days", _("天")
    WORKING_DAYS = "working_days", _("工作日")


class Period(models.TextChoices):
    SHIFT = "shift", _("每班")
    DAY = "day", _("每日")
    WEEK = "week", _("每周")
    HALF_MONTH = "half_month", _("每半月")
    MONTH = "month", _("每月")
    TWO_MONTHS = "two_months", _("每两月")
    QUARTER = "quarter", _("每季度")
    HALF_YEAR = "half_year", _("每半年")
    YEAR = "year", _("每年")


class Comparator(models.TextChoices):
    GE = "ge", "≥"
    LE = "le", "≤"
    EQ = "eq", "="


class StandardQuerySet(models.QuerySet):
    def visible_to(self, user) -> StandardQuerySet:
        """The catalogue is company-wide: every staff member who may read standards sees all of it;
        anyone else (owners, users without a membership) sees nothing."""
        scope = scope_of(user)
        perms = set(scope.perms_in(None))
        for project_id in scope.project_ids:
            perms |= scope.perms_in(project_id)
        return self.all() if Perm.VIEW_STANDARDS in perms else self.none()


class StandardVersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> StandardVersionQuerySet:
        """Company defaults and the overrides of the projects the user may read standards in."""
        scope = scope_of(user)
        project_ids = [pid for pid in scope.project_ids if Perm.VIEW_STANDARDS in scope.perms_in(pid)]
        if not project_ids and Perm.VIEW_STANDARDS not in scope.perms_in(None):
            return self.none()
        return self.filter(models.Q(project__isnull=True) | models.Q(project_id__in=project_ids))

    def in_force(self, at) -> StandardVersionQuerySet:
        return self.filter(valid_from__lte=at).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=at)
        )


class Standard(models.Model):
    """A catalogue entry: one measurable rule from REQUIREMENTS.md, e.g. ``service.dispatch`` (R3.4)."""

    code = models.CharField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    department = models.CharField(_("部门"), max_length=20, choices=Department.choices)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    requirement = models.CharField(
        _("需求编号"), max_length=20, help_text=_("REQUIREMENTS.md 中的编号，如 R3.4")
    )
    see_also = models.CharField(
        _("相关需求"), max_length=60, blank=True, help_text=_("同一数字也出现在这些需求中，空格分隔，如 R7.2")
    )
    source = models.CharField(_("出处"), max_length=120, blank=True)
    indicator_no = models.PositiveSmallIntegerField(
        _("指标序号"), null=True, blank=True, unique=True, help_text=_("R10.1 二十五项指标的序号")
    )
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    objects = StandardQuerySet.as_manager()

    class Meta:
        ordering = ["department", "sort_order", "code"]
        verbose_name = _("服务标准")
        verbose_name_plural = _("服务标准")

    def __str__(self) -> str:
        return self.name

    @property
    def requirements(self) -> list[str]:
        """The R-numbers that state this standard's number: its own line first, then ``see_also``."""
        return [self.requirement, *self.see_also.split()]


class StandardVersion(models.Model):
    """The value of a standard from ``valid_from`` until ``valid_to`` (open = current), for the company
    default (``project`` empty) or one project. Never edited after creation except to close it."""

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="versions")
    project = models.ForeignKey(
        "org.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"))
    enabled = models.BooleanField(_("启用"), default=True)
    # deadline: amount + unit; frequency: amount times per period (window, people); target: comparator amount unit
    amount = models.DecimalField(_("数值"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    period = models.CharField(_("周期"), max_length=12, choices=Period.choices, blank=True)
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, blank=True)
    window = models.CharField(_("时段"), max_length=20, blank=True, help_text=_("如 白天/夜间"))
    people = models.PositiveSmallIntegerField(_("人数"), null=True, blank=True)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = StandardVersionQuerySet.as_manager()

    class Meta:
        ordering = ["standard_id", "project_id", "-version"]
        # Two constraints each instead of nulls_distinct=False, which SQLite does not support.
        constraints = [
            models.UniqueConstraint(fields=["standard", "project", "version"], name="uniq_standard_version"),
            models.UniqueConstraint(
                fields=["standard", "version"],
                condition=models.Q(project__isnull=True),
                name="uniq_default_version",
            ),
            models.UniqueConstraint(
                fields=["standard", "project"],
                condition=models.Q(valid_to__isnull=True),
                name="one_current_version",
            ),
            models.UniqueConstraint(
                fields=["standard"],
                condition=models.Q(valid_to__isnull=True, project__isnull=True),
                name="one_current_default",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="standard_amount_nonnegative"),
        ]
        verbose_name = _("标准版本")
        verbose_name_plural = _("标准版本")

    def __str__(self) -> str:
        return f"{self.standard.code} v{self.version}"
