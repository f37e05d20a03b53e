"""Every state change of a decision. Keyword-only arguments, the acting user, one transaction each.

``by`` is the acting staff member; the scheduler passes ``by=None`` for the date-driven
changes (activation, expiry) that no person performs.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hendelser import selectors as incident_selectors
from hendelser import services as incident_services
from nav_sikkerhet.core import access, metrics, scheduling
from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core import tasks as core_tasks
from nav_sikkerhet.core.models import Citizen, RoleAssignment, Unit, User
from nav_sikkerhet.core.pdf import store_rendered

from . import letters, lookup, reasons, rules, workflow
from .models import (
    ASSESSMENT_FIELDS,
    DECIDED_STATUSES,
    EDITABLE_STATUSES,
    IN_FORCE_STATUSES,
    MIN_NOTICE_DAYS,
    ActingReason,
    AlternativeAssessment,
    AlternativeChannel,
    Breach,
    BreachChannel,
    Decision,
    DecisionEvent,
    EventKind,
    Fact,
    Kind,
    Letter,
    LetterKind,
    LetterStatus,
    NoticeImpossibleReason,
    NoticeMethod,
    NoticeStatus,
    Registration,
    RegistrationKind,
    RiskCheck,
    ServiceComplaint,
    SignedAs,
    StatementStatus,
    Status,
    WrittenDelivery,
)

# A service complaint is answered in writing within this many days, or the leader is reminded (§6).
COMPLAINT_ANSWER_DAYS = 14
COMPLAINT_REMINDER_KIND = "decision.complaint_unanswered"

# Fields a caseworker or leader may change while the case is being prepared.
EDITABLE_FIELDS = frozenset({
    "kind", "scope", "responsible_leader", "contact_person", "grounds", *ASSESSMENT_FIELDS, "duration_assessment",
    "valid_from", "valid_to", "letter_language", "statement_assessment", "no_warning_reason",
    "representative_name", "representative_address", "postal_address", "digital_channels",
})





def _locked(decision_id: int) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related("unit", "extends").get(pk=decision_id)


def _event(decision: Decision, by: User | None, kind: str, text: str = "", **args) -> None:
    """Add a line to the timeline. Pass a lazy text and its args: stored in bokmål, like the audit log,
    whatever language the acting user has chosen."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(text) % {key: str(value) for key, value in args.items()} if args else str(text)
    DecisionEvent.objects.create(decision=decision, actor=by, kind=kind, text=text.strip())


def _save(decision: Decision, by: User | None) -> None:
    decision.full_clean()
    decision._history_user = by
    decision.save()


def _move(decision: Decision, target: str) -> None:
    workflow.check(decision.status, target)
    decision.status = target


def _covered_units(decision: Decision) -> list[Unit]:
    """The units the decision covers with its scope as it is now set (saved or not)."""
    return rules.covered_units(decision.scope, decision.unit, Unit.objects.filter(is_active=True))


def _sync_covered_units(decision: Decision) -> None:
    decision.covered_units.set(_covered_units(decision))


def _require_editable(decision: Decision) -> None:
    if decision.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("A signed or closed decision cannot be changed; it can be lifted or extended."), code="locked"
        )


def _replace(model, decision: Decision, rows: list[dict], by: User, *, carried_over: bool = False) -> None:
    """Replace a decision's facts, channels or assessed alternatives with the given rows, each validated.

    ``carried_over``: rows copied from the decision an extension extends, whose texts the checklist judges.
    """
    objects = [model(decision=decision, **row) for row in rows]
    for obj in objects:
        if carried_over:
            reasons.carried_over(obj)
        obj.full_clean(exclude=["decision"])
    # One by one, so the history's deletion rows name the acting user (a queryset delete records none).
    for old in model.objects.filter(decision=decision):
        old._history_user = by
        old.delete()
    for obj in objects:
        obj._history_user = by
        obj.save()


@transaction.atomic
def decision_create(
    *, by: User, citizen: Citizen, unit: Unit, kind: str, letter_language: str | None = None, incidents=(),
) -> Decision:
    """Open a draft decision for a citizen in the acting user's unit; letters default to their language.

    ``incidents`` (registered in hendelser, e.g. the one whose measure proposed this) become its first facts.
    """
    decision = Decision(citizen=citizen, unit=unit, kind=kind, created_by=by,
                        letter_language=letter_language or citizen.preferred_language)
    rules.require_may_prepare(by, decision)
    rules.require_incidents_fit(decision, incidents)
    if rules.may_sign(by, decision):
        decision.responsible_leader = by
    _save(decision, by)
    _sync_covered_units(decision)
    for incident in incidents:
        fact = Fact(decision=decision, incident=incident, **rules.fact_from_incident(incident))
        fact.full_clean()
        fact._history_user = by
        fact.save()
    _event(decision, by, EventKind.CREATED)
    return decision


