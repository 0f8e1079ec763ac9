"""Template filters of the indicators app: figures the Indonesian way and status colours."""

from django import template

from ..choices import STATUS_COLOURS, Status
from ..figures import format_figure

register = template.Library()


@register.filter
def figure(value, decimals=2) -> str:
    """A figure with a decimal comma and dots between thousands: 6.38 -> "6,38"."""
    return format_figure(value, decimals)


@register.filter
def signed_figure(value, decimals=2) -> str:
    """A change with its sign: +0,12 or -0,05 ("—" for none)."""
    text = format_figure(value, decimals)
    if value is None or text == "—" or text.startswith("-"):
        return text
    return f"+{text}"


@register.filter
def status_colour(value) -> str:
    """The Bootstrap colour of a status (choices.STATUS_COLOURS)."""
    try:
        return STATUS_COLOURS[Status(value)]
    except ValueError:
        return "secondary"


@register.filter
def status_label(value) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return ""
