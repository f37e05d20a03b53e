"""The decisions' scheduled jobs: status from the dates, and reminders to the responsible leader.

Each job reads only the rows that are due (indexed date ranges), so its cost grows with what
is due, not with all decisions. A reminder missed on its day (the sweep did not run) is still
created within CATCH_UP_DAYS.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import scheduling

from . import rules, services
from .models import IN_FORCE_STATUSES, Decision, Kind, Letter, ServiceComplaint, Status

CATCH_UP_DAYS = 3
# Days before the last day: "assess extension" at 21 and 7, and on the day it expires (§5).
EXPIRY_STAGES = [(21, "decision.expiry_21"), (7, "decision.expiry_7"), (0, "decision.expiry_0")]
# The same 14 days the services remind at once for a complaint registered late.
COMPLAINT_UNANSWERED_DAYS = services.COMPLAINT_ANSWER_DAYS
REGISTRATIONS_AFTER_DAYS = 3


def _remind(kind: str, decision: Decision, due_on: datetime.date, object_id: int | None = None) -> None:
    services.remind_leaders(kind=kind, decision=decision, due_on=due_on, object_id=object_id)


def refresh_statuses(today: datetime.date) -> None:
    """Signed decisions whose start date has come become active; those past their end expire."""
    due = Decision.objects.filter(
        Q(status=Status.SIGNED, valid_from__lte=today) | Q(status=Status.ACTIVE, valid_to__lt=today)
    ).values_list("pk", flat=True)
    for decision_id in due:
        services.decision_refresh_status(decision_id=decision_id, today=today)


def expiry_reminders(today: datetime.date) -> None:
    for index, (days, kind) in enumerate(EXPIRY_STAGES):
        # Due when valid_to - days falls within the last CATCH_UP_DAYS, and not once the next stage is due.
        latest_end = today + datetime.timedelta(days=days)
        earliest_end = latest_end - datetime.timedelta(days=CATCH_UP_DAYS)
        if index + 1 < len(EXPIRY_STAGES):
            earliest_end = max(earliest_end, today + datetime.timedelta(days=EXPIRY_STAGES[index + 1][0] + 1))
        decisions = list(
            Decision.objects.filter(status__in=IN_FORCE_STATUSES, valid_to__range=(earliest_end, latest_end))
            .select_related("responsible_leader")
        )
        # Not those already extended. Looked up by id: an anti-join (.exclude(extensions__…)) makes
        # PostgreSQL hash every decision in force, so the cost would grow with all decisions.
        extended = set(
            Decision.objects.filter(extends__in=[d.pk for d in decisions], status__in=IN_FORCE_STATUSES)
            .values_list("extends_id", flat=True)
        )
        for decision in decisions:
            if decision.pk not in extended:
                _remind(kind, decision, decision.valid_to - datetime.timedelta(days=days))


def notice_deadline_reminders(today: datetime.date) -> None:
    """The citizen's deadline has passed: the case is ready to be decided."""
    for decision in Decision.objects.filter(
        status=Status.NOTICE_SENT, notice_deadline__lt=today,
        notice_deadline__gte=today - datetime.timedelta(days=CATCH_UP_DAYS + 1),
    ).select_related("responsible_leader"):
        _remind("decision.notice_deadline", decision, decision.notice_deadline + datetime.timedelta(days=1))


def complaint_reminders(today: datetime.date) -> None:
    """Every complaint unanswered 14 days after it was received, however late it was registered: no lower bound
    on the date, as a complaint registered weeks after it came is due at once. Unanswered ones are few (indexed)."""
    received_by = today - datetime.timedelta(days=COMPLAINT_UNANSWERED_DAYS)
    for complaint in ServiceComplaint.objects.filter(
        answered_on__isnull=True, received_on__lte=received_by,
    ).select_related("decision__responsible_leader"):
        _remind(services.COMPLAINT_REMINDER_KIND, complaint.decision,
                complaint.received_on + datetime.timedelta(days=COMPLAINT_UNANSWERED_DAYS), object_id=complaint.pk)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def registration_reminders(today: datetime.date) -> None:
    signed_by = today - datetime.timedelta(days=REGISTRATIONS_AFTER_DAYS)
    # A datetime range rather than __date, so the index on signed_at is used.
    window_start = _start_of(signed_by - datetime.timedelta(days=CATCH_UP_DAYS))
    window_end = _start_of(signed_by + datetime.timedelta(days=1))
    decisions = (
        Decision.objects.filter(signed_at__gte=window_start, signed_at__lt=window_end)
        .exclude(status=Status.DROPPED)
        .select_related("responsible_leader", "unit")
        .prefetch_related("registrations")
    )
    for decision in decisions:
        if set(rules.required_registrations(decision.unit)) - {r.kind for r in decision.registrations.all()}:
            signed_on = timezone.localdate(decision.signed_at)
            _remind("decision.registrations_missing", decision,
                    signed_on + datetime.timedelta(days=REGISTRATIONS_AFTER_DAYS))


