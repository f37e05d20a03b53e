"""The matrix' zones and scale labels for the templates."""

from django import template

from risiko.models import HEX_COLOUR

register = template.Library()


@register.filter
def zone(zones: dict, code: str | None) -> dict:
    """A zone's definition (name, colours, description) by its code; empty for an event not yet assessed."""
    return zones.get(code, {}) if code else {}


@register.filter
def level_label(labels: list, level: int | None) -> str:
    return labels[level - 1] if level else ""


@register.filter
def css_colour(value: str) -> str:
    """A #rrggbb colour for a style sheet; anything else (never valid data) becomes a harmless grey."""
    return value if isinstance(value, str) and HEX_COLOUR.match(value) else "#767676"
