"""Forms of the org pages. They parse input; the services decide what is allowed (one set of rules for
pages and API) and their errors are put back on the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiayuan.core.web import MarksInvalid, parse_id
from jiayuan.org.models import Certificate, Staff, Training


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BootstrapMixin(MarksInvalid):
    """Bootstrap's classes on the widgets (``style()``) and on the fields with errors (MarksInvalid)."""

    def style(self) -> None:
        for fld in self.fields.values():
            widget = fld.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class CertificateForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("证书类型"), choices=[("", _("请选择")), *Certificate.Kind.choices])
    number = forms.CharField(label=_("证书编号"), max_length=40, required=False)
    issued_on = forms.DateField(label=_("发证日期"), required=False, widget=DateInput())
    expires_on = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=DateInput(),
        help_text=_("长期有效的证书留空；到期前 30 天起列入“证书到期”提醒"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class StaffChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not small positive integers before they reach the database (a 40-digit id
    would overflow SQLite's INTEGER and answer 500 instead of a form error)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class TrainingForm(BootstrapMixin, forms.Form):
    staff = StaffChoiceField(
        label=_("参训员工"),
        queryset=Staff.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选：同一场培训为每人各记一条"),
    )
    date = forms.DateField(label=_("培训日期"), widget=DateInput())
    topic = forms.CharField(label=_("培训主题"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Training.Kind.choices, initial=Training.Kind.GENERAL)
    hours = forms.DecimalField(
        label=_("学时"),
        max_digits=4,
        decimal_places=1,
        help_text=_("0.5–24 小时"),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24"}),
    )
    passed = forms.NullBooleanField(
        label=_("考核结果"),
        required=False,
        widget=forms.Select(choices=[("unknown", _("未考核")), ("true", _("合格")), ("false", _("不合格"))]),
    )
    score = forms.DecimalField(
        label=_("成绩"), max_digits=5, decimal_places=1, required=False, help_text=_("0–100，可不填")
    )

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset
        self.fields["staff"].label_from_instance = lambda s: f"{s.name}({s.department.name} · {s.post})"
        self.style()
