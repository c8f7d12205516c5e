"""Page forms. Each states what will happen; money fields take yuan with two decimals."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.models import Channel, FeeItem

MONEY_ATTRS = {"inputmode": "decimal", "placeholder": "0.00"}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 11)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", Decimal("100000000"))
        kwargs.setdefault("widget", forms.TextInput(attrs=MONEY_ATTRS))
        super().__init__(**kwargs)


class FeeItemForm(StyledForm):
    code = forms.RegexField(label=_("编码"), regex=r"^[A-Za-z0-9_-]{1,20}$", help_text=_("字母数字，如 WYF"))
    name = forms.CharField(label=_("名称"), max_length=40)
    kind = forms.ChoiceField(label=_("计费方式"), choices=FeeItem.Kind.choices)
    area_basis = forms.ChoiceField(label=_("面积口径"), choices=FeeItem.AreaBasis.choices, required=False)
    is_management_fee = forms.BooleanField(label=_("计入管理费收缴率"), required=False)


class PriceForm(StyledForm):
    valid_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    unit_price = forms.DecimalField(
        label=_("单价（元）"), max_digits=10, decimal_places=4, min_value=0, max_value=100000
    )
    note = forms.CharField(label=_("依据"), max_length=200, required=False, help_text=_("如物价局备案文号"))


class RunForm(StyledForm):
    period = forms.DateField(
        label=_("账期"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("同一月份重复执行不会重复出账"),
    )


class PaymentForm(StyledForm):
    amount = MoneyField(label=_("收款金额（元）"))
    channel = forms.ChoiceField(label=_("收款方式"), choices=Channel.choices, initial=Channel.CASH)
    payer_name = forms.CharField(label=_("缴款人"), max_length=60, required=False)
    reference = forms.CharField(label=_("流水号"), max_length=64, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=80)


class RefundForm(StyledForm):
    """A refund request from the prepaid balance; paid once a second person approves it."""

    amount = MoneyField(label=_("退款金额（元）"))
    channel = forms.ChoiceField(
        label=_("退款方式"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.ONLINE],
        initial=Channel.BANK,
    )
    payee_name = forms.CharField(label=_("收款人"), max_length=60, required=False)
    reason = forms.CharField(label=_("退款原因"), max_length=200, help_text=_("如：业主退房、多缴"))

    def __init__(self, *args, limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if limit is not None:
            self.fields["amount"].help_text = _("最多可退 %(n)s 元") % {"n": limit}


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("原因"), max_length=200)


class CreditForm(StyledForm):
    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    amount = MoneyField(label=_("冲减金额（元）"))
    reason = forms.CharField(label=_("原因"), max_length=200)


class ExpenseForm(StyledForm):
    category = forms.ModelChoiceField(label=_("支出类别"), queryset=None, empty_label=None)
    amount = MoneyField(label=_("金额（元）"))
    spent_on = forms.DateField(label=_("支出日期"), widget=forms.DateInput(attrs={"type": "date"}))
    payee = forms.CharField(label=_("收款方"), max_length=80)
    paid_from = forms.ChoiceField(label=_("支付方式"), choices=[("cash", _("现金")), ("bank", _("银行"))])
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from jiayuan.billing.models import ExpenseCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ExpenseCategory.objects.filter(active=True)


class CategoryForm(StyledForm):
    code = forms.RegexField(
        label=_("编码"), regex=r"^[A-Za-z0-9_-]{1,20}$", help_text=_("字母数字，如 TRAIN；保存后不能修改")
    )
    name = forms.CharField(label=_("名称"), max_length=40)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)


class CategoryRenameForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=40)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767)


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
