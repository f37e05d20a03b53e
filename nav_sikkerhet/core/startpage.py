"""Panels other apps add to the start page, so the core never imports them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable  # (user) -> dict for the template, or None when the user's roles do not open it


PANELS: list[Panel] = []


def register(template: str, context: Callable) -> None:
    if all(panel.template != template for panel in PANELS):
        PANELS.append(Panel(template, context))


def panels_for(user) -> list[tuple[str, dict]]:
    rendered = []
    for panel in PANELS:
        context = panel.context(user)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered
