"""The filters of the arrears report (R7.2)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.forms.common import MONEY_ATTRS


class ArrearsFilterForm(forms.Form):
    """Filters of the arrears page (all optional; a bad value is ignored with a field error)."""

    building = forms.TypedChoiceField(label=_("楼栋"), coerce=int, required=False, empty_value=None)
    min_amount = forms.DecimalField(
        label=_("最低欠费（元）"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100000000"),
        decimal_places=2,
        max_digits=11,
        widget=forms.TextInput(attrs={**MONEY_ATTRS, "placeholder": _("最低欠费")}),
    )
    bucket = forms.ChoiceField(label=_("账龄"), required=False)

    def __init__(self, *args, buildings=(), buckets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", _("全部楼栋")), *buildings]
        self.fields["bucket"].choices = [("", _("全部账龄")), *buckets]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
