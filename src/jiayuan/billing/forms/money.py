"""Forms of the fee, billing-run, bill, payments-desk, refund and expense pages. Each states what will happen;
money fields take yuan with two decimals."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.forms.common import MoneyField, StyledForm
from jiayuan.billing.models import Channel, FeeItem


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
