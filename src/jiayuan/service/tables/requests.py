"""Tables of the request lists: the number as the link, state as a coloured badge, breaches in red,
phones masked (个人信息保护法)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from jiayuan.core.masking import mask_phone
from jiayuan.service.models import State, Urgency

TABLE_ATTRS = {"class": "table table-hover table-sm align-middle mb-0 jy-table"}
NOWRAP = {"td": {"class": "text-nowrap"}}
WIDE = {
    "th": {"class": "d-none d-md-table-cell text-nowrap"},
    "td": {"class": "d-none d-md-table-cell text-nowrap"},
}

# UI.md colours: red breached, blue in progress, green closed, grey cancelled.
STATE_TONE = {
    State.NEW: "warning",
    State.DISPATCHED: "primary",
    State.ACCEPTED: "primary",
    State.ON_WAY: "primary",
    State.ARRIVED: "primary",
    State.CONTRACTOR_DONE: "info",
    State.COMPLETED: "info",
    State.CLOSED: "success",
    State.CANCELLED: "secondary",
}


def state_badge(req) -> str:
    badge = format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATE_TONE.get(req.state, "secondary"),
        req.get_state_display(),
    )
    if req.breached:
        badge += format_html(' <span class="badge text-bg-danger">{}</span>', _("超时"))
    return badge


def _when(value) -> str:
    return f"{localtime(value):%m-%d %H:%M}" if value else "—"


class RequestTable(tables.Table):
    number = tables.Column(
        verbose_name=_("单号"),
        attrs={"td": {"class": "fw-semibold text-nowrap"}},
    )
    type = tables.Column(verbose_name=_("类型"), attrs=NOWRAP)
    unit = tables.Column(
        verbose_name=_("房屋/地点"), empty_values=(), order_by=("unit__address",), attrs=NOWRAP
    )
    content = tables.Column(verbose_name=_("内容"), orderable=False)
    contact_phone = tables.Column(verbose_name=_("联系电话"), orderable=False, attrs=WIDE)
    state = tables.Column(verbose_name=_("状态"), attrs=NOWRAP)
    assignee = tables.Column(verbose_name=_("处理人"), empty_values=(), orderable=False, attrs=WIDE)
    received_at = tables.Column(verbose_name=_("受理时间"), attrs=NOWRAP)

    class Meta:
        attrs = TABLE_ATTRS
        row_attrs = {"class": lambda record: "table-danger" if record.breached and record.is_open else ""}
        empty_text = _("暂无符合条件的客户请求。可以清除筛选条件，或点击“登记请求”受理一条新的来电。")
        order_by = ("-received_at",)

    def render_type(self, record):
        text = record.get_type_display()
        if record.repair_scope:
            text = f"{text}·{record.get_repair_scope_display()}"
        if record.urgency == Urgency.EMERGENCY:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', text, _("急"))
        return text

    def render_number(self, record, value):
        # R3.10: a repeat report stands out in the queue (owners must not have to report twice).
        url = reverse("service:request", args=[record.pk])
        link = format_html('<a href="{}">{}</a>', url, value)
        if record.repeat_of_id:
            link += format_html(
                ' <span class="badge text-bg-danger" title="{}" data-testid="repeat-badge">{}</span>',
                _("同一房屋 30 天内重复反映，原单见详情"),
                _("重复反映"),
            )
        return link

    def render_unit(self, record):
        return record.unit.address if record.unit_id else (record.location or "—")

    def render_content(self, value):
        return value if len(value) <= 40 else value[:40] + "…"

    def render_contact_phone(self, value):
        return mask_phone(value) or "—"

    def render_state(self, record):
        return state_badge(record)

    def render_assignee(self, record):
        who = record.assignee.get_full_name() or record.assignee.username if record.assignee_id else ""
        dept = record.department.name if record.department_id else ""
        return " / ".join(x for x in (dept, who) if x) or "—"

    def render_received_at(self, value):
        return _when(value)


class VisitQueueTable(RequestTable):
    completed_at = tables.Column(verbose_name=_("完成时间"), attrs=NOWRAP)
    visit = tables.Column(verbose_name="", empty_values=(), orderable=False, attrs=NOWRAP)

    class Meta(RequestTable.Meta):
        exclude = ("state",)
        order_by = ("completed_at",)
        empty_text = _("暂无待回访的请求：有效投诉、急修和抽中的报修完成后会出现在这里。")

    def render_completed_at(self, value):
        return _when(value)

    def render_visit(self, record):
        from django.urls import reverse

        url = reverse("service:action", args=[record.pk, "visit"])
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{0}?next={1}" hx-get="{0}?next={1}" '
            'hx-target="#jy-modal-content" data-bs-toggle="modal" data-bs-target="#jy-modal">{2}</a>',
            url,
            reverse("service:visits"),
            _("回访"),
        )


class ArchiveTable(RequestTable):
    """R3.8: an owner's requests with their results: completion note, complaint judgement, return visit."""

    result = tables.Column(verbose_name=_("处理结果"), empty_values=(), orderable=False)
    visit = tables.Column(verbose_name=_("回访"), empty_values=(), orderable=False, attrs=NOWRAP)

    class Meta(RequestTable.Meta):
        exclude = ("contact_phone", "assignee")
        sequence = ("number", "type", "unit", "content", "state", "result", "visit", "received_at")
        empty_text = _("该住户暂无客户请求记录。")

    def render_result(self, record):
        parts = []
        review = getattr(record, "review", None) if record.type == "complaint" else None
        if review is not None and review.judged_at is not None:
            parts.append(str(_("有效投诉") if review.valid else _("无效投诉")))
        if record.completion_note:
            parts.append(record.completion_note[:60])
        elif review is not None and review.result:
            parts.append(review.result[:60])
        for ref in record.referrals.all():
            if ref.state == "fed_back":
                parts.append(f"{ref.party_name}：{ref.answer[:40]}")
        return "；".join(parts) or "—"

    def render_visit(self, record):
        visits = list(record.visits.all())
        if not visits:
            return "—"
        v = visits[-1]
        text = v.get_outcome_display()
        return f"{text} {v.satisfaction}分" if v.satisfaction else text
