"""incident_close and incident_reopen."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hendelser import services
from hendelser.models import Bht, MeasureKind, Status

from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(unit, hms):
    incident = IncidentFactory(unit=unit)
    services.measure_add(by=hms, incident_id=incident.pk, kind=MeasureKind.NONE, decided_on=timezone.localdate(),
                         description="Enkeltstående hendelse.")
    return incident


def test_closing_needs_what_was_learned(decided, hms):
    with pytest.raises(ValidationError) as caught:
        services.incident_close(by=hms, incident_id=decided.pk, lessons_learned=" ")
    assert "lessons_learned" in caught.value.error_dict


def test_closing_waits_for_the_follow_up_of_exposed_staff(decided, hms):
    person = ExposedPersonFactory(incident=decided)
    with pytest.raises(ValidationError):
        services.incident_close(by=hms, incident_id=decided.pk, lessons_learned="Mer bemanning i mottaket.")
    services.follow_up_record(by=hms, exposed_id=person.pk, debrief_offered_on=timezone.localdate(),
                              bht=Bht.OFFERED, sick_leave=False, done=True)
    incident = services.incident_close(by=hms, incident_id=decided.pk, lessons_learned="Mer bemanning i mottaket.")
    assert incident.status == Status.CLOSED and incident.closed_at is not None


def test_an_unreviewed_incident_cannot_be_closed(unit, hms):
    incident = IncidentFactory(unit=unit)
    with pytest.raises(ValidationError):
        services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="x")


def test_reopen_returns_a_closed_incident_to_review(decided, hms, safety_rep):
    services.incident_close(by=hms, incident_id=decided.pk, lessons_learned="x")
    with pytest.raises(PermissionDenied):
        services.incident_reopen(by=safety_rep, incident_id=decided.pk)
    incident = services.incident_reopen(by=hms, incident_id=decided.pk)
    assert (incident.status, incident.closed_at) == (Status.UNDER_REVIEW, None)
