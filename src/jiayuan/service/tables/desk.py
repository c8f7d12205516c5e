"""Tables of the desk records: number as the link, state as a coloured badge, personal data masked,
overdue defects in red (UI.md)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from jiayuan.core.masking import mask_id, mask_name, mask_phone
from jiayuan.service.models import DefectState, ReleaseState, VisitOutcome, VisitState
from jiayuan.service.tables.requests import NOWRAP, TABLE_ATTRS, WIDE

# A wrapping column shown from tablets up (phones keep the number, place, dates and state).
DESKTOP = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
RIGHT = {"th": {"class": "text-end text-nowrap"}, "td": {"class": "text-end text-nowrap"}}

RELEASE_TONE = {
    ReleaseState.ISSUED: "primary",
    ReleaseState.RELEASED: "success",
    ReleaseState.REFUSED: "danger",
    ReleaseState.CANCELLED: "secondary",
}
VISIT_TONE = {
    VisitState.PLANNED: "warning",
    VisitState.AGREED: "primary",
    VisitState.DONE: "success",
    VisitState.CANCELLED: "secondary",
}
DEFECT_TONE = {
    DefectState.OPEN: "warning",
    DefectState.REPORTED: "primary",
    DefectState.RECTIFIED: "info",
    DefectState.VERIFIED: "success",
    DefectState.CLOSED: "secondary",
}


def badge(tone: str, label) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', tone, label)


def release_badge(slip) -> str:
    if slip.expired:
        return badge("secondary", _("已过期"))
    return badge(RELEASE_TONE.get(slip.state, "secondary"), slip.get_state_display())


def _link(name, pk, value):
    return format_html('<a href="{}">{}</a>', reverse(name, args=[pk]), value)


class ReleaseTable(tables.Table):
    number = tables.Column(verbose_name=_("单号"), attrs={"td": {"class": "fw-semibold text-nowrap"}})
    unit = tables.Column(verbose_name=_("房屋"), order_by=("unit__address",), attrs=NOWRAP)
    carrier_name = tables.Column(verbose_name=_("携物人"), attrs=NOWRAP)
    carrier_phone = tables.Column(verbose_name=_("手机"), orderable=False, attrs=WIDE)
    carrier_id_number = tables.Column(verbose_name=_("证件号"), orderable=False, attrs=WIDE)
    items = tables.Column(verbose_name=_("物品"), orderable=False, attrs=DESKTOP)
    item_count = tables.Column(verbose_name=_("件数"), attrs=RIGHT)
    vehicle_plate = tables.Column(verbose_name=_("车牌"), orderable=False, attrs=WIDE)
    valid_on = tables.Column(verbose_name=_("有效日期"), attrs=NOWRAP)
    state = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("暂无符合条件的物品出门条。住户搬家或搬出物品时，点击“开具出门条”。")
        order_by = ("-issued_at",)
        sequence = (
            "number",
            "unit",
            "carrier_name",
            "carrier_phone",
            "carrier_id_number",
            "items",
            "item_count",
            "vehicle_plate",
            "valid_on",
            "state",
        )

    def render_number(self, record, value):
        return _link("service:release", record.pk, value)

    def render_unit(self, record):
        return record.unit.address

    def render_carrier_name(self, value):
        return mask_name(value)

    def render_carrier_phone(self, value):
        return mask_phone(value) or "—"

    def render_carrier_id_number(self, value):
        return mask_id(value) or "—"

    def render_items(self, value):
        one_line = " ".join(value.split())
        return one_line if len(one_line) <= 30 else one_line[:30] + "…"

    def render_valid_on(self, value):
        return f"{value:%Y-%m-%d}"

    def render_state(self, record):
        return release_badge(record)


class VisitTable(tables.Table):
    number = tables.Column(verbose_name=_("编号"), attrs={"td": {"class": "fw-semibold text-nowrap"}})
    unit = tables.Column(verbose_name=_("房屋"), order_by=("unit__address",), attrs=NOWRAP)
    purpose = tables.Column(verbose_name=_("事由"), orderable=False)
    planned_on = tables.Column(verbose_name=_("计划日期"), attrs=NOWRAP)
    agreed_time = tables.Column(verbose_name=_("约定时间"), attrs=WIDE)
    staff = tables.Column(verbose_name=_("走访人员"), empty_values=(), orderable=False, attrs=WIDE)
    outcome = tables.Column(verbose_name=_("结果"), attrs=NOWRAP)
    opinion_count = tables.Column(verbose_name=_("意见"), attrs=RIGHT)
    state = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("暂无符合条件的走访。可以清除筛选条件，或点击“安排走访”。")
        order_by = ("-planned_on",)

    def render_number(self, record, value):
        return _link("service:home_visit", record.pk, value)

    def render_unit(self, record):
        url = reverse("service:home_visits") + f"?unit={record.unit_id}"
        return format_html('<a href="{}" title="{}">{}</a>', url, _("该房屋的全部走访"), record.unit.address)

    def render_planned_on(self, value):
        return f"{value:%Y-%m-%d}"

    def render_agreed_time(self, value):
        return f"{timezone.localtime(value):%m-%d %H:%M}" if value else "—"

    def render_staff(self, record):
        people = list(record.staff.all())
        if not people:
            return "—"
        return format_html_join("、", "{}", ((u.get_full_name() or u.username,) for u in people))

    def render_outcome(self, record):
        if not record.outcome:
            return "—"
        tone = "success" if record.outcome == VisitOutcome.MET else "secondary"
        return badge(tone, record.get_outcome_display())

    def render_state(self, record):
        return badge(VISIT_TONE.get(record.state, "secondary"), record.get_state_display())


class DefectTable(tables.Table):
    number = tables.Column(verbose_name=_("编号"), attrs={"td": {"class": "fw-semibold text-nowrap"}})
    place = tables.Column(
        verbose_name=_("房屋/部位"), empty_values=(), order_by=("unit__address", "location")
    )
    category = tables.Column(verbose_name=_("类别"), attrs=WIDE)
    description = tables.Column(verbose_name=_("问题描述"), orderable=False, attrs=DESKTOP)
    found_on = tables.Column(verbose_name=_("发现日期"), attrs=WIDE)
    deadline = tables.Column(verbose_name=_("整改期限"), attrs=NOWRAP)
    ageing = tables.Column(verbose_name=_("已历时(天)"), empty_values=(), order_by=("found_on",), attrs=RIGHT)
    state = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)

    class Meta:
        attrs = TABLE_ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.overdue() else ""}
        empty_text = _("暂无符合条件的遗留问题。发现开发商遗留问题时，点击“登记遗留问题”。")
        order_by = ("-found_on",)

    def render_number(self, record, value):
        return _link("service:defect", record.pk, value)

    def render_place(self, record):
        parts = [record.unit.address if record.unit_id else "", record.location]
        return " ".join(p for p in parts if p)

    def render_description(self, value):
        return value if len(value) <= 36 else value[:36] + "…"

    def render_found_on(self, value):
        return f"{value:%Y-%m-%d}"

    def render_deadline(self, record, value):
        text = f"{value:%Y-%m-%d}"
        if record.overdue():
            return format_html('{} <span class="badge text-bg-danger">{}</span>', text, _("逾期"))
        return text

    def render_ageing(self, record):
        days = record.days_open()
        if record.overdue():
            return format_html('<span class="text-danger fw-semibold">{}</span>', days)
        return days

    def render_state(self, record):
        return badge(DEFECT_TONE.get(record.state, "secondary"), record.get_state_display())
