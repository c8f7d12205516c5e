"""Customer requests and repairs (R3, R4.1–R4.3, R4.6, R8.1): the request with its derived facts, its
photos, materials, timers, postponements, return visits and the complaint review.

The state machine is one table (``TRANSITIONS``): an action name, the states it may start from and the
state it leads to. Services guard with it; nothing else moves ``state``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jiayuan.core.files import PrivateName
from jiayuan.core.models import ProjectScoped


class RequestType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    REPAIR = "repair", _("报修")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    SPECIAL = "special", _("特约服务")


# Number prefix per type: BX-202611-0042 is the 42nd repair of November 2026 in its project.
NUMBER_PREFIX = {
    RequestType.CONSULTATION: "ZX",
    RequestType.REPAIR: "BX",
    RequestType.COMPLAINT: "TS",
    RequestType.SUGGESTION: "JY",
    RequestType.PRAISE: "BY",
    RequestType.SPECIAL: "TY",
}


class RepairScope(models.TextChoices):
    IN_UNIT = "in_unit", _("户内维修")
    PUBLIC = "public", _("公共区域")
    WARRANTY = "warranty", _("保修期内")


class FaultCategory(models.TextChoices):
    """Public-area faults with their own repair deadline in the standards (R4.6); blank = any other."""

    DOORS_WINDOWS = "doors_windows", _("公共门窗、玻璃")
    LIGHTING_ORDINARY = "lighting_ordinary", _("照明一般故障（灯座、灯泡、开关）")
    LIGHTING_OTHER = "lighting_other", _("照明其他故障")


class ComplaintLevel(models.TextChoices):
    """Where a service complaint has been collected to, level by level up to the project office (R3.10)."""

    TEAM = "team", _("班组")
    DEPARTMENT = "department", _("部门")
    PROJECT = "project", _("项目处")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    DESK = "desk", _("前台")
    PORTAL = "portal", _("业主门户")
    WALK_IN = "walk_in", _("来访")
    STAFF = "staff", _("员工上报")
    API = "api", _("接口")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    EMERGENCY = "emergency", _("紧急")


class State(models.TextChoices):
    NEW = "new", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已接单")
    ON_WAY = "on_way", _("在途")
    ARRIVED = "arrived", _("已到场")
    CONTRACTOR_DONE = "contractor_done", _("待验收")
    COMPLETED = "completed", _("待确认")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATES = frozenset(
    {State.NEW, State.DISPATCHED, State.ACCEPTED, State.ON_WAY, State.ARRIVED, State.CONTRACTOR_DONE}
)
_WORKING = {State.DISPATCHED, State.ACCEPTED, State.ON_WAY, State.ARRIVED}

# action -> (states it may start from, state it leads to; None = unchanged)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "dispatch": (frozenset({State.NEW}), State.DISPATCHED),
    "handover": (frozenset(_WORKING), State.DISPATCHED),
    "accept": (frozenset({State.DISPATCHED}), State.ACCEPTED),
    "depart": (frozenset({State.ACCEPTED}), State.ON_WAY),
    "arrive": (frozenset({State.ACCEPTED, State.ON_WAY}), State.ARRIVED),
    "add_material": (frozenset({State.ACCEPTED, State.ON_WAY, State.ARRIVED}), None),
    "add_photo": (frozenset(OPEN_STATES | {State.COMPLETED}), None),
    # A warranty repair is done by the contractor and only complete once engineering verified it (R4.2).
    "contractor_done": (frozenset({State.DISPATCHED, State.ACCEPTED, State.ARRIVED}), State.CONTRACTOR_DONE),
    "verify": (frozenset({State.CONTRACTOR_DONE}), State.COMPLETED),
    "verify_reject": (frozenset({State.CONTRACTOR_DONE}), State.DISPATCHED),
    # Consultations, complaints, suggestions and praise are answered without a field visit.
    "complete": (frozenset({State.NEW, *_WORKING}), State.COMPLETED),
    "confirm": (frozenset({State.COMPLETED}), State.CLOSED),
    "postpone": (frozenset(OPEN_STATES), None),
    "promise": (frozenset(OPEN_STATES), None),
    "cancel": (frozenset({State.NEW, State.DISPATCHED}), State.CANCELLED),
    "rate": (frozenset({State.CLOSED}), None),
    "visit": (frozenset({State.COMPLETED, State.CLOSED}), None),
    "judge": (frozenset(OPEN_STATES | {State.COMPLETED, State.CLOSED}), None),
    "feedback": (frozenset(OPEN_STATES | {State.COMPLETED, State.CLOSED}), None),
    # R3.4: the three-minute promise can't be kept; the customer is told beforehand and agrees a later time.
    "agree_delay": (frozenset({State.NEW}), None),
    # R8.1: the special-service fee is charged once the order is done.
    "charge": (frozenset({State.COMPLETED, State.CLOSED}), None),
}


class ServiceRequest(ProjectScoped):
    """A customer request (客户请求): consultation, repair, complaint, suggestion, praise or special-service
    order (R3.2, R8.1). The first receiver (首问责任人) owns it until the customer confirms (R3.3). The
    service that moves it also sets the derived facts (``dispatched_at`` … ``closed_at``, ``breached``)
    so that indicators are one indexed query."""

    number = models.CharField(_("单号"), max_length=24)
    type = models.CharField(_("类型"), max_length=16, choices=RequestType.choices)
    repair_scope = models.CharField(_("报修范围"), max_length=10, choices=RepairScope.choices, blank=True)
    fault_category = models.CharField(_("故障类别"), max_length=20, choices=FaultCategory.choices, blank=True)
    complaint_level = models.CharField(
        _("投诉汇总层级"), max_length=12, choices=ComplaintLevel.choices, blank=True
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.NEW)

    unit = models.ForeignKey(
        "estate.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    caller = models.ForeignKey(
        "estate.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("来电人"),
    )
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    content = models.TextField(_("内容"))
    location = models.CharField(_("地点"), max_length=120, blank=True)
    preferred_time = models.DateTimeField(_("预约时间"), null=True, blank=True)
    contractor = models.CharField(_("施工单位"), max_length=80, blank=True, help_text=_("保修期内报修"))

    # R8.1 special-service order: the menu item (billing's fee item of kind special), the price stated to
    # the customer before ordering, the punctuality of the arrival, the one charge raised on completion.
    fee_item = models.ForeignKey(
        "billing.FeeItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("特约服务项目"),
    )
    quoted_price = models.DecimalField(_("报价(元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    punctual = models.BooleanField(_("准时上门"), null=True, blank=True)
    charge = models.OneToOneField(
        "billing.Bill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("收费单"),
    )

    # R3.4 three-minute exception: the customer was told beforehand and agreed to a later arrival.
    delay_agreed_until = models.DateTimeField(_("客户同意到场时间"), null=True, blank=True)
    delay_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    delay_agreed_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    first_receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("首问责任人"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("部门"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )

    promised_at = models.DateTimeField(_("承诺完成时间"), null=True, blank=True)
    promise_no = models.PositiveSmallIntegerField(default=0)
    special_reason = models.CharField(_("特殊原因"), max_length=200, blank=True)
    postponements = models.PositiveSmallIntegerField(_("推迟次数"), default=0)

    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    departed_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    contractor_done_at = models.DateTimeField(_("施工单位完成时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    completion_note = models.TextField(_("处理结果"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature = models.TextField(_("签名"), blank=True, help_text=_("客户手写签名（图片数据）或签名人"))

    breached = models.BooleanField(_("超时"), default=False, db_index=True)
    rework_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reworks",
        verbose_name=_("返修原单"),
    )
    is_rework = models.BooleanField(_("返修"), default=False)
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("重复反映")
    )
    visit_required = models.BooleanField(_("需回访"), default=False)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    idempotency_key = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_request_number"),
            models.UniqueConstraint(
                fields=["project", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="uniq_request_idempotency_key",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(quoted_price__isnull=True) | models.Q(quoted_price__gte=0),
                name="request_quoted_price_nonnegative",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "state", "received_at"]),
            models.Index(fields=["project", "type", "received_at"]),
            # The month's completed repairs (the indicator board, R10.1).
            models.Index(fields=["project", "type", "completed_at"]),
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["unit", "received_at"]),
        ]
        verbose_name = _("客户请求")
        verbose_name_plural = _("客户请求")

    def __str__(self) -> str:
        return self.number

    @classmethod
    def owner_q(cls, user):
        """An owner sees the requests of the units they currently occupy and those they made themselves."""
        return models.Q(
            unit__occupancies__party__user=user, unit__occupancies__ended_on__isnull=True
        ) | models.Q(caller__user=user)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_warranty(self) -> bool:
        return self.type == RequestType.REPAIR and self.repair_scope == RepairScope.WARRANTY

    def allows(self, action: str) -> bool:
        sources, _target = TRANSITIONS[action]
        return self.state in sources


class Photo(ProjectScoped):
    """A photo of a request: as reported, before the work, after it."""

    class Stage(models.TextChoices):
        REPORT = "report", _("报修照片")
        BEFORE = "before", _("维修前")
        AFTER = "after", _("维修后")

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices, default=Stage.REPORT)
    image = models.ImageField(_("照片"), upload_to=PrivateName("service"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["request_id", "uploaded_at", "id"]
        verbose_name = _("请求照片")
        verbose_name_plural = _("请求照片")

    @classmethod
    def owner_q(cls, user):
        return models.Q(request__in=ServiceRequest._base_manager.filter(ServiceRequest.owner_q(user)))


class Material(ProjectScoped):
    """Material used on a repair (R4.1)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="materials")
    name = models.CharField(_("材料"), max_length=60)
    quantity = models.DecimalField(_("数量"), max_digits=9, decimal_places=2)
    measure = models.CharField(_("单位"), max_length=10, blank=True)
    unit_price = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["request_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="material_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price__isnull=True) | models.Q(unit_price__gte=0),
                name="material_price_nonnegative",
            ),
        ]
        verbose_name = _("维修材料")
        verbose_name_plural = _("维修材料")


