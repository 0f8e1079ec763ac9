"""Template filters for durations as people say them."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(value) -> int:
    """A timedelta (or seconds) in whole minutes, rounded up: "30" for a lock of 30 minutes."""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value or 0)
    return max(1, -(-int(seconds) // 60)) if seconds > 0 else 0