@transaction.atomic
def decision_update(
    *,
    by: User,
    decision_id: int,
    facts: list[dict] | None = None,
    new_warnings: list[dict] | None = None,
    channels: list[dict] | None = None,
    alternative_assessments: list[dict] | None = None,
    **fields,
) -> Decision:
    """Change a decision under preparation; facts, channels and assessed alternatives are replaced when given.

    ``new_warnings`` are warnings given earlier and not yet recorded: they become the citizen's warnings.
    """
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    _require_editable(decision)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(decision, name, value)
    if "responsible_leader" in fields:
        rules.require_leader_of_unit(decision.responsible_leader, decision.unit, "responsible_leader")
    if "scope" in fields:
        rules.require_scope_fits_unit(decision.scope, decision.unit)
    if "valid_from" in fields:
        rules.require_start_not_past(decision.valid_from, timezone.localdate())
    if decision.extends_id:
        rules.require_extension_period(decision, decision.extends)
    # Scope, kind and channels are judged together, against the units covered once this change is saved: one
    # request that widens the scope and adds a meeting must not put the meeting inside the excluded premises.
    if channels is not None or {"scope", "kind"} & set(fields):
        rows = (
            [AlternativeChannel(decision=decision, **row) for row in channels] if channels is not None
            else list(decision.channels.select_related("unit"))
        )
        rules.require_channels_fit(decision, rows, _covered_units(decision))
    if facts is not None:
        rules.require_incidents_fit(decision, [row["incident"] for row in facts if row.get("incident")])
    if alternative_assessments is not None:
        rules.require_alternatives_fit(
            decision, [AlternativeAssessment(decision=decision, **row) for row in alternative_assessments],
            incident_selectors.warnings_of(citizen_id=decision.citizen_id), ladder_measures_of(decision.citizen_id),
        )
    _save(decision, by)
    if "scope" in fields:
        _sync_covered_units(decision)
    for model, rows in ((Fact, facts), (AlternativeChannel, channels),
                        (AlternativeAssessment, alternative_assessments)):
        if rows is not None:
            _replace(model, decision, rows, by)
    for row in new_warnings or []:
        incident_services.warning_register(by=by, citizen=decision.citizen, unit=decision.unit, **row)
    _event(decision, by, EventKind.UPDATED)
    return decision


@transaction.atomic
def decision_send_notice(
    *,
    by: User,
    decision_id: int,
    sent_on: datetime.date,
    method: str,
    deadline: datetime.date,
    short_deadline_kind: str = "",
    short_deadline_reason: str = "",
) -> Decision:
    """Record that advance notice was sent, with the citizen's deadline to give their view (§4).

    The notice letter is produced now and carries today's date, so it cannot have been sent earlier; the
    deadline is after that day, and at least 7 days after it unless a listed reason for a shorter one is given.
    A case sent back to draft after a change gets a new notice the same way: a new letter, a new deadline, and
    the citizen heard anew. What the notice says is kept, so a later change beyond it is caught before signing.
    """
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    facts = list(decision.facts.all())
    rules.require_notice_is_clear(decision, facts=facts)
    if sent_on > timezone.localdate():
        raise ValidationError({"notice_sent_on": _("The notice cannot be dated in the future.")})
    if method == NoticeMethod.LETTER:
        rules.require_postal_address(decision, decision.citizen, "notice_method")
    decision.notice_produced_on = timezone.localdate()
    _move(decision, Status.NOTICE_SENT)
    decision.notice_status, decision.notice_sent_on = NoticeStatus.SENT, sent_on
    decision.notice_method, decision.notice_deadline = method, deadline
    short = deadline - sent_on < datetime.timedelta(days=MIN_NOTICE_DAYS)
    decision.notice_short_deadline_kind = short_deadline_kind if short else ""
    decision.notice_short_deadline_reason = short_deadline_reason.strip() if short else ""
    decision.statement_status, decision.notice_not_possible_reason = StatementStatus.AWAITING, ""
    decision.statement, decision.statement_received_on, decision.statement_assessment = "", None, ""
    decision.notice_not_possible_kind = ""
    decision.noticed_content = rules.noticed_content(decision, facts)
    _save(decision, by)
    _event(
        decision,
        by,
        EventKind.NOTICE_SENT,
        gettext_lazy("Deadline for the citizen's statement: %(date)s"),
        date=deadline.strftime("%d.%m.%Y"),
    )
    _letter_request(decision, LetterKind.NOTICE, by)
    return decision


@transaction.atomic
def decision_notice_not_possible(*, by: User, decision_id: int, kind: str, reason: str) -> Decision:
    """Record why advance notice could not be given ("så sant det er mulig", §4): a reason and an explanation."""
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    if decision.status != Status.DRAFT:
        raise ValidationError(_("Advance notice has already been sent."), code="notice_sent")
    facts = list(decision.facts.all())
    rules.require_notice_may_be_skipped(
        decision, notice_letters=decision.letters.filter(kind=LetterKind.NOTICE).count(),
        earlier=earlier_notices(decision), facts=facts,
    )
    rules.require_notice_not_possible_reason(kind, reason)
    decision.notice_status, decision.notice_not_possible_reason = NoticeStatus.NOT_POSSIBLE, reason.strip()
    decision.notice_not_possible_kind = kind
    _save(decision, by)
    _event(decision, by, EventKind.NOTICE_NOT_POSSIBLE, "%(why)s: %(reason)s",
           why=NoticeImpossibleReason(kind).label, reason=reason.strip())
    return decision


def earlier_notices(decision: Decision) -> list[rules.EarlierNotice]:
    """Notices sent to the citizen in the unit's other cases that were never decided (still open or closed)."""
    cases = Decision.objects.filter(
        citizen_id=decision.citizen_id, unit_id=decision.unit_id, notice_sent_on__isnull=False,
        status__in=[*EDITABLE_STATUSES, Status.DROPPED],
    ).exclude(pk=decision.pk)
    return [rules.EarlierNotice(case.case_number, case.notice_sent_on) for case in cases]


@transaction.atomic
def decision_record_statement(
    *,
    by: User,
    decision_id: int,
    received: bool,
    statement: str = "",
    received_on: datetime.date | None = None,
) -> Decision:
    """Record the citizen's statement, or that none came by the deadline; also after the case went back to draft."""
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    if decision.notice_status != NoticeStatus.SENT or decision.status not in (Status.DRAFT, Status.NOTICE_SENT):
        raise ValidationError(_("Record the statement after advance notice has been sent."), code="no_notice")
    if received:
        if not statement.strip() or received_on is None:
            raise ValidationError({"statement": _("Write down what the citizen said and when it was received.")})
        decision.statement_status, decision.statement, decision.statement_received_on = (
            StatementStatus.RECEIVED,
            statement,
            received_on,
        )
    else:
        rules.require_deadline_passed(decision, timezone.localdate())
        decision.statement_status, decision.statement, decision.statement_received_on = (
            StatementStatus.NONE_RECEIVED,
            "",
            None,
        )
    _save(decision, by)
    _event(decision, by, EventKind.STATEMENT, StatementStatus(decision.statement_status).label)
    return decision


def decision_checklist(decision: Decision, today: datetime.date | None = None) -> list[rules.ChecklistItem]:
    return rules.checklist(
        decision,
        facts=list(decision.facts.all()),
        channels=list(decision.channels.all()),
        today=today or timezone.localdate(),
        warnings=incident_selectors.warnings_of(citizen_id=decision.citizen_id),
        others=measures_alongside(decision),
        contact=decision.effective_contact,
        extended=decision.extends,
        alternatives=list(decision.alternative_assessments.all()),
        covered=[decision.unit, *decision.covered_units.all()],
        measures=ladder_measures_of(decision.citizen_id),
    )


def ladder_measures_of(citizen_id: int) -> list[Decision]:
    """The citizen's decided less intrusive measures (in force or ended), which an exclusion's assessment of the
    alternatives may cite as tried."""
    kinds = [kind for kind in Kind if not kind.exclusion]
    return list(
        Decision.objects.filter(citizen_id=citizen_id, kind__in=kinds, status__in=DECIDED_STATUSES)
        .select_related("unit").order_by("valid_from", "pk")
    )


def _alongside(decision: Decision):
    """The citizen's other signed or active decisions whose period overlaps this one's (all of them if unset)."""
    others = Decision.objects.filter(citizen_id=decision.citizen_id, status__in=IN_FORCE_STATUSES).exclude(
        pk=decision.pk
    )
    if decision.valid_from and decision.valid_to:
        others = others.filter(valid_from__lte=decision.valid_to, valid_to__gte=decision.valid_from)
    return others.prefetch_related("covered_units")


def measures_alongside(decision: Decision) -> list[rules.Measure]:
    """The citizen's other signed or active measures whose period overlaps this one's, as the channel rules see
    them."""
    return [rules.as_measure(other) for other in _alongside(decision)]


def _as_signed(decision: Decision) -> rules.Measure:
    """The decision as it would be once signed: covering the units its scope covers on the signing day."""
    return rules.as_measure(decision, [unit.pk for unit in _covered_units(decision)])


def cases_shut_by_signing(decision: Decision) -> list[str]:
    """The citizen's other measures whose last open channel signing this decision would shut (shown before)."""
    return rules.cases_left_without_channel(_as_signed(decision), measures_affected(decision))


