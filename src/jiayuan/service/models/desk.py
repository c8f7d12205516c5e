"""The desk's own records beside the requests: goods-release slips checked at the gate (R3.9), home visits
(R3.11) and the register of the developer's legacy defects followed to rectification (R3.12).

Each has its state machine as one table (``*_TRANSITIONS``); the services in ``service/services/desk.py``
guard with it and set the derived fields (who and when of every step), so lists are one indexed query.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.files import PrivateName
from jiayuan.core.models import ProjectScoped

# --- R3.9 goods-release slip (物品出门条) ------------------------------------------------------------------


class ReleaseState(models.TextChoices):
    ISSUED = "issued", _("有效")
    RELEASED = "released", _("已放行")
    REFUSED = "refused", _("门岗拒绝放行")
    CANCELLED = "cancelled", _("已作废")


class ApplicantRelation(models.TextChoices):
    OWNER = "owner", _("业主本人")
    RESIDENT = "resident", _("家庭成员")
    TENANT = "tenant", _("租户")
    AGENT = "agent", _("受托人")


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", _("业主到场签字")
    PHONE = "phone", _("电话确认")
    WRITTEN = "written", _("书面委托")
    PORTAL = "portal", _("线上确认")


RELEASE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "release": (frozenset({ReleaseState.ISSUED}), ReleaseState.RELEASED),
    "refuse": (frozenset({ReleaseState.ISSUED}), ReleaseState.REFUSED),
    "cancel": (frozenset({ReleaseState.ISSUED}), ReleaseState.CANCELLED),
}


class GoodsRelease(ProjectScoped):
    """A goods-release slip (物品出门条, R3.9; S4 方案5 三.2.3): the desk issues it for goods leaving the estate
    from a unit; the gate guard checks it against the goods and releases them once. Someone other than the
    owner needs the owner's consent, recorded with who gave it and how. Valid on one day (``valid_on``)."""

    number = models.CharField(_("单号"), max_length=24)
    unit = models.ForeignKey(
        "estate.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    applicant_relation = models.CharField(
        _("申请人身份"), max_length=10, choices=ApplicantRelation.choices, default=ApplicantRelation.OWNER
    )
    carrier_name = models.CharField(_("携物人"), max_length=40)
    carrier_phone = models.CharField(_("携物人手机"), max_length=20)
    carrier_id_number = models.CharField(_("携物人证件号"), max_length=32, blank=True)
    items = models.TextField(_("物品清单"))
    item_count = models.PositiveIntegerField(_("件数"))
    vehicle_plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    valid_on = models.DateField(_("有效日期"))
    consent_name = models.CharField(_("同意业主"), max_length=40, blank=True)
    consent_method = models.CharField(_("确认方式"), max_length=10, choices=ConsentMethod.choices, blank=True)
    consent_note = models.CharField(_("确认说明"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ReleaseState.choices, default=ReleaseState.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("开具人"),
    )
    issued_at = models.DateTimeField(_("开具时间"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("放行门岗"),
    )
    released_at = models.DateTimeField(_("放行时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("作废/拒绝时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_goods_release_number"),
            models.CheckConstraint(
                condition=models.Q(item_count__gte=1), name="goods_release_count_positive"
            ),
        ]
        indexes = [models.Index(fields=["project", "state", "valid_on"])]
        verbose_name = _("物品出门条")
        verbose_name_plural = _("物品出门条")

    def __str__(self) -> str:
        return self.number

    @property
    def expired(self) -> bool:
        return self.state == ReleaseState.ISSUED and self.valid_on < timezone.localdate()

    @property
    def usable(self) -> bool:
        """Valid at the gate right now: issued, for today, not yet used."""
        return self.state == ReleaseState.ISSUED and self.valid_on == timezone.localdate()

    def allows(self, action: str) -> bool:
        return self.state in RELEASE_TRANSITIONS[action][0]


# --- R3.11 home visits (上门走访) ---------------------------------------------------------------------------


class VisitState(models.TextChoices):
    PLANNED = "planned", _("待电话预约")
    AGREED = "agreed", _("已约定")
    DONE = "done", _("已走访")
    CANCELLED = "cancelled", _("已取消")


class VisitOutcome(models.TextChoices):
    MET = "met", _("见到业主")
    NOBODY_HOME = "nobody_home", _("无人在家（已留便条）")
    REFUSED = "refused", _("业主婉拒")


VISIT_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "call": (frozenset({VisitState.PLANNED, VisitState.AGREED}), VisitState.AGREED),
    "record": (frozenset({VisitState.AGREED}), VisitState.DONE),
    "opinion": (frozenset({VisitState.DONE}), None),
    "cancel": (frozenset({VisitState.PLANNED, VisitState.AGREED}), VisitState.CANCELLED),
}


class HomeVisit(ProjectScoped):
    """A home visit (上门走访, R3.11; S4 方案5 客服礼仪(5)): phone the owner first, go at the agreed time, two
    staff when entering the unit (one may go when staying at the door), knock again after 30 seconds,
    leave a note when nobody is home, record the owner's opinions."""

    number = models.CharField(_("编号"), max_length=24)
    unit = models.ForeignKey(
        "estate.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    purpose = models.CharField(_("走访事由"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=VisitState.choices, default=VisitState.PLANNED)
    planned_on = models.DateField(_("计划日期"), db_index=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("走访人员"))
    called_at = models.DateTimeField(_("电话预约时间"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    call_note = models.CharField(_("电话记录"), max_length=200, blank=True)
    agreed_time = models.DateTimeField(_("约定上门时间"), null=True, blank=True)
    visited_at = models.DateTimeField(_("实际上门时间"), null=True, blank=True)
    entered_unit = models.BooleanField(_("进入室内"), default=False)
    outcome = models.CharField(_("走访结果"), max_length=12, choices=VisitOutcome.choices, blank=True)
    knocked_again = models.BooleanField(_("等候30秒后再次敲门"), default=False)
    note_left = models.CharField(_("留言便条"), max_length=200, blank=True)
    opinions = models.TextField(_("业主意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    history = HistoricalRecords(m2m_fields=[staff])

    class Meta:
        ordering = ["-planned_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="uniq_home_visit_number")]
        indexes = [
            models.Index(fields=["project", "state", "planned_on"]),
            models.Index(fields=["unit", "planned_on"]),
        ]
        verbose_name = _("上门走访")
        verbose_name_plural = _("上门走访")

    def __str__(self) -> str:
        return self.number

    def allows(self, action: str) -> bool:
        return self.state in VISIT_TRANSITIONS[action][0]


class VisitOpinion(ProjectScoped):
    """One opinion an owner gave on a visit; one that needs action opens a customer request (R3.11)."""

    visit = models.ForeignKey(HomeVisit, on_delete=models.PROTECT, related_name="opinion_rows")
    content = models.TextField(_("意见内容"))
    request = models.ForeignKey(
        "service.ServiceRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成的客户请求"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["visit_id", "recorded_at", "id"]
        verbose_name = _("走访意见")
        verbose_name_plural = _("走访意见")


# --- R3.12 legacy defects of the developer (遗留问题) -------------------------------------------------------


class DefectState(models.TextChoices):
    OPEN = "open", _("待上报")
    REPORTED = "reported", _("已报开发商")
    RECTIFIED = "rectified", _("开发商已整改")
    VERIFIED = "verified", _("工程已验证")
    CLOSED = "closed", _("非缺陷关闭")


class DefectCategory(models.TextChoices):
    LEAK = "leak", _("渗漏水")
    CRACK = "crack", _("墙地面开裂空鼓")
    DOORS_WINDOWS = "doors_windows", _("门窗")
    PLUMBING = "plumbing", _("给排水")
    ELECTRICAL = "electrical", _("强弱电")
    FACADE = "facade", _("外立面")
    FACILITY = "facility", _("公共设施设备")
    LANDSCAPE = "landscape", _("园林道路")
    OTHER = "other", _("其他")


DEFECT_OPEN_STATES = frozenset({DefectState.OPEN, DefectState.REPORTED})
DEFECT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "report": (frozenset({DefectState.OPEN}), DefectState.REPORTED),
    "rectified": (frozenset({DefectState.REPORTED}), DefectState.RECTIFIED),
    "verify": (frozenset({DefectState.RECTIFIED}), DefectState.VERIFIED),
    # Engineering found the rectification not done: back to the developer, the deadline still running.
    "verify_reject": (frozenset({DefectState.RECTIFIED}), DefectState.REPORTED),
    "close": (frozenset({DefectState.OPEN, DefectState.REPORTED}), DefectState.CLOSED),
}


class LegacyDefect(ProjectScoped):
    """A legacy defect (遗留问题) left by the developer, tracked to rectification (R3.12; S3, S4 方案5): in a
    unit or a common area, reported to the developer with a rectification deadline, rectified by the
    developer, verified by engineering — or closed as not a defect, with the reason."""

    number = models.CharField(_("编号"), max_length=24)
    unit = models.ForeignKey(
        "estate.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    location = models.CharField(_("部位/公共区域"), max_length=120, blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=DefectCategory.choices)
    description = models.TextField(_("问题描述"))
    found_on = models.DateField(_("发现日期"))
    found_by = models.CharField(_("发现人"), max_length=60)
    state = models.CharField(_("状态"), max_length=10, choices=DefectState.choices, default=DefectState.OPEN)
    developer_contact = models.CharField(_("开发商接收人"), max_length=60, blank=True)
    reported_on = models.DateField(_("上报日期"), null=True, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    rectify_note = models.CharField(_("整改情况"), max_length=300, blank=True)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    close_reason = models.CharField(_("关闭原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-found_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_legacy_defect_number"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | ~models.Q(location=""),
                name="defect_unit_or_location",
            ),
        ]
        indexes = [models.Index(fields=["project", "state", "deadline"])]
        verbose_name = _("遗留问题")
        verbose_name_plural = _("遗留问题")

    def __str__(self) -> str:
        return self.number

    def allows(self, action: str) -> bool:
        return self.state in DEFECT_TRANSITIONS[action][0]

    @property
    def is_open(self) -> bool:
        return self.state in DEFECT_OPEN_STATES

    def days_open(self, today: date | None = None) -> int:
        """Ageing: days from finding to verification or closing, or to today while not finished."""
        end = self.verified_at or self.closed_at
        end_day = timezone.localdate(end) if end else (today or timezone.localdate())
        return max(0, (end_day - self.found_on).days)

    def overdue(self, today: date | None = None) -> bool:
        """Past the developer's deadline and not rectified yet."""
        today = today or timezone.localdate()
        return self.is_open and self.deadline is not None and self.deadline < today


class DefectPhoto(ProjectScoped):
    """A photo of a legacy defect: as found, or after the rectification."""

    class Stage(models.TextChoices):
        FOUND = "found", _("发现时")
        RECTIFIED = "rectified", _("整改后")

    defect = models.ForeignKey(LegacyDefect, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices, default=Stage.FOUND)
    image = models.ImageField(_("照片"), upload_to=PrivateName("service/defects"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["defect_id", "uploaded_at", "id"]
        verbose_name = _("遗留问题照片")
        verbose_name_plural = _("遗留问题照片")


__all__ = [
    "DEFECT_OPEN_STATES",
    "DEFECT_TRANSITIONS",
    "RELEASE_TRANSITIONS",
    "VISIT_TRANSITIONS",
    "ApplicantRelation",
    "ConsentMethod",
    "DefectCategory",
    "DefectPhoto",
    "DefectState",
    "GoodsRelease",
    "HomeVisit",
    "LegacyDefect",
    "ReleaseState",
    "VisitOpinion",
    "VisitOutcome",
    "VisitState",
]
