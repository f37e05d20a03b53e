"""Rules that need the acting user or other objects. No database writes here."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access, phones, workdays
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Employer, Role, Unit, UnitType

from . import reasons
from .models import (
    ASSESSMENT_FIELDS,
    DECIDED_STATUSES,
    MAX_PERIOD_DAYS,
    MEASURE_ALTERNATIVES,
    NAV_GENERAL_PHONE,
    WARNING_ALTERNATIVES,
    ActingReason,
    AlternativeAssessment,
    AlternativeOutcome,
    ChannelKind,
    Decision,
    Fact,
    Kind,
    LessIntrusiveMeasure,
    NoticeImpossibleReason,
    NoticeStatus,
    RegistrationKind,
    Scope,
    SignedAs,
    StatementStatus,
    Status,
    WrittenDelivery,
)

# How long an ended measure counts as "recent" when the leader is shown the citizen's other measures.
RECENT_MEASURE_DAYS = 365


def may_prepare(user, decision) -> bool:
    return access.has_unit_perm(user, Perm.PREPARE_DECISION, decision.unit)


def may_sign(user, decision) -> bool:
    """Only the deciding unit's leader or acting leader decides (§4, §9.2), not an administrator."""
    return access.holds_role_perm(user, Perm.SIGN_DECISION, decision.unit)


def require_may_prepare(user, decision) -> None:
    if not may_prepare(user, decision):
        raise PermissionDenied(_("You may not prepare decisions in this unit."))


def require_may_sign(user, decision) -> None:
    if not may_sign(user, decision):
        raise PermissionDenied(_("Only the unit's leader or acting leader may decide."))


def require_leader_of_unit(user, unit: Unit, field: str) -> None:
    if user is not None and not access.has_unit_perm(user, Perm.SIGN_DECISION, unit):
        raise ValidationError({field: _("Choose the unit's leader or acting leader.")})


def covered_units(scope: str, unit: Unit, units: Iterable[Unit]) -> list[Unit]:
    """The units a scope covers (§4): beyond the own unit only the municipality's NAV offices or the result area."""
    if scope == Scope.MUNICIPALITY:
        chosen = [
            u
            for u in units
            if u.unit_type == UnitType.NAV_KONTOR and u.municipality_number == unit.municipality_number and u.is_active
        ]
    elif scope == Scope.RESULT_AREA:
        chosen = [u for u in units if u.result_area == unit.result_area and u.is_active]
    else:
        chosen = []
    return sorted({unit, *chosen}, key=lambda u: u.number)


def require_scope_fits_unit(scope: str, unit: Unit) -> None:
    if scope == Scope.MUNICIPALITY and unit.unit_type != UnitType.NAV_KONTOR:
        raise ValidationError({"scope": _("Only a NAV office can extend a decision to the municipality's offices.")})
    # §4: NAV offices share a decision only within their municipality; "other result areas" (Kontaktsenter,
    # Hjelpemidler, Forvaltning) across their units. A NAV office's result area is every office in the country.
    if scope == Scope.RESULT_AREA and unit.unit_type == UnitType.NAV_KONTOR:
        raise ValidationError(
            {"scope": _("A NAV office can extend a decision only to the NAV offices in its municipality.")}
        )


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    # What is wrong with a text that is written but is no reason yet (a placeholder, too short, a copy).
    problem: str = ""


def period_ok(decision, today: datetime.date) -> bool:
    """A period is set, starts today or later, and lasts no longer than the kind allows (12 weeks: §5, §9.3)."""
    start, end = decision.valid_from, decision.valid_to
    return bool(start and end and today <= start <= end and (end - start).days < decision.max_days)


def channel_complete(channel) -> bool:
    """A channel states every detail its kind requires, so the letter gives the citizen something concrete."""
    return not channel.missing_details()


def text_problem(decision, name: str) -> str:
    """Why one of the decision's reasoning texts is not yet a reason ("" when it is): empty, a placeholder, too
    short, or a copy of another of its texts. Old rows are judged here, whatever clean() let through then."""
    kind = reasons.REASONED_FIELDS[Decision._meta.label][name]
    others = {reasons.label(Decision, other): text for other, text in reasons.written_texts(decision).items()
              if other != name}
    return reasons.problem(getattr(decision, name), kind, others)


def _text_item(decision, key: str, label) -> ChecklistItem:
    problem = text_problem(decision, key)
    return ChecklistItem(key, label, not problem, problem if str(getattr(decision, key) or "").strip() else "")


def facts_problem(facts: Sequence) -> str:
    """The first fact that is not a concrete sentence, as the user is told ("" when all are)."""
    kind = reasons.REASONED_FIELDS[Fact._meta.label]["description"]
    for fact in facts:
        problem = reasons.problem(fact.description, kind)
        if problem:
            return f"{fact.occurred_on:%d.%m.%Y}: {problem}"
    return ""