def measures_affected(decision: Decision) -> list[rules.MeasureChannels]:
    """The citizen's other signed or active measures beside this one, each with its channels and the measures in
    force beside it: what signing this one must leave a channel open for."""
    return [
        rules.MeasureChannels(other, list(other.channels.select_related("unit")), measures_alongside(other))
        for other in _alongside(decision)
    ]


def channel_states(decision: Decision) -> list[rules.ChannelState]:
    """Each channel of the decision, and whether it stays open across the citizen's measures (shown at signing)."""
    return rules.channel_states(decision, list(decision.channels.select_related("unit")), measures_alongside(decision))


@transaction.atomic
def decision_mark_ready(*, by: User, decision_id: int) -> Decision:
    """Hand the prepared case to the leader; refused until the checklist is complete."""
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    rules.require_checklist_complete(decision_checklist(decision))
    _move(decision, Status.READY)
    _save(decision, by)
    _event(decision, by, EventKind.READY)
    return decision


@transaction.atomic
def decision_reopen(*, by: User, decision_id: int) -> Decision:
    """Send a case back to draft for more work."""
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    _move(decision, Status.DRAFT)
    _save(decision, by)
    _event(decision, by, EventKind.REOPENED)
    return decision


@transaction.atomic
def decision_drop(*, by: User, decision_id: int, reason: str) -> Decision:
    """Close a case without a decision, e.g. after the citizen's statement."""
    decision = _locked(decision_id)
    rules.require_may_sign(by, decision)
    if not reason.strip():
        raise ValidationError({"closed_reason": _("Explain why the case is closed without a decision.")})
    _move(decision, Status.DROPPED)
    decision.closed_reason = reason
    _save(decision, by)
    _event(decision, by, EventKind.DROPPED, reason)
    return decision


def other_measures(decision: Decision, today: datetime.date | None = None) -> list[Decision]:
    """The citizen's other current or recent security measures, shown to the leader before signing (§4)."""
    today = today or timezone.localdate()
    others = (
        Decision.objects.filter(citizen_id=decision.citizen_id)
        .exclude(pk=decision.pk)
        .exclude(status=Status.DROPPED)
        .select_related("unit")
        .order_by("-valid_from", "-created_at")
    )
    return [other for other in others if rules.is_recent_or_current(other, today)]


@transaction.atomic
def decision_sign(
    *,
    by: User,
    decision_id: int,
    written_delivery: str,
    told_orally_on: datetime.date | None = None,
    written_delivered_on: datetime.date | None = None,
    written_delivery_note: str = "",
    other_measures_acknowledged: bool = False,
    acting_reason: str = "",
    acting_reason_text: str = "",
) -> Decision:
    """The leader's decision. Checks the whole checklist again; in force at once if it starts today.

    ``written_delivered_on`` (today if not given) is when the written decision is sent or handed over; it must
    reach the citizen by the first day, or soon after they were told orally (§6). An acting head says why.
    """
    today = timezone.localdate()
    written_delivered_on = written_delivered_on or today
    decision = _locked(decision_id)
    rules.require_may_sign(by, decision)
    workflow.check(decision.status, Status.SIGNED)
    rules.require_checklist_complete(decision_checklist(decision))
    rules.require_other_measures_keep_a_channel(_as_signed(decision), measures_affected(decision))
    rules.require_other_measures_acknowledged(other_measures(decision), other_measures_acknowledged)
    window = settings.DECISION_EXTENSION_WINDOW_DAYS
    if decision.extends_id:
        rules.require_extension_period(decision, decision.extends)
        rules.require_extended_still_in_force(decision.extends, today)
        rules.require_extension_window(decision.extends, today, window)
    rules.require_not_a_second_decision(decision, same_unit_measures(decision), window)
    if not written_delivery:
        raise ValidationError({"written_delivery": _("Say how the citizen gets the written decision.")})
    rules.require_delivery_in_time(
        decision, written_delivery=written_delivery, written_delivered_on=written_delivered_on,
        told_orally_on=told_orally_on, today=today, days=rules.configured_delivery_days(),
    )
    if written_delivery == WrittenDelivery.POST:
        rules.require_postal_address(decision, decision.citizen, "written_delivery")
    rules.require_delivery_fits_notice(decision, written_delivery, written_delivery_note)
    signed_as = capacity_of(by, decision.unit)
    rules.require_acting_reason(signed_as, acting_reason, acting_reason_text)
    employer = letters.employer_in(decision.unit, by)
    rules.require_employer_known(employer, decision.unit)
    _move(decision, Status.SIGNED)
    decision.signed_by, decision.signed_at, decision.signed_as = by, timezone.now(), signed_as
    decision.signed_employer = employer
    if signed_as == SignedAs.ACTING:
        decision.acting_reason = acting_reason
        decision.acting_reason_text = acting_reason_text.strip() if acting_reason == ActingReason.OTHER else ""
    decision.written_delivery, decision.told_orally_on = written_delivery, told_orally_on
    decision.written_delivered_on, decision.written_delivery_note = written_delivered_on, written_delivery_note.strip()
    if decision.responsible_leader_id is None:
        decision.responsible_leader = by
    _save(decision, by)
    _sync_covered_units(decision)
    # Lazy, so the timeline is written in bokmål whatever language the signer has chosen.
    _event(decision, by, EventKind.SIGNED, gettext_lazy("Signed as %(capacity)s"),
           capacity=lazy(signer_text, str)(decision))
    _letter_request(decision, LetterKind.EXTENSION if decision.extends_id else LetterKind.DECISION, by)
    if decision.valid_from <= timezone.localdate():
        _activate(decision, by)
    return decision


