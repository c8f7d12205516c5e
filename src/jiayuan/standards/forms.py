"""Forms of the standards pages: the values a person may change, shaped by the standard's kind."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.core.web import MarksInvalid
from jiayuan.standards.models import Comparator, DeadlineUnit, Kind, Period
from jiayuan.standards.values import format_amount

_KIND_FIELDS = {
    Kind.DEADLINE: ("amount", "unit"),
    Kind.FREQUENCY: ("amount", "period", "window", "people"),
    Kind.TARGET: ("comparator", "amount", "unit", "period"),
}


class ValuesForm(MarksInvalid, forms.Form):
    """New values for a standard; which fields show depends on the kind (``_KIND_FIELDS``). Range and
    consistency checks live in the service, so the page and the API refuse the same things."""

    enabled = forms.BooleanField(label=_("启用"), required=False, help_text=_("不适用本项目时取消勾选"))
    comparator = forms.ChoiceField(
        label=_("比较"), choices=Comparator.choices, error_messages={"required": _("请选择比较符")}
    )
    amount = forms.DecimalField(
        label=_("数值"),
        max_digits=10,
        decimal_places=3,
        min_value=0,
        error_messages={
            "required": _("请输入数值"),
            "invalid": _("请输入数字"),
            "min_value": _("数值不能小于 0"),
            "max_digits": _("数值须在 0 到 1000000 之间"),
            "max_decimal_places": _("数值最多保留三位小数"),
            "max_whole_digits": _("数值须在 0 到 1000000 之间"),
        },
    )
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)
    period = forms.ChoiceField(
        label=_("周期"), choices=Period.choices, error_messages={"required": _("请选择周期")}
    )
    window = forms.CharField(label=_("时段"), max_length=20, required=False, help_text=_("如 白天、夜间"))
    people = forms.IntegerField(
        label=_("人数"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("需几人同时执行；留空为不限"),
        error_messages={
            "invalid": _("请输入整数"),
            "min_value": _("人数不能小于 0"),
            "max_value": _("人数最多 100"),
        },
    )
    reason = forms.CharField(
        label=_("调整原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("必填，记入版本历史"),
        error_messages={"required": _("请填写调整原因"), "max_length": _("调整原因最多 200 个字")},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = {"enabled", "reason", *_KIND_FIELDS[kind]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind == Kind.DEADLINE:
            self.fields["unit"] = forms.ChoiceField(
                label=_("单位"), choices=DeadlineUnit.choices, error_messages={"required": _("请选择单位")}
            )
        if kind == Kind.TARGET:
            self.fields["period"].required = False
            self.fields["period"].choices = [("", _("不限"))] + list(Period.choices)
        if kind == Kind.FREQUENCY:
            self.fields["amount"].label = _("次数")
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("请选择列表中的选项")
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    @classmethod
    def initial_from(cls, version) -> dict:
        if version is None:
            return {"enabled": True}
        return {
            "enabled": version.enabled,
            "comparator": version.comparator,
            "amount": format_amount(version.amount),  # "100", never "1E+2"
            "unit": version.unit,
            "period": version.period,
            "window": version.window,
            "people": version.people,
        }

    def service_kwargs(self) -> dict:
        """Cleaned data as the service's keyword arguments; empty text clears, empty people clears."""
        data = self.cleaned_data
        kwargs = {"amount": data["amount"], "enabled": data["enabled"], "reason": data["reason"]}
        for name in ("comparator", "unit", "period", "window"):
            if name in self.fields:
                kwargs[name] = data.get(name) or ""
        if "people" in self.fields:
            kwargs["people"] = data.get("people") or 0
        return kwargs


class ResetForm(MarksInvalid, forms.Form):
    reason = forms.CharField(
        label=_("恢复原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=_("必填，记入变更记录"),
        error_messages={"required": _("请填写恢复原因"), "max_length": _("原因最多 200 个字")},
    )
