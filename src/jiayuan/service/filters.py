"""The request queue's one FilterSet, shared by the queue page and the API (the same URL parameters)."""

from __future__ import annotations

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiayuan.estate.addresses import parse_address_query
from jiayuan.estate.forms import style_widgets
from jiayuan.service.models import OPEN_STATES, RequestType, ServiceRequest, State, Timer, Urgency

SEARCH_MAX_LENGTH = 60
MAX_ID = 2**31 - 1
YES_NO = [("true", _("是")), ("false", _("否"))]


class RequestFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("搜索"),
        max_length=SEARCH_MAX_LENGTH,
        method="filter_q",
        widget=forms.TextInput(
            attrs={"placeholder": _("单号 / 房号 3-2-1201 / 手机 / 内容"), "type": "search"}
        ),
    )
    type = df.ChoiceFilter(label=_("类型"), choices=RequestType.choices, empty_label=_("全部类型"))
    state = df.ChoiceFilter(label=_("状态"), choices=State.choices, empty_label=_("全部状态"))
    urgency = df.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices, empty_label=_("紧急程度"))
    # Numbers, not model choices: another project's id simply matches nothing in the scoped list.
    department = df.NumberFilter(label=_("部门"), field_name="department_id", min_value=1, max_value=MAX_ID)
    assignee = df.NumberFilter(label=_("处理人"), field_name="assignee_id", min_value=1, max_value=MAX_ID)
    overdue = df.ChoiceFilter(
        label=_("超时"), choices=YES_NO, method="filter_overdue", empty_label=_("是否超时")
    )
    open = df.ChoiceFilter(label=_("未结"), choices=YES_NO, method="filter_open", empty_label=_("是否未结"))
    received_from = df.DateFilter(label=_("受理日期从"), field_name="received_at", lookup_expr="date__gte")
    received_to = df.DateFilter(label=_("至"), field_name="received_at", lookup_expr="date__lte")

    class Meta:
        model = ServiceRequest
        fields = ["q", "type", "state", "urgency", "department", "assignee", "overdue", "open"]

    def __init__(self, data=None, queryset=None, *, user=None, project=None, **kwargs):
        self.user = user
        self.project = project
        super().__init__(data, queryset=queryset, **kwargs)
        style_widgets(self.form.fields, small=True)

    def filter_q(self, qs, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return qs
        cond = Q(number__iexact=value) | Q(content__icontains=value)
        digits = value.replace(" ", "").replace("-", "")
        if digits.isdigit() and len(digits) >= 4:
            cond |= Q(contact_phone__endswith=digits)
        aq = parse_address_query(value)
        if aq is not None and aq.exact is not None:
            cond |= Q(unit__address__iexact=str(aq.exact))
        return qs.filter(cond)

    def filter_overdue(self, qs, name, value):
        late = Q(breached=True) | Q(
            pk__in=Timer.objects.filter(state=Timer.State.RUNNING, due_at__lt=timezone.now()).values(
                "request_id"
            )
        )
        return qs.filter(late) if value == "true" else qs.exclude(late)

    def filter_open(self, qs, name, value):
        return qs.filter(state__in=OPEN_STATES) if value == "true" else qs.exclude(state__in=OPEN_STATES)