def _decision_needs_extension_assessment(decision_id: int) -> bool:
    return Decision.objects.filter(pk=decision_id, status__in=IN_FORCE_STATUSES).exclude(
        extensions__status__in=IN_FORCE_STATUSES).exists()


def _notice_still_open(decision_id: int) -> bool:
    return Decision.objects.filter(pk=decision_id, status=Status.NOTICE_SENT).exists()


def _complaint_unanswered(complaint_id: int) -> bool:
    return ServiceComplaint.objects.filter(pk=complaint_id, answered_on__isnull=True).exists()


def _registrations_missing(decision_id: int) -> bool:
    decision = Decision.objects.filter(pk=decision_id).select_related("unit").first()
    return decision is not None and bool(
        set(rules.required_registrations(decision.unit)) - set(decision.registrations.values_list("kind", flat=True))
    )


EXTENSION_BODY = _(
    "A security measure you are responsible for (case %(case)s: %(measure)s) is coming to its end. If the risk "
    "of repetition may still exist, make a concrete, written assessment of extension in good time before it "
    "expires.\n\nOpen the case: %(url)s"
)


def _measure_values(decision_id: int) -> dict:
    """The kind of measure, so the leader knows which one ends (every kind on the ladder has a maximum period).

    The label stays lazy: the e-mail is written in the recipient's language."""
    kind = Decision.objects.filter(pk=decision_id).values_list("kind", flat=True).first()
    return {"measure": Kind(kind).label if kind in Kind.values else ""}


REMINDER_KINDS = [
    scheduling.ReminderKind("decision.expiry_21", _("Case %(case)s: 21 days left – assess extension"),
                            EXTENSION_BODY, _decision_needs_extension_assessment, values=_measure_values),
    scheduling.ReminderKind("decision.expiry_7", _("Case %(case)s: 7 days left – assess extension"),
                            EXTENSION_BODY, _decision_needs_extension_assessment, values=_measure_values),
    scheduling.ReminderKind(
        "decision.expiry_0", _("Case %(case)s: the decision expires today"),
        _("The security measure in case %(case)s (%(measure)s) expires today (%(due)s). If it is not extended, "
          "it no longer applies from tomorrow; tell reception and the contact centre as needed."
          "\n\nOpen the case: %(url)s"),
        _decision_needs_extension_assessment, values=_measure_values,
    ),
    scheduling.ReminderKind(
        "decision.notice_deadline", _("Case %(case)s: the citizen's deadline has passed – ready to decide"),
        _("The deadline for the citizen's statement after advance notice in case %(case)s has passed. Record the "
          "statement (or that none was received) and decide.\n\nOpen the case: %(url)s"),
        _notice_still_open,
    ),
    scheduling.ReminderKind(
        services.COMPLAINT_REMINDER_KIND, _("Case %(case)s: service complaint unanswered for 14 days"),
        _("A service complaint about the decision in case %(case)s has not been answered in writing 14 days "
          "after it was received. Answer it and record the answer.\n\nOpen the case: %(url)s"),
        _complaint_unanswered,
    ),
    scheduling.ReminderKind(
        "decision.registrations_missing", _("Case %(case)s: registrations still missing"),
        _("Three days after signing, registrations are still missing in case %(case)s: the flag in Gosys, the "
          "administrative archive, ASYS and the municipal deviation system (guideline §7).\n\nOpen the case: "
          "%(url)s"),
        _registrations_missing,
    ),
]

LETTER_SWEEP_ATTEMPTS = Letter.SWEEP_ATTEMPTS


def letters_not_produced(today: datetime.date) -> None:
    """Letters whose task was lost (Redis down at signing) or failed are queued again; producing is idempotent."""
    from . import tasks  # tasks imports the services, which import this app's models

    stuck = Letter.objects.filter(Letter.not_produced_q()).values_list("pk", flat=True)
    for letter_id in stuck:
        scheduling.enqueue(tasks.generate_letter, letter_id)


JOBS = [
    refresh_statuses, expiry_reminders, notice_deadline_reminders, complaint_reminders, registration_reminders,
    letters_not_produced,
]


def register() -> None:
    for kind in REMINDER_KINDS:
        scheduling.register_reminder_kind(kind)
    for job in JOBS:
        scheduling.register_job(job)

