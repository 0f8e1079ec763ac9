"""Template helpers of the meetings app."""

from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown as sanitized HTML (see meetings.markdown)."""
    return render_markdown(text or "")


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap badge class of an action status."""
    return {
        "not_started": "text-bg-secondary",
        "in_progress": "text-bg-primary",
        "done": "text-bg-info",
        "verified": "text-bg-success",
        "cancelled": "text-bg-light border",
    }.get(status, "text-bg-light")


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """How many unread notifications the signed-in user has (for the navigation badge)."""
    from ..models import Notification

    request = context.get("request")
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()
