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


# --- meters, deposits and property in trust ----------------------------------------------------------------


class MeterTable(tables.Table):
    unit = tables.Column(
        verbose_name=_("房号"), accessor="unit__address", attrs={"td": {"class": "fw-semibold"}}
    )
    kind = tables.Column(verbose_name=_("表类型"))
    serial = tables.Column(verbose_name=_("表号"))
    fee_item = tables.Column(verbose_name=_("收费项目"), accessor="fee_item__name")
    last_value = tables.Column(verbose_name=_("上次读数"), attrs=NUM, empty_values=())
    last_read_on = tables.DateColumn(verbose_name=_("上次抄表"), format="Y-m-d", attrs=NOWRAP)
    active = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)
    usage = tables.TemplateColumn(
        '{% load i18n %}<a class="btn btn-sm btn-outline-secondary" '
        'href="{% url \'billing:meter_usage_detail\' record.pk %}">{% translate "读数与用量" %}</a>',
        verbose_name="",
        orderable=False,
        attrs={"td": {"class": "text-end"}},
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的仪表。先建立按用量计费的收费项目，再在右侧添加仪表")
        order_by = ("unit",)

    def render_last_value(self, record):
        return record.last_value if record.last_value is not None else record.initial_reading

    def render_active(self, record):
        if record.active:
            return format_html('<span class="badge text-bg-success">{}</span>', _("在用"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("停用"))


class DepositTable(tables.Table):
    number = tables.TemplateColumn(
        '{% load i18n %}<span class="fw-semibold">{{ record.number }}</span>'
        '<div class="small text-secondary">{% translate "收据号" %} {{ record.receipt_number }}</div>',
        verbose_name=_("押金单号"),
        attrs=NOWRAP,
    )
    unit = tables.Column(verbose_name=_("房号"), accessor="unit__address", attrs=NOWRAP)
    kind = tables.Column(verbose_name=_("类型"), attrs=NOWRAP)
    payer_name = tables.Column(verbose_name=_("缴款人"), attrs=NOWRAP)
    received_at = tables.DateColumn(verbose_name=_("收取日期"), format="Y-m-d", attrs=NOWRAP)
    amount = MoneyColumn(verbose_name=_("收取"))
    held = MoneyColumn(verbose_name=_("持有余额"))
    status = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)
    actions = tables.TemplateColumn(
        template_name="billing/_deposit_actions.html",
        verbose_name="",
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "text-end"}},
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的押金。装修押金、钥匙押金在右侧登记收取")
        order_by = ("-status", "-received_at")  # held first

    def render_status(self, record):
        css = "text-bg-primary" if record.status == "held" else "text-bg-success"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())


class TrustTable(tables.Table):
    number = tables.Column(verbose_name=_("登记号"), attrs={"td": {"class": "fw-semibold text-nowrap"}})
    kind = tables.Column(verbose_name=_("类别"), attrs=NOWRAP)
    description = tables.TemplateColumn(
        "{% load billing_tags %}{{ record.description }}{% if record.quantity > 1 %} ×{{ record.quantity }}{% endif %}"
        "{% if record.cash_amount %} {{ record.cash_amount|yuan }}{% endif %}"
        '{% if record.location %}<div class="small text-secondary">{{ record.location }}</div>{% endif %}',
        verbose_name=_("物品"),
    )
    unit = tables.Column(verbose_name=_("房号"), accessor="unit__address", default="—", attrs=NOWRAP)
    from_name = tables.Column(verbose_name=_("交来人"), attrs=NOWRAP)
    received_at = tables.TemplateColumn(
        '{{ record.received_at|date:"Y-m-d H:i" }}<div class="text-secondary">{{ record.received_by }}</div>',
        verbose_name=_("接收"),
        attrs={"td": {"class": "small text-nowrap"}},
    )
    status = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)
    actions = tables.TemplateColumn(
        template_name="billing/_trust_actions.html",
        verbose_name="",
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "text-end"}},
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("没有符合条件的代管物品。业主寄存的物品、证件、钥匙或现金在右侧登记")
        order_by = ("status", "-received_at")  # kept first

    def render_status(self, record):
        css = "text-bg-primary" if record.status == "kept" else "text-bg-success"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())
