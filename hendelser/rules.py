"""Rules that need the acting user or other objects. No database writes here."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Unit, UnitType

from .models import PERSON_MEASURES, Employer, MeasureKind, Perpetrator, Status

# Aggregates that reach beyond the user's own units hide cells below this count (small-cell suppression).
MIN_CELL = 3


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


def needs_suppression(selected_unit_ids: Iterable[int], own_unit_ids: Iterable[int]) -> bool:
    """Figures that include any unit where the user does not see the incidents are shown with small cells hidden."""
    return not set(selected_unit_ids) <= set(own_unit_ids)


def suppress(values: Sequence[int], *, min_cell: int = MIN_CELL) -> list[int | None]:
    """Hide counts of 1 to min_cell-1 (None), and one more cell where a single hidden one could be
    worked out from the total (complementary suppression). Zeros are shown: they reveal nobody."""
    hidden = [0 < value < min_cell for value in values]
    if sum(hidden) == 1:
        candidates = [i for i, value in enumerate(values) if not hidden[i] and value > 0]
        if candidates:
            hidden[min(candidates, key=lambda i: values[i])] = True
    return [None if hide else value for value, hide in zip(values, hidden, strict=True)]


def suppress_total(total: int, *, min_cell: int = MIN_CELL) -> int | None:
    return None if 0 < total < min_cell else total
