"""The "节假日与调休" page: a year's statutory holidays and adjusted working days, kept by company admins.

The arithmetic lives in ``core.worktime``; this page lists the ``CalendarDay`` rows, warns when a year is
not entered yet (deadlines then fall back to Monday–Friday), and adds or removes days by hand through the
``calendar_day_add`` / ``calendar_day_remove`` services.
"""

from __future__ import annotations

from datetime import date

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from jiayuan.core import worktime
from jiayuan.core.errors import DomainError, ValidationFailed
from jiayuan.core.models import CalendarDay
from jiayuan.core.roles import Perm
from jiayuan.core.scoping import has_perm
from jiayuan.core.tables import paginate
from jiayuan.core.web import form_error, run_service

# A year holds about 30–40 rows: one page of 50 shows a whole year at once.
DEFAULT_PER_PAGE = 50


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("格式 2027-10-01"),
    )
    is_working = forms.TypedChoiceField(
        label=_("类型"),
        choices=[("0", _("放假（周一至周五的法定节假日）")), ("1", _("调休上班（周六、周日上班）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="0",
    )
    name = forms.CharField(
        label=_("名称"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("如：春节")}),
    )

    def clean(self):
        data = super().clean()
        if "date" in data and "is_working" in data:
            try:
                worktime.check_new_day(data["date"], data["is_working"])
            except ValidationFailed as e:
                form_error(self, e)
        return data


class CalendarDayFilter(django_filters.FilterSet):
    """The list's filters (besides the year, which always has a value)."""

    kind = django_filters.ChoiceFilter(
        label=_("类型"),
        choices=[("holiday", _("放假")), ("working", _("调休上班"))],
        method="filter_kind",
        empty_label=_("全部类型"),
    )
    source = django_filters.ChoiceFilter(
        label=_("来源"),
        choices=[(worktime.SOURCE_SEEDED, _("国务院安排")), (worktime.SOURCE_MANUAL, _("手工添加"))],
        empty_label=_("全部来源"),
    )

    class Meta:
        model = CalendarDay
        fields = ["kind", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter_kind(self, queryset, name, value):
        return queryset.filter(is_working=(value == "working"))


_WIDE_ONLY = {
    "th": {"class": "d-none d-md-table-cell"},
    "td": {"class": "d-none d-md-table-cell text-nowrap"},
}
_NOWRAP = {"td": {"class": "text-nowrap"}}


def _weekday(day: date) -> str:
    return "周" + worktime.WEEKDAYS[day.weekday()]


class CalendarDayTable(tables.Table):
    # On phones the weekday rides under the date and the source column is hidden, so a row fits 390 px.
    date = tables.Column(verbose_name=_("日期"), attrs=_NOWRAP)
    weekday = tables.Column(
        verbose_name=_("星期"), accessor="date", orderable=False, empty_values=(), attrs=_WIDE_ONLY
    )
    is_working = tables.Column(verbose_name=_("类型"), attrs=_NOWRAP)
    name = tables.Column(verbose_name=_("名称"), attrs=_NOWRAP)
    source = tables.Column(verbose_name=_("来源"), attrs=_WIDE_ONLY)
    actions = tables.TemplateColumn(
        template_name="core/calendar_row_actions.html",
        verbose_name="",
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap"}},
    )

    class Meta:
        model = CalendarDay
        fields = ("date", "weekday", "is_working", "name", "source", "actions")
        order_by = ("date",)
        attrs = {"class": "table table-hover align-middle mb-0"}
        empty_text = " "  # the template says why the list is empty

    def render_date(self, value):
        return format_html(
            '{}<div class="small text-muted d-md-none">{}</div>', value.strftime("%Y-%m-%d"), _weekday(value)
        )

    def render_weekday(self, value):
        text = _weekday(value)
        return format_html('<span class="text-muted">{}</span>', text) if value.weekday() >= 5 else text

    def render_is_working(self, value):
        if value:
            return format_html(
                '<span class="badge bg-primary-subtle text-primary-emphasis">{}</span>', _("班 调休上班")
            )
        return format_html(
            '<span class="badge bg-danger-subtle text-danger-emphasis">{}</span>', _("休 放假")
        )

    def render_source(self, value):
        if value == worktime.SOURCE_MANUAL:
            return format_html('<span class="badge text-bg-light border">{}</span>', _("手工添加"))
        return _("国务院安排")


def _require_editor(user) -> None:
    if not has_perm(user, Perm.EDIT_CALENDAR, None):
        raise PermissionDenied("只有公司管理员可以维护节假日")


def _int_param(raw, default: int, lo: int, hi: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if lo <= value <= hi else default


def _list_url(year: int) -> str:
    return f"{reverse('calendar')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar_list(request):
    _require_editor(request.user)
    this_year = timezone.localdate().year
    year = _int_param(request.GET.get("year"), this_year, worktime.FIRST_YEAR, worktime.LAST_YEAR)
    form = CalendarDayForm(request.POST or None, initial={"is_working": "0"})
    if request.method == "POST" and form.is_valid():
        entry = run_service(
            form,
            lambda data: worktime.calendar_day_add(
                actor=request.user, day=data["date"], is_working=data["is_working"], name=data["name"]
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("已添加 %(date)s(%(kind)s)")
                % {
                    "date": f"{entry.date:%Y-%m-%d}",
                    "kind": _("调休上班") if entry.is_working else _("放假"),
                },
            )
            return redirect(_list_url(entry.date.year))
    return render(request, "core/calendar.html", _list_context(request, year, this_year, form))


def _list_context(request, year: int, this_year: int, form) -> dict:
    year_rows = CalendarDay.objects.filter(date__year=year)
    filterset = CalendarDayFilter(request.GET or None, queryset=year_rows)
    table = CalendarDayTable(filterset.qs)
    paginate(request, table, default=DEFAULT_PER_PAGE)
    counts = {row["is_working"]: row["n"] for row in year_rows.values("is_working").annotate(n=Count("id"))}
    known = worktime.known_years()
    years = sorted(known | {this_year, this_year + 1, year}, reverse=True)
    return {
        "year": year,
        "years": years,
        "year_known": year in known,
        "manual_only": year in known and not year_rows.exclude(source=worktime.SOURCE_MANUAL).exists(),
        "holiday_count": counts.get(False, 0),
        "working_count": counts.get(True, 0),
        "filter": filterset,
        "filtered": bool(
            filterset.form.is_bound and any(filterset.form.data.get(f) for f in ("kind", "source"))
        ),
        "table": table,
        "per_page": table.current_per_page,
        "per_page_choices": table.per_page_choices,
        "form": form,
        "history": CalendarDay.history.filter(date__year=year).select_related("history_user")[:10],
    }


@login_required
@require_POST
def calendar_remove(request, pk: int):
    _require_editor(request.user)
    # The calendar is company-wide, not project-scoped: the permission check above is the whole guard.
    entry = get_object_or_404(CalendarDay, pk=pk)
    try:
        worktime.calendar_day_remove(entry, actor=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        name = f"({entry.name})" if entry.name else ""
        messages.success(
            request, _("已删除 %(date)s%(name)s") % {"date": f"{entry.date:%Y-%m-%d}", "name": name}
        )
    return redirect(_list_url(entry.date.year))