def signed_as_text(signed_as: str):
    """The capacity in words (lazy), as the letter and the timeline say it: a stand-in is never "head of unit"."""
    if signed_as == SignedAs.ACTING:
        return pgettext_lazy("capacity", "acting head of unit")
    return pgettext_lazy("capacity", "head of unit")


def signer_text(decision: Decision) -> str:
    """The capacity with the acting head's reason, as the timeline, the case page and the letter show it."""
    capacity = str(signed_as_text(decision.signed_as))
    if decision.signed_as != SignedAs.ACTING or not decision.acting_reason:
        return capacity
    reason = decision.acting_reason_text if decision.acting_reason == ActingReason.OTHER else ""
    return f"{capacity} ({reason or ActingReason(decision.acting_reason).label})"


def capacity_of(user: User, unit: Unit) -> str:
    """In which capacity the user would sign for the unit: head of unit, or acting head."""
    return rules.signing_capacity(RoleAssignment.objects.filter(user=user, unit=unit).values_list("role", flat=True))


def same_unit_measures(decision: Decision) -> list[rules.Period]:
    """The citizen's other signed or active measures of the same unit, except the one this extends."""
    others = Decision.objects.filter(
        citizen_id=decision.citizen_id, unit_id=decision.unit_id, status__in=IN_FORCE_STATUSES
    ).exclude(pk__in=[decision.pk, decision.extends_id or 0])
    return [rules.Period(other.case_number, other.kind, other.valid_from, other.valid_to) for other in others]


@transaction.atomic
def decision_record_delivery(*, by: User, decision_id: int, delivered_on: datetime.date, how: str) -> Decision:
    """Record that the written decision was actually sent or handed over (§6); the overview stops listing it."""
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    if decision.status not in (Status.SIGNED, Status.ACTIVE, Status.EXPIRED, Status.LIFTED):
        raise ValidationError(_("Delivery is recorded after the decision is signed."), code="not_signed")
    if decision.delivered_on:
        raise ValidationError(_("Delivery of the written decision has already been recorded."), code="delivered")
    if how not in WrittenDelivery.values:
        raise ValidationError({"delivered_how": _("Say how the written decision was delivered.")})
    if how == WrittenDelivery.POST:
        rules.require_postal_address(decision, decision.citizen, "delivered_how")
    decision.delivered_on, decision.delivered_how = delivered_on, how
    _save(decision, by)
    due = rules.delivery_due(how=how, valid_from=decision.valid_from, told_orally_on=decision.told_orally_on,
                             days=rules.configured_delivery_days())
    text = gettext_lazy("%(how)s, %(date)s") if delivered_on <= due else gettext_lazy(
        "%(how)s, %(date)s: later than it should have been (%(due)s)")
    _event(decision, by, EventKind.DELIVERED, text, how=WrittenDelivery(how).label,
           date=delivered_on.strftime("%d.%m.%Y"), due=due.strftime("%d.%m.%Y"))
    return decision


def _activate(decision: Decision, by: User | None) -> None:
    _move(decision, Status.ACTIVE)
    _save(decision, by)
    _event(decision, by, EventKind.ACTIVATED)


@transaction.atomic
def decision_refresh_status(
    *,
    decision_id: int,
    by: User | None = None,
    today: datetime.date | None = None,
) -> Decision:
    """Bring the status in line with the dates: signed → active on the start date, active → expired after the end.

    Idempotent: run it as often as you like.
    """
    today = today or timezone.localdate()
    decision = _locked(decision_id)
    if decision.status == Status.SIGNED and decision.valid_from <= today:
        _activate(decision, by)
    if decision.status == Status.ACTIVE and decision.valid_to < today:
        _move(decision, Status.EXPIRED)
        _save(decision, by)
        _event(decision, by, EventKind.EXPIRED)
    return decision


