"""incident_update and exposed_add: the reporter completes until review, reviewers until closed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hendelser import services
from hendelser.models import Category, Employer, Status

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_the_reporter_completes_the_registration(unit, reception):
    incident = IncidentFactory(unit=unit, registered_by=reception)
    services.incident_update(by=reception, incident_id=incident.pk, weapon="Kniv", asys_reference="A-1")
    services.exposed_add(by=reception, incident_id=incident.pk,
                         exposed=[{"name": "Per Kollega", "employer": Employer.MUNICIPAL}])
    incident.refresh_from_db()
    assert (incident.weapon, incident.asys_reference) == ("Kniv", "A-1")
    assert incident.exposed.get().name == "Per Kollega"
    # The counts the statistics read follow the exposed staff.
    assert (incident.exposed_state, incident.exposed_municipal) == (0, 1)


def test_the_reporter_cannot_change_a_reviewed_incident_but_hms_can(unit, reception, hms):
    incident = IncidentFactory(unit=unit, registered_by=reception, status=Status.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        services.incident_update(by=reception, incident_id=incident.pk, weapon="Stol")
    services.incident_update(by=hms, incident_id=incident.pk, category=Category.ASSAULT)
    incident.refresh_from_db()
    assert incident.category == Category.ASSAULT


def test_nobody_changes_a_closed_incident(unit, hms):
    incident = IncidentFactory(unit=unit, status=Status.CLOSED, lessons_learned="x")
    with pytest.raises(PermissionDenied):
        services.incident_update(by=hms, incident_id=incident.pk, weapon="Stol")


def test_a_correction_is_checked_like_a_registration(unit, hms):
    incident = IncidentFactory(unit=unit)
    with pytest.raises(ValidationError) as caught:
        services.incident_update(by=hms, incident_id=incident.pk, injury=3, sick_leave=False)
    assert "sick_leave" in caught.value.error_dict


def test_only_registration_fields_can_be_changed(unit, hms):
    incident = IncidentFactory(unit=unit)
    with pytest.raises(ValueError):
        services.incident_update(by=hms, incident_id=incident.pk, status=Status.CLOSED)
