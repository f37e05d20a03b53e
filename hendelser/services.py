"""Every state change of an incident. Keyword-only arguments, the acting user, one transaction each."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nav_sikkerhet.core import access, metrics, scheduling
from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core import tasks as core_tasks
from nav_sikkerhet.core.models import Citizen, Role, Unit, User
from nav_sikkerhet.core.pdf import store_rendered
from nav_sikkerhet.core.selectors import search_by_name

from . import counts, rules, selectors, workflow
from . import letters as warning_letters
from .models import (
    WARNING_MEASURES,
    WARNING_PROPOSALS,
    CitizenWarning,
    Employer,
    ExposedPerson,
    Incident,
    Measure,
    MeasureKind,
    Proposal,
    ProposalKind,
    ReviewMeeting,
    Status,
    WarningForm,
    WarningLetter,
    WarningLetterStatus,
)

logger = logging.getLogger(__name__)

REGISTERED_REMINDER_KIND = "incident.registered"
WEEKLY_REMINDER_KIND = "incident.weekly_unreviewed"
PROPOSAL_REMINDER_KIND = "incident.proposal"

# The measure «propose exclusion» / «propose phone restriction» is followed as a proposal of that kind.
MEASURE_PROPOSALS = {
    MeasureKind.PROPOSE_EXCLUSION: ProposalKind.EXCLUSION,
    MeasureKind.PROPOSE_PHONE_RESTRICTION: ProposalKind.PHONE_RESTRICTION,
}

# Details that may be completed or corrected after registration, until the incident is closed.
EDITABLE_FIELDS = frozenset({
    "occurred_at", "channel", "category", "other_categories", "description", "injury", "sick_leave", "weapon",
    "police_reported", "police_reported_on", "police_reported_by_unit", "police_reference", "police_outcome",
    "police_not_reported_reason", "witnesses", "asys_reference", "municipal_reference",
})
EXPOSED_FIELDS = ("user", "name", "employer")


def _locked(incident_id: int) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).select_related("unit").get(pk=incident_id)


def _save(obj, by: User | None) -> None:
    obj.full_clean()
    obj._history_user = by
    obj.save()


def _move(incident: Incident, target: str) -> None:
    workflow.check(incident.status, target)
    incident.status = target


def _exposed_rows(rows: list[dict], incident: Incident) -> list[ExposedPerson]:
    people = []
    for row in rows:
        person = ExposedPerson(incident=incident, **{k: row.get(k) for k in EXPOSED_FIELDS if k in row})
        if person.user is not None and not person.name.strip():
            person.name = person.user.get_full_name() or person.user.username
        person.full_clean(exclude=["incident"])
        people.append(person)
    return people


def _recount(incident: Incident, *earlier_times: datetime.datetime) -> None:
    """The statistics' count of the incident's month (and of the month it was moved from) follows the change."""
    for month in {counts.month_start(moment) for moment in (incident.occurred_at, *earlier_times)}:
        counts.recount(unit_id=incident.unit_id, month=month)


def count_exposed(incident: Incident) -> None:
    """Keep the incident's counts of exposed state and municipal employees in line with its exposed staff."""
    counts = dict(incident.exposed.values_list("employer").annotate(n=Count("pk")).order_by())
    incident.exposed_state = counts.get(Employer.STATE, 0)
    incident.exposed_municipal = counts.get(Employer.MUNICIPAL, 0)
    incident.save(update_fields=["exposed_state", "exposed_municipal"])


def unit_leaders(unit_id: int, *, roles=access.LEADER_ROLES) -> list[User]:
    """The active staff holding one of the roles in the unit."""
    return list(
        User.objects.filter(is_active=True, role_assignments__unit_id=unit_id, role_assignments__role__in=list(roles))
        .distinct()
        .order_by("pk")
    )


def _send_after_commit(reminders) -> None:
    for reminder in reminders:
        transaction.on_commit(lambda pk=reminder.pk: scheduling.enqueue(core_tasks.send_reminder, pk))


@transaction.atomic
def incident_register(
    *,
    by: User,
    unit: Unit,
    occurred_at: datetime.datetime,
    channel: str,
    category: str,
    description: str,
    perpetrator: str,
    exposed: list[dict],
    citizen: Citizen | None = None,
    other_categories: list[str] | None = None,
    injury: int = 1,
    sick_leave: bool = False,
    breach=None,
    **details,
) -> Incident:
    """Register an incident. The unit's leader and acting leader are told at once (start page and e-mail).

    ``breach``: the breach of an exclusion the incident is registered from (the caller checked it may see it).
    """
    rules.require_may_register(by, unit)
    unknown = set(details) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not a registration field: {sorted(unknown)}")
    incident = Incident(
        unit=unit, occurred_at=occurred_at, channel=channel, category=category, description=description,
        perpetrator=perpetrator, citizen=citizen, other_categories=list(other_categories or []), injury=injury,
        sick_leave=sick_leave, registered_by=by, breach=breach, **details,
    )
    incident.full_clean()
    rules.require_breach_fits(breach, incident)
    rules.require_exposed(exposed, unit)
    people = _exposed_rows(exposed, incident)
    incident._history_user = by
    incident.save()
    transaction.on_commit(metrics.INCIDENTS_REGISTERED.inc)
    for person in people:
        person.incident = incident
        _save(person, by)
    count_exposed(incident)
    _recount(incident)
    path = reverse("hendelser:detail", args=[incident.public_id])
    created = []
    for leader in unit_leaders(unit.pk):
        if leader.pk == by.pk:
            continue
        # Never the citizen's name or identity number: the reference and the link only.
        reminder, new = core_services.reminder_ensure(
            key=f"{REGISTERED_REMINDER_KIND}:{incident.pk}:{timezone.localdate().isoformat()}:{leader.pk}",
            kind=REGISTERED_REMINDER_KIND, recipient=leader, due_on=timezone.localdate(),
            case_number=incident.reference, path=path,
        )
        if new:
            created.append(reminder)
    _send_after_commit(created)
    return incident


@transaction.atomic
def incident_update(*, by: User, incident_id: int, citizen: Citizen | None = None, perpetrator: str | None = None,
                    **fields) -> Incident:
    """Complete or correct the registration (second step, or later by the reviewers)."""
    incident = _locked(incident_id)
    rules.require_may_edit(by, incident)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    registered_at = incident.occurred_at
    for name, value in fields.items():
        setattr(incident, name, value)
    if perpetrator is not None:
        incident.perpetrator, incident.citizen = perpetrator, citizen
    _save(incident, by)
    _recount(incident, registered_at)
    return incident


@transaction.atomic
def exposed_add(*, by: User, incident_id: int, exposed: list[dict]) -> list[ExposedPerson]:
    """Add colleagues who were exposed too."""
    incident = _locked(incident_id)
    rules.require_may_edit(by, incident)
    if not exposed:
        return []
    rules.require_exposed(exposed, incident.unit)
    people = _exposed_rows(exposed, incident)
    for person in people:
        _save(person, by)
    count_exposed(incident)
    _recount(incident)
    return people


@transaction.atomic
def follow_up_record(
    *,
    by: User,
    exposed_id: int,
    debrief_offered_on: datetime.date | None,
    bht: str,
    sick_leave: bool,
    follow_up_note: str = "",
    done: bool = False,
) -> ExposedPerson:
    """Record how an exposed staff member is followed up; done only when a debrief was offered and BHT assessed."""
    person = ExposedPerson.objects.select_for_update(of=("self",)).select_related("incident__unit").get(
        pk=exposed_id
    )
    rules.require_may_review(by, person.incident.unit)
    person.debrief_offered_on, person.bht, person.sick_leave = debrief_offered_on, bht, sick_leave
    person.follow_up_note = follow_up_note
    if done and person.follow_up_done_on is None:
        person.follow_up_done_on = timezone.localdate()
    elif not done:
        person.follow_up_done_on = None
    _save(person, by)
    return person


@transaction.atomic
def review_meeting_record(
    *, by: User, unit: Unit, held_on: datetime.date, attendees: str, notes: str, incident_ids: list[int],
    safety_rep_present: bool = False,
) -> ReviewMeeting:
    """The weekly review (or a review meeting): the chosen incidents are marked as reviewed at this meeting.

    Incidents already under review without a meeting (a measure was decided first) can be covered too.
    """
    rules.require_may_review(by, unit)
    incidents = list(
        Incident.objects.select_for_update(of=("self",)).select_related("unit").filter(pk__in=incident_ids)
        .order_by("occurred_at", "pk")
    )
    if len(incidents) != len(set(incident_ids)):
        raise ValidationError({"incidents": _("Some of the chosen incidents do not exist.")})
    meeting = ReviewMeeting(unit=unit, held_on=held_on, attendees=attendees, notes=notes, created_by=by,
                            safety_rep_present=safety_rep_present)
    meeting.full_clean()
    rules.require_reviewable(incidents, unit, held_on)
    _save(meeting, by)
    for incident in incidents:
        if incident.status == Status.REGISTERED:
            _move(incident, Status.UNDER_REVIEW)
        incident.review_meeting = meeting
        _save(incident, by)
    return meeting


