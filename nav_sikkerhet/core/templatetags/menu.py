from django import template

from nav_sikkerhet.core import menu

register = template.Library()


@register.inclusion_tag("core/_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    return {"items": menu.items_for(request) if request is not None else []}
