"""django-tables2 tables of the billing lists: number as the link, money right-aligned, states as badges."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiayuan.billing.templatetags.billing_tags import bill_badge, yuan

NUM = {"th": {"class": "num"}, "td": {"class": "num text-nowrap"}}
NOWRAP = {"td": {"class": "text-nowrap"}}
TABLE_ATTRS = {"class": "table table-hover table-sm align-middle mb-0 jy-table"}


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return yuan(value)


class BillTable(tables.Table):
    number = tables.Column(
        verbose_name=_("账单号"), linkify=("billing:bill", {"pk": tables.A("pk")}), attrs=NOWRAP
    )
    holder = tables.Column(verbose_name=_("房屋/车位"), accessor="holder_label", order_by=("unit__address",))
    payer_name = tables.Column(verbose_name=_("缴费人"))
    period = tables.DateColumn(verbose_name=_("账期"), format="Y-m")
    total = MoneyColumn(verbose_name=_("应收"))
    paid = MoneyColumn(verbose_name=_("已缴"))
    outstanding = MoneyColumn(verbose_name=_("未缴"), orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("暂无账单：在“计费批次”开始本月计费后这里会列出每户账单")
        order_by = ("-period", "number")

    def render_outstanding(self, record):
        return yuan(record.outstanding)

    def render_status(self, record):
        return bill_badge(record)


class PaymentTable(tables.Table):
    number = tables.Column(
        verbose_name=_("收款单号"), linkify=("billing:receipt", {"pk": tables.A("receipt__pk")})
    )
    holder = tables.Column(verbose_name=_("房屋/车位"), empty_values=(), order_by=("unit__address",))
    channel = tables.Column(verbose_name=_("方式"))
    amount = MoneyColumn(verbose_name=_("金额"))
    prepaid = MoneyColumn(verbose_name=_("转预存"))
    received_at = tables.DateTimeColumn(verbose_name=_("收款时间"), format="Y-m-d H:i")
    taken_by = tables.Column(verbose_name=_("经办"))
    status = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("暂无收款：在“收银台”输入房号即可收款")
        order_by = ("-received_at",)

    def render_holder(self, record):
        return record.unit.address if record.unit_id else record.space.code

    def render_status(self, record):
        css = "text-bg-success" if record.status == "booked" else "text-bg-secondary"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())


class ExpenseTable(tables.Table):
    number = tables.Column(verbose_name=_("支出单号"), attrs=NOWRAP)
    spent_on = tables.DateColumn(verbose_name=_("支出日期"), format="Y-m-d", attrs=NOWRAP)
    category = tables.Column(verbose_name=_("类别"), order_by=("category__sort_order",))
    payee = tables.Column(verbose_name=_("收款方"))
    amount = MoneyColumn(verbose_name=_("金额"))
    paid_from = tables.Column(verbose_name=_("支付方式"))
    note = tables.Column(verbose_name=_("说明"))
    status = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)
    actions = tables.TemplateColumn(
        template_name="billing/_expense_actions.html", verbose_name="", orderable=False, empty_values=()
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("暂无支出：在上方登记一笔支出")
        order_by = ("-spent_on",)

    def render_status(self, record):
        if record.status == "booked":
            return format_html('<span class="badge text-bg-success">{}</span>', record.get_status_display())
        return format_html(
            '<span class="badge text-bg-secondary" title="{}">{}</span>',
            record.reversal_reason,
            record.get_status_display(),
        )


class ArrearsTable(tables.Table):
    """Per-unit arrears rows (dicts from ``selectors.arrears_for``)."""

    unit__address = tables.TemplateColumn(
        '<a class="fw-semibold" href="{% url \'billing:bills\' %}?q={{ record.unit__address|urlencode }}">'
        "{{ record.unit__address }}</a>",
        verbose_name=_("房号"),
    )
    owed = MoneyColumn(
        verbose_name=_("欠费合计"), attrs={"th": {"class": "num"}, "td": {"class": "num text-danger"}}
    )
    b_0_30 = MoneyColumn(verbose_name=_("0–30天"))
    b_31_90 = MoneyColumn(verbose_name=_("31–90天"))
    b_91_180 = MoneyColumn(verbose_name=_("91–180天"))
    b_181_365 = MoneyColumn(verbose_name=_("181–365天"))
    b_over_365 = MoneyColumn(verbose_name=_(">365天"))
    last_reminder = tables.Column(verbose_name=_("上次催缴"), orderable=False, empty_values=(), attrs=NOWRAP)
    actions = tables.TemplateColumn(
        '{% load i18n %}<a class="btn btn-sm btn-outline-primary" '
        'href="{% url \'billing:desk\' %}?unit={{ record.unit__address|urlencode }}">{% translate "收款" %}</a>',
        verbose_name="",
        orderable=False,
        attrs={"td": {"class": "text-end"}},
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的逾期欠费")
        order_by = ("-owed",)

    last_reminders: dict = {}

    def render_last_reminder(self, record):
        day = self.last_reminders.get(record["unit_id"])
        return day.strftime("%Y-%m-%d") if day else "—"