@transaction.atomic
def warning_register(
    *,
    by: User,
    citizen: Citizen,
    unit: Unit,
    given_on: datetime.date,
    form: str,
    note: str = "",
    incident: Incident | None = None,
    given_by: str = "",
) -> CitizenWarning:
    """Record that the citizen was warned that repeated incidents may lead to exclusion (guideline §3).

    ``given_by`` names who warned them; the one registering it if left empty."""
    rules.require_may_record_warning(by, unit)
    warning = CitizenWarning(citizen=citizen, unit=unit, given_on=given_on, form=form, note=note, incident=incident,
                             given_by=given_by.strip() or by.get_full_name() or by.username, registered_by=by)
    _save(warning, by)
    if form == WarningForm.WRITTEN:
        letter = WarningLetter(warning=warning, language=citizen.preferred_language, created_by=by)
        letter.full_clean()
        letter.save()
        _warning_letter_enqueue(letter.pk)
    return warning


def _warning_letter_enqueue(letter_id: int) -> None:
    from . import tasks  # tasks imports this module

    # robust: a broker that is down leaves the letter pending for the sweep or a retry, never an error page.
    transaction.on_commit(lambda: tasks.generate_warning_letter.delay(letter_id), robust=True)


def warning_letter_generate(*, letter_id: int) -> WarningLetter:
    """Render a pending or failed warning letter to PDF/A and store it once, with its SHA-256.

    Idempotent: a ready letter is returned untouched, so the archived file never changes.
    """
    with transaction.atomic():
        letter = warning_letters.letter_for_rendering(letter_id, lock=True)
        if letter.status == WarningLetterStatus.READY:
            return letter
        # The citizen's public id, never the identity number; the hash makes every stored name new.
        store_rendered(
            letter, render=lambda: warning_letters.render_pdf(letter),
            path=lambda digest: f"letters/warnings/{letter.warning.citizen.public_id}/{letter.pk}-{digest[:16]}.pdf",
            ready=WarningLetterStatus.READY, failed=WarningLetterStatus.FAILED, log=logger,
        )
        # Counted with the decision letters: one metric for every archived letter, by outcome.
        metrics.LETTERS_RENDERED.labels(outcome=letter.status).inc()
        letter.full_clean(exclude=["warning", "created_by"])
        letter.save()
    return letter


@transaction.atomic
def warning_letter_retry(*, by: User, letter_id: int) -> WarningLetter:
    """Produce a failed (or lost) warning letter again, after commit. A ready letter is never produced again."""
    letter = WarningLetter.objects.select_for_update(of=("self",)).select_related("warning__unit").get(pk=letter_id)
    rules.require_may_record_warning(by, letter.warning.unit)
    if letter.status == WarningLetterStatus.READY:
        return letter
    if not letter.retry_allowed:
        raise ValidationError(_("The letter is still being produced."), code="pending")
    letter.status, letter.error = WarningLetterStatus.PENDING, ""
    letter.full_clean(exclude=["warning", "created_by"])
    letter.save()
    _warning_letter_enqueue(letter.pk)
    return letter


@transaction.atomic
def measure_add(
    *, by: User, incident_id: int, kind: str, decided_on: datetime.date, description: str = "",
) -> Measure:
    """Decide a measure after an incident. An unreviewed incident counts as reviewed by the one who decides.

    A warning is also recorded as the citizen's warning, so a later decision shows it.
    """
    incident = _locked(incident_id)
    rules.require_may_review(by, incident.unit)
    rules.require_measure_open(incident)
    rules.require_measure_fits(kind, incident)
    measure = Measure(incident=incident, kind=kind, decided_on=decided_on, description=description, decided_by=by)
    measure.full_clean(exclude=["warning"])
    if kind in WARNING_MEASURES:
        form = WarningForm.ORAL if kind == MeasureKind.WARNING_ORAL else WarningForm.WRITTEN
        measure.warning = warning_register(by=by, citizen=incident.citizen, unit=incident.unit, given_on=decided_on,
                                           form=form, note=description, incident=incident)
    _measures_decided(incident, by)
    _save(measure, by)
    if measure.warning is not None:
        _warning_answers_proposal(measure.warning, incident, by)
    if kind in MEASURE_PROPOSALS:
        _proposal_add(by=by, incident=incident, kind=MEASURE_PROPOSALS[kind], description=description,
                      proposed_on=decided_on)
    return measure


