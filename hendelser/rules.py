"""Rules that need the acting user or other objects. No database writes here."""

import datetime
import functools
import hashlib
import hmac
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Unit, UnitType

from .models import (
    PERSON_MEASURES,
    PERSON_PROPOSALS,
    PROPOSAL_DECISION_KINDS,
    WARNING_PROPOSALS,
    Employer,
    MeasureKind,
    Perpetrator,
    ProposalKind,
    ProposalOutcome,
    Status,
)

# Counts of incidents in units beyond the user's own are shown rounded to a multiple of this.
ROUNDING_BASE = 5


def may_register(user, unit: Unit) -> bool:
    return access.has_unit_perm(user, Perm.REGISTER_INCIDENT, unit)


def may_view(user, incident) -> bool:
    """The unit's leaders, HMS, safety representative and the regional security officer; and the reporter."""
    if user is None or not user.is_authenticated:
        return False
    return incident.registered_by_id == user.pk or access.has_unit_perm(user, Perm.VIEW_INCIDENTS, incident.unit)


def may_review(user, unit: Unit) -> bool:
    """Leaders, acting leaders and HMS review incidents, decide measures and follow up exposed staff."""
    return access.has_unit_perm(user, Perm.REVIEW_INCIDENTS, unit)


def may_edit(user, incident) -> bool:
    """The reporter completes their registration until it is reviewed; reviewers until it is closed."""
    if incident.status == Status.CLOSED:
        return False
    if may_review(user, incident.unit):
        return True
    return incident.status == Status.REGISTERED and user is not None and incident.registered_by_id == user.pk


def may_see_follow_up(user, incident) -> bool:
    """Whether each exposed person's follow-up is done or open: everyone who views the unit's incidents."""
    return access.has_unit_perm(user, Perm.VIEW_INCIDENTS, incident.unit)


def health_unit_ids(user) -> frozenset[int]:
    """The units whose exposed staff's health data the user may read (head, acting head and HMS: the reviewers)."""
    return access.unit_ids_with_perm(user, Perm.REVIEW_INCIDENTS)


def may_see_health_data(user, incident, *, exposed=None, unit_ids: frozenset[int] | None = None) -> bool:
    """Sick leave, BHT and debrief are health data, on need-to-know: the unit's head, acting head and HMS adviser,
    and the exposed person (their own follow-up, and the incident's sick leave). Not the safety rep or region."""
    if user is None or not user.is_authenticated:
        return False
    if exposed is not None and exposed.user_id == user.pk:
        return True
    return incident.unit_id in (health_unit_ids(user) if unit_ids is None else unit_ids)


def may_record_warning(user, unit: Unit) -> bool:
    """Those who review incidents, and those who prepare decisions (a warning is a fact a decision rests on)."""
    return may_review(user, unit) or access.has_unit_perm(user, Perm.PREPARE_DECISION, unit)


def may_see_warning_letter(user, unit: Unit) -> bool:
    """The warning's own unit: those who record warnings there, and those who see its incidents or decisions (a
    decision rests on the warning)."""
    return may_record_warning(user, unit) or any(
        access.has_unit_perm(user, perm, unit) for perm in (Perm.VIEW_INCIDENTS, Perm.VIEW_DECISIONS)
    )


def require_may_record_warning(user, unit: Unit) -> None:
    if not may_record_warning(user, unit):
        raise PermissionDenied(_("You may not record warnings in this unit."))


def require_may_register(user, unit: Unit) -> None:
    if not may_register(user, unit):
        raise PermissionDenied(_("You may not register incidents in this unit."))


def require_may_review(user, unit: Unit) -> None:
    if not may_review(user, unit):
        raise PermissionDenied(_("Only the unit's leaders and HMS may review incidents."))


def require_may_edit(user, incident) -> None:
    if not may_edit(user, incident):
        raise PermissionDenied(_("You may no longer change this incident."))


def employer_fits_unit(employer: str, unit: Unit) -> bool:
    """Only a NAV office is a partnership with the municipality; other units have state staff only."""
    return employer == Employer.STATE or unit.unit_type == UnitType.NAV_KONTOR


def require_exposed(rows: Sequence[dict], unit: Unit) -> None:
    """At least one exposed staff member, each employed where the unit has staff."""
    if not rows:
        raise ValidationError({"exposed": _("Say who was exposed: yourself, or at least one colleague.")})
    for row in rows:
        if not employer_fits_unit(row.get("employer", ""), unit):
            raise ValidationError(
                {"exposed": _("%(unit)s has only state employees: choose «State employee».") % {"unit": unit.name}}
            )


def require_measure_fits(kind: str, incident) -> None:
    """Warnings, «to i samtale» and proposals are aimed at a person, so the person must be known."""
    if kind in PERSON_MEASURES and incident.perpetrator != Perpetrator.CITIZEN:
        raise ValidationError(
            {"kind": _("«%(measure)s» needs a known person. Register who did it first, or choose another measure.")
             % {"measure": MeasureKind(kind).label}}
        )


