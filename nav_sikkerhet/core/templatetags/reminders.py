from django import template

from nav_sikkerhet.core.scheduling import REMINDER_KINDS
from nav_sikkerhet.core.services import reminder_values

register = template.Library()


@register.filter
def reminder_subject(reminder) -> str:
    """The reminder's subject line in the active language, filled in as its e-mail is."""
    kind = REMINDER_KINDS.get(reminder.kind)
    if kind is None:
        return reminder.kind
    return str(kind.subject) % reminder_values(reminder, url="")
