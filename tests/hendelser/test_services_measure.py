"""measure_add: measures after an incident; a warning is also the citizen's warning."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hendelser import selectors, services
from hendelser.models import MeasureKind, Perpetrator, Status, WarningForm

from ..factories import CitizenFactory
from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_a_written_warning_is_recorded_as_the_citizens_warning(unit, leader):
    citizen = CitizenFactory()
    incident = IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen,
                               status=Status.UNDER_REVIEW)
    measure = services.measure_add(by=leader, incident_id=incident.pk, kind=MeasureKind.WARNING_WRITTEN,
                                   decided_on=timezone.localdate(), description="Brev sendt.")
    [warning] = selectors.warnings_of(citizen_id=citizen.pk)
    assert measure.warning == warning
    assert (warning.form, warning.incident, warning.unit, warning.note) == (WarningForm.WRITTEN, incident, unit,
                                                                            "Brev sendt.")
    incident.refresh_from_db()
    assert incident.status == Status.MEASURES_DECIDED


def test_a_measure_on_an_unreviewed_incident_moves_it_through_review(unit, hms):
    incident = IncidentFactory(unit=unit)
    services.measure_add(by=hms, incident_id=incident.pk, kind=MeasureKind.OTHER,
                         decided_on=timezone.localdate(), description="Skjerming av skranken.")
    incident.refresh_from_db()
    assert incident.status == Status.MEASURES_DECIDED


def test_other_and_none_need_a_description(unit, hms):
    incident = IncidentFactory(unit=unit)
    for kind in (MeasureKind.OTHER, MeasureKind.NONE):
        with pytest.raises(ValidationError) as caught:
            services.measure_add(by=hms, incident_id=incident.pk, kind=kind, decided_on=timezone.localdate())
        assert "description" in caught.value.error_dict
    incident.refresh_from_db()
    assert incident.status == Status.REGISTERED


def test_the_safety_representative_and_other_units_may_not_decide(unit, safety_rep, other_leader):
    incident = IncidentFactory(unit=unit)
    for user in (safety_rep, other_leader):
        with pytest.raises(PermissionDenied):
            services.measure_add(by=user, incident_id=incident.pk, kind=MeasureKind.NONE,
                                 decided_on=timezone.localdate(), description="x")


def test_a_closed_incident_takes_no_more_measures(unit, hms):
    incident = IncidentFactory(unit=unit, status=Status.CLOSED, lessons_learned="x")
    with pytest.raises(ValidationError):
        services.measure_add(by=hms, incident_id=incident.pk, kind=MeasureKind.NONE,
                             decided_on=timezone.localdate(), description="x")
