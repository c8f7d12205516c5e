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
