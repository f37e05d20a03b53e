"""follow_up_record: debrief, BHT and sick leave; done only when a debrief was offered and BHT assessed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hendelser import selectors, services
from hendelser.models import Bht

from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def test_a_follow_up_is_done_only_after_a_debrief_and_a_bht_assessment(unit, leader):
    person = ExposedPersonFactory(incident=IncidentFactory(unit=unit))
    with pytest.raises(ValidationError) as caught:
        services.follow_up_record(by=leader, exposed_id=person.pk, debrief_offered_on=None, bht=Bht.NOT_ASSESSED,
                                  sick_leave=True, done=True)
    assert {"debrief_offered_on", "bht"} <= set(caught.value.error_dict)
    person = services.follow_up_record(by=leader, exposed_id=person.pk, debrief_offered_on=timezone.localdate(),
                                       bht=Bht.REFERRED, sick_leave=True, follow_up_note="Sykmeldt to uker.",
                                       done=True)
    assert person.follow_up_done_on == timezone.localdate()


def test_an_open_follow_up_shows_for_the_units_leaders_and_hms_until_done(unit, leader, hms, caseworker):
    person = ExposedPersonFactory(incident=IncidentFactory(unit=unit))
    assert selectors.open_follow_ups(leader) == [person]
    assert selectors.open_follow_ups(hms) == [person]
    assert selectors.open_follow_ups(caseworker) == []
    services.follow_up_record(by=leader, exposed_id=person.pk, debrief_offered_on=timezone.localdate(),
                              bht=Bht.NOT_NEEDED, sick_leave=False, done=True)
    assert selectors.open_follow_ups(leader) == []


def test_a_leader_elsewhere_cannot_record_a_follow_up(unit, other_leader):
    person = ExposedPersonFactory(incident=IncidentFactory(unit=unit))
    with pytest.raises(PermissionDenied):
        services.follow_up_record(by=other_leader, exposed_id=person.pk, debrief_offered_on=None,
                                  bht=Bht.OFFERED, sick_leave=False)
