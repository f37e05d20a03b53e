"""Rules that need the acting user or other objects. No database writes here."""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Unit, UnitType

from .models import PERSON_MEASURES, Employer, MeasureKind, Perpetrator, Status

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
    """How exposed staff are followed up (sick leave, BHT) is health data: those who follow up, and the safety rep."""
    return access.has_unit_perm(user, Perm.VIEW_INCIDENTS, incident.unit)


def may_record_warning(user, unit: Unit) -> bool:
    """Those who review incidents, and those who prepare decisions (a warning is a fact a decision rests on)."""
    return may_review(user, unit) or access.has_unit_perm(user, Perm.PREPARE_DECISION, unit)


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


def require_may_close(*, measures: int, open_follow_ups: int) -> None:
    errors = []
    if not measures:
        errors.append(ValidationError(_("Decide at least one measure (or «No further measures») first."),
                                      code="no_measures"))
    if open_follow_ups:
        errors.append(
            ValidationError(_("The follow-up of %(count)d exposed staff member(s) is still open.")
                            % {"count": open_follow_ups}, code="follow_up_open")
        )
    if errors:
        raise ValidationError(errors)


def require_reviewable(incidents: Sequence, unit: Unit) -> None:
    """A review meeting marks incidents of its own unit that are not yet reviewed."""
    if not incidents:
        raise ValidationError({"incidents": _("Choose the incidents reviewed at the meeting.")})
    for incident in incidents:
        if incident.unit_id != unit.pk or incident.status != Status.REGISTERED:
            raise ValidationError(
                {"incidents": _("%(ref)s is not an unreviewed incident of this unit.") % {"ref": incident.reference}}
            )


# -- statistics ------------------------------------------------------------------------------------------------


def cell_identity(unit_ids: Iterable[int], period: str, what: str) -> str:
    """What a count counts, independent of the table or filter it appears in: the units, the period and the kind."""
    return f"{','.join(str(pk) for pk in sorted(set(unit_ids)))}|{period}|{what}"


def round_count(value: int, identity: str, *, base: int = ROUNDING_BASE) -> int:
    """Round a count to a neighbouring multiple of ``base``, up with probability (remainder / base).

    The draw comes from a keyed hash of the cell's identity, so the same cell reached through another table,
    filter or visit rounds the same way (asking again tells nothing new); the expected value is the true one.
    Multiples of ``base`` (zero included) are shown as they are.
    """
    remainder = value % base
    if not remainder:
        return value
    digest = salted_hmac("hendelser.statistics.rounding", identity,
                         secret=settings.STATISTICS_ROUNDING_KEY or None, algorithm="sha256").digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64
    return value - remainder + (base if draw < remainder / base else 0)
