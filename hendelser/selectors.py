"""Reads of incidents with access control: what a user may not see answers 404.

Other apps read incidents and warnings through the functions at the end of this module, never the models.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Unit
from nav_sikkerhet.core.services import audit_log_record, audit_log_records

from . import rules
from .models import (
    DECISION_PROPOSALS,
    Category,
    CitizenWarning,
    ExposedPerson,
    Incident,
    PoliceOutcome,
    Proposal,
    ReviewMeeting,
    Status,
    WarningLetter,
)

LIST_LIMIT = 500


def proposal_draft_path(incident: Incident, proposal: Proposal) -> str | None:
    """The page that opens a draft answering the proposal (utestenging's create page), or None where no draft
    carries it out (a warning, premises protection, nobody known) or the decisions app is not installed."""
    if incident.citizen_id is None or proposal.kind not in DECISION_PROPOSALS:
        return None
    try:
        base = reverse("utestenging:create")
    except NoReverseMatch:
        return None
    return f"{base}?" + urlencode(
        {"hendelse": incident.public_id, "type": DECISION_PROPOSALS[proposal.kind], "forslag": proposal.public_id})


def visible_incidents(user) -> QuerySet[Incident]:
    """Incidents of the units where the user sees incidents, and those the user registered."""
    if not (user and user.is_authenticated):
        return Incident.objects.none()
    units = access.units_with_perm(user, Perm.VIEW_INCIDENTS)
    return Incident.objects.filter(Q(unit__in=units) | Q(registered_by=user))


def incident_for_visible(*, user, public_id) -> Incident:
    """One incident the user may see, or 404. Writes no audit line: use it when nothing is shown yet."""
    try:
        return (
            visible_incidents(user)
            .select_related("unit", "citizen", "registered_by", "review_meeting")
            .get(public_id=public_id)
        )
    except (Incident.DoesNotExist, ValueError) as error:
        raise Http404 from error


def audit_incident_display(*, user, incident: Incident, request=None, action: str = "incident.view") -> None:
    """One audit line when a page shows the person who did it; nothing to log for an unknown person."""
    if incident.citizen_id is None:
        return
    audit_log_record(
        actor=user,
        citizen=incident.citizen,
        action=action,
        message=_("Incident %(ref)s shown"),
        message_args={"ref": incident.reference},
        request=request,
    )


def audit_incidents_display(*, user, incidents: QuerySet[Incident], request=None, action: str) -> None:
    """A page listing incidents with what happened: one line per incident that names a person, in one INSERT."""
    named = incidents.filter(citizen__isnull=False).select_related("citizen")
    audit_log_records(
        actor=user, citizens_and_args=[(i.citizen, {"ref": i.reference}) for i in named], action=action,
        message=_("Incident %(ref)s shown"), request=request,
    )


def audit_prefilled_person(*, user, citizen, request=None) -> None:
    """A registration pre-filled from a breach names the person: one audit line when the form is shown."""
    audit_log_record(
        actor=user, citizen=citizen, action="incident.prefill", message=_("Incident registration pre-filled"),
        request=request,
    )


def incident_for_display(*, user, public_id, request=None, action: str = "incident.view") -> Incident:
    incident = incident_for_visible(user=user, public_id=public_id)
    audit_incident_display(user=user, incident=incident, request=request, action=action)
    return incident


@dataclass(frozen=True)
class IncidentFilter:
    unit_ids: tuple[int, ...] = ()
    status: str = ""
    category: str = ""
    channel: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def incident_list(*, user, filters: IncidentFilter = IncidentFilter()) -> QuerySet[Incident]:
    """The incidents a user sees, filtered; lists carry no citizen's name, so they write no audit line."""
    incidents = visible_incidents(user)
    if filters.unit_ids:
        incidents = incidents.filter(unit_id__in=filters.unit_ids)
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.category:
        incidents = incidents.filter(category=filters.category)
    if filters.channel:
        incidents = incidents.filter(channel=filters.channel)
    if filters.date_from:
        incidents = incidents.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        incidents = incidents.filter(occurred_at__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    return incidents.select_related("unit").order_by("-occurred_at", "-pk")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def units_seen(user) -> list[Unit]:
    """The units whose incidents the user sees, for the list's filter."""
    return list(access.units_with_perm(user, Perm.VIEW_INCIDENTS).order_by("number"))


def exposed_of(incident: Incident) -> list[ExposedPerson]:
    return list(incident.exposed.select_related("user").order_by("pk"))


def measures_of(incident: Incident):
    return incident.measures.select_related("decided_by", "warning__letter").order_by("decided_on", "pk")


# -- the weekly review -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPage:
    unit: Unit
    unreviewed: list[Incident]
    under_review: list[Incident]
    meetings: list[ReviewMeeting]
    may_review: bool


def review_page(*, user, unit_number: str) -> ReviewPage:
    """A unit's incidents not yet reviewed, those awaiting measures, and its last meetings; 404 unless permitted."""
    unit = Unit.objects.filter(number=unit_number).first()
    if unit is None or not access.has_unit_perm(user, Perm.VIEW_INCIDENTS, unit):
        raise Http404
    open_incidents = list(
        Incident.objects.filter(unit=unit, status__in=[Status.REGISTERED, Status.UNDER_REVIEW])
        .order_by("occurred_at", "pk")
    )
    for incident in open_incidents:
        incident.unit = unit
    return ReviewPage(
        unit=unit,
        unreviewed=[i for i in open_incidents if i.status == Status.REGISTERED],
        under_review=[i for i in open_incidents if i.status == Status.UNDER_REVIEW],
        meetings=list(ReviewMeeting.objects.filter(unit=unit).select_related("created_by")[:10]),
        may_review=rules.may_review(user, unit),
    )


def unreviewed(unit: Unit) -> QuerySet[Incident]:
    """What a review meeting can cover: the unit's open incidents not yet reviewed at a meeting."""
    return (
        Incident.objects.filter(unit=unit, review_meeting__isnull=True).exclude(status=Status.CLOSED)
        .order_by("occurred_at", "pk")
    )


# -- proposals and the police --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoliceOutcomeChange:
    at: datetime.datetime
    outcome: str
    by: str

    @property
    def label(self) -> str:
        return PoliceOutcome(self.outcome).label if self.outcome else _("Not known yet")


def police_outcome_history(incident: Incident) -> list[PoliceOutcomeChange]:
    """Each outcome with the police the incident has had, oldest first, with when and by whom it was recorded."""
    changes, previous = [], ""
    for record in incident.history.select_related("history_user").order_by("history_date", "history_id"):
        if record.police_outcome != previous:
            user = record.history_user
            by = (user.get_full_name() or user.username) if user is not None else ""
            changes.append(PoliceOutcomeChange(record.history_date, record.police_outcome, by))
            previous = record.police_outcome
    return changes


def proposals_of(incident: Incident) -> list[Proposal]:
    return list(
        incident.proposals.select_related("decision", "warning", "proposed_by", "outcome_by").order_by("pk")
    )


def without_outcome(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Proposals neither concluded by hand nor ended by their draft decision (signed or dropped) or warning."""
    from utestenging.models import DECIDED_STATUSES
    from utestenging.models import Status as DecisionStatus

    ended = [*DECIDED_STATUSES, DecisionStatus.DROPPED]
    return proposals.filter(outcome="", warning__isnull=True).exclude(decision__status__in=ended)


def overdue_proposals(user, today: datetime.date | None = None) -> list[Proposal]:
    """Proposals in the units the user reviews with no outcome after INCIDENT_PROPOSAL_OVERDUE_DAYS."""
    today = today or timezone.localdate()
    units = access.units_with_perm(user, Perm.REVIEW_INCIDENTS)
    cutoff = today - datetime.timedelta(days=settings.INCIDENT_PROPOSAL_OVERDUE_DAYS)
    return list(
        without_outcome(Proposal.objects.filter(incident__unit__in=units, proposed_on__lte=cutoff))
        .select_related("incident__unit", "decision")
        .order_by("proposed_on", "pk")[:50]
    )


@dataclass(frozen=True)
class PolicePage:
    incidents: list[Incident]
    breaches: list
    outcomes: dict


def police_page(user) -> PolicePage:
    """Incidents reported to the police in the units where the user sees incidents, and breaches of those units'
    decisions where the police were called. Lists references and dates, no person: no audit line."""
    units = access.units_with_perm(user, Perm.VIEW_INCIDENTS)
    if not units.exists():
        raise Http404
    from utestenging.selectors import breaches_with_police

    incidents = list(
        Incident.objects.filter(unit__in=units, police_reported=True)
        .select_related("unit", "breach")
        .order_by("-police_reported_on", "-pk")[:LIST_LIMIT]
    )
    return PolicePage(incidents=incidents, breaches=breaches_with_police(unit_ids=units.values("pk")),
                      outcomes=dict(PoliceOutcome.choices))


def review_units(user) -> list[Unit]:
    return list(access.units_with_perm(user, Perm.VIEW_INCIDENTS).filter(is_active=True).order_by("number"))


# -- start page ----------------------------------------------------------------------------------------------------


def open_follow_ups(user) -> list[ExposedPerson]:
    """Exposed staff whose follow-up is not done, in the units where the user sees incidents."""
    units = access.units_with_perm(user, Perm.VIEW_INCIDENTS)
    return list(
        ExposedPerson.objects.filter(follow_up_done_on__isnull=True, incident__unit__in=units)
        .select_related("incident__unit")
        .order_by("incident__occurred_at", "pk")[:50]
    )


def start_panel(user) -> dict | None:
    """The incidents panel: «register an incident» for all who may, the unit's open work for those who see it."""
    may_register = access.has_perm_anywhere(user, Perm.REGISTER_INCIDENT)
    units = review_units(user)
    if not (may_register or units):
        return None
    counts = {}
    if units:
        counts = {
            row["unit_id"]: row
            for row in Incident.objects.filter(unit__in=units)
            .exclude(status=Status.CLOSED)
            .values("unit_id")
            .annotate(
                unreviewed=Count("pk", filter=Q(status=Status.REGISTERED)),
                open=Count("pk"),
            )
        }
    return {
        "may_register": may_register,
        "units": [(unit, counts.get(unit.pk, {"unreviewed": 0, "open": 0})) for unit in units],
        "follow_ups": open_follow_ups(user) if units else [],
        "overdue_proposals": overdue_proposals(user) if units else [],
        "overdue_days": settings.INCIDENT_PROPOSAL_OVERDUE_DAYS,
        "may_see_statistics": bool(units),
    }


# -- for other apps: utestenging (facts, warnings) and risiko (counts) ---------------------------------------------


def incident_counts_by_category(*, unit_ids: Iterable[int], since: datetime.date, until: datetime.date) -> dict:
    """Per ASYS category, how many incidents occurred in the units between the dates (inclusive); an incident
    counts once for every category it carries, the main one and the others. Every category is a key."""
    counts = dict.fromkeys(Category.values, 0)
    rows = Incident.objects.filter(
        unit_id__in=list(unit_ids), occurred_at__gte=_start_of(since),
        occurred_at__lt=_start_of(until + datetime.timedelta(days=1)),
    ).values_list("category", "other_categories")
    for category, others in rows:
        for code in {category, *(others or [])}:
            if code in counts:
                counts[code] += 1
    return counts


def incident_profile(*, unit_ids: Iterable[int], since: datetime.date, until: datetime.date) -> list:
    """The units' incidents between the dates (inclusive) as (categories, channel, count): the categories being
    the main one and the others. One aggregated query; the caller picks what it counts."""
    rows = (
        Incident.objects.filter(unit_id__in=list(unit_ids), occurred_at__gte=_start_of(since),
                                occurred_at__lt=_start_of(until + datetime.timedelta(days=1)))
        .values("category", "other_categories", "channel").annotate(n=Count("pk")).order_by()
    )
    return [(frozenset({row["category"], *(row["other_categories"] or [])}), row["channel"], row["n"])
            for row in rows]


def incidents_about(*, citizen_id: int, unit_ids: Iterable[int]) -> QuerySet[Incident]:
    """The citizen's incidents in the units, newest first: for a decision's facts (the caller checks that the
    user prepares decisions there)."""
    return (
        Incident.objects.filter(citizen_id=citizen_id, unit_id__in=list(unit_ids))
        .select_related("unit")
        .order_by("-occurred_at", "-pk")
    )


def incident_by_public_id(public_id) -> Incident | None:
    """An incident by its public id, without access control: the caller checks its own rule."""
    try:
        return Incident.objects.select_related("unit", "citizen").filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def open_proposal(incident: Incident, public_id) -> Proposal | None:
    """The incident's proposal (by public id) still waiting for its draft decision or warning, or None."""
    if not public_id:
        return None
    try:
        return incident.proposals.filter(
            public_id=public_id, decision__isnull=True, warning__isnull=True, outcome=""
        ).first()
    except (ValueError, ValidationError):
        return None


def incident_of_breach(breach_id: int) -> Incident | None:
    """The incident registered from a breach, if any; the caller decides whether to link it (no access check)."""
    return Incident.objects.select_related("unit").filter(breach_id=breach_id).first()


def warnings_of(*, citizen_id: int) -> list[CitizenWarning]:
    """Every warning the citizen was given, oldest first (guideline §3): the same list a decision shows.

    A written warning comes with its letter (``warning.letter``, or an error when there is none)."""
    return list(
        CitizenWarning.objects.filter(citizen_id=citizen_id)
        .select_related("unit", "incident", "letter")
        .order_by("given_on", "pk")
    )


def warning_letter_for_visible(*, user, letter_id: int) -> WarningLetter:
    """One warning letter the user may see (rules.may_see_warning_letter), or 404. Writes no audit line: log when
    the file is shown."""
    letter = (
        WarningLetter.objects.select_related("warning__unit", "warning__citizen", "warning__incident")
        .filter(pk=letter_id, warning__citizen__isnull=False).first()
    )
    signed_in = user is not None and user.is_authenticated
    if letter is None or not signed_in or not rules.may_see_warning_letter(user, letter.warning.unit):
        raise Http404
    return letter


def audit_warning_letter_display(*, user, letter: WarningLetter, request=None, action: str) -> None:
    audit_log_record(
        actor=user, citizen=letter.warning.citizen, action=action, message=_("Warning letter %(ref)s shown"),
        message_args={"ref": letter.reference}, request=request,
    )
