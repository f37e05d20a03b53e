from django import template

from nav_sikkerhet.core.scheduling import REMINDER_KINDS

register = template.Library()


@register.filter
def reminder_subject(reminder) -> str:
    """The reminder's subject line in the active language."""
    kind = REMINDER_KINDS.get(reminder.kind)
    if kind is None:
        return reminder.kind
    return str(kind.subject) % {"case": reminder.case_number, "due": reminder.due_on.strftime("%d.%m.%Y"), "url": ""}
