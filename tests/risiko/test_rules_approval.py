"""The approval conditions as a pure rule: no database."""

import datetime
from types import SimpleNamespace

import pytest

from risiko import rules
from risiko.models import RiskAcceptance

TODAY = datetime.date(2026, 8, 31)
CELLS = rules.default_cells()


def _event(pk=1, title="Trusler på telefon", probability=5, consequence=2, measures=0, acceptance=None,
           as_in_template=False):
    return SimpleNamespace(pk=pk, title=title, probability=probability, consequence=consequence,
                           measure_count=measures, acceptance=acceptance, as_in_template=as_in_template)


def _analysis(**fields):
    return SimpleNamespace(**({"participants": "Lene Leder, Hanne Hms", "safety_representative": "Vidar Verneombud",
                              "next_review_on": TODAY + datetime.timedelta(days=200)} | fields))


def _codes(analysis=None, events=None):
    events = [_event(measures=1)] if events is None else events
    return [p.code for p in rules.approval_problems(analysis=analysis or _analysis(), events=events, cells=CELLS,
                                                     today=TODAY)]


def test_a_complete_analysis_has_no_problems():
    assert _codes() == []


def test_a_red_event_needs_a_measure_or_an_acceptance():
    assert _codes(events=[_event()]) == ["red_events"]
    assert _codes(events=[_event(acceptance=RiskAcceptance(probability=5, consequence=2))]) == []


def test_an_acceptance_holds_only_for_the_levels_it_was_given_for():
    assert _codes(events=[_event(acceptance=RiskAcceptance(probability=4, consequence=2))]) == ["red_events"]


def test_yellow_and_green_events_need_neither():
    assert _codes(events=[_event(probability=4, consequence=2), _event(probability=1, consequence=1)]) == []


def test_each_red_event_is_named_and_linked_to_its_row():
    problems = rules.approval_problems(analysis=_analysis(), today=TODAY, cells=CELLS, events=[
        _event(pk=7, title="Slag"), _event(pk=8, title="Spytte", probability=1, consequence=1)])
    assert [(p.fix, p.event_id) for p in problems] == [("event", 7)]
    assert "«Slag»" in problems[0].message


def test_events_as_in_the_template_are_counted_in_one_problem():
    problems = rules.approval_problems(analysis=_analysis(), today=TODAY, cells=CELLS, events=[
        _event(pk=3, measures=1, as_in_template=True), _event(pk=4, measures=1, as_in_template=True)])
    assert [p.code for p in problems] == ["template_events"] and problems[0].event_id == 3
    assert problems[0].message.startswith("2 events")


@pytest.mark.parametrize("text", ["", "x", "  X. ", "Ola", "se over", "verneombud", "ukjent"])
def test_placeholders_are_not_names(text):
    assert _codes(_analysis(safety_representative=text)) == ["safety_representative"]
    assert _codes(_analysis(participants=text)) == ["participants"]


def test_no_events_is_a_problem():
    assert _codes(events=[]) == ["events"]


@pytest.mark.parametrize(("review_on", "codes"), [
    (None, ["next_review_on"]), (datetime.date(2027, 8, 31), []), (datetime.date(2027, 9, 1), ["next_review_on"]),
    (datetime.date(2046, 8, 31), ["next_review_on"]),
])
def test_the_next_review_is_set_and_within_the_interval(review_on, codes):
    assert _codes(_analysis(next_review_on=review_on)) == codes


def test_the_problems_fix_where_they_are_fixed():
    problems = rules.approval_problems(analysis=_analysis(participants="", next_review_on=None), events=[],
                                       cells=CELLS, today=TODAY)
    assert {p.code: p.fix for p in problems} == {"events": "events", "participants": "details",
                                                 "next_review_on": "details"}


def test_require_approvable_groups_the_messages_by_condition():
    from django.core.exceptions import ValidationError

    problems = rules.approval_problems(analysis=_analysis(), today=TODAY, cells=CELLS,
                                       events=[_event(pk=1, title="A"), _event(pk=2, title="B")])
    with pytest.raises(ValidationError) as error:
        rules.require_approvable(problems)
    assert len(error.value.message_dict["red_events"]) == 2
    rules.require_approvable([])
