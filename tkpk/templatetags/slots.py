"""The {% slot %} tag: the panels that apps registered for a named slot of a page (tkpk.slots)."""

from django import template
from django.utils.html import format_html_join

from .. import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str, wrap: str = "", **kwargs):
    """Render the panels of slot `name` that the request's user may see, in order.

    The keyword arguments go to each panel (its context, its URL); `wrap` puts each panel in a
    <div> of that class, e.g. wrap="col-lg-6" inside a Bootstrap row. An empty slot renders
    nothing and costs no query.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    panels = slots.panels_for(name, user)
    if not panels:
        return ""
    rendered = [slots.render_panel(panel, request, **kwargs) for panel in panels]
    if wrap:
        return format_html_join("", '<div class="{}">{}</div>', ((wrap, html) for html in rendered))
    return format_html_join("", "{}", ((html,) for html in rendered))
