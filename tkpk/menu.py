"""The main navigation, filled by the apps: base.html names no app's URL.

An app adds its items in its AppConfig.ready(), like NetBox's menu registry:

    menu.register(key="meetings", label=_("Meetings"), url_name="meetings:meeting_list",
                  permission="meetings.view_meeting", order=30)

An item sits in the bar or, with ``more=True``, under "More" (Lainnya); items are ordered by
``order`` (then by key), and under "More" a divider separates items of different ``section``.
An item shows when the user holds ``permission`` (if given), one of ``roles`` (if given) and
passes ``check(user)`` (if given). ``badge(request)`` gives a count shown beside the label,
computed only when the item shows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse

from .roles import user_role


@dataclass(frozen=True)
class MenuItem:
    """One link of the main navigation, as an app registered it."""

    key: str
    label: str
    url_name: str
    permission: str | None = None
    roles: tuple[str, ...] | None = None
    check: Callable | None = None
    more: bool = False
    section: str = ""
    order: int = 50
    icon: str = ""
    badge: Callable | None = None
    badge_title: str = ""

    def shows_for(self, user) -> bool:
        if self.permission and not user.has_perm(self.permission):
            return False
        if self.roles is not None and user_role(user) not in self.roles:
            return False
        return self.check is None or bool(self.check(user))


@dataclass(frozen=True)
class ShownItem:
    """An item as the template renders it for one request."""

    key: str
    label: str
    url: str
    icon: str
    badge: int | None
    badge_title: str
    divider_before: bool = False


_ITEMS: dict[str, MenuItem] = {}


def register(
    *,
    key: str,
    label,
    url_name: str,
    permission: str | None = None,
    roles: Iterable[str] | None = None,
    check: Callable | None = None,
    more: bool = False,
    section: str = "",
    order: int = 50,
    icon: str = "",
    badge: Callable | None = None,
    badge_title: str = "",
) -> MenuItem:
    """Add an item to the menu; registering the same key again replaces it."""
    item = MenuItem(
        key=key,
        label=label,
        url_name=url_name,
        permission=permission,
        roles=tuple(roles) if roles is not None else None,
        check=check,
        more=more,
        section=section,
        order=order,
        icon=icon,
        badge=badge,
        badge_title=badge_title,
    )
    _ITEMS[key] = item
    return item


def unregister(key: str) -> None:
    """Remove an item (tests register items of their own and take them away again)."""
    _ITEMS.pop(key, None)


def items_for(request, *, more: bool) -> list[ShownItem]:
    """The bar's items (or those under "More") that the request's user may see, in order."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return []
    chosen = sorted(
        (i for i in _ITEMS.values() if i.more == more and i.shows_for(user)),
        key=lambda i: (i.order, i.key),
    )
    shown = []
    for position, item in enumerate(chosen):
        shown.append(
            ShownItem(
                key=item.key,
                label=item.label,
                url=reverse(item.url_name),
                icon=item.icon,
                badge=item.badge(request) if item.badge else None,
                badge_title=item.badge_title,
                divider_before=position > 0 and item.section != chosen[position - 1].section,
            )
        )
    return shown


class Menu:
    """The menu of one request, computed only when a template reads it (htmx partials don't)."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def bar(self) -> list[ShownItem]:
        return items_for(self.request, more=False)

    @cached_property
    def more(self) -> list[ShownItem]:
        return items_for(self.request, more=True)
