"""Panels that apps add to the home page of a role, so that the core imports no app.

An app registers in its AppConfig.ready():

    home.register(roles=[SECRETARIAT], template="households/_home_panel.html",
                  context=lambda user: {...}, order=10)
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    roles: tuple[str, ...]
    template: str
    context: Callable
    order: int


_PANELS: list[Panel] = []


def register(*, roles, template: str, context: Callable, order: int = 50) -> None:
    panel = Panel(tuple(roles), template, context, order)
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(request, role: str | None) -> list[str]:
    """The rendered panels of a role, in order."""
    chosen = sorted((p for p in _PANELS if role in p.roles), key=lambda p: p.order)
    return [render_to_string(p.template, p.context(request.user), request=request) for p in chosen]
