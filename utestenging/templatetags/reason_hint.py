"""The settings of the as-you-type hint for reasoning texts, from the same rule the server applies."""

from django import template

from utestenging import reasons

register = template.Library()


@register.simple_tag
def reason_hint_settings() -> dict:
    return reasons.hint_settings()