def _measures_decided(incident: Incident, by: User) -> None:
    if incident.status == Status.REGISTERED:
        _move(incident, Status.UNDER_REVIEW)
    if incident.status == Status.UNDER_REVIEW:
        _move(incident, Status.MEASURES_DECIDED)
    _save(incident, by)


def decision_preparers(unit_id: int) -> list[User]:
    """Those who prepare decisions at the unit: every role that holds the permission there."""
    roles = {role for role, perms in access.ROLE_PERMISSIONS.items() if access.Perm.PREPARE_DECISION in perms}
    return unit_leaders(unit_id, roles=roles)


def _proposal_add(*, by: User, incident: Incident, kind: str, description: str,
                  proposed_on: datetime.date) -> Proposal:
    rules.require_proposal_fits(kind, incident)
    proposal = Proposal(incident=incident, review_meeting=incident.review_meeting, kind=kind,
                        description=description, proposed_on=proposed_on, proposed_by=by)
    _save(proposal, by)
    detail = reverse("hendelser:detail", args=[incident.public_id])
    created = []
    for preparer in decision_preparers(incident.unit_id):
        if preparer.pk == by.pk:
            continue
        # A caseworker prepares the draft but may not open the incident: their reminder opens the draft's page,
        # and a proposal no draft carries out (a warning) is left to those who see the incident.
        if access.has_unit_perm(preparer, access.Perm.VIEW_INCIDENTS, incident.unit):
            path = detail
        elif (path := selectors.proposal_draft_path(incident, proposal)) is None:
            continue
        # The key's object part is the proposal, so the sweep drops the reminder once it has an outcome.
        reminder, new = core_services.reminder_ensure(
            key=f"{PROPOSAL_REMINDER_KIND}:{proposal.pk}:{proposed_on.isoformat()}:{preparer.pk}",
            kind=PROPOSAL_REMINDER_KIND, recipient=preparer, due_on=timezone.localdate(),
            case_number=incident.reference, path=path,
        )
        if new:
            created.append(reminder)
    _send_after_commit(created)
    return proposal


@transaction.atomic
def proposal_create(
    *, by: User, incident_id: int, kind: str, description: str = "", proposed_on: datetime.date | None = None,
) -> Proposal:
    """A review proposes a measure: it is followed until it has an outcome, and those who prepare decisions at
    the unit are told at once."""
    incident = _locked(incident_id)
    rules.require_may_review(by, incident.unit)
    rules.require_measure_open(incident)
    proposal = _proposal_add(by=by, incident=incident, kind=kind, description=description,
                             proposed_on=proposed_on or timezone.localdate())
    _measures_decided(incident, by)
    return proposal


def _warning_answers_proposal(warning: CitizenWarning, incident: Incident, by: User) -> None:
    """A warning decided as a measure carries out the incident's oldest open proposal of that warning, if any."""
    kinds = [kind for kind, form in WARNING_PROPOSALS.items() if form == warning.form]
    proposal = (
        incident.proposals.select_for_update(of=("self",))
        .filter(kind__in=kinds, outcome="", warning__isnull=True).order_by("proposed_on", "pk").first()
    )
    if proposal is not None:
        proposal.warning = warning
        _save(proposal, by)


@transaction.atomic
def proposal_warning_register(
    *, by: User, proposal_id: int, given_on: datetime.date, note: str = "", given_by: str = "",
) -> Proposal:
    """Carry out a proposed warning: the warning is registered as the citizen's, and it is the proposal's outcome."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("incident__unit").get(pk=proposal_id)
    rules.require_warning_fits_proposal(proposal)
    incident = proposal.incident
    proposal.warning = warning_register(
        by=by, citizen=incident.citizen, unit=incident.unit, given_on=given_on, form=WARNING_PROPOSALS[proposal.kind],
        note=note, incident=incident, given_by=given_by,
    )
    _save(proposal, by)
    return proposal


@transaction.atomic
def proposal_link_decision(*, by: User, proposal_id: int, decision) -> Proposal:
    """The draft decision opened for a proposed measure: its signing or dropping is the proposal's outcome."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("incident__unit").get(pk=proposal_id)
    if not access.has_unit_perm(by, access.Perm.PREPARE_DECISION, proposal.incident.unit):
        raise PermissionDenied(_("You may not prepare decisions in this unit."))
    rules.require_decision_fits_proposal(proposal, decision)
    proposal.decision = decision
    _save(proposal, by)
    return proposal


