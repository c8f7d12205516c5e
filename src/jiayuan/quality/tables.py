"""Drill-down tables built from an indicator source's ``columns`` (core.indicators.Column)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiayuan.quality.templatetags.quality_format import q_is_number, q_number

TABLE_ATTRS = {"class": "table table-hover align-middle mb-0 text-nowrap jy-inset"}


class SourceColumn(tables.Column):
    """One Column of a source; the first one links to the record page when the source gives ``row_url``."""

    def __init__(self, column, *, link=None, **kwargs):
        # Numbers right-aligned (UI.md), the rest as they come; the class is decided per cell.
        attrs = {
            "td": {"class": lambda record: "num text-nowrap" if q_is_number(column.cell(record)) else ""}
        }
        super().__init__(
            verbose_name=str(column.label), empty_values=(), orderable=False, attrs=attrs, **kwargs
        )
        self.column = column
        self.row_link = link

    def render(self, record):
        value = self.column.cell(record)
        text = "—" if value in (None, "") else _cell_text(value)
        url = self.row_link(record) if self.row_link else ""
        return format_html('<a href="{}">{}</a>', url, text) if url else text


def _cell_text(value):
    """Numbers with thousands separators (a Decimal keeps its own places); times in Shanghai as
    ``2026-11-29 14:05``; the rest unchanged."""
    if isinstance(value, Decimal):
        return f"{value:,}"  # as stored: an amount keeps its cents (0.00, 1,234.50)
    if q_is_number(value):
        return q_number(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return value


def rows_table(source, data, *, prefix: str, empty_text: str = ""):
    """A table class made for ``source`` (its columns, or the record's text when it names none)."""
    columns = list(source.columns)
    attrs: dict = {}
    if not columns:
        from jiayuan.core.indicators import Column

        columns = [Column(str(_("记录")), str)]
    for i, column in enumerate(columns):
        attrs[f"c{i}"] = SourceColumn(column, link=source.row_url if i == 0 else None)
    attrs["Meta"] = type("Meta", (), {"attrs": TABLE_ATTRS, "orderable": False})
    table_class = type("IndicatorRowsTable", (tables.Table,), attrs)
    return table_class(data, prefix=prefix, empty_text=empty_text or str(_("没有记录")))
