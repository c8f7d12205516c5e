"""Forms and list filters of the desk records (R3.9, R3.11, R3.12). Forms only shape input; the rules live
in ``service/services/desk.py`` whose errors land on the fields here."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.core.files import PHOTO, upload_field
from jiayuan.estate.addresses import parse_address_query
from jiayuan.estate.forms import ServiceForm, style_widgets
from jiayuan.org.models import Membership
from jiayuan.service.forms.requests import _dt, _text
from jiayuan.service.models import (
    ApplicantRelation,
    ConsentMethod,
    DefectCategory,
    DefectState,
    GoodsRelease,
    HomeVisit,
    LegacyDefect,
    ReleaseState,
    VisitOutcome,
    VisitState,
)
from jiayuan.service.services.desk import OPINION_REQUEST_TYPES

SEARCH_MAX_LENGTH = 60
MAX_ID = 2**31 - 1


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _unit_field(required=True):
    return forms.CharField(
        label=_("房号"),
        max_length=40,
        required=required,
        help_text=_("完整房号，如 3-2-1201"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "3-2-1201"}),
    )


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def project_staff(project_id):
    """The active staff of a project, for the visit's staff picker."""
    users = Membership.objects.filter(project_id=project_id, active=True).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=users, is_active=True)
        .order_by("last_name", "first_name", "id")
    )


# --- R3.9 goods-release slip -------------------------------------------------------------------------------


class ReleaseForm(ServiceForm):
    unit = _unit_field()
    applicant_relation = forms.ChoiceField(
        label=_("申请人身份"), choices=ApplicantRelation.choices, initial=ApplicantRelation.OWNER
    )
    carrier_name = forms.CharField(label=_("携物人姓名"), max_length=40)
    carrier_phone = forms.CharField(label=_("携物人手机"), max_length=20)
    carrier_id_number = forms.CharField(
        label=_("携物人证件号"), max_length=32, required=False, help_text=_("列表中脱敏显示")
    )
    items = _text(_("物品清单"), rows=4, max_length=1000, help_text=_("每行一项，如：双人床 1 张"))
    item_count = forms.IntegerField(label=_("件数"), min_value=1, max_value=9999)
    vehicle_plate = forms.CharField(label=_("车牌号"), max_length=12, required=False)
    valid_on = _date(_("有效日期"), help_text=_("当天有效，最多提前 7 天开具"))
    consent_name = forms.CharField(
        label=_("同意业主"),
        max_length=40,
        required=False,
        help_text=_("租户、家庭成员或受托人办理时必填：须为该房屋登记的业主"),
    )
    consent_method = forms.ChoiceField(
        label=_("确认方式"), choices=[("", "—"), *ConsentMethod.choices], required=False
    )
    consent_note = forms.CharField(
        label=_("确认说明"),
        max_length=200,
        required=False,
        help_text=_("如：电话 13800138000 确认，通话 10:05"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_on"].initial = timezone.localdate()


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class GateLookupForm(forms.Form):
    number = forms.CharField(
        label=_("出门条单号"),
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "placeholder": "FX-202611-0007",
                "autocomplete": "off",
                "inputmode": "text",
            }
        ),
    )


class ReleaseFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("搜索"),
        max_length=SEARCH_MAX_LENGTH,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("单号 / 房号 / 携物人 / 车牌"), "type": "search"}),
    )
    state = df.ChoiceFilter(label=_("状态"), choices=ReleaseState.choices, empty_label=_("全部状态"))
    valid_on = df.DateFilter(label=_("有效日期"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = GoodsRelease
        fields = ["q", "state", "valid_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.form.fields, small=True)

    def filter_q(self, qs, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return qs
        cond = (
            Q(number__iexact=value)
            | Q(carrier_name__icontains=value)
            | Q(vehicle_plate__icontains=value.upper())
        )
        aq = parse_address_query(value)
        if aq is not None and aq.exact is not None:
            cond |= Q(unit__address__iexact=str(aq.exact))
        return qs.filter(cond)


# --- R3.11 home visits -------------------------------------------------------------------------------------


class VisitPlanForm(ServiceForm):
    unit = _unit_field()
    purpose = forms.CharField(
        label=_("走访事由"), max_length=200, help_text=_("如：入住满一年回访、装修后走访")
    )
    planned_on = _date(_("计划日期"))
    staff = StaffChoiceField(
        label=_("走访人员"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("进入室内须两人以上同行；只在门口沟通可一人前往"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args, project_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = project_staff(project_id)
        self.fields["planned_on"].initial = timezone.localdate()


class VisitCallForm(ServiceForm):
    agreed_time = _dt(_("约定上门时间"), help_text=_("先致电业主，按约定时间上门"))
    note = forms.CharField(label=_("电话记录"), max_length=200, required=False)


class VisitRecordForm(ServiceForm):
    visited_at = _dt(_("实际上门时间"))
    staff = StaffChoiceField(
        label=_("走访人员"),
        queryset=get_user_model().objects.none(),
        help_text=_("进入室内须两人以上同行"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    outcome = forms.ChoiceField(label=_("走访结果"), choices=VisitOutcome.choices, widget=forms.RadioSelect)
    entered_unit = forms.BooleanField(label=_("进入了室内"), required=False)
    knocked_again = forms.BooleanField(
        label=_("无人应答时，已等候 30 秒后再次敲门（或按门铃）"), required=False
    )
    note_left = forms.CharField(
        label=_("留言便条内容"), max_length=200, required=False, help_text=_("无人在家时必填")
    )
    opinions = _text(
        _("业主意见（概要）"), required=False, rows=3, help_text=_("需要处理的意见在走访页逐条登记")
    )

    def __init__(self, *args, project_id=None, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = project_staff(project_id)
        if visit is not None and not self.is_bound:
            self.fields["staff"].initial = [u.pk for u in visit.staff.all()]
            if visit.agreed_time:
                self.fields["visited_at"].initial = timezone.localtime(visit.agreed_time)


class OpinionForm(ServiceForm):
    content = _text(_("意见内容"), rows=3, max_length=1000)
    open_request = forms.BooleanField(label=_("需要处理：生成客户请求"), required=False)
    request_type = forms.ChoiceField(
        label=_("请求类型"),
        required=False,
        choices=[("", "—")] + [(t.value, t.label) for t in OPINION_REQUEST_TYPES],
    )


class VisitFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("搜索"),
        max_length=SEARCH_MAX_LENGTH,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("编号 / 房号 3-2-1201 / 事由"), "type": "search"}),
    )
    state = df.ChoiceFilter(label=_("状态"), choices=VisitState.choices, empty_label=_("全部状态"))
    month = df.CharFilter(
        label=_("月份"), method="filter_month", widget=forms.DateInput(attrs={"type": "month"}), max_length=7
    )
    staff = df.NumberFilter(label=_("走访人员"), field_name="staff", min_value=1, max_value=MAX_ID)

    class Meta:
        model = HomeVisit
        fields = ["q", "state", "month", "staff"]

    def __init__(self, *args, project_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("全部人员"))] + [
            (u.pk, u.get_full_name() or u.username) for u in project_staff(project_id)
        ]
        self.form.fields["staff"] = forms.TypedChoiceField(
            label=_("走访人员"), choices=choices, required=False, coerce=int, empty_value=None
        )
        style_widgets(self.form.fields, small=True)

    def filter_q(self, qs, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return qs
        cond = Q(number__iexact=value) | Q(purpose__icontains=value)
        aq = parse_address_query(value)
        if aq is not None and aq.exact is not None:
            cond |= Q(unit__address__iexact=str(aq.exact))
        return qs.filter(cond)

    def filter_month(self, qs, name, value):
        try:
            year, month = (int(p) for p in value.split("-"))
        except ValueError:
            return qs.none()
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return qs.none()
        return qs.filter(planned_on__year=year, planned_on__month=month)


# --- R3.12 legacy defects ----------------------------------------------------------------------------------


class DefectForm(ServiceForm):
    unit = _unit_field(required=False)
    location = forms.CharField(
        label=_("部位/公共区域"),
        max_length=120,
        required=False,
        help_text=_("如：3号楼地下车库 B2-17 顶板；在户内可填房间"),
    )
    category = forms.ChoiceField(label=_("类别"), choices=DefectCategory.choices)
    description = _text(_("问题描述"), rows=3)
    found_on = _date(_("发现日期"))
    found_by = forms.CharField(
        label=_("发现人"),
        max_length=60,
        required=False,
        help_text=_("如：业主 张伟、工程部 赵国强；不填为登记人"),
    )
    photo = upload_field(PHOTO, _("照片"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_on"].initial = timezone.localdate()


class DefectReportForm(ServiceForm):
    developer_contact = forms.CharField(label=_("开发商接收人"), max_length=60, help_text=_("单位及姓名"))
    reported_on = _date(_("上报日期"))
    deadline = _date(_("整改期限"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()


class DefectRectifiedForm(ServiceForm):
    rectified_on = _date(_("整改完成日期"))
    note = forms.CharField(label=_("整改情况"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    photo = upload_field(PHOTO, _("整改后照片"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rectified_on"].initial = timezone.localdate()


class DefectVerifyForm(ServiceForm):
    passed = forms.TypedChoiceField(
        label=_("验证结论"),
        choices=[("1", _("整改合格")), ("0", _("整改不合格，退回开发商"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("验证意见"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DefectCloseForm(ServiceForm):
    reason = forms.CharField(
        label=_("关闭原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：业主自行改造造成，不属开发商遗留问题"),
    )


class DefectFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("搜索"),
        max_length=SEARCH_MAX_LENGTH,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("编号 / 房号 / 部位 / 描述"), "type": "search"}),
    )
    state = df.ChoiceFilter(label=_("状态"), choices=DefectState.choices, empty_label=_("全部状态"))
    category = df.ChoiceFilter(label=_("类别"), choices=DefectCategory.choices, empty_label=_("全部类别"))

    class Meta:
        model = LegacyDefect
        fields = ["q", "state", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.form.fields, small=True)

    def filter_q(self, qs, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return qs
        cond = Q(number__iexact=value) | Q(location__icontains=value) | Q(description__icontains=value)
        aq = parse_address_query(value)
        if aq is not None and aq.exact is not None:
            cond |= Q(unit__address__iexact=str(aq.exact))
        return qs.filter(cond)


__all__ = [
    "DefectCloseForm",
    "DefectFilter",
    "DefectForm",
    "DefectRectifiedForm",
    "DefectReportForm",
    "DefectVerifyForm",
    "GateLookupForm",
    "OpinionForm",
    "ReasonForm",
    "ReleaseFilter",
    "ReleaseForm",
    "VisitCallForm",
    "VisitFilter",
    "VisitPlanForm",
    "VisitRecordForm",
]
