"""The incidents' scheduled jobs: the weekly count of unreviewed incidents to HMS and the leaders."""

import datetime

from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import scheduling

from . import counts, services
from .models import Incident, Proposal, Status, WarningLetter

# A week's reminder is still made if the sweep did not run on Monday, up to this many days later.
CATCH_UP_DAYS = 3


def weekly_review_reminders(today: datetime.date) -> None:
    """Once per unit and week (Monday, or the first run after it): how many incidents wait for review."""
    week_start = today - datetime.timedelta(days=today.weekday())
    if (today - week_start).days > CATCH_UP_DAYS:
        return
    unit_ids = (
        Incident.objects.filter(status=Status.REGISTERED).order_by().values_list("unit_id", flat=True).distinct()
    )
    for unit_id in unit_ids:
        services.remind_weekly_review(unit_id=unit_id, week_start=week_start)


def _unreviewed(unit_id: int) -> int:
    return Incident.objects.filter(unit_id=unit_id, status=Status.REGISTERED).count()


def _incident_unreviewed(incident_id: int) -> bool:
    return Incident.objects.filter(pk=incident_id, status=Status.REGISTERED).exists()


def _proposal_open(proposal_id: int) -> bool:
    proposal = Proposal.objects.select_related("decision").filter(pk=proposal_id).first()
    return proposal is not None and not proposal.current_outcome


REMINDER_KINDS = [
    scheduling.ReminderKind(
        services.PROPOSAL_REMINDER_KIND,
        _("Incident %(case)s: a measure is proposed"),
        _("The review of incident %(case)s proposed a measure on %(due)s. Those who prepare decisions at the unit "
          "follow it up: open a draft decision, or ask the head of unit to decide on it.\n\nOpen the incident: "
          "%(url)s"),
        _proposal_open,
    ),
    scheduling.ReminderKind(
        services.REGISTERED_REMINDER_KIND,
        _("Incident %(case)s registered in your unit"),
        _("An incident of violence or threats (%(case)s) was registered in your unit on %(due)s. Read it, see that "
          "the staff exposed are offered a debrief, and take it to the weekly review.\n\nOpen the incident: %(url)s"),
        _incident_unreviewed,
    ),
    scheduling.ReminderKind(
        services.WEEKLY_REMINDER_KIND,
        # The scheduler fills in the count without a plural form: worded so that none is needed.
        _("Unit %(case)s: incidents not yet reviewed: %(count)s"),
        _("Unit %(case)s has incidents of violence or threats that have not been reviewed: %(count)s. Review them "
          "at this week's meeting and record it.\n\nOpen the weekly review: %(url)s"),
        lambda unit_id: _unreviewed(unit_id) > 0,
        values=lambda unit_id: {"count": _unreviewed(unit_id)},
    ),
]

def recount_months(today: datetime.date) -> None:
    """The statistics' monthly counts checked against the incidents; only months that differ are written."""
    counts.rebuild()


def warning_letters_not_produced(today: datetime.date) -> None:
    """Warning letters whose task was lost (broker down) or failed are queued again; producing is idempotent."""
    from . import tasks  # tasks imports the services

    for letter_id in WarningLetter.objects.filter(WarningLetter.not_produced_q()).values_list("pk", flat=True):
        scheduling.enqueue(tasks.generate_warning_letter, letter_id)


JOBS = [weekly_review_reminders, recount_months, warning_letters_not_produced]


def register() -> None:
    for kind in REMINDER_KINDS:
        scheduling.register_reminder_kind(kind)
    for job in JOBS:
        scheduling.register_job(job)
