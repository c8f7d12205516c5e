"""django-tables2 tables of the org pages: numbers right-aligned, phones masked, states as badges.

On a phone secondary columns hide and their facts move under the first cell, so rows stay one line
high instead of wrapping Chinese text a character per line.
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jiayuan.core.masking import mask_phone
from jiayuan.org.models import CertificateStatus

TABLE_ATTRS = {"class": "table table-hover align-middle mb-0 text-nowrap jy-inset"}
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}
WIDE = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
WIDE_NUM = {"th": {"class": "num d-none d-md-table-cell"}, "td": {"class": "num d-none d-md-table-cell"}}
BADGE = {
    CertificateStatus.EXPIRED: "badge-red",
    CertificateStatus.EXPIRING: "badge-orange",
    CertificateStatus.VALID: "badge-green",
}
TEXT = {
    CertificateStatus.EXPIRED: "text-danger",
    CertificateStatus.EXPIRING: "text-warning-emphasis",
    CertificateStatus.VALID: "text-body-secondary",
}


def certificate_badge(cert, today=None) -> str:
    """Red expired, orange within 30 days, green valid (UI.md colours)."""
    status = CertificateStatus(cert.status_on(today or timezone.localdate()))
    return format_html('<span class="badge {}">{}</span>', BADGE[status], status.label)


def days_left_text(cert, today) -> str:
    if cert.expires_on is None:
        return _("长期")
    days = (cert.expires_on - today).days
    if days < 0:
        return ngettext("已过期 %(n)s 天", "已过期 %(n)s 天", -days) % {"n": -days}
    if days == 0:
        return _("今天到期")
    return ngettext("剩 %(n)s 天", "剩 %(n)s 天", days) % {"n": days}


def record_url(staff) -> str:
    return reverse("org:staff_detail", args=[staff.pk])


def _name_with_sub(staff, sub: str) -> str:
    """The name link, with what the hidden columns say underneath on a phone."""
    return format_html(
        '<a href="{}">{}</a><div class="small text-body-secondary d-md-none">{}</div>',
        record_url(staff),
        staff.name,
        sub,
    )


class StaffTable(tables.Table):
    name = tables.Column(verbose_name=_("姓名"))
    project = tables.Column(verbose_name=_("项目"), accessor="project__name", orderable=False, attrs=WIDE)
    department = tables.Column(
        verbose_name=_("部门"), accessor="department__name", order_by="department__kind", attrs=WIDE
    )
    post = tables.Column(verbose_name=_("岗位"), attrs=WIDE)
    phone = tables.Column(verbose_name=_("手机"), orderable=False)
    certificate_count = tables.Column(verbose_name=_("证书"), attrs=NUM)
    flags = tables.Column(verbose_name=_("标记"), empty_values=(), orderable=False, attrs=WIDE)

    class Meta:
        attrs = TABLE_ATTRS
        orderable = True
        empty_text = " "  # the page shows its own empty state

    def __init__(self, *args, show_project: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_project:
            self.columns.hide("project")

    def render_name(self, record):
        return _name_with_sub(record, f"{record.department.name} · {record.post}")

    def render_phone(self, value):
        return format_html('<span class="font-monospace">{}</span>', mask_phone(value))

    def render_flags(self, record):
        parts = []
        if record.is_manager:
            parts.append(format_html('<span class="badge text-bg-primary">{}</span>', _("管理层")))
        if record.professional:
            parts.append(format_html('<span class="badge text-bg-info">{}</span>', _("专业技术")))
        if not record.active:
            parts.append(format_html('<span class="badge badge-grey">{}</span>', _("离职")))
        return format_html(" ".join(["{}"] * len(parts)), *parts) if parts else "—"


class CertificateTable(tables.Table):
    expires_on = tables.Column(verbose_name=_("有效期至"))
    status = tables.Column(verbose_name=_("状态"), empty_values=(), orderable=False, attrs=WIDE)
    staff = tables.Column(verbose_name=_("员工"), accessor="staff__name")
    project = tables.Column(verbose_name=_("项目"), accessor="project__name", orderable=False, attrs=WIDE)
    department = tables.Column(
        verbose_name=_("部门"),
        accessor="staff__department__name",
        order_by="staff__department__kind",
        attrs=WIDE,
    )
    kind = tables.Column(verbose_name=_("证书"))
    number = tables.Column(verbose_name=_("编号"), orderable=False, attrs=WIDE)
    actions = tables.Column(
        verbose_name="", empty_values=(), orderable=False, attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = " "

    def __init__(
        self,
        *args,
        today,
        show_project: bool = False,
        can_edit=lambda pid: False,
        next_url: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.can_edit = can_edit
        self.next_url = next_url
        if not show_project:
            self.columns.hide("project")

    def render_expires_on(self, record):
        status = record.status_on(self.today)
        return format_html(
            '{}<div class="small {}">{}</div>',
            record.expires_on.isoformat() if record.expires_on else "—",
            TEXT[status],
            days_left_text(record, self.today),
        )

    def render_status(self, record):
        return certificate_badge(record, self.today)

    def render_staff(self, record):
        return _name_with_sub(record.staff, record.staff.department.name)

    def render_actions(self, record):
        if not self.can_edit(record.project_id):
            return ""
        url = reverse("org:certificate_add", args=[record.staff_id])
        query = urlencode(
            {"kind": record.kind, "next": self.next_url} if self.next_url else {"kind": record.kind}
        )
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}?{}" title="{}">{}</a>',
            url,
            query,
            _("登记换发的新证书"),
            _("换证"),
        )


class TrainingHoursTable(tables.Table):
    """Rows are selectors.HoursRow: one per active employee in the quarter (R1.4)."""

    name = tables.Column(verbose_name=_("姓名"), accessor="staff__name")
    department = tables.Column(verbose_name=_("部门"), accessor="staff__department__name", attrs=WIDE)
    post = tables.Column(verbose_name=_("岗位"), accessor="staff__post", attrs=WIDE)
    hours = tables.Column(verbose_name=_("本季学时"), attrs=NUM)
    target = tables.Column(verbose_name=_("标准"), empty_values=(), attrs=WIDE_NUM)
    state = tables.Column(verbose_name=_("达标"), empty_values=())

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = " "

    def __init__(self, *args, in_progress: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_progress = in_progress

    def render_name(self, record):
        return _name_with_sub(record.staff, f"{record.staff.department.name} · {record.staff.post}")

    def render_hours(self, value):
        return f"{value:.1f}"

    def render_target(self, record):
        return "—" if record.target is None else f"{record.target:.1f}"

    def render_state(self, record):
        if record.target is None:
            return format_html('<span class="badge badge-grey">{}</span>', _("未启用"))
        if record.ok:
            return format_html('<span class="badge badge-green">{}</span>', _("达标"))
        # A quarter still running is not yet breached: orange until it ends, then red (UI.md colours).
        css = "badge-orange" if self.in_progress else "badge-red"
        return format_html(
            '<span class="badge {}">{} {} {}</span>', css, _("差"), f"{record.short_by:.1f}", _("小时")
        )
