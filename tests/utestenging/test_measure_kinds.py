"""The kinds of measure on the ladder (§3): per-kind rules on unsaved instances, no database."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from utestenging import rules
from utestenging.models import (
    KIND_RULES,
    MAX_PERIOD_DAYS,
    AlternativeAssessment,
    AlternativeOutcome,
    Decision,
    DigitalChannel,
    Kind,
    LessIntrusiveMeasure,
    NoticeStatus,
    Status,
)

from .factories import ALTERNATIVE_REASONS
from .test_rules import ALTERNATIVES, CHANNELS, CONTACT, FACTS, TODAY, _checklist, _decision, _keys, _missing

DAY = datetime.timedelta(days=1)
LADDER = [Kind.TOAN, Kind.DIUS, Kind.REGULATED_APPOINTMENTS, Kind.CHANGE_OF_CASEWORKER, Kind.PROTECTIVE_MEASURES]
EXCLUSIONS = [Kind.FYUS, Kind.TFUS, Kind.FTUS]


def test_only_pdls_codes_are_sent_and_the_rest_stay_internal():
    assert {kind: KIND_RULES[kind].pdl_code for kind in Kind} == {
        Kind.FYUS: "FYUS", Kind.TFUS: "TFUS", Kind.FTUS: "FTUS", Kind.TOAN: "TOAN", Kind.DIUS: "DIUS",
        Kind.REGULATED_APPOINTMENTS: "", Kind.CHANGE_OF_CASEWORKER: "", Kind.PROTECTIVE_MEASURES: "",
    }
    assert KIND_RULES[Kind.TOAN].pdl_description == "To ansatte i samtale"
    assert KIND_RULES[Kind.DIUS].pdl_description == "Digital utestengelse"


@pytest.mark.parametrize("kind", EXCLUSIONS)
def test_exclusions_keep_the_guidelines_12_weeks(kind):
    assert (KIND_RULES[kind].max_days, KIND_RULES[kind].max_from_guideline) == (MAX_PERIOD_DAYS, True)
    assert Kind(kind).exclusion


@pytest.mark.parametrize("kind", LADDER)
def test_every_ladder_kind_has_its_own_period_and_an_instruction(kind):
    kind_rules = KIND_RULES[kind]
    # The guideline is silent on these: each maximum is a proposal, marked as such.
    assert not kind_rules.max_from_guideline and not Kind(kind).exclusion
    assert kind_rules.max_days % 7 == 0 and kind_rules.max_days >= MAX_PERIOD_DAYS
    assert str(kind_rules.instruction) not in {str(KIND_RULES[k].instruction) for k in Kind if k != kind}


@pytest.mark.parametrize("kind", list(Kind))
def test_the_period_may_reach_the_kinds_maximum_and_not_a_day_more(kind):
    limit = KIND_RULES[kind].max_days
    decision = _decision(kind, valid_from=TODAY, valid_to=TODAY + (limit - 1) * DAY)
    decision.clean()
    assert rules.period_ok(decision, TODAY)
    decision.valid_to += DAY
    with pytest.raises(ValidationError) as error:
        decision.clean()
    assert set(error.value.message_dict) == {"valid_to"}
    assert (decision.valid_from + (limit - 1) * DAY).strftime("%d.%m.%Y") in error.value.message_dict["valid_to"][0]
    assert not rules.period_ok(decision, TODAY)


def test_two_staff_needs_no_notice_warning_alternatives_or_channel():
    decision = _decision(Kind.TOAN, notice_status=NoticeStatus.NOT_HANDLED, notice_not_possible_kind="",
                         notice_not_possible_reason="")
    keys = _keys(_checklist(decision, channels=[], alternatives=[]))
    assert not {"warning", "alternatives", "channels", "channels_open", "notice", "digital_channels"} & set(keys)
    assert {"grounds", "facts", "risk_of_repetition", "period", "responsible_leader"} <= set(keys)
    assert _missing(decision, channels=[], alternatives=[]) == []


def test_a_notice_given_before_a_ladder_measure_is_still_checked():
    decision = _decision(Kind.TOAN, notice_status=NoticeStatus.NOT_POSSIBLE, notice_not_possible_kind="",
                         notice_not_possible_reason="")
    assert "notice" in _missing(decision, channels=[], alternatives=[])


def test_digital_restriction_names_its_channels_and_keeps_one_open():
    decision = _decision(Kind.DIUS, digital_channels=[])
    assert _missing(decision, channels=[], alternatives=[]) == ["digital_channels", "channels"]
    decision.digital_channels = [DigitalChannel.CHAT]
    assert _missing(decision, channels=CHANNELS, alternatives=[]) == []


@pytest.mark.parametrize("kind", EXCLUSIONS)
def test_an_exclusion_still_needs_the_whole_ladder_assessed(kind):
    assert {"warning", "alternatives", "channels", "notice"} <= set(_keys(_checklist(_decision(kind))))
    assert "alternatives" in _missing(_decision(kind), alternatives=[])


def test_only_a_digital_restriction_closes_digital_channels():
    with pytest.raises(ValidationError) as error:
        _decision(Kind.TOAN, digital_channels=[DigitalChannel.CHAT]).clean()
    assert set(error.value.message_dict) == {"digital_channels"}
    with pytest.raises(ValidationError) as error:
        _decision(Kind.DIUS, digital_channels=["fax"]).clean()
    assert set(error.value.message_dict) == {"digital_channels"}
    _decision(Kind.DIUS, digital_channels=[DigitalChannel.CHAT, DigitalChannel.ACTIVITY_PLAN]).clean()


def test_a_second_measure_of_the_same_ladder_kind_is_an_extension_not_a_new_decision():
    decision = _decision(Kind.TOAN)
    running = rules.Period("US-2025-00001", Kind.TOAN, TODAY - 10 * DAY, TODAY + 10 * DAY)
    with pytest.raises(ValidationError):
        rules.require_not_a_second_decision(decision, [running], 14)
    other_kind = rules.Period("US-2025-00002", Kind.CHANGE_OF_CASEWORKER, TODAY - 10 * DAY, TODAY + 10 * DAY)
    rules.require_not_a_second_decision(decision, [other_kind], 14)
    exclusion = rules.Period("US-2025-00003", Kind.FYUS, TODAY - 10 * DAY, TODAY + 10 * DAY)
    rules.require_not_a_second_decision(decision, [exclusion], 14)


# -- the exclusion's assessment cites the measures tried (item 4) -----------------------------------------------


def _tried(alternative, measure):
    return AlternativeAssessment(alternative=alternative, outcome=AlternativeOutcome.TRIED, measure_id=measure.pk,
                                 measure=measure, reason=ALTERNATIVE_REASONS[alternative])


def test_a_tried_alternative_may_cite_the_decided_measure_of_its_kind():
    toan = Decision(pk=41, kind=Kind.TOAN, status=Status.EXPIRED)
    row = _tried(LessIntrusiveMeasure.TWO_STAFF, toan)
    row.clean()
    assert rules._tried_problem(row, {}, {toan.pk: toan}) == ""
    # Not the citizen's, or of another kind: refused.
    assert rules._tried_problem(row, {}, {}) != ""
    caseworker = Decision(pk=42, kind=Kind.CHANGE_OF_CASEWORKER, status=Status.ACTIVE)
    assert rules._tried_problem(_tried(LessIntrusiveMeasure.TWO_STAFF, caseworker), {}, {42: caseworker}) != ""
    with pytest.raises(ValidationError) as error:
        rules.require_alternatives_fit(_decision(Kind.FYUS), [row], [], [caseworker])
    assert "alternative_assessments" in error.value.message_dict


def test_only_a_measure_on_the_ladder_can_cite_a_registered_measure():
    toan = Decision(pk=43, kind=Kind.TOAN, status=Status.ACTIVE)
    with pytest.raises(ValidationError) as error:
        _tried(LessIntrusiveMeasure.ASKED_TO_LEAVE, toan).clean()
    assert set(error.value.message_dict) == {"measure"}
    untried = _tried(LessIntrusiveMeasure.TWO_STAFF, toan)
    untried.outcome = AlternativeOutcome.NOT_ENOUGH
    with pytest.raises(ValidationError):
        untried.clean()


def test_the_checklist_accepts_an_assessment_citing_the_measure_tried():
    toan = Decision(pk=44, kind=Kind.TOAN, status=Status.EXPIRED)
    rows = [row if row.alternative != LessIntrusiveMeasure.TWO_STAFF else _tried(row.alternative, toan)
            for row in ALTERNATIVES]
    items = rules.checklist(_decision(Kind.FYUS), facts=FACTS, channels=CHANNELS, today=TODAY,
                            contact=CONTACT, alternatives=rows, measures=[toan])
    assert "alternatives" not in _keys(rules.missing(items))
    items = rules.checklist(_decision(Kind.FYUS), facts=FACTS, channels=CHANNELS, today=TODAY,
                            contact=CONTACT, alternatives=rows, measures=[])
    assert "alternatives" in _keys(rules.missing(items))

