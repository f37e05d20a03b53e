from django import template

from nav_sikkerhet.core.scheduling import REMINDER_KINDS
from nav_sikkerhet.core.services import reminder_object_id

register = template.Library()


@register.filter
def reminder_subject(reminder) -> str:
    """The reminder's subject line in the active language, filled in as its e-mail is (with the kind's own values)."""
    kind = REMINDER_KINDS.get(reminder.kind)
    if kind is None:
        return reminder.kind
    values = {"case": reminder.case_number, "due": reminder.due_on.strftime("%d.%m.%Y"), "url": ""}
    if kind.values is not None:
        values.update(kind.values(reminder_object_id(reminder)))
    return str(kind.subject) % values