def checklist(
    decision, *, facts: Sequence, channels: Sequence, today: datetime.date, warnings: Sequence = (),
    others: Sequence["Measure"] = (), contact=None, extended=None, alternatives: Sequence = (),
    covered: Sequence[Unit] = (), measures: Sequence = (),
) -> list[ChecklistItem]:
    """What the guideline requires before a decision may be signed, item by item.

    ``others`` are the citizen's other measures in force during the period; ``contact`` the letter's contact person;
    ``extended`` the decision an extension extends; ``alternatives`` the assessed less intrusive alternatives;
    ``covered`` the units the decision covers; ``measures`` the citizen's decided less intrusive measures.
    """
    kind = Kind(decision.kind)
    blocked = blocked_numbers(covered)
    fact_problem = facts_problem(facts)
    alternatives_problem = alternatives_missing(decision, alternatives, warnings, measures)

    ladder = kind.exclusion
    items = [
        ChecklistItem("grounds", _("Grounds chosen"), bool(decision.grounds)),
        ChecklistItem("facts", _("At least one concrete, dated incident"), bool(facts) and not fact_problem,
                      fact_problem),
    ]
    if kind == Kind.DIUS:
        items.append(ChecklistItem("digital_channels", _("The digital channels the restriction closes chosen"),
                                   bool(decision.digital_channels)))
    if ladder:
        items.append(ChecklistItem(
            "warning",
            _("A serious incident, or an earlier warning before the last incident, or why none was given"),
            warning_requirement_met(decision, facts, warnings),
            text_problem(decision, "no_warning_reason") if decision.no_warning_reason.strip() else "",
        ))
    items += [
        _text_item(decision, "case_informed", _("The case is sufficiently informed (assessed in writing)")),
        _text_item(decision, "risk_of_repetition", _("Risk of repetition (assessed in writing)")),
        _text_item(decision, "clear_need", _("Clear need for the measure (assessed in writing)")),
    ]
    if ladder:
        items.append(ChecklistItem(
            "alternatives",
            _("Each less intrusive alternative assessed: tried, not enough or not relevant, and why"),
            not alternatives_problem, alternatives_problem,
        ))
    items += [
        _text_item(decision, "proportionality", _("Proportionality between the acts and the measure")),
        _text_item(decision, "other_measures", _("Other security measures on the citizen checked")),
        _text_item(decision, "whole_situation", _("The citizen's whole situation weighed")),
    ]
    if kind.phone:
        items.append(_text_item(
            decision, "other_units_views",
            _("Views of other units the citizen deals with, or why they could not be gathered"),
        ))
    if decision.extends_id:
        items.append(_text_item(decision, "extension_assessment", _("New assessment of whether the risk continues")))
    if kind.rules.needs_channel:
        items += [
            ChecklistItem(
                "channels",
                _("At least one alternative service channel with concrete details"),
                any(channel_complete(channel) and not channel_problem(channel, blocked) for channel in channels),
            ),
            ChecklistItem(
                "channels_open",
                _("At least one alternative channel stays open across all the citizen's measures"),
                channels_stay_open(decision, channels, others),
            ),
        ]
    items.append(
        ChecklistItem(
            "contact_phone",
            _("The contact person has a direct phone number (not NAV's general number or a covered unit's "
              "switchboard)"),
            has_direct_phone(contact, blocked),
        )
    )
    # A less intrusive measure is not an exclusion: no advance notice is required before it (a proposal, see
    # docs/measures.md), though one given is still checked against what the decision says.
    if ladder or decision.notice_status != NoticeStatus.NOT_HANDLED:
        items.append(ChecklistItem(
            "notice",
            _("Advance notice handled (sent and answered or deadline passed, or not possible with a reason)"),
            notice_handled(decision),
            text_problem(decision, "notice_not_possible_reason")
            if decision.notice_status == NoticeStatus.NOT_POSSIBLE and decision.notice_not_possible_reason.strip()
            else "",
        ))
    items += [item for item in (notice_item(decision, facts), extension_item(decision, extended)) if item]
    if decision.statement_status == StatementStatus.RECEIVED:
        items.append(_text_item(
            decision, "statement_assessment", _("NAV's assessment of the citizen's statement (in writing)"),
        ))
    items += [
        ChecklistItem(
            "period",
            _("Period set, at most 12 weeks, starting today or later") if decision.max_days == MAX_PERIOD_DAYS
            else _("Period set, at most %(weeks)s weeks, starting today or later") % {"weeks": decision.max_days // 7},
            period_ok(decision, today),
        ),
        _text_item(decision, "duration_assessment", _("Why this length (assessed in writing)")),
        ChecklistItem("responsible_leader", _("Responsible leader chosen"), decision.responsible_leader_id is not None),
    ]
    return items


def missing(items: Iterable[ChecklistItem]) -> list[ChecklistItem]:
    return [item for item in items if not item.done]


def require_checklist_complete(items: Iterable[ChecklistItem]) -> None:
    gaps = missing(items)
    if gaps:
        raise ValidationError([
            ValidationError(
                _("Missing: %(item)s (%(problem)s)") % {"item": item.label, "problem": item.problem}
                if item.problem else _("Missing: %(item)s") % {"item": item.label},
                code=item.key,
            )
            for item in gaps
        ])


def notice_handled(decision) -> bool:
    if decision.notice_status == NoticeStatus.NOT_POSSIBLE:
        return bool(decision.notice_not_possible_kind) and not text_problem(decision, "notice_not_possible_reason")
    if decision.notice_status == NoticeStatus.SENT:
        return decision.statement_status in (StatementStatus.RECEIVED, StatementStatus.NONE_RECEIVED)
    return False


def require_notice_is_clear(decision, *, facts: Sequence) -> None:
    """A notice must say what NAV is considering and on which facts, or the citizen cannot answer it."""
    errors = []
    if not decision.grounds:
        errors.append(ValidationError(_("Choose the grounds before sending advance notice."), code="grounds"))
    if not facts:
        errors.append(ValidationError(_("Describe at least one incident before sending advance notice."), code="facts"))
    if not (decision.valid_from and decision.valid_to):
        errors.append(ValidationError(_("Set the planned period before sending advance notice."), code="period"))
    if errors:
        raise ValidationError(errors)


def require_deadline_passed(decision, today: datetime.date) -> None:
    if decision.notice_deadline and today <= decision.notice_deadline:
        raise ValidationError(
            _(
                "The citizen has until %(deadline)s to give their view; «no statement received» can be recorded "
                "after that."
            )
            % {"deadline": decision.notice_deadline.strftime("%d.%m.%Y")},
            code="deadline_not_passed",
        )


def require_other_measures_acknowledged(others: Sequence, acknowledged: bool) -> None:
    if others and not acknowledged:
        raise ValidationError(
            _("Confirm that you have looked at the citizen's other security measures."),
            code="other_measures",
        )


def require_extendable(decision, today: datetime.date, *, open_extensions: int) -> None:
    """An extension is assessed before the old decision ends, and only once at a time (§5)."""
    if decision.status not in (Status.SIGNED, Status.ACTIVE) or decision.lifted_on:
        raise ValidationError(_("Only a signed or active decision can be extended."), code="not_extendable")
    if today > decision.valid_to:
        raise ValidationError(_("The decision has ended; a new case must be started instead."), code="ended")
    if open_extensions:
        raise ValidationError(_("An extension of this decision is already being prepared."), code="duplicate")


def require_extension_period(decision, extended) -> None:
    """An extension starts the day after the decision it extends ends."""
    expected = extended.valid_to + datetime.timedelta(days=1)
    if decision.valid_from and decision.valid_from != expected:
        raise ValidationError(
            {
                "valid_from": _("An extension starts the day after the earlier decision ends (%(date)s).")
                % {"date": expected.strftime("%d.%m.%Y")}
            }
        )


def require_extended_still_in_force(extended, today: datetime.date) -> None:
    if extended.status not in (Status.SIGNED, Status.ACTIVE) or today > extended.valid_to:
        raise ValidationError(
            _("The decision being extended has ended or been lifted; the extension can no longer be signed."),
            code="extended_ended",
        )


def is_recent_or_current(decision, today: datetime.date) -> bool:
    """Whether another measure is worth showing the leader before signing (§4)."""
    if decision.status not in DECIDED_STATUSES:
        return decision.status in (Status.DRAFT, Status.NOTICE_SENT, Status.READY)
    end = decision.ends_on
    return end is not None and end >= today - datetime.timedelta(days=RECENT_MEASURE_DAYS)


def require_lift_date(decision, lifted_on: datetime.date, today: datetime.date) -> None:
    if lifted_on > today:
        raise ValidationError({"lifted_on": _("A decision is lifted today or on an earlier date, not in advance.")})


# -- breaches (§8) -------------------------------------------------------------------------------------------


def may_register_breach(user, decision) -> bool:
    """Reception or the contact centre of a covered unit, or those who prepare decisions in the deciding unit."""
    if decision.status not in DECIDED_STATUSES:
        return False
    if access.has_unit_perm(user, Perm.PREPARE_DECISION, decision.unit):
        return True
    return (
        access.units_with_perm(user, Perm.LOOKUP_MEASURES)
        .filter(pk__in=decision.covered_units.values("pk"))
        .exists()
    )


def require_may_register_breach(user, decision) -> None:
    if not may_register_breach(user, decision):
        raise PermissionDenied(_("You may not register a breach of this decision."))


def require_breach_in_period(decision, occurred_on: datetime.date) -> None:
    """A breach happens while the decision is in force: between its first day and its last (or lifting) day."""
    start, end = decision.valid_from, decision.ends_on
    if start is None or end is None or not start <= occurred_on <= end:
        period = f"{start:%d.%m.%Y}–{end:%d.%m.%Y}" if start and end else "–"
        raise ValidationError(
            {"occurred_at": _("The decision was not in force then (its period is %(period)s).") % {"period": period}}
        )


# -- facts from registered incidents ------------------------------------------------------------------------


def fact_from_incident(incident) -> dict:
    """A decision's fact as the incident was registered: its date and what happened."""
    return {"occurred_on": timezone.localdate(incident.occurred_at), "description": incident.description}


def require_incidents_fit(decision, incidents: Iterable) -> None:
    """A decision rests on incidents about its own citizen, registered in the deciding unit."""
    for incident in incidents:
        if incident.citizen_id != decision.citizen_id or incident.unit_id != decision.unit_id:
            raise ValidationError(
                {"facts": _("%(ref)s is not an incident about this citizen in the deciding unit.")
                 % {"ref": incident.reference}}
            )


# -- advance notice (§4, §9.1) ------------------------------------------------------------------------------


def require_notice_not_possible_reason(kind: str, explanation: str) -> None:
    """"Notice not possible" takes a reason from the short list and a written explanation."""
    errors = {}
    if kind not in NoticeImpossibleReason.values:
        errors["notice_not_possible_kind"] = _("Choose why advance notice is not possible.")
    if not explanation.strip():
        errors["notice_not_possible_reason"] = _("Explain why advance notice was not possible.")
    if errors:
        raise ValidationError(errors)


def require_delivery_fits_notice(decision, written_delivery: str, note: str) -> None:
    """A citizen who "cannot be reached" is not sent the decision by post without saying how it will reach them."""
    if (
        decision.notice_status == NoticeStatus.NOT_POSSIBLE
        and decision.notice_not_possible_kind == NoticeImpossibleReason.UNREACHABLE
        and written_delivery == WrittenDelivery.POST
        and not note.strip()
    ):
        raise ValidationError(
            {
                "written_delivery_note": _(
                    "Advance notice was not given because the citizen cannot be reached: explain how the decision "
                    "sent by post will reach them."
                )
            }
        )


# -- the citizen's statement and earlier warnings (§3–4) ----------------------------------------------------


def warning_requirement_met(decision, facts: Sequence, warnings: Sequence) -> bool:
    """Repeated incidents, none serious on its own, need a warning given before the last one, or a reason (§3)."""
    if not facts or any(fact.serious for fact in facts):
        return True  # without facts, the facts item is what is missing
    last = max(fact.occurred_on for fact in facts)
    if any(warning.given_on < last for warning in warnings):
        return True
    return not text_problem(decision, "no_warning_reason")


# -- who decided (§4, §9.2) ---------------------------------------------------------------------------------


def signing_capacity(roles: Iterable[str]) -> str:
    """Head of unit if the signer holds that role in the unit; otherwise they sign as acting head of unit."""
    return SignedAs.HEAD if Role.ENHETSLEDER in set(roles) else SignedAs.ACTING


# -- the alternative channel must work (§4, §5, §9.2–9.3) ---------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A measure as the channel rules see it: its case number, kind and the units it covers."""

    case_number: str
    kind: str
    unit_ids: frozenset[int]


def as_measure(decision, covered_ids=None) -> Measure:
    """A decision as the channel rules see it; ``covered_ids`` when its units are not yet saved."""
    ids = covered_ids if covered_ids is not None else (unit.pk for unit in decision.covered_units.all())
    return Measure(decision.case_number, decision.kind, frozenset({decision.unit_id, *ids}))


def overlaps(one, other) -> bool:
    """Whether two decisions' periods share a day (a decision without a period overlaps everything)."""
    if not (one.valid_from and one.valid_to and other.valid_from and other.valid_to):
        return True
    return one.valid_from <= other.valid_to and other.valid_from <= one.valid_to


@dataclass(frozen=True)
class ChannelState:
    channel: object
    open: bool
    shut_by: str = ""


def blocked_numbers(covered: Iterable[Unit]) -> list[str]:
    """Numbers that are nobody's direct line for the citizen: NAV's general number and the switchboards of the
    units a decision covers (a phone restriction shuts them; a switchboard is no named person in any case)."""
    return [NAV_GENERAL_PHONE, *(unit.phone for unit in covered if unit.phone)]


def has_direct_phone(user, blocked: Iterable[str] = (NAV_GENERAL_PHONE,)) -> bool:
    """The contact person named in the letter has a valid number of their own: not NAV's general number and not
    the switchboard of a unit the decision covers, in any spelling."""
    phone = str(getattr(user, "phone", "") or "").strip()
    return phones.parse(phone) is not None and not phones.is_one_of(phone, blocked)


def channel_problem(channel, blocked: Iterable[str]) -> str:
    """Why a channel's phone number is no direct line ("" when it is one, or the channel has no number)."""
    if channel.phone and phones.is_one_of(channel.phone, blocked):
        return str(_("%(number)s is NAV's general number or the switchboard of a unit the decision covers: give "
                     "the person's direct number.") % {"number": channel.phone})
    return ""


def channel_states(decision, channels: Sequence, others: Sequence[Measure]) -> list[ChannelState]:
    """Whether each channel stays open across the decision and the citizen's other measures in force.

    A meeting at a NAV unit is shut by any physical exclusion covering that unit, this decision's own included.
    A named person's direct line is this decision's own exception to its phone restriction, but another
    measure restricting phone contact with that person's unit shuts it. Written contact and a proxy stay open.
    """
    states = []
    for channel in channels:
        shut_by = ""
        unit_id = channel.unit_id
        if channel.channel == ChannelKind.MEETING and unit_id:
            own = Measure(decision.case_number, decision.kind, frozenset(_covered_ids(decision)))
            shut_by = next((m.case_number for m in (own, *others)
                            if Kind(m.kind).physical and unit_id in m.unit_ids), "")
        elif channel.channel == ChannelKind.PHONE:
            unit_id = unit_id or decision.unit_id
            shut_by = next((m.case_number for m in others if Kind(m.kind).phone and unit_id in m.unit_ids), "")
        states.append(ChannelState(channel, not shut_by, shut_by))
    return states


def channels_stay_open(decision, channels: Sequence, others: Sequence[Measure]) -> bool:
    """At least one complete channel is open across all the measures (§4); a missing channel is its own item."""
    complete = [channel for channel in channels if channel_complete(channel)]
    return not complete or any(state.open for state in channel_states(decision, complete, others))


def _covered_ids(decision) -> set[int]:
    ids = getattr(decision, "covered_unit_ids", None)
    if ids is None:
        ids = {unit.pk for unit in decision.covered_units.all()} if decision.pk else set()
    return set(ids) | {decision.unit_id}


def require_channels_fit(decision, channels: Sequence, covered: Sequence[Unit]) -> None:
    """A channel may not run through what the decision itself shuts (§5): no meeting in an excluded office, named
    from the list or in the free text, and no phone number that is a covered unit's switchboard or NAV's general
    number. ``covered`` are the units the decision covers with its scope as it will be saved."""
    errors = []
    blocked = blocked_numbers(covered)
    for channel in channels:
        if channel.channel == ChannelKind.MEETING and Kind(decision.kind).physical:
            if channel.unit_id and channel.unit_id in {unit.pk for unit in covered}:
                errors.append(ValidationError(
                    _("A meeting cannot be held at %(unit)s: the decision excludes the citizen from it. Choose a "
                      "unit the decision does not cover, or a place outside NAV.") % {"unit": channel.unit.name},
                    code="meeting_excluded",
                ))
            named = excluded_office_named(" ".join((channel.place, channel.address, channel.note)), covered)
            if named:
                errors.append(ValidationError(
                    _("The meeting place names %(unit)s, which the decision excludes the citizen from: give a place "
                      "outside the units the decision covers.") % {"unit": named},
                    code="meeting_excluded",
                ))
        problem = channel_problem(channel, blocked)
        if problem:
            errors.append(ValidationError(problem, code="blocked_number"))
    if errors:
        raise ValidationError({"channels": errors})


def excluded_office_named(text: str, covered: Iterable[Unit]) -> str:
    """The covered unit whose name or postal address the free text names, if any ("" otherwise)."""
    said = f" {reasons.normal(text)} "
    for unit in covered:
        for name in (unit.name, unit.postal_address):
            if reasons.normal(name) and f" {reasons.normal(name)} " in said:
                return unit.name
    return ""


@dataclass(frozen=True)
class MeasureChannels:
    """Another signed or active measure of the citizen, its channels, and the measures in force beside it."""

    decision: object
    channels: Sequence
    alongside: Sequence[Measure]


def cases_left_without_channel(new: Measure, affected: Iterable[MeasureChannels]) -> list[str]:
    """The other measures whose last open channel the new measure would shut, by case number."""
    shut = []
    for other in affected:
        complete = [channel for channel in other.channels if channel_complete(channel)]
        before = channel_states(other.decision, complete, other.alongside)
        after = channel_states(other.decision, complete, [new, *other.alongside])
        if any(state.open for state in before) and not any(state.open for state in after):
            shut.append(other.decision.case_number)
    return shut


def require_other_measures_keep_a_channel(new: Measure, affected: Iterable[MeasureChannels]) -> None:
    """Signing may not shut the last open channel of another of the citizen's measures (§4: decisions are
    coordinated so the citizen always keeps an alternative channel), in either direction."""
    shut = cases_left_without_channel(new, affected)
    if shut:
        raise ValidationError(
            _("Signing would shut the last open alternative channel of %(cases)s. Change this decision's scope, "
              "kind or period, or replace that measure with one whose channel stays open, before signing.")
            % {"cases": ", ".join(shut)},
            code="shuts_other_channel",
        )


def has_open_channel(decision, channels: Sequence, alongside: Sequence[Measure]) -> bool:
    """Whether a signed measure still has a complete channel open beside the citizen's other measures."""
    complete = [channel for channel in channels if channel_complete(channel)]
    return any(state.open for state in channel_states(decision, complete, alongside))


# -- less intrusive alternatives (§3) -----------------------------------------------------------------------


def alternatives_missing(decision, alternatives: Sequence, warnings: Sequence, measures: Sequence = ()) -> str:
    """What is still missing in the assessment of the less intrusive alternatives ("" when complete): each one
    the guideline names, assessed with a reason of its own, a tried one dated or pointing at the citizen's
    registered warning of that form."""
    assessed = {row.alternative: row for row in alternatives}
    left = [LessIntrusiveMeasure(value).label for value in LessIntrusiveMeasure.values if value not in assessed]
    if left:
        return str(_("not yet assessed: %(list)s") % {"list": ", ".join(str(label) for label in left)})
    kind = reasons.REASONED_FIELDS[AlternativeAssessment._meta.label]["reason"]
    texts = {str(LessIntrusiveMeasure(row.alternative).label): row.reason for row in alternatives}
    texts |= {reasons.label(Decision, name): text for name, text in reasons.written_texts(decision).items()}
    warning_ids = {warning.pk: warning for warning in warnings}
    measure_ids = {measure.pk: measure for measure in measures}
    for row in alternatives:
        label = str(LessIntrusiveMeasure(row.alternative).label)
        problem = reasons.problem(row.reason, kind, {other: text for other, text in texts.items() if other != label})
        if not problem and row.outcome == AlternativeOutcome.TRIED:
            problem = _tried_problem(row, warning_ids, measure_ids)
        if problem:
            return f"{label}: {problem}"
    return ""


def _tried_problem(row, warning_ids: dict, measures: dict | None = None) -> str:
    if row.measure_id is not None:
        measure = (measures or {}).get(row.measure_id)
        if measure is None or measure.kind != MEASURE_ALTERNATIVES.get(row.alternative):
            return str(_("choose one of the citizen's decided measures of this kind"))
        return ""
    if row.warning_id is None:
        return "" if row.tried_on else str(_("give the date it was tried, or choose the registered warning"))
    warning = warning_ids.get(row.warning_id)
    if warning is None or warning.form != WARNING_ALTERNATIVES.get(row.alternative):
        return str(_("choose one of the citizen's registered warnings of this form"))
    return ""


def require_alternatives_fit(decision, rows: Sequence, warnings: Sequence, measures: Sequence = ()) -> None:
    """The alternatives as they will be saved: a registered warning is the citizen's own, of the right form;
    no alternative twice; no reason copied from another (each row's own fields are the model's clean())."""
    errors = []
    seen = set()
    warning_ids = {warning.pk: warning for warning in warnings}
    for row in rows:
        label = LessIntrusiveMeasure(row.alternative).label
        if row.alternative in seen:
            errors.append(ValidationError(_("%(alternative)s is assessed twice.") % {"alternative": label}))
        seen.add(row.alternative)
        if row.warning_id and _tried_problem(row, warning_ids):
            errors.append(ValidationError(
                _("%(alternative)s: choose one of the citizen's registered warnings of this form.")
                % {"alternative": label}
            ))
        if row.measure_id and _tried_problem(row, warning_ids, {m.pk: m for m in measures}):
            errors.append(ValidationError(
                _("%(alternative)s: choose one of the citizen's decided measures of this kind.")
                % {"alternative": label}
            ))
    for repeated, original in reasons.duplicates(
        (str(LessIntrusiveMeasure(row.alternative).label), row.reason) for row in rows
    ).items():
        errors.append(ValidationError(
            _("%(alternative)s: the same reason as «%(other)s»; each alternative needs its own reasoning.")
            % {"alternative": repeated, "other": original}
        ))
    if errors:
        raise ValidationError({"alternative_assessments": errors})


# -- start of the period ------------------------------------------------------------------------------------


def require_start_not_past(valid_from: datetime.date | None, today: datetime.date) -> None:
    if valid_from and valid_from < today:
        raise ValidationError({"valid_from": _("The period cannot start in the past: choose today or a later date.")})


# -- registration duties (§7) -------------------------------------------------------------------------------


def required_registrations(unit) -> list[str]:
    """The municipal deviation system only where the unit is a NAV office, with municipal staff (§7)."""
    return [
        kind for kind in RegistrationKind
        if kind != RegistrationKind.MUNICIPAL or unit.unit_type == UnitType.NAV_KONTOR
    ]


# -- facts and reasons are written to the citizen (item 9) --------------------------------------------------

# Words that show a text speaks of the citizen instead of to them.
_THIRD_PERSON = ("bruker", "brukeren", "brukers", "brukerens", "the citizen", "the user", "han ", "hun ")
_SECOND_PERSON = (" du ", " deg ", " din ", " ditt ", " dine ", " you ", " your ")


def texts_not_to_citizen(labelled: Iterable[tuple[str, str]]) -> list[str]:
    """The labels of texts that the letter quotes to the citizen but that speak of them in the third person."""
    found = []
    for label, text in labelled:
        padded = f" {' '.join(text.lower().replace(',', ' ').replace('.', ' ').split())} "
        if not text.strip():
            continue
        if any(f" {word.strip()} " in padded for word in _THIRD_PERSON) and not any(
            word in padded for word in _SECOND_PERSON
        ):
            found.append(label)
    return found


# -- a notice, once sent, stands (§4, §9.1) -----------------------------------------------------------------


def _normalised(text: str) -> str:
    """A text as compared for sameness: case, spacing and punctuation do not make it another text."""
    kept = "".join(c if c.isalnum() else " " for c in (text or "").casefold())
    return " ".join(kept.split())


def noticed_content(decision, facts: Sequence, unit_ids: Iterable[int] | None = None) -> dict:
    """What an advance notice tells the citizen: the measure (kind, units, period, grounds) and the facts.

    ``unit_ids`` are the covered units; the decision's own when not given.
    """
    return {
        "kind": decision.kind,
        "unit_ids": sorted(set(_covered_ids(decision) if unit_ids is None else unit_ids)),
        "valid_from": decision.valid_from.isoformat() if decision.valid_from else "",
        "valid_to": decision.valid_to.isoformat() if decision.valid_to else "",
        "grounds": sorted(decision.grounds or []),
        "facts": sorted([fact.occurred_on.isoformat(), _normalised(fact.description)] for fact in facts),
    }


def beyond_notice(noticed: dict, current: dict) -> list[str]:
    """What the decision now says that the notice did not, so the citizen has not been heard on it (§4).

    Less is fine (a shorter period, fewer units, grounds or facts, one restriction of two); anything new or
    changed is not: another kind of restriction, another unit, a day outside the noticed period, a new ground,
    a new or reworded fact.
    """
    if not noticed:
        return []
    changes = []
    old_kind, new_kind = Kind(noticed["kind"]), Kind(current["kind"])
    if (new_kind.physical and not old_kind.physical) or (new_kind.phone and not old_kind.phone) or (
            not new_kind.exclusion and new_kind != old_kind):
        changes.append(_("the kind of measure"))
    if set(current["unit_ids"]) - set(noticed["unit_ids"]):
        changes.append(_("the units covered"))
    if not (
        current["valid_from"] and current["valid_to"]
        and noticed["valid_from"] <= current["valid_from"] and current["valid_to"] <= noticed["valid_to"]
    ):
        changes.append(_("the period"))
    if set(current["grounds"]) - set(noticed["grounds"]):
        changes.append(_("the grounds"))
    noticed_facts = {tuple(fact) for fact in noticed["facts"]}
    if any(tuple(fact) not in noticed_facts for fact in current["facts"]):
        changes.append(_("the facts"))
    return changes


def notice_item(decision, facts: Sequence) -> ChecklistItem | None:
    """Once a notice is sent, the decision may not go beyond it without a new notice and a new deadline."""
    if not decision.notice_sent_on:
        return None
    changes = beyond_notice(decision.noticed_content, noticed_content(decision, facts))
    if not changes:
        return ChecklistItem("notice_covers", _("The decision stays within what the advance notice said"), True)
    return ChecklistItem(
        "notice_covers",
        _("Changed since the advance notice: %(changes)s. Send a new advance notice with a new deadline.")
        % {"changes": ", ".join(str(change) for change in changes)},
        False,
    )


@dataclass(frozen=True)
class EarlierNotice:
    """An advance notice sent to the citizen in another case of the same unit, not (yet) followed by a decision."""

    case_number: str
    sent_on: datetime.date


def require_notice_may_be_skipped(decision, *, notice_letters: int, earlier: Sequence[EarlierNotice],
                                  facts: Sequence) -> None:
    """"Notice not possible" only where no notice was given: not after a notice letter was produced in this case,
    nor in a new case on the same incidents after a notice in another case of the unit ("a later decision")."""
    if decision.notice_sent_on or notice_letters:
        raise ValidationError(
            _("An advance notice has been produced in this case: it stands. Record the citizen's statement, or "
              "send a new notice if the case has changed."),
            code="notice_stands",
        )
    latest = max(earlier, key=lambda notice: notice.sent_on, default=None)
    if latest and not any(fact.occurred_on >= latest.sent_on for fact in facts):
        raise ValidationError(
            _("The citizen was given advance notice on %(date)s in %(case)s, and this case rests on no incident "
              "since: continue that case, or give notice in this one.")
            % {"date": latest.sent_on.strftime("%d.%m.%Y"), "case": latest.case_number},
            code="notice_in_other_case",
        )


# -- the citizen has the written decision when the measure starts (§6) ---------------------------------------


@dataclass(frozen=True)
class DeliveryDays:
    """Working days the post takes to arrive, and within which a written decision follows an oral one."""

    post: int
    oral_follow_up: int


def configured_delivery_days() -> DeliveryDays:
    """The working days of §6 as the settings give them."""
    return DeliveryDays(post=settings.DECISION_POST_WORKING_DAYS,
                        oral_follow_up=settings.DECISION_ORAL_FOLLOW_UP_WORKING_DAYS)


def delivery_due(*, how: str, valid_from: datetime.date, told_orally_on: datetime.date | None,
                 days: DeliveryDays) -> datetime.date:
    """The last day the written decision may be sent or handed over and still reach the citizen in time:
    by the first day of the period, or within the follow-up days after they were told orally."""
    reach_by = workdays.add_working_days(told_orally_on, days.oral_follow_up) if told_orally_on else valid_from
    return workdays.latest_start(reach_by, days.post if how == WrittenDelivery.POST else 0)


def require_delivery_in_time(
    decision, *, written_delivery: str, written_delivered_on: datetime.date | None,
    told_orally_on: datetime.date | None, today: datetime.date, days: DeliveryDays,
) -> None:
    """The citizen has the written decision by the first day, or soon after being told orally (§6)."""
    errors = {}
    start = decision.valid_from
    if written_delivered_on is None:
        errors["written_delivered_on"] = _("Give the date the written decision is sent or handed over.")
    elif written_delivered_on < today:
        errors["written_delivered_on"] = _("The written decision cannot be sent before it is signed.")
    if told_orally_on is not None and not (today <= told_orally_on <= (start or told_orally_on)):
        errors["told_orally_on"] = _("The citizen is told orally between signing and the first day of the period.")
    if errors or start is None:
        if errors:
            raise ValidationError(errors)
        return
    due = delivery_due(how=written_delivery, valid_from=start, told_orally_on=told_orally_on, days=days)
    if written_delivered_on <= due:
        return
    values = {"due": due.strftime("%d.%m.%Y"), "start": start.strftime("%d.%m.%Y"), "post": days.post,
              "oral": days.oral_follow_up}
    if told_orally_on is not None:
        errors["written_delivered_on"] = _(
            "After telling the citizen orally, the written decision must reach them within %(oral)s working days: "
            "send or hand it over no later than %(due)s."
        ) % values
    elif written_delivery == WrittenDelivery.POST:
        errors["told_orally_on"] = _(
            "By post the letter takes %(post)s working days, so it would not reach the citizen by the first day "
            "(%(start)s): send it no later than %(due)s, tell the citizen orally first, or let the period start "
            "later."
        ) % values
    else:
        errors["written_delivered_on"] = _(
            "The citizen must have the written decision by the first day of the period (%(start)s)."
        ) % values
    raise ValidationError(errors)


# -- an extension is a decision near the end (§5, §9.3) ------------------------------------------------------


def require_extension_window(extended, today: datetime.date, window_days: int) -> None:
    """An extension is started and signed in the last days of the decision it extends, never before it starts."""
    if extended.valid_from is None or today < extended.valid_from:
        raise ValidationError(
            _("The decision being extended has not started yet: an extension is assessed near its end."),
            code="extension_too_early",
        )
    opens = extended.valid_to - datetime.timedelta(days=window_days - 1)
    if today < opens:
        raise ValidationError(
            _("An extension is assessed in the last %(days)s days of the decision it extends: from %(date)s.")
            % {"days": window_days, "date": opens.strftime("%d.%m.%Y")},
            code="extension_too_early",
        )


# The texts of a decision that are its own reasoning; an extension's may not be copies of the original's.
REASONING_FIELDS = (*ASSESSMENT_FIELDS, "duration_assessment", "statement_assessment")


def copied_from_extended(decision, extended) -> list[str]:
    """The extension's reasoning fields whose text is one of the extended decision's texts, word for word."""
    earlier = {_normalised(getattr(extended, name)) for name in REASONING_FIELDS} - {""}
    return [name for name in REASONING_FIELDS
            if (text := _normalised(getattr(decision, name))) and text in earlier]


def extension_item(decision, extended) -> ChecklistItem | None:
    if extended is None:
        return None
    copied = copied_from_extended(decision, extended)
    if not copied:
        return ChecklistItem("extension_own_assessment",
                             _("The extension's assessments are new, not copied from the decision it extends"), True)
    labels = ", ".join(str(type(decision)._meta.get_field(name).verbose_name) for name in copied)
    return ChecklistItem(
        "extension_own_assessment",
        _("Copied from the decision being extended: %(fields)s. Write a new, concrete assessment.")
        % {"fields": labels},
        False,
    )


@dataclass(frozen=True)
class Period:
    """Another signed measure of the citizen in the same unit, as the second-decision rule sees it."""

    case_number: str
    kind: str
    valid_from: datetime.date
    valid_to: datetime.date


def require_not_a_second_decision(decision, others: Sequence[Period], window_days: int) -> None:
    """A new decision may not run on from, or alongside, the unit's own decision of the same kind of restriction:
    that is an extension, with its window, notice and new assessment ("a later decision")."""
    kind = Kind(decision.kind)
    start = decision.valid_from
    for other in others:
        other_kind = Kind(other.kind)
        shares = (kind.physical and other_kind.physical) or (kind.phone and other_kind.phone) or (
            not kind.exclusion and kind == other_kind)
        if shares and start and other.valid_from <= start <= other.valid_to + datetime.timedelta(days=1):
            raise ValidationError(
                _("%(case)s of this unit already applies until %(end)s: extend it in its last %(days)s days "
                  "instead of making a second decision.")
                % {"case": other.case_number, "end": other.valid_to.strftime("%d.%m.%Y"), "days": window_days},
                code="second_decision",
            )


# -- a letter has somewhere to go (§6) ------------------------------------------------------------------------


def postal_lines(decision, citizen) -> list[str]:
    """Where a letter by post goes: the address typed for this case, else the one in the register."""
    typed = [line.strip() for line in (decision.postal_address or "").splitlines() if line.strip()]
    if typed:
        return typed
    if not (citizen.address.strip() and citizen.postal_code.strip() and citizen.postal_city.strip()):
        return []
    lines = [line.strip() for line in citizen.address.splitlines() if line.strip()]
    return [*lines, f"{citizen.postal_code.strip()} {citizen.postal_city.strip()}"]


def require_postal_address(decision, citizen, field: str) -> None:
    if not postal_lines(decision, citizen):
        raise ValidationError({field: _(
            "The citizen has no complete postal address in the register. Type one under «Scope and alternative "
            "service» (postal address for this case), or choose another way to deliver the letter."
        )})


# -- who signs, and why them (§4, §6, §9.2) ------------------------------------------------------------------


def require_acting_reason(signed_as: str, reason: str, text: str) -> None:
    """The acting head records why they decide; the head of unit decides in their own right."""
    if signed_as != SignedAs.ACTING:
        return
    if reason not in ActingReason.values:
        raise ValidationError({"acting_reason": _("Choose why you decide as acting head of unit.")})
    if reason == ActingReason.OTHER and not text.strip():
        raise ValidationError({"acting_reason_text": _("Explain why you decide as acting head of unit.")})


def signer_employer(employers: Iterable[str], unit) -> str:
    """The signer's employer in the unit: recorded on their head role; outside NAV offices always the state."""
    recorded = next((employer for employer in employers if employer), "")
    if recorded:
        return recorded
    return "" if unit.unit_type == UnitType.NAV_KONTOR else Employer.STATE


def require_employer_known(employer: str, unit) -> None:
    if not employer:
        raise ValidationError(
            _("Your employer (the state or the municipality) is not recorded for your leader role in %(unit)s, so "
              "the letter cannot name the complaint route. An administrator records it under Role assignments.")
            % {"unit": unit.name},
            code="employer_unknown",
        )