def require_measure_open(incident) -> None:
    if incident.status == Status.CLOSED:
        raise ValidationError(_("The incident is closed: reopen it to decide more measures."), code="closed")


def close_missing(*, measures: int, open_follow_ups: int, handling: Sequence[ValidationError] = ()
                  ) -> list[ValidationError]:
    """What still stands between the incident and its closing, each with a code the page links to its fix."""
    errors = list(handling)
    if not measures:
        errors.append(ValidationError(_("Decide at least one measure (or «No further measures») first."),
                                      code="no_measures"))
    if open_follow_ups:
        errors.append(
            ValidationError(ngettext("The follow-up of %(count)d exposed staff member is still open.",
                                     "The follow-up of %(count)d exposed staff members is still open.",
                                     open_follow_ups) % {"count": open_follow_ups}, code="follow_up_open")
        )
    return errors


def require_may_close(*, measures: int, open_follow_ups: int, handling: Sequence[ValidationError] = ()) -> None:
    errors = close_missing(measures=measures, open_follow_ups=open_follow_ups, handling=handling)
    if errors:
        raise ValidationError(errors)


def require_reviewable(incidents: Sequence, unit: Unit, held_on: datetime.date | None = None) -> None:
    """A review meeting covers open incidents of its own unit not yet covered by a meeting, none after its date."""
    if not incidents:
        raise ValidationError({"incidents": _("Choose the incidents reviewed at the meeting.")})
    for incident in incidents:
        if incident.unit_id != unit.pk or incident.status == Status.CLOSED or incident.review_meeting_id is not None:
            raise ValidationError(
                {"incidents": _("%(ref)s is not an unreviewed incident of this unit.") % {"ref": incident.reference}}
            )
        if held_on is not None and held_on < timezone.localdate(incident.occurred_at):
            raise ValidationError(
                {"held_on": _("The meeting cannot be dated before the incident %(ref)s it reviews (%(date)s).")
                 % {"ref": incident.reference, "date": timezone.localdate(incident.occurred_at).strftime("%d.%m.%Y")}}
            )


def handling_missing(incident, today: datetime.date) -> list[ValidationError]:
    """What still stands between a threat, attack or threat of self-harm and its closing: a review dated on or
    after the incident (and not in the future), and a decision on the police (reported, or why not)."""
    if not incident.needs_handling:
        return []
    errors = []
    meeting = incident.review_meeting
    occurred_on = timezone.localdate(incident.occurred_at)
    if meeting is None or not occurred_on <= meeting.held_on <= today:
        errors.append(ValidationError(
            _("Review the incident at a review meeting (or the weekly review) dated on or after the incident first."),
            code="no_review"))
    reported = incident.police_reported and incident.police_reported_on and incident.police_reference.strip()
    if not (reported or incident.police_not_reported_reason.strip()):
        errors.append(ValidationError(
            _("Decide on the police first: record the report (date and police reference, and whether the unit or "
              "the person reported it), or write why it is not reported."), code="no_police_decision"))
    return errors


def may_update_police_outcome(user, incident) -> bool:
    """The reviewers follow a police report to its outcome, also after the incident is closed."""
    return incident.police_reported and may_review(user, incident.unit)


def require_may_update_police_outcome(user, incident) -> None:
    if not may_review(user, incident.unit):
        raise PermissionDenied(_("Only the unit's leaders and HMS may review incidents."))
    if not incident.police_reported:
        raise ValidationError(
            {"police_outcome": _("The incident is not reported to the police: record the report first.")},
            code="not_reported",
        )


def require_closed(incident) -> None:
    if incident.status != Status.CLOSED:
        raise ValidationError(_("Only a closed incident can be reopened."), code="not_closed")


def require_reopen_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the incident is reopened.")})


# -- proposals -----------------------------------------------------------------------------------------------------


def require_proposal_fits(kind: str, incident) -> None:
    """Measures aimed at the person need a known person; the premises' protection does not."""
    if kind in PERSON_PROPOSALS and incident.perpetrator != Perpetrator.CITIZEN:
        raise ValidationError(
            {"kind": _("«%(measure)s» needs a known person. Register who did it first, or choose another measure.")
             % {"measure": ProposalKind(kind).label}}
        )


def may_conclude_proposal(user, unit: Unit) -> bool:
    """The head of unit (or acting head) rejects a proposal, or records what came of one without a decision."""
    return access.has_unit_perm(user, Perm.SIGN_DECISION, unit)


def require_may_conclude_proposal(user, unit: Unit) -> None:
    if not may_conclude_proposal(user, unit):
        raise PermissionDenied(_("Only the head of unit may reject a proposal or record its outcome."))


def ends_by_measure(proposal) -> bool:
    """Whether the proposal is carried out only as its measure (a decision of its kind, or the warning registered),
    so by hand it can only be rejected. Protection of the premises with nobody known to decide about is done by
    hand."""
    if proposal.kind in PERSON_PROPOSALS:
        return True
    return proposal.incident.perpetrator == Perpetrator.CITIZEN


