"""One FilterSet per list, shared by the pages (the same URL parameters as the API)."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.models import Bill, Channel, Expense, ExpenseCategory, Payment

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
