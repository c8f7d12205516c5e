"""Forms of the meter, deposit and trust pages: shape only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.forms.common import MoneyField, StyledForm
from jiayuan.billing.models import Channel, Deposit, Meter, TrustItem
from jiayuan.core.files import SPREADSHEET, upload_field

CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.ONLINE]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
READING = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "max_value": 9999999999}


class ReadingForm(StyledForm):
    unit = forms.CharField(label=_("房号"), max_length=40, help_text=_("如 3-2-1201"))
    kind = forms.ChoiceField(label=_("表类型"), choices=Meter.Kind.choices)
    value = forms.DecimalField(label=_("本次读数"), **READING)
    read_on = forms.DateField(label=_("抄表日期"), required=False, widget=DATE)


class ReplaceForm(StyledForm):
    unit = forms.CharField(label=_("房号"), max_length=40)
    kind = forms.ChoiceField(label=_("表类型"), choices=Meter.Kind.choices)
    old_final = forms.DecimalField(label=_("旧表止数"), **READING)
    new_initial = forms.DecimalField(label=_("新表起数"), **READING)
    new_serial = forms.CharField(label=_("新表号"), max_length=40, required=False)
    reason = forms.CharField(label=_("换表原因"), max_length=200)


class MeterForm(StyledForm):
    unit = forms.CharField(label=_("房号"), max_length=40)
    kind = forms.ChoiceField(label=_("表类型"), choices=Meter.Kind.choices)
    fee_item = forms.ModelChoiceField(label=_("收费项目"), queryset=None)
    serial = forms.CharField(label=_("表号"), max_length=40, required=False)
    initial = forms.DecimalField(label=_("初始读数"), **READING, initial=0)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee_item"].queryset = items


class ImportForm(StyledForm):
    file = upload_field(SPREADSHEET, _("抄表Excel文件"), help_text=_("列：房号、表类型、读数、抄表日期"))


class BillReadingsForm(StyledForm):
    period = forms.DateField(label=_("账期（该月任一天）"), widget=DATE)


class DepositForm(StyledForm):
    unit = forms.CharField(label=_("房号"), max_length=40)
    kind = forms.ChoiceField(label=_("押金类型"), choices=Deposit.Kind.choices)
    amount = MoneyField(label=_("金额（元）"))
    channel = forms.ChoiceField(label=_("方式"), choices=CHANNELS)
    payer_name = forms.CharField(label=_("缴款人"), max_length=60)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DepositMoveForm(StyledForm):
    kind = forms.ChoiceField(label=_("操作"), choices=[("refund", _("退还")), ("forfeit", _("扣除"))])
    amount = MoneyField(label=_("金额（元）"))
    channel = forms.ChoiceField(label=_("退款方式"), choices=CHANNELS, required=False)
    reason = forms.CharField(label=_("原因"), max_length=200)


class TrustForm(StyledForm):
    kind = forms.ChoiceField(label=_("类别"), choices=TrustItem.Kind.choices)
    description = forms.CharField(label=_("物品描述"), max_length=200)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=10000, initial=1)
    cash_amount = MoneyField(label=_("现金金额（元）"), required=False)
    unit = forms.CharField(label=_("房号"), max_length=40, required=False)
    from_name = forms.CharField(label=_("交来人"), max_length=60)
    from_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    location = forms.CharField(label=_("存放位置"), max_length=60, required=False)


class TrustReturnForm(StyledForm):
    returned_to = forms.CharField(label=_("领取人"), max_length=60)
    signature = forms.CharField(label=_("签收"), max_length=120, help_text=_("领取人签名或证件后四位"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
