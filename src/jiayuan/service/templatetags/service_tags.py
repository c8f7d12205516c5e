from django import template

register = template.Library()


@register.filter
def person(user, empty="—") -> str:
    """A user's display name (full name, else login), or ``empty``."""
    if user is None:
        return empty
    return user.get_full_name() or user.username
