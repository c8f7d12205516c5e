"""Template helpers for estate pages: masked personal data, areas, state badges."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiayuan.core.masking import mask_id, mask_phone
from jiayuan.estate.models import Unit

register = template.Library()

UNIT_STATE_CLASS = {
    Unit.State.VACANT: "text-bg-secondary",
    Unit.State.DELIVERED: "text-bg-info",
    Unit.State.OCCUPIED: "text-bg-success",
    Unit.State.DECORATING: "text-bg-warning",
    Unit.State.RENTED: "text-bg-primary",
}


TIMELINE_ACTIONS = {
    "unit_create": gettext_lazy("新建房屋"),
    "unit_update": gettext_lazy("修改房屋"),
    "occupancy_add": gettext_lazy("登记住户"),
    "occupancy_end": gettext_lazy("解除关系"),
    "party_update": gettext_lazy("修改住户"),
}


@register.filter
def timeline_action(code: str) -> str:
    return str(TIMELINE_ACTIONS.get(code, code))


@register.filter
def actor_name(user) -> str:
    """Who did it: the person's name, else the login, else 系统 (imports, tasks)."""
    if user is None:
        return _("系统")
    return user.get_full_name() or user.get_username()


@register.filter
def masked_phone(value) -> str:
    return mask_phone(value)


@register.filter
def masked_id(value) -> str:
    return mask_id(value)


@register.filter
def area(value) -> str:
    """``89.50 m²``; a dash when unknown."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f} m²"


@register.simple_tag
def unit_state_badge(unit) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        UNIT_STATE_CLASS.get(unit.state, "text-bg-light"),
        unit.get_state_display(),
    )


@register.simple_tag
def contract_badge(signed: bool) -> str:
    if signed:
        return format_html(
            '<span class="badge bg-success-subtle text-success-emphasis border border-success-subtle">{}</span>',
            _("已签约"),
        )
    return format_html(
        '<span class="badge bg-warning-subtle text-warning-emphasis border border-warning-subtle">{}</span>',
        _("未签约"),
    )


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (``None`` removes one); page resets to 1."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
