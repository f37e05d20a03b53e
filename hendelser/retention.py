"""Retention of incidents and their free texts, the staff follow-up, and warnings to citizens.

What the statistics and ROS counts read stays: unit, time (month), category, channel, perpetrator kind,
injury level and the exposed staff counts kept on the incident itself.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import retention

from .models import CitizenWarning, ExposedPerson, Incident, Measure, Proposal, ReviewMeeting, Status, WarningLetter

# The police reference and the reason not to report point at one person's case; whether and when it was
# reported, and the outcome, are what the follow-up figures read and stay.
INCIDENT_PERSONAL = [
    "description", "weapon", "witnesses", "lessons_learned", "police_reference", "police_not_reported_reason",
    "reopened_reason",
]
WARNING_PERSONAL = ["note", "given_by"]


def _delete_warning_letters(warning_ids: list[int]) -> None:
    """A warning letter names the citizen in full: the row and its PDF go with the warning."""
    letters = WarningLetter.objects.filter(warning_id__in=warning_ids)
    names = list(letters.exclude(file="").values_list("file", flat=True))
    letters.delete()
    retention.delete_files(names)


def incidents_due(cutoff: datetime.datetime):
    return Incident.objects.filter(
        status=Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    ).exclude(retention.held(Incident))


def incidents_anonymise(queryset) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    # update() and delete() on purpose: an anonymised incident no longer passes clean(), and a save would
    # write a new historical copy of what is being removed.
    ExposedPerson.objects.filter(incident_id__in=ids).delete()
    Measure.objects.filter(incident_id__in=ids).update(description="")
    Proposal.objects.filter(incident_id__in=ids).update(description="", outcome_reason="")
    _delete_warning_letters(list(CitizenWarning.objects.filter(incident_id__in=ids).values_list("pk", flat=True)))
    CitizenWarning.objects.filter(incident_id__in=ids).update(citizen=None, **dict.fromkeys(WARNING_PERSONAL, ""))
    count = Incident.objects.filter(pk__in=ids).update(
        citizen=None, anonymised_at=timezone.now(), **dict.fromkeys(INCIDENT_PERSONAL, "")
    )
    retention.delete_history(Incident, id__in=ids)
    for model in (ExposedPerson, Measure, CitizenWarning, Proposal):
        retention.delete_history(model, incident_id__in=ids)
    return count


def follow_up_due(cutoff: datetime.datetime):
    """Staff follow-up (sick leave, occupational health service) done, or its incident closed, before the cutoff."""
    cutoff_day = timezone.localdate(cutoff)
    return ExposedPerson.objects.filter(
        models.Q(follow_up_done_on__lt=cutoff_day) | models.Q(incident__closed_at__lt=cutoff)
    ).exclude(retention.held(Incident, "incident_id"))


def follow_up_delete(queryset) -> int:
    # The incident keeps how many state and municipal staff were exposed, which is all the statistics read.
    ids = list(queryset.values_list("pk", flat=True))
    count = ExposedPerson.objects.filter(pk__in=ids).delete()[0]
    retention.delete_history(ExposedPerson, id__in=ids)
    return count


def warnings_due(cutoff: datetime.datetime):
    return CitizenWarning.objects.filter(given_on__lt=timezone.localdate(cutoff), citizen__isnull=False).exclude(
        retention.held(Incident, "incident_id") | retention.held(CitizenWarning)
    )


def warnings_anonymise(queryset) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    _delete_warning_letters(ids)
    count = CitizenWarning.objects.filter(pk__in=ids).update(citizen=None, **dict.fromkeys(WARNING_PERSONAL, ""))
    retention.delete_history(CitizenWarning, id__in=ids)
    return count


MEETING_PERSONAL = ["attendees", "notes"]


def review_meetings_due(cutoff: datetime.datetime):
    """Review meetings held before the cutoff whose attendees or notes are still there; a held incident's wait."""
    return ReviewMeeting.objects.filter(held_on__lt=timezone.localdate(cutoff)).exclude(
        attendees="", notes=""
    ).exclude(pk__in=Incident.objects.filter(retention.held(Incident)).values("review_meeting_id"))


