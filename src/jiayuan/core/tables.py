"""List-page pagination shared by every app (UI.md "List pages"): 25 rows by default, a page-size picker,
any other ``?per_page=`` value falls back to the default, so a fuzzed URL never gets a 500."""

from __future__ import annotations

from django_tables2 import RequestConfig

PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 25


def per_page(request, default: int = DEFAULT_PER_PAGE) -> int:
    raw = request.GET.get("per_page", "")
    value = int(raw) if raw.isdigit() and len(raw) <= 4 else default
    return value if value in PER_PAGE_CHOICES else default


def paginate(request, table, *, default: int = DEFAULT_PER_PAGE):
    """Configure sorting and pagination from the URL. ``render_table`` gives its template only the table
    and the request, so the picker's choices travel on the table."""
    size = per_page(request, default)
    RequestConfig(request, paginate={"per_page": size}).configure(table)
    table.per_page_choices = PER_PAGE_CHOICES
    table.current_per_page = size
    return table