@transaction.atomic
def decision_lift(*, by: User, decision_id: int, lifted_on: datetime.date, reason: str) -> Decision:
    """End a decision early (oppheve), with the reason."""
    decision = _locked(decision_id)
    rules.require_may_sign(by, decision)
    if not reason.strip():
        raise ValidationError({"lift_reason": _("Give the reason for lifting the decision.")})
    rules.require_lift_date(decision, lifted_on, timezone.localdate())
    _move(decision, Status.LIFTED)
    decision.lifted_on, decision.lift_reason = lifted_on, reason
    _save(decision, by)
    _event(decision, by, EventKind.LIFTED, reason)
    _letter_request(decision, LetterKind.LIFTING, by)
    # Lifting the measure lifts its signed extension too, or the extension would still come into force.
    for extension_id in decision.extensions.filter(status__in=[Status.SIGNED, Status.ACTIVE]).values_list(
        "pk", flat=True,
    ):
        extension = _locked(extension_id)
        _move(extension, Status.LIFTED)
        extension.lifted_on = max(lifted_on, timezone.localdate(extension.signed_at))
        extension.lift_reason = reason
        _save(extension, by)
        _event(extension, by, EventKind.LIFTED, reason)
        _letter_request(extension, LetterKind.LIFTING, by)
    return decision


@transaction.atomic
def decision_start_extension(*, by: User, decision_id: int) -> Decision:
    """Open a new draft that extends a decision: facts, channels and scope carried over, assessments anew.
    (The citizen's warnings are the citizen's, so the extension shows them as the decision did.)"""
    old = _locked(decision_id)
    rules.require_may_prepare(by, old)
    open_extensions = old.extensions.exclude(status__in=[Status.DROPPED]).count()
    rules.require_extendable(old, timezone.localdate(), open_extensions=open_extensions)
    rules.require_extension_window(old, timezone.localdate(), settings.DECISION_EXTENSION_WINDOW_DAYS)
    new = Decision(
        citizen=old.citizen,
        unit=old.unit,
        kind=old.kind,
        scope=old.scope,
        extends=old,
        created_by=by,
        responsible_leader=old.responsible_leader,
        contact_person=old.contact_person,
        grounds=list(old.grounds),
        letter_language=old.letter_language,
        valid_from=old.valid_to + datetime.timedelta(days=1),
        # Who gets the letters stays; the reasoning and the notice are the extension's own.
        representative_name=old.representative_name,
        representative_address=old.representative_address,
        postal_address=old.postal_address,
    )
    _save(new, by)
    _sync_covered_units(new)
    for model, fields in (
        (Fact, ["occurred_on", "description", "serious", "incident"]),
        (AlternativeChannel, ["channel", "person_name", "phone", "times", "address", "place", "unit", "note"]),
    ):
        rows = [{f: getattr(obj, f) for f in fields} for obj in model.objects.filter(decision=old)]
        _replace(model, new, rows, by, carried_over=True)
    _event(new, by, EventKind.CREATED, gettext_lazy("Extension of %(case)s"), case=old.case_number)
    _event(old, by, EventKind.EXTENSION_STARTED, new.case_number)
    return new


@transaction.atomic
def registration_record(
    *,
    by: User,
    decision_id: int,
    kind: str,
    done_on: datetime.date,
    reference: str = "",
) -> Registration:
    """Record a registration duty (§7) as done."""
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    if decision.status not in (Status.SIGNED, Status.ACTIVE, Status.EXPIRED, Status.LIFTED):
        raise ValidationError(_("Registrations are recorded after the decision is signed."), code="not_signed")
    registration = Registration(decision=decision, kind=kind, done_on=done_on, reference=reference, done_by=by)
    registration.full_clean()
    registration._history_user = by
    registration.save()
    _event(decision, by, EventKind.REGISTERED, "%(what)s %(reference)s", what=RegistrationKind(kind).label,
           reference=reference)
    return registration


@transaction.atomic
def complaint_register(
    *,
    by: User,
    decision_id: int,
    received_on: datetime.date,
    from_whom: str,
    summary: str,
    representative_name: str = "",
    representative_address: str = "",
) -> ServiceComplaint:
    """Record a service complaint received about a decision (§6); a representative's gets the answer."""
    decision = _locked(decision_id)
    rules.require_may_prepare(by, decision)
    complaint = ServiceComplaint(
        decision=decision, received_on=received_on, from_whom=from_whom, summary=summary, registered_by=by,
        representative_name=representative_name.strip(), representative_address=representative_address.strip(),
    )
    complaint.full_clean()
    complaint._history_user = by
    complaint.save()
    _event(decision, by, EventKind.COMPLAINT_RECEIVED, from_whom)
    # Registered late, the answer may already be overdue: the reminder is due at once, not at the next sweep.
    due_on = received_on + datetime.timedelta(days=COMPLAINT_ANSWER_DAYS)
    if due_on <= timezone.localdate():
        for reminder in remind_leaders(kind=COMPLAINT_REMINDER_KIND, decision=decision, due_on=due_on,
                                       object_id=complaint.pk):
            transaction.on_commit(lambda pk=reminder.pk: scheduling.enqueue(core_tasks.send_reminder, pk))
    return complaint