class TimerKind(models.TextChoices):
    DISPATCH = "dispatch", _("三分钟派单")
    FIRST_RESPONSE = "first_response", _("三十分钟响应")
    EMERGENCY_ON_SITE = "emergency_on_site", _("急修到场")
    PROMISE = "promise", _("承诺完成")
    COMPLAINT_FEEDBACK = "complaint_feedback", _("投诉反馈")
    SUGGESTION_FEEDBACK = "suggestion_feedback", _("建议答复")
    INCIDENT_NOTIFY = "incident_notify", _("通报相关部门")
    APPOINTMENT = "appointment", _("特约准时上门")
    FAULT_REPAIR = "fault_repair", _("故障修复时限")


class Timer(ProjectScoped):
    """A service promise the system runs and measures (R3.4): due time from the project's effective
    standard (kept with its version), met or breached. A breach notifies the supervisor once."""

    class State(models.TextChoices):
        RUNNING = "running", _("计时中")
        MET = "met", _("已达成")
        BREACHED = "breached", _("已超时")
        CANCELLED = "cancelled", _("已取消")

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="timers")
    kind = models.CharField(_("时限"), max_length=20, choices=TimerKind.choices)
    standard_code = models.CharField(_("标准编码"), max_length=60)
    standard_version = models.ForeignKey(
        "standards.StandardVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"))
    due_at = models.DateTimeField(_("到期时间"), db_index=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RUNNING)
    met_at = models.DateTimeField(_("达成时间"), null=True, blank=True)
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    supervisor_notified_at = models.DateTimeField(_("已通知主管"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request_id", "due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["project", "kind", "due_at"]),
        ]
        verbose_name = _("服务时限")
        verbose_name_plural = _("服务时限")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"

    @classmethod
    def owner_q(cls, user):
        return models.Q(request__in=ServiceRequest._base_manager.filter(ServiceRequest.owner_q(user)))


