"""Retention of measures (decisions) with their letters, notices, statements and complaints, and of breaches."""

import datetime

from django.db import models
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import retention

from .models import (
    AlternativeAssessment,
    AlternativeChannel,
    Breach,
    Decision,
    DecisionEvent,
    Fact,
    Letter,
    Registration,
    RegistrationKind,
    RiskCheck,
    ServiceComplaint,
    Status,
)

ENDED_STATUSES = (Status.EXPIRED, Status.LIFTED, Status.DROPPED)
# Free texts and names on the decision; kind, unit, status and dates stay for the numbers.
DECISION_PERSONAL = [f.name for f in Decision._meta.fields if isinstance(f, models.TextField)] + [
    "representative_name",
]
COMPLAINT_PERSONAL = ["from_whom", "summary", "representative_name", "representative_address", "answer_summary"]


def decisions_due(cutoff: datetime.datetime):
    """Ended decisions whose end, and every complaint's answer, lies before the cutoff; not held.

    A decision whose letters are not yet in the archive waits: the app is not where official records live.
    """
    cutoff_day = timezone.localdate(cutoff)
    complaint_open_or_recent = ServiceComplaint.objects.filter(
        models.Q(answered_on__isnull=True) | models.Q(answered_on__gte=cutoff_day)
    ).values("decision_id")
    archived = Registration.objects.filter(kind=RegistrationKind.ARCHIVE).exclude(reference="").values("decision_id")
    with_files = Letter.objects.exclude(file="").values("decision_id")
    return (
        Decision.objects.filter(status__in=ENDED_STATUSES, anonymised_at__isnull=True)
        .annotate(ended=Coalesce("lifted_on", "valid_to", TruncDate("created_at")))
        .filter(ended__lt=cutoff_day)
        .exclude(pk__in=complaint_open_or_recent)
        .exclude(retention.held(Decision))
        .exclude(models.Q(pk__in=with_files) & ~models.Q(pk__in=archived))
    )


def decisions_anonymise(queryset) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    files = list(Letter.objects.filter(decision_id__in=ids).exclude(file="").values_list("file", flat=True))
    # update() and delete() on purpose: an anonymised record no longer passes clean(), and a save would write
    # a new historical copy of what is being removed. The letters are in the archive by now (or there were
    # none): their rows go with their files, as a ready letter without its file is no letter (a DB constraint).
    Letter.objects.filter(decision_id__in=ids).delete()
    for model in (Fact, AlternativeChannel, AlternativeAssessment):
        model.objects.filter(decision_id__in=ids).delete()
    ServiceComplaint.objects.filter(decision_id__in=ids).update(**dict.fromkeys(COMPLAINT_PERSONAL, ""))
    DecisionEvent.objects.filter(decision_id__in=ids).update(text="")
    Breach.objects.filter(decision_id__in=ids).update(description="")
    count = Decision.objects.filter(pk__in=ids).update(
        citizen=None, anonymised_at=timezone.now(), noticed_content={}, **dict.fromkeys(DECISION_PERSONAL, "")
    )
    retention.delete_history(Decision, id__in=ids)
    for model in (Fact, AlternativeChannel, AlternativeAssessment, ServiceComplaint, Breach, Registration):
        retention.delete_history(model, decision_id__in=ids)
    retention.delete_files(files)
    return count


def breaches_due(cutoff: datetime.datetime):
    return Breach.objects.filter(occurred_at__lt=cutoff).exclude(description="").exclude(
        retention.held(Decision, "decision_id")
    )


def breaches_anonymise(queryset) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    count = Breach.objects.filter(pk__in=ids).update(description="")
    retention.delete_history(Breach, id__in=ids)
    return count


def risk_checks_due(cutoff: datetime.datetime):
    # A check about a citizen whose case is on hold shows what staff knew of the risk then: it waits with the case.
    return RiskCheck.objects.filter(planned_on__lt=timezone.localdate(cutoff)).exclude(
        citizen_id__in=retention.held_citizen_ids())


def risk_checks_delete(queryset) -> int:
    # Nothing in a check is counted anywhere: it goes whole.
    return RiskCheck.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))).delete()[0]


