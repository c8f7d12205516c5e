"""Drill-down tables built from an indicator source's ``columns`` (core.indicators.Column)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

TABLE_ATTRS = {"class": "table table-hover align-middle mb-0 text-nowrap jy-inset"}


class SourceColumn(tables.Column):
    """One Column of a source; the first one links to the record page when the source gives ``row_url``."""

    def __init__(self, column, *, link=None, **kwargs):
        super().__init__(verbose_name=str(column.label), empty_values=(), orderable=False, **kwargs)
        self.column = column
        self.row_link = link

    def render(self, record):
        value = self.column.cell(record)
        text = "—" if value in (None, "") else value
        url = self.row_link(record) if self.row_link else ""
        return format_html('<a href="{}">{}</a>', url, text) if url else text


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
