"""Page forms. They only shape input; the rules live in services.py, whose errors land on the fields here."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.core.web import MarksInvalid
from jiayuan.estate.models import MOBILE_RE, Occupancy, Party, Unit

mobile_validator = RegexValidator(MOBILE_RE, _("手机号格式不正确：应为 11 位中国大陆手机号，如 13800138000"))


def style_widgets(fields, *, small: bool = False) -> None:
    """Bootstrap classes on every widget (labels above, errors below: see components/form_fields.html)."""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm" if small else "form-select"
        else:
            css = "form-control form-control-sm" if small else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ServiceForm(MarksInvalid, forms.Form):
    """A form whose save calls a service (core.web.run_service): a DomainError becomes an error on its field
    (or on top), the field outlined in red."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class UnitForm(ServiceForm):
    state = forms.ChoiceField(label=_("状态"), choices=Unit.State.choices)
    contract_signed = forms.BooleanField(
        label=_("已签物业服务合同"), required=False, help_text=_("楼栋和项目的签约户数按此统计")
    )
    building_area = forms.DecimalField(
        label=_("建筑面积(m²)"),
        max_digits=9,
        decimal_places=2,
        min_value=0.01,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    inner_area = forms.DecimalField(
        label=_("套内面积(m²)"),
        max_digits=9,
        decimal_places=2,
        min_value=0.01,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    use = forms.ChoiceField(label=_("用途"), choices=Unit.Use.choices)
    note = forms.CharField(
        label=_("备注"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_unit(cls, unit: Unit, data=None):
        initial = {name: getattr(unit, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class PartyForm(ServiceForm):
    name = forms.CharField(label=_("姓名/名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类别"), choices=Party.Kind.choices)
    phone = forms.CharField(
        label=_("手机"),
        max_length=20,
        required=False,
        validators=[mobile_validator],
        help_text=_("11 位中国大陆手机号"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("证件号"),
        max_length=32,
        required=False,
        help_text=_("身份证号 18 位，末位可为 X"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def clean_phone(self):
        return self.cleaned_data["phone"].replace(" ", "").replace("-", "")

    @classmethod
    def for_party(cls, party: Party, data=None):
        initial = {name: getattr(party, name) for name in cls.base_fields}
        return cls(data, initial=initial)


class OccupancyForm(ServiceForm):
    name = forms.CharField(label=_("姓名/名称"), max_length=60)
    phone = forms.CharField(
        label=_("手机"),
        max_length=20,
        required=False,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("同一项目中姓名和手机都相同的住户会被复用"),
    )
    relation = forms.ChoiceField(label=_("关系"), choices=Occupancy.Relation.choices)
    is_primary = forms.BooleanField(label=_("设为主联系人"), required=False)
    started_on = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OccupancyEndForm(ServiceForm):
    ended_on = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    reason = forms.CharField(
        label=_("原因"), max_length=100, required=False, help_text=_("如：房屋出售、租约到期")
    )