def _held_decisions():
    return retention.held_ids(Decision)


def register() -> None:
    # What a held measure rests on is part of its case: the Ombudsman reads the incidents its facts cite, the
    # warning and the earlier measure it says were tried first.
    from hendelser.models import CitizenWarning, Incident

    retention.hold_link(Incident, lambda: Fact.objects.filter(
        decision_id__in=_held_decisions(), incident__isnull=False).values("incident_id"))
    retention.hold_link(CitizenWarning, lambda: AlternativeAssessment.objects.filter(
        decision_id__in=_held_decisions(), warning__isnull=False).values("warning_id"))
    retention.hold_link(Decision, lambda: AlternativeAssessment.objects.filter(
        decision_id__in=_held_decisions(), measure__isnull=False).values("measure_id"))
    retention.register(retention.RetentionKind(
        key="decisions", label=_("Measures with their letters, notices, statements and complaints"),
        counted_from=_("the measure ended (expired, lifted or closed) and every complaint was answered"),
        default_days=2 * 365,
        why=_("Two years after the end: a new measure may build on the earlier one's risk assessment, and a "
              "complaint or the Ombudsman (one year) is settled. The letters are in the archive by then."),
        purpose=("Deciding and carrying out exclusion and phone restrictions (guideline §§ 3–7)."),
        persons=("Citizens, their representatives, staff"),
        data=("Identity number, name, address, facts of the incidents, the citizen's statement, letters"),
        recipients=("The citizen; reception and contact centre (look-up); the archive; the municipality at a "
                     "NAV office with shared leadership"),
        due=decisions_due, apply=decisions_anonymise, holdable=Decision,
        covers=(
            *(f"utestenging.Decision.{name}" for name in [*DECISION_PERSONAL, "citizen", "noticed_content"]),
            "utestenging.Fact", "utestenging.AlternativeChannel", "utestenging.AlternativeAssessment",
            *(f"utestenging.ServiceComplaint.{name}" for name in COMPLAINT_PERSONAL),
            "utestenging.DecisionEvent.text", "utestenging.Letter",
        ),
    ))
    retention.register(retention.RetentionKind(
        key="breaches", label=_("Breach receipts"), counted_from=_("the breach happened"), default_days=2 * 365,
        why=_("A breach may justify an extension or a new measure for as long as the measure may."),
        purpose=("Recording that a measure was broken."), persons=("Citizens"),
        data=("What happened, when and how"), recipients=("None"),
        due=breaches_due, apply=breaches_anonymise, covers=("utestenging.Breach.description",),
    ))
    retention.register(retention.RetentionKind(
        key="risk_checks", label=_("Risk checks before a meeting or home visit"),
        counted_from=_("the planned day of the meeting or visit"), default_days=365,
        why=_("A year: the next check and a review of an incident may look back at what an earlier check rested "
              "on; after that the incidents and measures themselves are the record."),
        purpose=("Assessing the risk before meeting or visiting a citizen (staff safety)."),
        persons=("Citizens, staff"),
        data=("Which citizen, planned day, kind of contact, place, the counts and answers, the recommendation"),
        recipients=("None"), due=risk_checks_due, apply=risk_checks_delete, covers=("utestenging.RiskCheck",),
    ))
    retention.not_personal(
        "Who acted in a case (decided, signed, registered, answered): staff in their work role, kept with the "
        "case as its accountability after the citizen is gone.",
        "utestenging.Decision.responsible_leader", "utestenging.Decision.contact_person",
        "utestenging.Decision.signed_by", "utestenging.Decision.created_by", "utestenging.Registration.done_by",
        "utestenging.ServiceComplaint.answered_by", "utestenging.ServiceComplaint.registered_by",
        "utestenging.DecisionEvent.actor", "utestenging.Breach.registered_by",
    )
    retention.not_personal(
        "The archive's or the journal's reference: how the official record is found in the NAV archive; it names "
        "no one.", "utestenging.Registration.reference",
    )
    retention.not_personal("Which grounds, which of NAV's digital channels: categories from a list the numbers read.",
                           "utestenging.Decision.grounds", "utestenging.Decision.digital_channels")
