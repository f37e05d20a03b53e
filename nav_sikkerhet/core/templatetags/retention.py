from django import template
from django.urls import reverse

from nav_sikkerhet.core import access, retention

register = template.Library()


@register.inclusion_tag("core/_retention_hold.html", takes_context=True)
def retention_hold_box(context, record):
    """The record's hold past its retention period, if any, and the button to place one for those who may."""
    user = context["request"].user
    return {
        "hold": retention.active_hold(record),
        "may_hold": access.may_place_retention_hold(user, record.unit),
        "url": reverse("core:retention_hold", args=[record._meta.model_name, record.public_id]),
    }