@transaction.atomic
def complaint_answer(
    *,
    by: User,
    complaint_id: int,
    answered_on: datetime.date,
    answer_summary: str,
) -> ServiceComplaint:
    """Record the written answer to a service complaint; the leader answers."""
    complaint = (
        ServiceComplaint.objects.select_for_update(of=("self",)).select_related("decision__unit").get(pk=complaint_id)
    )
    rules.require_may_sign(by, complaint.decision)
    if complaint.answered_on:
        raise ValidationError(_("This complaint has already been answered."), code="answered")
    complaint.answered_on, complaint.answer_summary, complaint.answered_by = answered_on, answer_summary, by
    complaint.full_clean()
    complaint._history_user = by
    complaint.save()
    _event(complaint.decision, by, EventKind.COMPLAINT_ANSWERED, complaint.from_whom)
    _letter_request(complaint.decision, LetterKind.COMPLAINT_ANSWER, by, complaint=complaint)
    return complaint


# --- Letters: requested by the services above, rendered once after commit, archived and never replaced. ---

logger = logging.getLogger(__name__)

# A letter still pending after this long has lost its task (e.g. the broker was down): it may be retried.
LETTER_STUCK_AFTER = Letter.STUCK_AFTER


def _letter_enqueue(letter_id: int) -> None:
    from . import tasks  # tasks imports this module

    # robust: an error after commit (broker down, eager rendering) is logged, never turned into an error
    # page; the letter stays pending or failed and can be retried from its status page.
    transaction.on_commit(lambda: tasks.generate_letter.delay(letter_id), robust=True)


def _letter_request(decision: Decision, kind: str, by: User, complaint: ServiceComplaint | None = None) -> Letter:
    """Record that a letter is due (pending) and have it rendered after commit, in the decision's letter language."""
    existing = Letter.objects.filter(decision=decision, kind=kind, complaint=complaint)
    if kind != LetterKind.NOTICE and existing.exists():
        return existing.get()
    letter = Letter(
        decision=decision,
        kind=kind,
        complaint=complaint,
        sequence=existing.count() + 1,
        language=decision.letter_language,
        created_by=by,
    )
    letter.full_clean()
    letter.save()
    _letter_enqueue(letter.pk)
    return letter


def _letter_path(letter: Letter, digest: str) -> str:
    # The decision's public id, never the identity number; the hash makes every stored name new.
    return f"letters/{letter.decision.public_id}/{letter.kind}-{letter.pk}-{digest[:16]}.pdf"


def letter_generate(*, letter_id: int) -> Letter:
    """Render a pending or failed letter to PDF/A and store it once, with its SHA-256.

    Idempotent: a ready letter is returned untouched, so the archived file never changes, whatever
    the templates say later. A failure leaves the letter ``failed`` with the error's name, for a retry.
    """
    with transaction.atomic():
        letter = letters.letter_for_rendering(letter_id, lock=True)
        if letter.status == LetterStatus.READY:
            return letter
        store_rendered(letter, render=lambda: letters.render_pdf(letter),
                       path=lambda digest: _letter_path(letter, digest),
                       ready=LetterStatus.READY, failed=LetterStatus.FAILED, log=logger)
        metrics.LETTERS_RENDERED.labels(outcome=letter.status).inc()
        # The decision, complaint and author were just loaded with the letter: no need to query them again.
        letter.full_clean(exclude=["decision", "complaint", "created_by"])
        letter.save()
    return letter


@transaction.atomic
def letter_retry(*, by: User, letter_id: int) -> Letter:
    """Produce a failed (or lost) letter again, after commit. A ready letter is never produced again."""
    letter = Letter.objects.select_for_update(of=("self",)).select_related("decision__unit").get(pk=letter_id)
    rules.require_may_prepare(by, letter.decision)
    if letter.status == LetterStatus.READY:
        return letter
    if letter.status == LetterStatus.PENDING and letter.created_at > timezone.now() - LETTER_STUCK_AFTER:
        raise ValidationError(_("The letter is still being produced."), code="pending")
    letter.status, letter.error = LetterStatus.PENDING, ""
    letter.full_clean()
    letter.save()
    _letter_enqueue(letter.pk)
    return letter


