"""Page forms of the desk, the field and the portal. They only shape input; the rules live in the services,
whose errors land on the fields here (core.web.run_service)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jiayuan.core.files import PHOTO, upload_field
from jiayuan.estate.forms import ServiceForm
from jiayuan.org.models import Department, Membership
from jiayuan.service.models import (
    Channel,
    ComplaintReview,
    FaultCategory,
    Photo,
    Referral,
    RepairScope,
    RequestType,
    ReturnVisit,
    Urgency,
)
from jiayuan.service.services.requests import SIGNATURE_MAX

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _dt(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DT_FORMATS,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _text(label, *, required=True, rows=3, max_length=2000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class NewRequestForm(ServiceForm):
    """The desk's intake form: who (address or phone), what, how urgent — under a minute on the phone."""

    who = forms.CharField(
        label=_("房号或来电手机"),
        max_length=60,
        required=False,
        help_text=_("如 3-2-1201 或 13800138000；公共区域报修可不填"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search"}),
    )
    # Set by one click on a lookup result (htmx); empty when the clerk typed an exact address or phone.
    unit_id = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    caller_id = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    type = forms.ChoiceField(label=_("类型"), choices=RequestType.choices, initial=RequestType.REPAIR)
    fee_item = forms.TypedChoiceField(
        label=_("特约服务项目"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("特约服务：按菜单价格收费，请先向客户说明价格"),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    repair_scope = forms.ChoiceField(
        label=_("报修范围"), choices=[("", "—"), *RepairScope.choices], required=False
    )
    fault_category = forms.ChoiceField(
        label=_("故障类别"),
        choices=[("", "—"), *FaultCategory.choices],
        required=False,
        help_text=_("公共区域门窗、照明故障按标准时限修复"),
    )
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.PHONE)
    content = _text(_("内容"))
    location = forms.CharField(label=_("地点"), max_length=120, required=False)
    preferred_time = _dt(_("预约时间"), required=False)
    contractor = forms.CharField(
        label=_("施工单位"), max_length=80, required=False, help_text=_("保修期内报修填写")
    )

    def __init__(self, *args, menu=(), lookup_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["urgency"].widget.attrs["class"] = "form-check-input"
        self.fields["fee_item"].choices = [("", "—")] + [
            (str(item.pk), f"{item.name} ¥{price}") for item, price in menu
        ]
        if lookup_url:
            self.fields["who"].widget.attrs.update(
                {
                    "hx-get": lookup_url,
                    "hx-trigger": "input changed delay:300ms, search",
                    "hx-target": "#jy-who-results",
                    "hx-sync": "this:replace",
                }
            )


class DispatchForm(ServiceForm):
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none())
    assignee = forms.ModelChoiceField(
        label=_("处理人"), queryset=get_user_model().objects.none(), required=False
    )
    note = _text(_("说明"), required=False, rows=2)

    def __init__(self, *args, project_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Departments of the request's project, read by the service's own project check as well.
        self.fields["department"].queryset = Department.objects.filter(project_id=project_id)
        staff_ids = Membership.objects.filter(project_id=project_id, active=True).values("user_id")
        self.fields["assignee"].queryset = get_user_model().objects.filter(pk__in=staff_ids, is_active=True)
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class HandoverForm(DispatchForm):
    note = _text(_("转交原因"), rows=2)


class NoteForm(ServiceForm):
    note = _text(_("处理结果"))


class VerifyForm(ServiceForm):
    passed = forms.TypedChoiceField(
        label=_("验收结论"),
        choices=[("true", _("合格")), ("false", _("不合格，退回施工单位"))],
        coerce=lambda v: v == "true",
    )
    note = _text(_("验收意见"), required=False, rows=2)


class SignaturePad(forms.HiddenInput):
    """A canvas the customer signs on with a finger or the mouse; the drawing travels as a PNG data URL in
    the hidden input. Without JavaScript the canvas stays hidden and the typed name is used."""

    template_name = "service/widgets/signature.html"


class ConfirmForm(ServiceForm):
    signature = forms.CharField(
        label=_("客户签名"),
        required=False,
        max_length=SIGNATURE_MAX,
        widget=SignaturePad,
        help_text=_("请客户在框内手写签名；写错可点“清除”重签"),
        error_messages={"max_length": _("签名图片过大（不超过 200 KB），请清除后重签")},
    )
    signer_name = forms.CharField(
        label=_("或输入签名人姓名"),
        required=False,
        max_length=60,
        help_text=_("无法手写签名时填写客户姓名"),
    )

    def signature_value(self) -> str:
        d = self.cleaned_data
        return d["signature"] or d["signer_name"]


class ReferralForm(ServiceForm):
    """R3.10: send a house-quality or facility complaint to the party responsible for it."""

    party = forms.ChoiceField(label=_("责任单位类别"), choices=Referral.Party.choices)
    party_name = forms.CharField(label=_("责任单位"), max_length=80, help_text=_("如 某某置业有限公司"))
    contact = forms.CharField(label=_("联系人及电话"), max_length=80, required=False)
    question = _text(_("核实事项"), rows=3, help_text=_("请写明需要责任单位核实和答复的问题"))
    reply_due = forms.DateField(
        label=_("要求答复日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReferralPickForm(ServiceForm):
    states: tuple = ()
    referral = forms.TypedChoiceField(label=_("责任单位"), coerce=int)

    def __init__(self, *args, req=None, **kwargs):
        super().__init__(*args, **kwargs)
        rows = [r for r in req.referrals.all() if r.state in self.states] if req is not None else []
        self.fields["referral"].choices = [
            (str(r.pk), f"{r.party_name}（{r.get_party_display()}，{r.sent_at:%m-%d} 转）") for r in rows
        ]
        if len(rows) == 1:
            self.fields["referral"].initial = str(rows[0].pk)


class ReferralAnswerForm(ReferralPickForm):
    states = (Referral.State.SENT,)
    answer = _text(_("责任单位答复"), rows=3)


class ReferralFeedbackForm(ReferralPickForm):
    states = (Referral.State.ANSWERED,)
    note = forms.CharField(
        label=_("说明"), max_length=300, required=False, help_text=_("答复内容将发送到业主的消息中")
    )


class EscalateForm(ServiceForm):
    note = _text(_("上报说明"), rows=2, max_length=300, help_text=_("班组 → 部门 → 项目处，逐级汇总"))


class PromiseForm(ServiceForm):
    promised_at = _dt(_("承诺完成时间"))
    special_reason = forms.CharField(
        label=_("特殊原因"), max_length=200, required=False, help_text=_("超过一周须填写")
    )


class PostponeForm(ServiceForm):
    to = _dt(_("推迟至"))
    reason = forms.CharField(label=_("推迟原因"), max_length=200)
    customer_informed = forms.BooleanField(
        label=_("已在到期前告知客户并取得同意"), required=False, help_text=_("同一承诺只能推迟一次")
    )


class AgreeDelayForm(ServiceForm):
    """R3.4: the three-minute promise can't be kept; the customer was told and agreed to a later time."""

    until = _dt(_("客户同意的到场时间"))
    informed = forms.BooleanField(label=_("已事先告知客户，客户同意延后到场"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ChargeForm(ServiceForm):
    """R8.1: charge the special-service fee (the price stated to the customer)."""


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("原因"), max_length=200)


class MaterialForm(ServiceForm):
    name = forms.CharField(label=_("材料"), max_length=60)
    quantity = forms.DecimalField(label=_("数量"), max_digits=7, decimal_places=2, min_value=0.01)
    measure = forms.CharField(label=_("单位"), max_length=10, required=False)
    unit_price = forms.DecimalField(
        label=_("单价(元)"), max_digits=9, decimal_places=2, min_value=0, required=False
    )


class PhotoForm(ServiceForm):
    stage = forms.ChoiceField(label=_("阶段"), choices=Photo.Stage.choices)
    image = upload_field(PHOTO, _("照片"), attrs={"capture": "environment"})


class JudgeForm(ServiceForm):
    valid = forms.TypedChoiceField(
        label=_("判定"),
        choices=[("true", _("有效投诉")), ("false", _("无效投诉"))],
        coerce=lambda v: v == "true",
    )
    reason = forms.CharField(label=_("判定理由"), max_length=300)
    cause = forms.ChoiceField(label=_("原因类别"), choices=ComplaintReview.Cause.choices)


class FeedbackForm(ServiceForm):
    feedback = _text(_("反馈内容"), rows=2)
    result = _text(_("处理结果"), required=False, rows=2)
    resolved = forms.BooleanField(label=_("已办结（处理结果已反馈客户）"), required=False)


class VisitForm(ServiceForm):
    method = forms.ChoiceField(label=_("方式"), choices=ReturnVisit.Method.choices)
    outcome = forms.ChoiceField(label=_("结果"), choices=ReturnVisit.Outcome.choices)
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        choices=[("", "—"), *[(str(i), f"{i} 分") for i in range(5, 0, -1)]],
        coerce=int,
        required=False,
        empty_value=None,
    )
    comments = _text(_("客户意见"), required=False, rows=2)
    follow_up = _text(_("跟进事项"), required=False, rows=2, help_text=_("不满意时必填，系统生成跟进单"))


class ReopenForm(ServiceForm):
    content = _text(_("问题描述"))


class RateForm(ServiceForm):
    rating = forms.TypedChoiceField(
        label=_("评价"),
        choices=[(str(i), f"{'★' * i}") for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = _text(_("评价意见"), required=False, rows=2, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


class PortalRequestForm(ServiceForm):
    """The owner's report: which unit, what kind, what happened, a photo."""

    unit = forms.ChoiceField(label=_("房屋"))
    type = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (RequestType.REPAIR, _("报修")),
            (RequestType.CONSULTATION, _("咨询")),
            (RequestType.COMPLAINT, _("投诉")),
            (RequestType.SUGGESTION, _("建议")),
            (RequestType.PRAISE, _("表扬")),
            (RequestType.SPECIAL, _("特约服务")),
        ],
    )
    repair_scope = forms.ChoiceField(
        label=_("报修位置"),
        choices=[
            (RepairScope.IN_UNIT, _("户内")),
            (RepairScope.PUBLIC, _("公共区域（楼道、大堂、电梯厅等）")),
        ],
        initial=RepairScope.IN_UNIT,
        required=False,
    )
    fault_category = forms.ChoiceField(
        label=_("故障类别"),
        choices=[("", _("其他")), *FaultCategory.choices],
        required=False,
        help_text=_("公共区域报修时选择"),
    )
    fee_item = forms.TypedChoiceField(
        label=_("特约服务项目"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("价格为物业公示的特约服务价格，完成后计入您的账单"),
    )
    content = _text(_("内容"), help_text=_("请描述问题和位置，如“厨房水槽下水管漏水”"))
    preferred_time = _dt(_("方便上门的时间"), required=False, help_text=_("特约服务按此时间准时上门"))
    photo = upload_field(PHOTO, _("照片"), required=False)

    def __init__(self, *args, units=(), menu=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(u.pk), f"{u.project.name} {u.address}") for u in units]
        self.fields["fee_item"].choices = [("", "—")] + [
            (str(item.pk), f"{item.name} ¥{price}") for item, price in menu
        ]
        if not menu:
            del self.fields["fee_item"]
            self.fields["type"].choices = [
                c for c in self.fields["type"].choices if c[0] != RequestType.SPECIAL
            ]
