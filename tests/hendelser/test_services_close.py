"""incident_close and incident_reopen: threats and attacks are closed only when handled; reopen takes a reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hendelser import services
from hendelser.models import Bht, Category, MeasureKind, Status

from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def _decide(incident, by):
    services.measure_add(by=by, incident_id=incident.pk, kind=MeasureKind.NONE, decided_on=timezone.localdate(),
                         description="Enkeltstående hendelse.")


def _review(incident, by, held_on=None):
    return services.review_meeting_record(by=by, unit=incident.unit, held_on=held_on or timezone.localdate(),
                                          attendees="Lene Leder, Hanne Hms", notes="", incident_ids=[incident.pk])


def _not_reported(incident, by):
    services.incident_update(by=by, incident_id=incident.pk,
                             police_not_reported_reason="Personen beklaget og truslen var ikke konkret.")


@pytest.fixture
def decided(unit, hms):
    """A threat reviewed at a meeting, with a measure and a written reason not to report it."""
    incident = IncidentFactory(unit=unit)
    _review(incident, hms)
    _decide(incident, hms)
    _not_reported(incident, hms)
    return incident


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if hasattr(error, "error_list") else set()


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


@pytest.mark.parametrize("category", [Category.THREAT, Category.ASSAULT, Category.VANDALISM, Category.SELF_HARM])
def test_a_threat_or_attack_without_a_review_meeting_or_police_decision_stays_open(unit, hms, category):
    incident = IncidentFactory(unit=unit, category=category)
    _decide(incident, hms)  # reviewed by deciding, but at no meeting, and nothing decided about the police
    with pytest.raises(ValidationError) as caught:
        services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="Vi lærte noe.")
    assert {"no_review", "no_police_decision"} <= _codes(caught.value)
    _review(incident, hms)
    with pytest.raises(ValidationError) as caught:
        services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="Vi lærte noe.")
    assert _codes(caught.value) == {"no_police_decision"}
    _not_reported(incident, hms)
    assert services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="Vi lærte noe.").status == (
        Status.CLOSED
    )


def test_a_police_report_counts_only_with_date_and_reference(unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.ASSAULT)
    _review(incident, hms)
    _decide(incident, hms)
    services.incident_update(by=hms, incident_id=incident.pk, police_reported=True,
                             police_reported_on=timezone.localdate())
    with pytest.raises(ValidationError) as caught:
        services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="Vi lærte noe.")
    assert _codes(caught.value) == {"no_police_decision"}
    services.incident_update(by=hms, incident_id=incident.pk, police_reference="12345678", police_reported_by_unit=True)
    assert services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="Vi lærte noe.").status == (
        Status.CLOSED
    )


def test_verbal_abuse_needs_no_review_meeting_or_police_decision(unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.VERBAL)
    _decide(incident, hms)
    assert services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="x").status == Status.CLOSED


def test_another_category_of_threat_counts_too(unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.VERBAL, other_categories=[Category.THREAT])
    _decide(incident, hms)
    with pytest.raises(ValidationError):
        services.incident_close(by=hms, incident_id=incident.pk, lessons_learned="x")


def test_reopen_needs_a_reason_and_a_closed_incident(decided, hms, safety_rep):
    with pytest.raises(ValidationError) as caught:
        services.incident_reopen(by=hms, incident_id=decided.pk, reason="Ny informasjon fra politiet.")
    assert _codes(caught.value) == {"not_closed"}
    services.incident_close(by=hms, incident_id=decided.pk, lessons_learned="x")
    with pytest.raises(PermissionDenied):
        services.incident_reopen(by=safety_rep, incident_id=decided.pk, reason="Ny informasjon.")
    with pytest.raises(ValidationError):
        services.incident_reopen(by=hms, incident_id=decided.pk, reason="  ")
    incident = services.incident_reopen(by=hms, incident_id=decided.pk, reason="Ny informasjon fra politiet.")
    assert (incident.status, incident.closed_at, incident.reopened_reason) == (
        Status.UNDER_REVIEW, None, "Ny informasjon fra politiet."
    )


def test_a_review_meeting_cannot_be_dated_before_the_incident(unit, hms):
    incident = IncidentFactory(unit=unit, occurred_at=timezone.now() - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as caught:
        _review(incident, hms, held_on=timezone.localdate() - datetime.timedelta(days=4))
    assert "held_on" in caught.value.error_dict
    meeting = services.review_meeting_record(
        by=hms, unit=unit, held_on=timezone.localdate() - datetime.timedelta(days=3), attendees="Hanne Hms",
        notes="", incident_ids=[incident.pk], safety_rep_present=True,
    )
    assert meeting.safety_rep_present and meeting.incidents.get() == incident
