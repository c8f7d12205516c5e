from django import template

from jiayuan.standards.values import format_value

register = template.Library()


@register.filter
def std_value(version, kind: str = "") -> str:
    """``{{ version|std_value:standard.kind }}`` — the kind is passed so rows need no extra query."""
    if version is None:
        return "—"
    return format_value(version, kind or None)
