"""Pure rules of the incidents app: no database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hendelser import rules
from hendelser.models import Employer, Incident, MeasureKind, Perpetrator, ReviewMeeting, Status
from nav_sikkerhet.core.models import Unit, UnitType


class _Incident:
    def __init__(self, perpetrator=Perpetrator.UNKNOWN, status=Status.REGISTERED, unit_id=1, reference="HEN-1",
                 review_meeting_id=None):
        self.perpetrator, self.status, self.unit_id, self.reference = perpetrator, status, unit_id, reference
        self.review_meeting_id = review_meeting_id


OFFICE = Unit(pk=1, number="0315", name="NAV Grünerløkka", unit_type=UnitType.NAV_KONTOR)
CENTRE = Unit(pk=2, number="4153", name="NAV Kontaktsenter Oslo", unit_type=UnitType.KONTAKTSENTER)


@pytest.mark.parametrize(("employer", "unit", "fits"), [
    (Employer.STATE, OFFICE, True), (Employer.MUNICIPAL, OFFICE, True),
    (Employer.STATE, CENTRE, True), (Employer.MUNICIPAL, CENTRE, False),
])
def test_only_a_nav_office_has_municipal_staff(employer, unit, fits):
    assert rules.employer_fits_unit(employer, unit) is fits


def test_someone_must_have_been_exposed():
    with pytest.raises(ValidationError) as caught:
        rules.require_exposed([], OFFICE)
    assert "exposed" in caught.value.error_dict
    with pytest.raises(ValidationError):
        rules.require_exposed([{"name": "A", "employer": Employer.MUNICIPAL}], CENTRE)
    rules.require_exposed([{"name": "A", "employer": Employer.MUNICIPAL}], OFFICE)


@pytest.mark.parametrize("kind", [MeasureKind.WARNING_ORAL, MeasureKind.WARNING_WRITTEN, MeasureKind.TWO_IN_MEETING,
                                  MeasureKind.PROPOSE_EXCLUSION, MeasureKind.PROPOSE_PHONE_RESTRICTION])
def test_measures_aimed_at_a_person_need_a_known_person(kind):
    for unknown in (Perpetrator.UNKNOWN, Perpetrator.ANONYMOUS):
        with pytest.raises(ValidationError) as caught:
            rules.require_measure_fits(kind, _Incident(perpetrator=unknown))
        assert "kind" in caught.value.error_dict
    rules.require_measure_fits(kind, _Incident(perpetrator=Perpetrator.CITIZEN))


@pytest.mark.parametrize("kind", [MeasureKind.OTHER, MeasureKind.NONE])
def test_other_measures_fit_an_anonymous_incident(kind):
    rules.require_measure_fits(kind, _Incident(perpetrator=Perpetrator.ANONYMOUS))


def test_a_closed_incident_takes_no_measures():
    with pytest.raises(ValidationError):
        rules.require_measure_open(_Incident(status=Status.CLOSED))
    rules.require_measure_open(_Incident(status=Status.MEASURES_DECIDED))


def test_closing_needs_a_measure_and_every_follow_up_done():
    with pytest.raises(ValidationError) as caught:
        rules.require_may_close(measures=0, open_follow_ups=2)
    assert {e.code for e in caught.value.error_list} == {"no_measures", "follow_up_open"}
    rules.require_may_close(measures=1, open_follow_ups=0)


def test_a_review_meeting_marks_unreviewed_incidents_of_its_own_unit():
    with pytest.raises(ValidationError):
        rules.require_reviewable([], OFFICE)
    with pytest.raises(ValidationError):
        rules.require_reviewable([_Incident(unit_id=2)], OFFICE)
    with pytest.raises(ValidationError):
        rules.require_reviewable([_Incident(status=Status.UNDER_REVIEW, review_meeting_id=7)], OFFICE)
    with pytest.raises(ValidationError):
        rules.require_reviewable([_Incident(status=Status.CLOSED)], OFFICE)
    rules.require_reviewable([_Incident()], OFFICE)
    # Under review without a meeting (a measure was decided first): a meeting can still cover it.
    rules.require_reviewable([_Incident(status=Status.UNDER_REVIEW)], OFFICE)


def _handled(category="threat", held_on=None, **police):
    occurred = timezone.make_aware(datetime.datetime(2026, 3, 2, 14, 0))
    incident = Incident(occurred_at=occurred, category=category, **police)
    if held_on is not None:
        incident.review_meeting = ReviewMeeting(held_on=held_on)
    return incident


def _missing(incident, today=datetime.date(2026, 3, 10)):
    return {error.code for error in rules.handling_missing(incident, today)}


def test_a_threat_needs_a_review_on_or_after_the_incident_and_not_in_the_future():
    reason = {"police_not_reported_reason": "Ikke konkret nok."}
    assert _missing(_handled(**reason)) == {"no_review"}
    assert _missing(_handled(held_on=datetime.date(2026, 3, 1), **reason)) == {"no_review"}
    assert _missing(_handled(held_on=datetime.date(2026, 3, 11), **reason)) == {"no_review"}
    assert _missing(_handled(held_on=datetime.date(2026, 3, 2), **reason)) == set()


def test_a_threat_needs_a_police_report_with_date_and_reference_or_a_reason():
    day = datetime.date(2026, 3, 3)
    assert _missing(_handled(held_on=day)) == {"no_police_decision"}
    assert _missing(_handled(held_on=day, police_reported=True, police_reported_on=day)) == {"no_police_decision"}
    assert _missing(_handled(held_on=day, police_reported=True, police_reported_on=day,
                             police_reference="24-1")) == set()


def test_verbal_abuse_needs_neither():
    assert _missing(_handled(category="verbal")) == set()


def test_suppression_is_needed_only_beyond_the_users_own_units():
    assert not rules.needs_suppression({1, 2}, {1, 2, 3})
    assert rules.needs_suppression({1, 4}, {1, 2, 3})


@pytest.mark.parametrize(("values", "shown"), [
    ([10, 5, 0], [10, 5, 0]),            # nothing small: all shown, zeros too
    ([10, 2, 1, 7], [10, None, None, 7]),  # two small cells hide each other
    ([10, 2, 7], [10, None, None]),      # one small cell: the next smallest is hidden too
    ([2, 0, 0], [None, 0, 0]),           # nothing else to hide: the total is hidden instead (suppress_total)
    ([], []),
])
def test_small_cells_are_hidden_so_none_can_be_worked_out(values, shown):
    assert rules.suppress(values) == shown


def test_a_small_total_is_hidden():
    assert [rules.suppress_total(n) for n in (0, 1, 2, 3)] == [0, None, None, 3]