def review_meetings_anonymise(queryset) -> int:
    # The meeting's unit, date and whether the safety representative took part stay: the ROS report counts them.
    ids = list(queryset.values_list("pk", flat=True))
    count = ReviewMeeting.objects.filter(pk__in=ids).update(**dict.fromkeys(MEETING_PERSONAL, ""))
    retention.delete_history(ReviewMeeting, id__in=ids)
    return count


def register() -> None:
    retention.register(retention.RetentionKind(
        key="incidents", label=_("Incidents and their free text"), counted_from=_("the incident was closed"),
        default_days=3 * 365,
        why=_("Three years after closing: the ROS analysis and a later measure look back at the unit's "
              "incidents; their numbers stay after that, the persons and the free text go."),
        purpose=("Following up incidents of violence and threats; reporting; risk analysis (ROS)."),
        persons=("Citizens, staff, witnesses"),
        data=("Identity number and name of the person who did it, what happened, witnesses, weapon"),
        recipients=("ASYS or the municipal deviation system (reference only); the police when reported"),
        due=incidents_due, apply=incidents_anonymise, holdable=Incident,
        covers=(
            *(f"hendelser.Incident.{name}" for name in [*INCIDENT_PERSONAL, "citizen"]),
            "hendelser.Measure.description", "hendelser.Proposal.description", "hendelser.Proposal.outcome_reason",
            "hendelser.WarningLetter",
        ),
    ))
    retention.register(retention.RetentionKind(
        key="staff_follow_up", label=_("Staff follow-up: sick leave and occupational health service"),
        counted_from=_("the follow-up was done, or the incident closed"), default_days=180,
        why=_("Health data about staff: the shortest period. Six months after the follow-up the HR system and "
              "the occupational health service hold what is needed, not this app."),
        purpose=("Following up exposed staff (debrief, occupational health service, sick leave)."),
        persons=("Staff"), data=("Name, employer, sick leave, referral to the occupational health service"),
        recipients=("None"), due=follow_up_due, apply=follow_up_delete, covers=("hendelser.ExposedPerson",),
    ))
    retention.register(retention.RetentionKind(
        key="warnings", label=_("Warnings to citizens"), counted_from=_("the warning was given"),
        default_days=2 * 365,
        why=_("A warning can be the ground for a measure for as long as a measure's own record is kept."),
        purpose=("Warning a citizen before a measure (guideline § 3)."), persons=("Citizens"),
        data=("Identity number, name, date, form of the warning, note, the written warning's letter"),
        recipients=("None"),
        due=warnings_due, apply=warnings_anonymise,
        covers=(*(f"hendelser.CitizenWarning.{name}" for name in [*WARNING_PERSONAL, "citizen"]),
                "hendelser.WarningLetter"),
    ))
    retention.register(retention.RetentionKind(
        key="review_meetings", label=_("Review meetings: attendees and notes"),
        counted_from=_("the meeting was held"), default_days=3 * 365,
        why=_("As long as the incidents the meeting reviewed: the ROS analysis looks back at both. The meeting's "
              "date and whether the safety representative took part stay for the report."),
        purpose=("The unit's review of its incidents and the measures proposed (ROS report)."),
        persons=("Staff, and citizens or witnesses named in the notes"), data=("Who attended, the notes"),
        recipients=("None"), due=review_meetings_due, apply=review_meetings_anonymise,
        covers=tuple(f"hendelser.ReviewMeeting.{name}" for name in MEETING_PERSONAL),
    ))
    retention.not_personal(
        "Who acted in a case (registered, decided, proposed): staff in their work role, kept with the record as "
        "its accountability after the citizen is gone.",
        "hendelser.Incident.registered_by", "hendelser.CitizenWarning.registered_by", "hendelser.Measure.decided_by",
        "hendelser.ReviewMeeting.created_by", "hendelser.Proposal.proposed_by", "hendelser.Proposal.outcome_by",
    )
    retention.not_personal(
        "The reference into ASYS or the municipal deviation system, where that system's own retention applies; "
        "it names no one.", "hendelser.Incident.asys_reference", "hendelser.Incident.municipal_reference",
    )
    retention.not_personal("Further ASYS categories: what the statistics count.", "hendelser.Incident.other_categories")
