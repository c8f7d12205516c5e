"""One FilterSet per list, shared by the pages (the same URL parameters as the API)."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.models import (
    Bill,
    Channel,
    Deposit,
    Expense,
    ExpenseCategory,
    Meter,
    Payment,
    TrustItem,
)

Q_MAX = 60


def _style(fields) -> None:
    for field in fields.values():
        css = (
            "form-select form-select-sm"
            if isinstance(field.widget, forms.Select)
            else "form-control form-control-sm"
        )
        field.widget.attrs.setdefault("class", css)


class _Base(df.FilterSet):
    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        _style(self.form.fields)


class BillFilter(_Base):
    q = df.CharFilter(
        label=_("房号/账单号"),
        max_length=Q_MAX,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("房号 3-2-1201 或账单号"), "type": "search"}),
    )
    period = df.DateFilter(
        label=_("账期"),
        method="filter_period",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m"],
    )
    status = df.ChoiceFilter(label=_("状态"), choices=Bill.Status.choices, empty_label=_("全部状态"))

    class Meta:
        model = Bill
        fields = ["q", "period", "status"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(unit__address__startswith=value) | qs.filter(number=value)

    def filter_period(self, qs, name, value):
        return qs.filter(period=value.replace(day=1))


class PaymentFilter(_Base):
    q = df.CharFilter(
        label=_("房号/单号"),
        max_length=Q_MAX,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("房号或收款单号"), "type": "search"}),
    )
    channel = df.ChoiceFilter(label=_("方式"), choices=Channel.choices, empty_label=_("全部方式"))
    status = df.ChoiceFilter(label=_("状态"), choices=Payment.Status.choices, empty_label=_("全部状态"))

    class Meta:
        model = Payment
        fields = ["q", "channel", "status"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(unit__address__startswith=value) | qs.filter(number=value)


class ExpenseFilter(_Base):
    category = df.ModelChoiceFilter(
        label=_("类别"), queryset=ExpenseCategory.objects.all(), empty_label=_("全部类别")
    )
    status = df.ChoiceFilter(
        label=_("状态"),
        choices=[("booked", _("已入账")), ("reversed", _("已冲销"))],
        empty_label=_("全部状态"),
    )
    year = df.NumberFilter(label=_("年度"), method="filter_year", min_value=2000, max_value=2100)

    class Meta:
        model = Expense
        fields = ["category", "status", "year"]

    def filter_year(self, qs, name, value):
        return qs.filter(spent_on__year=int(value))


def _address_search(placeholder):
    return df.CharFilter(
        label=_("房号"),
        max_length=Q_MAX,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": placeholder, "type": "search"}),
    )


class MeterFilter(_Base):
    q = _address_search(_("房号，如 3-2-1201 或 3-2"))
    kind = df.ChoiceFilter(label=_("表类型"), choices=Meter.Kind.choices, empty_label=_("全部表类型"))
    active = df.ChoiceFilter(
        label=_("状态"),
        choices=[("1", _("在用")), ("0", _("停用"))],
        empty_label=_("全部状态"),
        method="filter_active",
    )

    class Meta:
        model = Meter
        fields = ["q", "kind", "active"]

    def filter_q(self, qs, name, value):
        return qs.filter(unit__address__startswith=value.strip())

    def filter_active(self, qs, name, value):
        return qs.filter(active=value == "1")


class DepositFilter(_Base):
    q = _address_search(_("房号"))
    kind = df.ChoiceFilter(label=_("押金类型"), choices=Deposit.Kind.choices, empty_label=_("全部类型"))
    status = df.ChoiceFilter(label=_("状态"), choices=Deposit.Status.choices, empty_label=_("全部状态"))

    class Meta:
        model = Deposit
        fields = ["q", "kind", "status"]

    def filter_q(self, qs, name, value):
        return qs.filter(unit__address__startswith=value.strip())


class TrustFilter(_Base):
    q = df.CharFilter(
        label=_("物品/交来人/房号"),
        max_length=Q_MAX,
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("物品、交来人或房号"), "type": "search"}),
    )
    kind = df.ChoiceFilter(label=_("类别"), choices=TrustItem.Kind.choices, empty_label=_("全部类别"))
    status = df.ChoiceFilter(label=_("状态"), choices=TrustItem.Status.choices, empty_label=_("全部状态"))

    class Meta:
        model = TrustItem
        fields = ["q", "kind", "status"]

    def filter_q(self, qs, name, value):
        from django.db.models import Q

        value = value.strip()
        return qs.filter(
            Q(description__icontains=value)
            | Q(from_name__icontains=value)
            | Q(unit__address__startswith=value)
        )
