"""Named slots on pages that other apps fill with panels, so that the page's app imports none.

An app registers its panels in its AppConfig.ready(), like NetBox's plugin template extensions:

    slots.register("home", key="registry", template="households/_home_registry.html",
                   context=lambda request: {...}, roles=[ADMIN, SECRETARIAT], order=10)
    slots.register("household_detail", key="benefits", url_name="programs:household_benefits",
                   url_kwargs=lambda household: {"pk": household.pk},
                   permission="programs.view_beneficiary", order=10)

A page shows a slot with the template tag of tkpk/templatetags/slots.py, passing what its panels
need: ``{% slot "household_detail" household=household %}``. A ``template`` panel is rendered in
the page with ``context(request, **kwargs)``; a ``url_name`` panel is a placeholder that htmx
loads on page load (hx-get, hx-trigger="load"), so the page never waits for the other app.

A panel shows when the user holds ``permission`` (if given), one of ``roles`` (if given) and
passes ``check(user)`` (if given); panels are ordered by ``order``, then by key.

The slots: "home" (the role home pages, no arguments), "household_detail" (household=),
"meeting_detail" (meeting=) and "agency_detail" (agency=).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .roles import user_role


@dataclass(frozen=True)
class Panel:
    """One panel that an app put into a slot."""

    slot: str
    key: str
    template: str | None = None
    context: Callable | None = None
    url_name: str | None = None
    url_kwargs: Callable | None = None
    permission: str | None = None
    roles: tuple[str, ...] | None = None
    check: Callable | None = None
    order: int = 50

    def shows_for(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if self.permission and not user.has_perm(self.permission):
            return False
        if self.roles is not None and user_role(user) not in self.roles:
            return False
        return self.check is None or bool(self.check(user))

    def url(self, **kwargs) -> str:
        """The URL that htmx loads a lazy panel from."""
        return reverse(self.url_name, kwargs=self.url_kwargs(**kwargs) if self.url_kwargs else None)


_SLOTS: dict[str, dict[str, Panel]] = {}


def register(
    slot: str,
    *,
    key: str,
    template: str | None = None,
    context: Callable | None = None,
    url_name: str | None = None,
    url_kwargs: Callable | None = None,
    permission: str | None = None,
    roles: Iterable[str] | None = None,
    check: Callable | None = None,
    order: int = 50,
) -> Panel:
    """Put a panel into a slot; registering the same key in the same slot again replaces it."""
    if (template is None) == (url_name is None):
        raise ImproperlyConfigured(f"Panel {slot}/{key} needs either a template or a url_name.")
    panel = Panel(
        slot=slot,
        key=key,
        template=template,
        context=context,
        url_name=url_name,
        url_kwargs=url_kwargs,
        permission=permission,
        roles=tuple(roles) if roles is not None else None,
        check=check,
        order=order,
    )
    _SLOTS.setdefault(slot, {})[key] = panel
    return panel


def unregister(slot: str, key: str) -> None:
    """Take a panel out of a slot (tests register panels of their own and remove them again)."""
    panels = _SLOTS.get(slot, {})
    panels.pop(key, None)
    if not panels:
        _SLOTS.pop(slot, None)


def panels_for(slot: str, user) -> list[Panel]:
    """The panels of a slot that the user may see, in order. An empty slot costs no query."""
    panels = _SLOTS.get(slot)
    if not panels:
        return []
    return sorted((p for p in panels.values() if p.shows_for(user)), key=lambda p: (p.order, p.key))


def render_panel(panel: Panel, request, **kwargs) -> SafeString:
    """The HTML of one panel: rendered now from its template, or an htmx placeholder."""
    if panel.template:
        context = dict(kwargs)
        if panel.context:
            context.update(panel.context(request, **kwargs))
        return mark_safe(render_to_string(panel.template, context, request=request))  # noqa: S308
    # htmx replaces the placeholder with the panel's own HTML once the page has loaded.
    return format_html(
        '<div hx-get="{}" hx-trigger="load" hx-swap="outerHTML" aria-busy="true"'
        ' data-slot-panel="{}"><span class="spinner-border spinner-border-sm text-secondary"'
        ' aria-hidden="true"></span></div>',
        panel.url(**kwargs),
        f"{panel.slot}:{panel.key}",
    )