@transaction.atomic
def proposal_conclude(*, by: User, proposal_id: int, outcome: str, reason: str) -> Proposal:
    """The head of unit rejects a proposal with a reason, or records what came of one that needs no decision."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("incident__unit").get(pk=proposal_id)
    rules.require_may_conclude_proposal(by, proposal.incident.unit)
    rules.require_proposal_concludable(proposal, outcome)
    proposal.outcome, proposal.outcome_reason = outcome, reason
    proposal.outcome_by, proposal.outcome_on = by, timezone.localdate()
    _save(proposal, by)
    return proposal


@transaction.atomic
def incident_close(*, by: User, incident_id: int, lessons_learned: str) -> Incident:
    """Close the incident with what was learned; not while an exposed colleague's follow-up is open."""
    incident = _locked(incident_id)
    rules.require_may_review(by, incident.unit)
    rules.require_may_close(
        measures=incident.measures.count() + incident.proposals.count(),
        open_follow_ups=incident.exposed.filter(follow_up_done_on=None).count(),
        handling=rules.handling_missing(incident, timezone.localdate()),
    )
    _move(incident, Status.CLOSED)
    incident.lessons_learned, incident.closed_at = lessons_learned, timezone.now()
    _save(incident, by)
    return incident


POLICE_OUTCOME_CHANGE = "police_outcome"


@transaction.atomic
def police_outcome_update(*, by: User, incident_id: int, police_outcome: str) -> Incident:
    """The police's outcome as it becomes known (under investigation, dropped, charged, judgment), also once the
    incident is closed: only this field changes, and the history keeps each outcome with who recorded it."""
    incident = _locked(incident_id)
    rules.require_may_update_police_outcome(by, incident)
    incident.police_outcome = police_outcome
    incident._change_reason = POLICE_OUTCOME_CHANGE
    _save(incident, by)
    return incident


@transaction.atomic
def incident_reopen(*, by: User, incident_id: int, reason: str) -> Incident:
    """A closed incident back to review, when something new comes to light; the reason is kept in its history."""
    incident = _locked(incident_id)
    rules.require_may_review(by, incident.unit)
    rules.require_closed(incident)
    rules.require_reopen_reason(reason)
    _move(incident, Status.UNDER_REVIEW)
    incident.closed_at, incident.reopened_reason = None, reason
    _save(incident, by)
    return incident


def weekly_recipients(unit_id: int) -> list[User]:
    """The weekly count goes to the unit's HMS and its leaders."""
    return unit_leaders(unit_id, roles={Role.ENHETSLEDER, Role.STEDFORTREDER, Role.HMS})


def remind_weekly_review(*, unit_id: int, week_start: datetime.date) -> list:
    """One reminder per recipient and week for a unit with unreviewed incidents; the key makes it exist once."""
    unit_number = Unit.objects.values_list("number", flat=True).get(pk=unit_id)
    path = reverse("hendelser:review", args=[unit_number])
    created = []
    for recipient in weekly_recipients(unit_id):
        reminder, new = core_services.reminder_ensure(
            key=f"{WEEKLY_REMINDER_KIND}:{unit_id}:{week_start.isoformat()}:{recipient.pk}",
            kind=WEEKLY_REMINDER_KIND, recipient=recipient, due_on=week_start,
            case_number=unit_number, path=path,
        )
        if new:
            created.append(reminder)
    return created


def perpetrator_citizen(
    *, by: User, personident: str = "", name: str = "", birth_date: datetime.date | None = None,
) -> Citizen:
    """The known person behind an incident: by identity number (registered here if new, with the name typed),
    or by name and date of birth when exactly one registered person matches."""
    if personident:
        citizen = Citizen.objects.filter(personident=personident).first()
        if citizen is not None:
            return citizen
        if not name.strip():
            raise ValidationError(
                {"person_name": _("The person is not registered here yet: give their name too.")}
            )
        return core_services.citizen_create(by=by, personident=personident, name=name.strip())
    matches = search_by_name(name=name, birth_date=birth_date, limit=2) if birth_date else []
    if not matches:
        raise ValidationError(
            {"personident": _("Nobody registered here has that name and date of birth: give the identity number.")}
        )
    if len(matches) > 1:
        raise ValidationError(
            {"personident": _("More than one person has that name and date of birth: give the identity number.")}
        )
    return Citizen.objects.get(pk=matches[0].pk)
