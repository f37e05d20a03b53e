"""review_meeting_record: the weekly review marks a unit's unreviewed incidents."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hendelser import services
from hendelser.models import ReviewMeeting, Status

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _review(by, unit, incidents, **changes):
    values = {"by": by, "unit": unit, "held_on": timezone.localdate(), "attendees": "Leder, HMS", "notes": "",
              "incident_ids": [i.pk for i in incidents]}
    values.update(changes)
    return services.review_meeting_record(**values)


def test_hms_marks_incidents_reviewed_at_the_meeting(unit, hms):
    first, second = IncidentFactory(unit=unit), IncidentFactory(unit=unit)
    meeting = _review(hms, unit, [first, second])
    for incident in (first, second):
        incident.refresh_from_db()
        assert (incident.status, incident.review_meeting) == (Status.UNDER_REVIEW, meeting)


def test_the_safety_representative_may_not_mark_a_review(unit, safety_rep):
    with pytest.raises(PermissionDenied):
        _review(safety_rep, unit, [IncidentFactory(unit=unit)])


def test_another_units_incident_or_a_reviewed_one_is_refused_and_nothing_is_marked(unit, other_unit, hms):
    mine = IncidentFactory(unit=unit)
    reviewed = IncidentFactory(unit=unit)
    earlier = _review(hms, unit, [reviewed])
    closed = IncidentFactory(unit=unit, status=Status.CLOSED, lessons_learned="Lært.")
    for wrong in (IncidentFactory(unit=other_unit), reviewed, closed):
        with pytest.raises(ValidationError):
            _review(hms, unit, [mine, wrong])
    mine.refresh_from_db()
    assert mine.status == Status.REGISTERED
    assert list(ReviewMeeting.objects.all()) == [earlier]


def test_an_incident_under_review_without_a_meeting_can_be_covered_by_one(unit, hms):
    decided_first = IncidentFactory(unit=unit, status=Status.MEASURES_DECIDED)
    meeting = _review(hms, unit, [decided_first])
    decided_first.refresh_from_db()
    assert (decided_first.status, decided_first.review_meeting) == (Status.MEASURES_DECIDED, meeting)


def test_a_meeting_needs_attendees_and_a_date_not_in_the_future(unit, hms):
    incident = IncidentFactory(unit=unit)
    with pytest.raises(ValidationError) as caught:
        _review(hms, unit, [incident], attendees=" ")
    assert "attendees" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        _review(hms, unit, [incident], held_on=timezone.localdate() + timezone.timedelta(days=1))
    assert "held_on" in caught.value.error_dict