class Postponement(ProjectScoped):
    """One postponement of a promise: at most one per promise, before its deadline, customer told (R3.4)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="postponement_rows")
    promise_no = models.PositiveSmallIntegerField()
    from_due = models.DateTimeField(_("原承诺时间"))
    to_due = models.DateTimeField(_("推迟至"))
    reason = models.CharField(_("推迟原因"), max_length=200)
    customer_informed = models.BooleanField(_("已告知客户"), default=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("时间"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["request_id", "at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "promise_no"], name="one_postponement_per_promise"),
        ]
        verbose_name = _("推迟记录")
        verbose_name_plural = _("推迟记录")


class ReturnVisit(ProjectScoped):
    """A return visit (回访, R3.6): outcome, satisfaction 1–5, comments, a follow-up request if unhappy."""

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        UNSATISFIED = "unsatisfied", _("不满意")
        UNREACHABLE = "unreachable", _("未联系上")

    class Method(models.TextChoices):
        PHONE = "phone", _("电话回访")
        VISIT = "visit", _("上门回访")
        ONLINE = "online", _("线上回访")

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="visits")
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices, default=Method.PHONE)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    comments = models.TextField(_("意见"), blank=True)
    follow_up = models.ForeignKey(
        ServiceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("跟进单"),
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    visited_at = models.DateTimeField(_("回访时间"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_at", "-id"]
        # The month's visits (the indicator board, R10.1).
        indexes = [models.Index(fields=["project", "visited_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="visit_satisfaction_1_5",
            ),
        ]
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")


class ComplaintReview(ProjectScoped):
    """The complaint's validity judgement (有效投诉) and handling record (R3.7)."""

    class Cause(models.TextChoices):
        SERVICE = "service", _("服务态度")
        REPAIR = "repair", _("维修质量")
        TIMELINESS = "timeliness", _("处理不及时")
        FEES = "fees", _("收费")
        SECURITY = "security", _("秩序安全")
        ENVIRONMENT = "environment", _("环境卫生")
        HOUSE_QUALITY = "house_quality", _("房屋质量")
        FACILITY = "facility", _("设施设备")
        NEIGHBOUR = "neighbour", _("邻里纠纷")
        OTHER = "other", _("其他")

    request = models.OneToOneField(ServiceRequest, on_delete=models.PROTECT, related_name="review")
    # Empty until judged: feedback to the customer (2 working days) may come before the judgement.
    valid = models.BooleanField(_("有效投诉"), null=True, blank=True)
    validity_reason = models.CharField(_("判定理由"), max_length=300, blank=True)
    cause = models.CharField(_("原因类别"), max_length=16, choices=Cause.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    judged_at = models.DateTimeField(_("判定时间"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    feedback = models.TextField(_("反馈内容"), blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    resolved_at = models.DateTimeField(_("处理完毕"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投诉判定")
        verbose_name_plural = _("投诉判定")


class Referral(ProjectScoped):
    """A house-quality or facility complaint (or repair) checked with the party responsible for it — the
    developer, the construction contractor, a supplier — and their answer fed back to the owner (R3.10)."""

    class Party(models.TextChoices):
        DEVELOPER = "developer", _("开发商")
        CONTRACTOR = "contractor", _("施工单位")
        SUPPLIER = "supplier", _("设备供应商")
        OTHER = "other", _("其他责任单位")

    class State(models.TextChoices):
        SENT = "sent", _("已转责任单位")
        ANSWERED = "answered", _("责任单位已答复")
        FED_BACK = "fed_back", _("已反馈业主")

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="referrals")
    party = models.CharField(_("责任单位类别"), max_length=12, choices=Party.choices)
    party_name = models.CharField(_("责任单位"), max_length=80)
    contact = models.CharField(_("联系人及电话"), max_length=80, blank=True)
    question = models.TextField(_("核实事项"))
    reply_due = models.DateField(_("要求答复日期"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SENT)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("转交时间"))
    answer = models.TextField(_("责任单位答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fed_back_at = models.DateTimeField(_("反馈业主时间"), null=True, blank=True)
    fed_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["request_id", "sent_at", "id"]
        indexes = [models.Index(fields=["project", "state", "sent_at"])]
        verbose_name = _("责任单位核实")
        verbose_name_plural = _("责任单位核实")

    def __str__(self) -> str:
        return f"{self.request_id} → {self.party_name}"

    @classmethod
    def owner_q(cls, user):
        return models.Q(request__in=ServiceRequest._base_manager.filter(ServiceRequest.owner_q(user)))