def hand_outcomes(proposal) -> list[str]:
    """The outcomes the head of unit may record by hand."""
    if ends_by_measure(proposal):
        return [ProposalOutcome.REJECTED]
    return list(ProposalOutcome.values)


def require_proposal_concludable(proposal, outcome: str) -> None:
    """An open proposal ends once. One carried out as a decision or a warning ends with it (signed or dropped, or
    given); by hand it can only be rejected."""
    if proposal.current_outcome:
        raise ValidationError(_("The proposal already has an outcome."), code="concluded")
    if proposal.decision_id is not None:
        raise ValidationError(
            _("A draft decision is open for this proposal: sign or drop the draft to end it."), code="has_draft"
        )
    if outcome not in ProposalOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")})
    if outcome not in hand_outcomes(proposal):
        raise ValidationError({"outcome": _(
            "This proposal ends with its draft decision signed or dropped, or with the warning registered: "
            "open it from the incident's page."
        )}, code="ends_by_measure")


def _require_open_for_measure(proposal) -> None:
    if proposal.current_outcome or proposal.decision_id is not None or proposal.warning_id is not None:
        raise ValidationError(_("The proposal already has a draft decision or an outcome."), code="concluded")


def require_decision_fits_proposal(proposal, decision) -> None:
    """The draft is of a kind the proposal proposes, about the incident's person, in the incident's unit; one
    draft each."""
    kinds = PROPOSAL_DECISION_KINDS.get(proposal.kind)
    if kinds is None:
        raise ValidationError(_("A proposed warning is given as a warning, not as a draft decision."),
                              code="not_a_decision")
    _require_open_for_measure(proposal)
    if decision.kind not in kinds:
        raise ValidationError({"kind": _("The review proposed «%(measure)s»: choose that kind of measure.")
                               % {"measure": ProposalKind(proposal.kind).label}}, code="wrong_kind")
    incident = proposal.incident
    if decision.citizen_id != incident.citizen_id or decision.unit_id != incident.unit_id:
        raise ValidationError(_("The draft decision is not about the incident's person in the incident's unit."))


def require_warning_fits_proposal(proposal) -> None:
    """A proposed warning, still open, about a known person."""
    if proposal.kind not in WARNING_PROPOSALS:
        raise ValidationError(_("Only a proposed warning is carried out by registering a warning."),
                              code="not_a_warning")
    _require_open_for_measure(proposal)
    if proposal.incident.perpetrator != Perpetrator.CITIZEN or proposal.incident.citizen_id is None:
        raise ValidationError(_("A warning needs a known person. Register who did it first."), code="no_person")


def require_breach_fits(breach, incident) -> None:
    """An incident registered from a breach is about the person the breached decision is about."""
    if breach is not None and breach.decision.citizen_id != incident.citizen_id:
        raise ValidationError(
            {"perpetrator": _("The incident is registered from a breach: the one who did it is the person of the "
                              "breached decision.")}
        )


# -- statistics ------------------------------------------------------------------------------------------------


def units_key(unit_ids: Iterable[int]) -> str:
    """The units part of a cell's identity: the same set of units gives the same key, in any order."""
    return ",".join(str(pk) for pk in sorted(set(unit_ids)))


def cell_identity(unit_ids: Iterable[int], period: str, what: str, *, units: str | None = None) -> str:
    """What a count counts, independent of the table or filter it appears in: the units, the period and the kind.
    ``units`` is ``units_key(unit_ids)`` worked out once, for a page of cells over the same units."""
    return f"{units_key(unit_ids) if units is None else units}|{period}|{what}"


@functools.lru_cache(maxsize=8)
def _rounding_key(secret: str) -> bytes:
    # What django.utils.crypto.salted_hmac derives from the salt and secret on every call, derived once per secret.
    return hashlib.sha256(b"hendelser.statistics.rounding" + secret.encode()).digest()


def round_count(value: int, identity: str, *, base: int = ROUNDING_BASE) -> int:
    """Round a count to a neighbouring multiple of ``base``, up with probability (remainder / base).

    The draw comes from a keyed hash of the cell's identity, so the same cell reached through another table,
    filter or visit rounds the same way (asking again tells nothing new); the expected value is the true one.
    Multiples of ``base`` (zero included) are shown as they are.
    """
    remainder = value % base
    if not remainder:
        return value
    # salted_hmac("hendelser.statistics.rounding", identity, secret=…, algorithm="sha256"), its key derived once.
    key = _rounding_key(settings.STATISTICS_ROUNDING_KEY or settings.SECRET_KEY)
    digest = hmac.digest(key, identity.encode(), "sha256")
    draw = int.from_bytes(digest[:8], "big") / 2**64
    return value - remainder + (base if draw < remainder / base else 0)
