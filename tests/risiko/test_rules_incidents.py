"""What the unit's incidents say about an event: the count by its ASYS mapping, and the probability it suggests.
Pure rules and the models' own checks; no database."""

import pytest
from django.core.exceptions import ValidationError

from risiko import rules
from risiko.models import DEFAULT_INCIDENT_THRESHOLDS, Event, MatrixDefinition

PROFILE = [
    (frozenset({"threat"}), "phone", 7),
    (frozenset({"threat"}), "reception", 3),
    (frozenset({"verbal", "threat"}), "phone", 2),
    (frozenset({"verbal"}), "phone", 5),
    (frozenset({"assault"}), "interview_room", 1),
]


def test_a_mapped_event_counts_its_categories_main_or_other_in_its_channels():
    assert rules.mapped_incident_count(PROFILE, ["threat"], ["phone"]) == 9
    assert rules.mapped_incident_count(PROFILE, ["threat"], []) == 12
    assert rules.mapped_incident_count(PROFILE, ["threat", "verbal"], ["phone"]) == 14  # each incident once
    assert rules.mapped_incident_count(PROFILE, ["assault"], ["phone"]) == 0


def test_an_event_not_mapped_has_no_count_not_its_broad_categorys():
    assert rules.mapped_incident_count(PROFILE, [], []) is None
    assert rules.probability_suggestion(stated=1, count=None, thresholds=DEFAULT_INCIDENT_THRESHOLDS) is None


@pytest.mark.parametrize(("count", "level"), [(0, 1), (1, 2), (11, 2), (12, 3), (51, 3), (52, 4), (249, 4),
                                              (250, 5), (1000, 5)])
def test_the_default_thresholds_give_the_level_of_a_years_incidents(count, level):
    assert rules.suggested_level(DEFAULT_INCIDENT_THRESHOLDS, count) == level


def test_a_suggestion_only_when_the_incidents_point_higher_than_stated():
    assert rules.probability_suggestion(stated=3, count=52, thresholds=DEFAULT_INCIDENT_THRESHOLDS) == \
        rules.Suggestion(level=4, count=52, threshold=52)
    assert rules.probability_suggestion(stated=4, count=52, thresholds=DEFAULT_INCIDENT_THRESHOLDS) is None
    assert rules.probability_suggestion(stated=5, count=52, thresholds=DEFAULT_INCIDENT_THRESHOLDS) is None


def test_the_thresholds_are_the_matrix_data_not_the_code():
    stricter = [0, 2, 20, 100, 400]
    assert rules.probability_suggestion(stated=3, count=52, thresholds=stricter) is None
    assert rules.probability_suggestion(stated=1, count=1, thresholds=stricter) is None


def test_the_mapping_reads_as_category_times_channel():
    assert rules.mapping_label(["threat"], ["phone"]) == "Threatening behaviour or threat × Phone"
    assert rules.mapping_label(["assault"], []) == "Physical attack on a person"


def _event(**mapping):
    return Event(analysis_id=1, category="threats", title="Trusler på telefon", probability=3, consequence=2,
                 **mapping)


@pytest.mark.parametrize(("mapping", "field"), [
    ({"asys_categories": ["x"]}, "asys_categories"),
    ({"asys_categories": ["Threat"]}, "asys_categories"),
    ({"asys_categories": "threat"}, "asys_categories"),
    ({"asys_categories": ["threat", "threat"]}, "asys_categories"),
    ({"asys_categories": ["threat"], "asys_channels": ["fax"]}, "asys_channels"),
    ({"asys_categories": ["threat"], "asys_channels": [None]}, "asys_channels"),
    ({"asys_channels": ["phone"]}, "asys_categories"),
])
def test_an_event_refuses_a_mapping_outside_the_asys_lists(mapping, field):
    with pytest.raises(ValidationError) as error:
        _event(**mapping).clean()
    assert field in error.value.message_dict


def test_an_event_accepts_a_mapping_and_no_mapping():
    _event(asys_categories=["threat"], asys_channels=["phone"]).clean()
    _event().clean()


def _matrix(thresholds):
    from risiko.services import DEFAULT_CONSEQUENCE_LABELS, DEFAULT_PROBABILITY_LABELS, DEFAULT_ZONES

    return MatrixDefinition(name="M", probability_labels=DEFAULT_PROBABILITY_LABELS,
                            consequence_labels=DEFAULT_CONSEQUENCE_LABELS, cells=rules.default_cells(),
                            zones={str(k): v for k, v in DEFAULT_ZONES.items()}, incident_thresholds=thresholds)


@pytest.mark.parametrize("thresholds", [[1, 2, 12, 52, 250], [0, 12, 12, 52, 250], [0, 1, 12, 52],
                                        [0, 1, 12.5, 52, 250], [0, 1, "12", 52, 250], [0, 1, 12, 52, True],
                                        [0, -1, 12, 52, 250], "0,1,12,52,250", None])
def test_the_matrix_refuses_thresholds_that_do_not_rise_from_0(thresholds):
    with pytest.raises(ValidationError) as error:
        _matrix(thresholds).clean()
    assert "incident_thresholds" in error.value.message_dict


def test_the_matrix_accepts_the_default_thresholds():
    _matrix(list(DEFAULT_INCIDENT_THRESHOLDS)).clean()