@transaction.atomic
def breach_register(
    *,
    by: User,
    decision_id: int,
    occurred_at: datetime.datetime,
    channel: str,
    description: str,
    asked_to_leave: bool,
    police_called: bool,
):
    """Record that the citizen came or called despite the decision (§8).

    It goes on the decision's timeline, and the responsible leader gets a reminder by e-mail,
    queued after commit so that a broker outage never fails the registration.
    """
    decision = _locked(decision_id)
    rules.require_may_register_breach(by, decision)
    breach = Breach(
        decision=decision,
        occurred_at=occurred_at,
        channel=channel,
        description=description,
        asked_to_leave=asked_to_leave,
        police_called=police_called,
        registered_by=by,
        unit=rules.breach_unit(by, decision),
    )
    breach.full_clean()
    rules.require_breach_in_period(decision, timezone.localdate(occurred_at))
    breach._history_user = by
    breach.save()
    yes, no = gettext_lazy("yes"), gettext_lazy("no")
    _event(
        decision,
        by,
        EventKind.BREACH,
        gettext_lazy("%(how)s %(when)s. Asked to leave: %(asked)s. Police called: %(police)s. %(what)s"),
        **{
            "how": BreachChannel(breach.channel).label,
            "when": timezone.localtime(occurred_at).strftime("%d.%m.%Y %H:%M"),
            "asked": yes if asked_to_leave else no,
            "police": yes if police_called else no,
            "what": description.strip(),
        },
    )
    for reminder in remind_leaders(
        kind=lookup.BREACH_REMINDER_KIND, decision=decision, due_on=timezone.localdate(occurred_at),
        object_id=breach.pk,
    ):
        transaction.on_commit(lambda pk=reminder.pk: scheduling.enqueue(core_tasks.send_reminder, pk))
    return breach


def remind_leaders(*, kind: str, decision: Decision, due_on: datetime.date, object_id: int | None = None) -> list:
    """Ensure one reminder per recipient: the responsible leader, or, if none is set or they left, the unit's
    leaders. The key (what, which object, which due date, whom) makes it exist once. Returns the new ones."""
    if decision.responsible_leader_id and decision.responsible_leader.is_active:
        recipients = [decision.responsible_leader]
    else:
        recipients = User.objects.filter(
            is_active=True, role_assignments__unit_id=decision.unit_id,
            role_assignments__role__in=list(access.LEADER_ROLES),
        ).distinct()
    path = reverse("utestenging:detail", args=[decision.public_id])
    created_reminders = []
    for recipient in recipients:
        reminder, created = core_services.reminder_ensure(
            key=f"{kind}:{object_id or decision.pk}:{due_on.isoformat()}:{recipient.pk}", kind=kind,
            recipient=recipient, due_on=due_on, case_number=decision.case_number, path=path,
        )
        if created:
            created_reminders.append(reminder)
    return created_reminders


# -- risk check before a meeting or home visit -------------------------------------------------------------


def risk_check_facts(*, by: User, citizen_id: int, kind: str, place: str, companions: int, alarm_available: bool,
                     police_informed: bool) -> rules.RiskFacts:
    """What the app knows about the person (as the user may see it) with the answers, for the rule."""
    from . import selectors

    measures = lookup.measures_in_force(citizen_id=citizen_id)
    incidents = selectors.risk_check_incidents(user=by, citizen_id=citizen_id)
    serious = [
        i for i in incidents
        if {i.category, *i.other_categories} & rules.SERIOUS_INCIDENT_CATEGORIES or i.injury >= 2
    ]
    return rules.RiskFacts(
        measures_in_force=len(measures), exclusion_in_force=any(m.physical for m in measures),
        incidents=len(incidents), serious_incidents=len(serious), kind=kind, place=place, companions=companions,
        alarm_available=alarm_available, police_informed=police_informed,
    )


@transaction.atomic
def risk_check_record(
    *, by: User, citizen_id: int, unit: Unit, planned_on: datetime.date, kind: str, place: str, companions: int,
    alarm_available: bool, police_informed: bool,
) -> RiskCheck:
    """Run the check before a planned meeting or home visit, and keep it with the citizen."""
    if not rules.may_run_risk_check(by, unit):
        raise PermissionDenied(_("You may not run risk checks in this unit."))
    facts = risk_check_facts(by=by, citizen_id=citizen_id, kind=kind, place=place, companions=companions,
                             alarm_available=alarm_available, police_informed=police_informed)
    recommendation, reasons_found = rules.risk_recommendation(facts)
    check = RiskCheck(
        citizen_id=citizen_id, unit=unit, planned_on=planned_on, kind=kind, place=place, companions=companions,
        alarm_available=alarm_available, police_informed=police_informed,
        measures_in_force=facts.measures_in_force, incidents_24_months=facts.incidents,
        recommendation=recommendation, reasons=reasons_found, created_by=by,
    )
    check.full_clean()
    check.save()
    return check
