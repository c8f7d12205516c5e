"""Companies, projects, departments, staff, memberships (roles), certificates and training."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.models import ProjectScoped
from jiayuan.core.roles import Role


class Company(models.Model):
    """A property-service company (物业服务企业)."""

    code = models.SlugField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公司")
        verbose_name_plural = _("公司")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A managed project (管理项目): an estate, office park, station… One responsible person (专人负责制， R1.1)."""

    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("住宅小区")
        OFFICE = "office", _("写字楼/园区")
        STATION = "station", _("车站")
        COMMERCIAL = "commercial", _("商业")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="projects")
    code = models.SlugField(_("项目编码"), max_length=20, unique=True)
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.RESIDENTIAL)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("项目负责人"),
    )
    active = models.BooleanField(_("在管"), default=True)
    # Published numbers (R3.1): the 24-hour service line, emergency repairs and complaints. Shown to owners
    # in the portal and on printed notices; one line may serve several purposes.
    service_phone = models.CharField(_("客服热线（24小时）"), max_length=30, blank=True)
    emergency_phone = models.CharField(_("紧急维修电话"), max_length=30, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=30, blank=True)
    desk_hours = models.CharField(
        _("前台服务时间"), max_length=60, blank=True, default="08:00–18:00", help_text=_("之外由值班客服受理")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")

    def __str__(self) -> str:
        return self.name


class Department(ProjectScoped):
    """A department of a project (客服部， 工程部…); the company quality department has no project."""

    class Kind(models.TextChoices):
        MANAGEMENT = "management", _("项目管理处")
        CUSTOMER_SERVICE = "customer_service", _("客服部")
        ENGINEERING = "engineering", _("工程部")
        SECURITY = "security", _("秩序部")
        ENVIRONMENT = "environment", _("环境部")
        FINANCE = "finance", _("财务部")
        QUALITY = "quality", _("品质部")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="uniq_department_kind")]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Staff(ProjectScoped):
    """An employee working at a project, with post (岗位) and responsibilities (R1.2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff", verbose_name=_("部门")
    )
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    post = models.CharField(_("岗位"), max_length=40)
    responsibilities = models.TextField(_("岗位职责"), blank=True)
    is_manager = models.BooleanField(_("管理层"), default=False)
    professional = models.BooleanField(_("专业技术岗"), default=False)
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)
    active = models.BooleanField(_("在职"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "department_id", "name"]
        verbose_name = _("员工")
        verbose_name_plural = _("员工")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A role held by a user: in one project (and optionally one department), or company-wide when
    ``project`` is empty (company admin, the quality department's inspectors)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="memberships")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project", "role"], name="uniq_membership"),
        ]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.project or '公司'}"


# A certificate is flagged orange this many days before it expires (R1.3).
EXPIRY_WARNING_DAYS = 30


class CertificateStatus(models.TextChoices):
    EXPIRED = "expired", _("已过期")
    EXPIRING = "expiring", _("即将到期")
    VALID = "valid", _("有效")


class Certificate(ProjectScoped):
    """A certificate held by a staff member (持证上岗， R1.3)."""

    class Kind(models.TextChoices):
        PROPERTY_MANAGEMENT = "property_management", _("物业管理从业证")
        ELECTRICIAN = "electrician", _("电工证")
        HEIGHT = "height", _("登高作业证")
        WELDING = "welding", _("焊工证")
        DRIVING = "driving", _("机动车驾驶证")
        LIFT = "lift", _("电梯安全管理/操作证")
        BOILER = "boiler", _("锅炉操作证")
        FIRE = "fire", _("消防设施操作员证")
        HEALTH = "health", _("健康证")
        OTHER = "other", _("其他")

    SPECIAL_OPERATIONS = frozenset(
        {Kind.ELECTRICIAN, Kind.HEIGHT, Kind.WELDING, Kind.DRIVING, Kind.LIFT, Kind.BOILER}
    )

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("员工")
    )
    kind = models.CharField(_("证书类型"), max_length=24, choices=Kind.choices)
    number = models.CharField(_("证书编号"), max_length=40, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["expires_on"]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    def status_on(self, today: date) -> str:
        """``expired``, ``expiring`` (within EXPIRY_WARNING_DAYS) or ``valid``; no expiry date = valid."""
        if self.expires_on is None:
            return CertificateStatus.VALID
        if self.expires_on < today:
            return CertificateStatus.EXPIRED
        if self.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            return CertificateStatus.EXPIRING
        return CertificateStatus.VALID


class Training(ProjectScoped):
    """A training session attended by one staff member, with hours and assessment (R1.4)."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("通用培训")
        PROFESSIONAL = "professional", _("专业培训")
        SAFETY = "safety", _("安全培训")

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("员工")
    )
    date = models.DateField(_("日期"), db_index=True)
    topic = models.CharField(_("主题"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    passed = models.BooleanField(_("考核合格"), null=True, blank=True)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
