"""The rules one by one, on unsaved instances: no database."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from nav_sikkerhet.core.models import Unit, UnitType
from utestenging import rules
from utestenging.models import (
    AlternativeAssessment,
    AlternativeChannel,
    ChannelKind,
    Decision,
    Fact,
    Kind,
    LessIntrusiveMeasure,
    NoticeImpossibleReason,
    NoticeStatus,
    Scope,
    StatementStatus,
    Status,
)

from .factories import alternative_rows, complete_fields

TODAY = datetime.date(2025, 3, 10)
DAY = datetime.timedelta(days=1)
_pks = itertools.count(1)


def _unit(**fields) -> Unit:
    """An unsaved unit with a primary key, so it can go in a set like a saved one."""
    number = next(_pks)
    defaults = {
        "pk": number,
        "number": f"{number:04d}",
        "name": f"NAV Enhet {number}",
        "unit_type": UnitType.NAV_KONTOR,
        "municipality_number": "0301",
        "municipality_name": "Oslo",
        "result_area": "NAV-kontor",
        "region": "Oslo",
        "is_active": True,
    }
    return Unit(**{**defaults, **fields})


def _decision(kind=Kind.FYUS, **fields) -> Decision:
    return Decision(**{**complete_fields(kind, today=TODAY), "responsible_leader_id": 1, **fields})


FACTS = [Fact(occurred_on=TODAY - 10 * DAY, description="Du truet saksbehandleren i mottaket.", serious=True)]
CONTACT = SimpleNamespace(phone="41 23 45 67")
CHANNELS = [AlternativeChannel(channel=ChannelKind.PROXY, person_name="Advokat Hansen")]
ALTERNATIVES = [
    AlternativeAssessment(alternative=row["alternative"], outcome=row["outcome"], tried_on=row["tried_on"],
                          reason=row["reason"])
    for row in alternative_rows()
]


def _checklist(decision, facts=FACTS, channels=CHANNELS, today=TODAY, alternatives=ALTERNATIVES):
    return rules.checklist(decision, facts=facts, channels=channels, today=today, contact=CONTACT,
                           alternatives=alternatives)


def _keys(items):
    return [item.key for item in items]


def _missing(decision, **kwargs):
    return _keys(rules.missing(_checklist(decision, **kwargs)))


def _codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


def _user(**perms_by_unit_pk):
    """A stand-in staff member holding the given permission codenames per unit primary key."""

    def has_perm(perm, obj=None):
        return perm.removeprefix("core.") in perms_by_unit_pk.get(f"u{obj.pk}", ())

    return SimpleNamespace(is_authenticated=True, is_active=True, has_perm=has_perm)


# -- permissions ------------------------------------------------------------------------------------


def test_only_a_holder_of_the_sign_permission_in_the_deciding_unit_may_sign():
    unit, elsewhere = _unit(), _unit()
    decision = Decision(unit=unit)
    assert rules.may_sign(_user(**{f"u{unit.pk}": {"sign_decision"}}), decision)
    assert not rules.may_sign(_user(**{f"u{elsewhere.pk}": {"sign_decision"}}), decision)
    assert not rules.may_sign(_user(**{f"u{unit.pk}": {"prepare_decision"}}), decision)


def test_require_may_sign_refuses_with_the_leader_message():
    decision = Decision(unit=_unit())
    with translation.override("nb"), pytest.raises(PermissionDenied) as info:
        rules.require_may_sign(_user(), decision)
    with translation.override("nb"):
        assert str(info.value) == gettext("Only the unit's leader or acting leader may decide.")


def test_require_may_prepare_refuses_without_the_prepare_permission():
    unit = _unit()
    decision = Decision(unit=unit)
    rules.require_may_prepare(_user(**{f"u{unit.pk}": {"prepare_decision"}}), decision)
    with pytest.raises(PermissionDenied) as info:
        rules.require_may_prepare(_user(**{f"u{unit.pk}": {"view_decisions"}}), decision)
    assert str(info.value) == gettext("You may not prepare decisions in this unit.")


def test_an_anonymous_or_inactive_user_may_do_nothing():
    unit = _unit()
    decision = Decision(unit=unit)
    inactive = _user(**{f"u{unit.pk}": {"sign_decision", "prepare_decision"}})
    inactive.is_active = False
    assert not rules.may_sign(inactive, decision)
    assert not rules.may_prepare(None, decision)


def test_responsible_leader_must_be_a_leader_of_the_unit():
    unit = _unit()
    rules.require_leader_of_unit(_user(**{f"u{unit.pk}": {"sign_decision"}}), unit, "responsible_leader")
    rules.require_leader_of_unit(None, unit, "responsible_leader")
    with pytest.raises(ValidationError) as info:
        rules.require_leader_of_unit(_user(**{f"u{unit.pk}": {"prepare_decision"}}), unit, "responsible_leader")
    assert info.value.message_dict == {"responsible_leader": [gettext("Choose the unit's leader or acting leader.")]}


# -- the checklist ----------------------------------------------------------------------------------

COMMON_ITEMS = [
    "grounds",
    "facts",
    "warning",
    "case_informed",
    "risk_of_repetition",
    "clear_need",
    "alternatives",
    "proportionality",
    "other_measures",
    "whole_situation",
]
TAIL_ITEMS = ["channels", "channels_open", "contact_phone", "notice", "period", "duration_assessment",
              "responsible_leader"]


def test_checklist_for_physical_exclusion_leaves_out_other_units_views_and_extension():
    assert _keys(_checklist(_decision(Kind.FYUS))) == COMMON_ITEMS + TAIL_ITEMS


@pytest.mark.parametrize("kind", [Kind.TFUS, Kind.FTUS])
def test_checklist_for_phone_restriction_asks_for_other_units_views(kind):
    decision = _decision(kind, other_units_views="")
    assert _keys(_checklist(decision)) == [*COMMON_ITEMS, "other_units_views", *TAIL_ITEMS]
    assert _missing(decision) == ["other_units_views"]


def test_checklist_for_an_extension_asks_for_a_new_assessment_of_the_risk():
    decision = _decision(extends_id=99)
    assert _keys(_checklist(decision)) == [*COMMON_ITEMS, "extension_assessment", *TAIL_ITEMS]
    assert _missing(decision) == ["extension_assessment"]
    decision.extension_assessment = "Ny trussel i mars viser at risikoen består."
    assert _missing(decision) == []


@pytest.mark.parametrize("kind", list(Kind))
def test_checklist_is_complete_when_everything_is_filled_in(kind):
    assert _missing(_decision(kind)) == []


def test_bare_draft_misses_everything_but_nothing_else():
    decision = Decision(kind=Kind.FYUS)
    # Without facts or channels the warning and open-channel items wait for them; the contact has a number.
    expected = [key for key in COMMON_ITEMS + TAIL_ITEMS if key not in ("warning", "channels_open", "contact_phone")]
    assert _missing(decision, facts=[], channels=[], alternatives=[]) == expected


@pytest.mark.parametrize(
    "field",
    ["case_informed", "risk_of_repetition", "clear_need", "proportionality", "other_measures",
     "whole_situation", "duration_assessment"],
)
def test_checklist_counts_a_blank_written_assessment_as_missing(field):
    assert _missing(_decision(**{field: "  \n "})) == [field]


def test_checklist_counts_alternatives_not_yet_assessed_as_missing_and_names_them():
    items = _checklist(_decision(), alternatives=ALTERNATIVES[:-1])
    (item,) = rules.missing(items)
    assert item.key == "alternatives"
    assert str(LessIntrusiveMeasure.PHONE_OR_DIGITAL_ONLY.label) in item.problem


def test_checklist_needs_at_least_one_fact():
    assert _missing(_decision(), facts=[]) == ["facts"]


def test_checklist_needs_a_channel_with_the_details_its_kind_requires():
    incomplete = AlternativeChannel(channel=ChannelKind.PHONE, person_name="Kari Leder", phone="", times="")
    assert _missing(_decision(), channels=[]) == ["channels"]
    assert _missing(_decision(), channels=[incomplete]) == ["channels"]
    assert _missing(_decision(), channels=[incomplete, *CHANNELS]) == []


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [
        (None, None),
        (TODAY, None),
        (TODAY - DAY, TODAY + 20 * DAY),  # starts before today
        (TODAY, TODAY + 84 * DAY),  # more than 12 weeks
        (TODAY + 5 * DAY, TODAY + 4 * DAY),  # ends before it starts
    ],
    ids=["unset", "no-end", "started", "too-long", "reversed"],
)
def test_checklist_period_must_be_set_start_today_or_later_and_last_at_most_twelve_weeks(valid_from, valid_to):
    assert _missing(_decision(valid_from=valid_from, valid_to=valid_to)) == ["period"]


def test_checklist_accepts_a_period_of_exactly_twelve_weeks_starting_later():
    assert _missing(_decision(valid_from=TODAY + 7 * DAY, valid_to=TODAY + (7 + 83) * DAY)) == []


def test_checklist_needs_a_responsible_leader():
    assert _missing(_decision(responsible_leader_id=None)) == ["responsible_leader"]


def test_require_checklist_complete_lists_every_missing_item_in_bokmal():
    with translation.override("nb"):
        items = _checklist(_decision(grounds=[]), channels=[], alternatives=[])
        with pytest.raises(ValidationError) as info:
            rules.require_checklist_complete(items)
        not_assessed = gettext("not yet assessed: %(list)s") % {
            "list": ", ".join(str(LessIntrusiveMeasure(value).label) for value in LessIntrusiveMeasure.values)}
        expected = [
            gettext("Missing: %(item)s") % {"item": gettext("Grounds chosen")},
            gettext("Missing: %(item)s (%(problem)s)") % {
                "item": gettext("Each less intrusive alternative assessed: tried, not enough or not relevant, and why"),
                "problem": not_assessed,
            },
            gettext("Missing: %(item)s") % {
                "item": gettext("At least one alternative service channel with concrete details")},
        ]
    assert _codes(info.value) == ["grounds", "alternatives", "channels"]
    assert info.value.messages == expected
    assert expected[0].startswith("Mangler")


def test_require_checklist_complete_passes_a_complete_checklist():
    assert rules.require_checklist_complete(_checklist(_decision())) is None


# -- advance notice ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice_status", "statement_status", "reason", "handled"),
    [
        (NoticeStatus.NOT_HANDLED, "", "", False),
        (NoticeStatus.NOT_POSSIBLE, "", "Du har ingen kjent adresse eller telefon.", True),
        (NoticeStatus.NOT_POSSIBLE, "", "   ", False),
        (NoticeStatus.SENT, StatementStatus.AWAITING, "", False),
        (NoticeStatus.SENT, StatementStatus.RECEIVED, "", True),
        (NoticeStatus.SENT, StatementStatus.NONE_RECEIVED, "", True),
    ],
    ids=["not-handled", "not-possible-with-reason", "not-possible-without-reason", "sent-awaiting",
         "sent-answered", "sent-deadline-passed"],
)
def test_notice_handled(notice_status, statement_status, reason, handled):
    decision = Decision(
        notice_status=notice_status, statement_status=statement_status, notice_not_possible_reason=reason,
        notice_not_possible_kind=NoticeImpossibleReason.UNREACHABLE if reason else "",
    )
    assert rules.notice_handled(decision) is handled


def test_notice_is_clear_only_with_grounds_facts_and_period():
    with pytest.raises(ValidationError) as info:
        rules.require_notice_is_clear(Decision(kind=Kind.FYUS), facts=[])
    assert _codes(info.value) == ["grounds", "facts", "period"]
    assert info.value.messages[0] == gettext("Choose the grounds before sending advance notice.")
    assert rules.require_notice_is_clear(_decision(), facts=FACTS) is None


def test_no_statement_can_be_recorded_until_the_deadline_has_passed():
    decision = Decision(notice_deadline=TODAY)
    with translation.override("nb"):
        with pytest.raises(ValidationError) as info:
            rules.require_deadline_passed(decision, TODAY)
        expected = gettext(
            "The citizen has until %(deadline)s to give their view; «no statement received» can be recorded "
            "after that."
        ) % {"deadline": "10.03.2025"}
    assert info.value.code == "deadline_not_passed"
    assert info.value.messages == [expected]
    assert rules.require_deadline_passed(decision, TODAY + DAY) is None


# -- other measures ---------------------------------------------------------------------------------


def test_other_measures_must_be_acknowledged_when_there_are_any():
    with pytest.raises(ValidationError) as info:
        rules.require_other_measures_acknowledged([Decision()], acknowledged=False)
    assert info.value.code == "other_measures"
    assert info.value.messages == [gettext("Confirm that you have looked at the citizen's other security measures.")]
    assert rules.require_other_measures_acknowledged([Decision()], acknowledged=True) is None
    assert rules.require_other_measures_acknowledged([], acknowledged=False) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": Status.DRAFT}, True),
        ({"status": Status.NOTICE_SENT}, True),
        ({"status": Status.READY}, True),
        ({"status": Status.DROPPED}, False),
        ({"status": Status.ACTIVE, "valid_from": TODAY - 5 * DAY, "valid_to": TODAY + 5 * DAY}, True),
        ({"status": Status.SIGNED, "valid_from": TODAY + 5 * DAY, "valid_to": TODAY + 30 * DAY}, True),
        ({"status": Status.EXPIRED, "valid_from": TODAY - 400 * DAY, "valid_to": TODAY - 365 * DAY}, True),
        ({"status": Status.EXPIRED, "valid_from": TODAY - 400 * DAY, "valid_to": TODAY - 366 * DAY}, False),
        (
            {"status": Status.LIFTED, "valid_from": TODAY - 400 * DAY, "valid_to": TODAY - 100 * DAY,
             "lifted_on": TODAY - 380 * DAY},
            False,
        ),
    ],
    ids=["draft", "notice-sent", "ready", "dropped", "active", "signed", "ended-a-year-ago", "ended-over-a-year-ago",
         "lifted-over-a-year-ago"],
)
def test_is_recent_or_current(fields, expected):
    assert rules.is_recent_or_current(Decision(**fields), TODAY) is expected


# -- extension --------------------------------------------------------------------------------------


def _in_force(**fields):
    return Decision(**{"status": Status.ACTIVE, "valid_from": TODAY - 20 * DAY, "valid_to": TODAY + 7 * DAY,
                       **fields})


@pytest.mark.parametrize("status", [Status.DRAFT, Status.READY, Status.EXPIRED, Status.LIFTED, Status.DROPPED])
def test_only_a_signed_or_active_decision_is_extendable(status):
    with pytest.raises(ValidationError) as info:
        rules.require_extendable(_in_force(status=status), TODAY, open_extensions=0)
    assert info.value.code == "not_extendable"
    assert info.value.messages == [gettext("Only a signed or active decision can be extended.")]


def test_extension_cannot_be_started_after_the_decision_ended():
    decision = _in_force()
    assert rules.require_extendable(decision, decision.valid_to, open_extensions=0) is None
    with pytest.raises(ValidationError) as info:
        rules.require_extendable(decision, decision.valid_to + DAY, open_extensions=0)
    assert info.value.code == "ended"


def test_extension_cannot_be_started_twice():
    with pytest.raises(ValidationError) as info:
        rules.require_extendable(_in_force(), TODAY, open_extensions=1)
    assert info.value.code == "duplicate"
    assert info.value.messages == [gettext("An extension of this decision is already being prepared.")]


def test_extension_starts_the_day_after_the_extended_decision_ends():
    extended = _in_force()
    day_after = extended.valid_to + DAY
    assert rules.require_extension_period(Decision(valid_from=day_after), extended) is None
    assert rules.require_extension_period(Decision(valid_from=None), extended) is None
    with translation.override("nb"):
        with pytest.raises(ValidationError) as info:
            rules.require_extension_period(Decision(valid_from=day_after + DAY), extended)
        expected = gettext("An extension starts the day after the earlier decision ends (%(date)s).") % {
            "date": day_after.strftime("%d.%m.%Y")
        }
    assert info.value.message_dict == {"valid_from": [expected]}


@pytest.mark.parametrize(
    ("fields", "today"),
    [({"status": Status.LIFTED}, TODAY), ({"status": Status.EXPIRED}, TODAY), ({}, TODAY + 8 * DAY)],
    ids=["lifted", "expired", "past-its-end"],
)
def test_extension_cannot_be_signed_once_the_extended_decision_is_over(fields, today):
    with pytest.raises(ValidationError) as info:
        rules.require_extended_still_in_force(_in_force(**fields), today)
    assert info.value.code == "extended_ended"


def test_extension_can_be_signed_while_the_extended_decision_is_in_force():
    extended = _in_force()
    assert rules.require_extended_still_in_force(extended, extended.valid_to) is None
    assert rules.require_extended_still_in_force(_in_force(status=Status.SIGNED), TODAY) is None


# -- scope ------------------------------------------------------------------------------------------


def test_unit_scope_covers_the_deciding_unit_only():
    unit = _unit()
    assert rules.covered_units(Scope.UNIT, unit, [unit, _unit(), _unit()]) == [unit]


def test_municipality_scope_covers_only_active_nav_offices_of_the_same_municipality():
    unit = _unit(municipality_number="0301")
    neighbour = _unit(municipality_number="0301")
    inactive = _unit(municipality_number="0301", is_active=False)
    contact_centre = _unit(municipality_number="0301", unit_type=UnitType.KONTAKTSENTER, result_area="Kontaktsenter")
    bergen = _unit(municipality_number="4601")
    covered = rules.covered_units(Scope.MUNICIPALITY, unit, [unit, neighbour, inactive, contact_centre, bergen])
    assert covered == [unit, neighbour]


def test_result_area_scope_covers_active_units_of_the_same_result_area():
    unit = _unit(unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter", municipality_number="0301")
    elsewhere = _unit(unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter", municipality_number="4601")
    inactive = _unit(unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter", is_active=False)
    nav_office = _unit(result_area="NAV-kontor")
    covered = rules.covered_units(Scope.RESULT_AREA, unit, [elsewhere, inactive, nav_office])
    assert covered == [unit, elsewhere]


def test_covered_units_are_sorted_by_number_and_always_include_the_deciding_unit():
    late = _unit(number="9999")
    early = _unit(number="0001")
    assert rules.covered_units(Scope.MUNICIPALITY, late, [early]) == [early, late]


def test_only_a_nav_office_can_cover_the_municipalitys_offices():
    contact_centre = _unit(unit_type=UnitType.KONTAKTSENTER)
    rules.require_scope_fits_unit(Scope.MUNICIPALITY, _unit())
    with pytest.raises(ValidationError) as info:
        rules.require_scope_fits_unit(Scope.MUNICIPALITY, contact_centre)
    assert info.value.message_dict == {
        "scope": [gettext("Only a NAV office can extend a decision to the municipality's offices.")]
    }


def test_a_nav_office_cannot_cover_its_whole_result_area():
    """§4 lets NAV offices share a decision within the municipality only; the result area is for other units."""
    rules.require_scope_fits_unit(Scope.RESULT_AREA, _unit(unit_type=UnitType.KONTAKTSENTER))
    with pytest.raises(ValidationError) as info:
        rules.require_scope_fits_unit(Scope.RESULT_AREA, _unit(unit_type=UnitType.NAV_KONTOR))
    assert info.value.message_dict == {
        "scope": [gettext("A NAV office can extend a decision only to the NAV offices in its municipality.")]
    }


@pytest.mark.parametrize("scope", [Scope.UNIT, Scope.MUNICIPALITY, Scope.RESULT_AREA])
def test_every_scope_fits_the_unit_scope_rule_for_its_own_kind_of_unit(scope):
    unit = _unit(unit_type=UnitType.NAV_KONTOR if scope != Scope.RESULT_AREA else UnitType.FORVALTNING)
    assert rules.require_scope_fits_unit(scope, unit) is None


# -- lifting ----------------------------------------------------------------------------------------


def test_a_decision_is_lifted_today_or_earlier_never_in_advance():
    decision = _in_force()
    assert rules.require_lift_date(decision, TODAY, TODAY) is None
    assert rules.require_lift_date(decision, TODAY - DAY, TODAY) is None
    with pytest.raises(ValidationError) as info:
        rules.require_lift_date(decision, TODAY + DAY, TODAY)
    assert info.value.message_dict == {
        "lifted_on": [gettext("A decision is lifted today or on an earlier date, not in advance.")]
    }


# -- issue 17: a notice stands, delivery in time, extensions near the end, a postal address, who signs ---------


def _noticed(decision, facts=FACTS, unit_ids=(1,)):
    return rules.noticed_content(decision, facts, unit_ids)


def test_beyond_notice_is_empty_for_what_the_notice_said_and_for_less():
    decision = _decision(Kind.FTUS, grounds=["threats", "phone_threats"])
    noticed = _noticed(decision, unit_ids=(1, 2))
    assert rules.beyond_notice(noticed, noticed) == []
    less = _decision(Kind.FYUS, grounds=["threats"], valid_from=TODAY + DAY, valid_to=TODAY + 20 * DAY)
    assert rules.beyond_notice(noticed, _noticed(less, facts=[], unit_ids=(1,))) == []


def test_beyond_notice_names_each_change_the_citizen_was_not_heard_on():
    noticed = _noticed(_decision(Kind.FYUS))
    more = _decision(Kind.FTUS, grounds=["threats", "violence"], valid_to=TODAY + 28 * DAY)
    facts = [Fact(occurred_on=TODAY - 10 * DAY, description="Du truet saksbehandleren med kniv.", serious=True)]
    with translation.override("en"):
        changes = [str(c) for c in rules.beyond_notice(noticed, _noticed(more, facts=facts, unit_ids=(1, 5)))]
    assert changes == ["the kind of measure", "the units covered", "the period", "the grounds", "the facts"]


def test_beyond_notice_ignores_case_spacing_and_punctuation_in_a_fact():
    noticed = _noticed(_decision())
    same = [Fact(occurred_on=FACTS[0].occurred_on, description="  du TRUET saksbehandleren,  i MOTTAKET ")]
    assert rules.beyond_notice(noticed, _noticed(_decision(), facts=same)) == []


def test_notice_item_only_once_a_notice_was_sent():
    decision = _decision()
    assert "notice_covers" not in _keys(_checklist(decision))
    decision.notice_sent_on = TODAY - 10 * DAY
    decision.noticed_content = _noticed(decision)
    decision.covered_unit_ids = {1}
    decision.unit_id = 1
    assert "notice_covers" in _keys(_checklist(decision)) and "notice_covers" not in _missing(decision)
    decision.valid_to += DAY
    assert "notice_covers" in _missing(decision)


def test_notice_may_not_be_skipped_once_a_notice_letter_exists_or_after_another_cases_notice():
    decision = _decision(notice_sent_on=None)
    with pytest.raises(ValidationError) as error:
        rules.require_notice_may_be_skipped(decision, notice_letters=1, earlier=[], facts=FACTS)
    assert error.value.code == "notice_stands"
    earlier = [rules.EarlierNotice("US-2025-00001", TODAY - 5 * DAY)]
    with pytest.raises(ValidationError) as error:
        rules.require_notice_may_be_skipped(decision, notice_letters=0, earlier=earlier, facts=FACTS)
    assert error.value.code == "notice_in_other_case"
    new_fact = [Fact(occurred_on=TODAY - DAY, description="Du kom tilbake.")]
    rules.require_notice_may_be_skipped(decision, notice_letters=0, earlier=earlier, facts=new_fact)


DAYS = rules.DeliveryDays(post=3, oral_follow_up=3)
MONDAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("how", "told", "start", "due"),
    [
        ("handed_over", None, MONDAY + 4 * DAY, MONDAY + 4 * DAY),
        ("post", None, MONDAY + 7 * DAY, MONDAY + 2 * DAY),  # Wednesday's letter arrives Monday
        ("post", MONDAY, MONDAY, MONDAY),  # told Monday: in writing by Thursday, so posted Monday
        ("digital", MONDAY, MONDAY, MONDAY + 3 * DAY),
        # Easter 2026: Thursday 2 April to Monday 6 April are holidays; a letter for Wednesday 8 April goes out
        # no later than Tuesday 31 March.
        ("post", None, datetime.date(2026, 4, 8), datetime.date(2026, 3, 31)),
    ],
)
def test_delivery_due_counts_norwegian_working_days(how, told, start, due):
    assert rules.delivery_due(how=how, valid_from=start, told_orally_on=told, days=DAYS) == due


def test_delivery_in_time_refuses_a_late_written_decision_on_the_field_that_fixes_it():
    decision = _decision(valid_from=MONDAY + 2 * DAY)
    cases = [
        ({"written_delivery": "post", "written_delivered_on": MONDAY, "told_orally_on": None}, "told_orally_on"),
        ({"written_delivery": "handed_over", "written_delivered_on": MONDAY + 3 * DAY, "told_orally_on": None},
         "written_delivered_on"),
        ({"written_delivery": "post", "written_delivered_on": MONDAY + DAY, "told_orally_on": MONDAY},
         "written_delivered_on"),
        ({"written_delivery": "post", "written_delivered_on": MONDAY - DAY, "told_orally_on": None},
         "written_delivered_on"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            rules.require_delivery_in_time(decision, today=MONDAY, days=DAYS, **kwargs)
        assert set(error.value.message_dict) == {field}, kwargs
    rules.require_delivery_in_time(decision, today=MONDAY, days=DAYS, written_delivery="post",
                                   written_delivered_on=MONDAY, told_orally_on=MONDAY)


def test_extension_window_opens_21_days_before_the_end_and_never_before_the_start():
    extended = _decision(valid_from=TODAY - 30 * DAY, valid_to=TODAY + 21 * DAY)
    with pytest.raises(ValidationError) as error:
        rules.require_extension_window(extended, TODAY, 21)
    assert error.value.code == "extension_too_early"
    rules.require_extension_window(extended, TODAY + DAY, 21)
    not_started = _decision(valid_from=TODAY + DAY, valid_to=TODAY + 10 * DAY)
    with pytest.raises(ValidationError):
        rules.require_extension_window(not_started, TODAY, 21)


def test_copied_from_extended_compares_normalised_text_across_fields():
    extended = _decision()
    extension = _decision(extension_assessment=extended.clear_need.upper() + "!!",
                          risk_of_repetition="Ny trussel 3. mars viser at risikoen består.")
    copied = rules.copied_from_extended(extension, extended)
    assert "risk_of_repetition" not in copied
    assert {"extension_assessment", "case_informed"} <= set(copied)
    assert "extension_own_assessment" in _keys(rules.missing(
        rules.checklist(extension, facts=FACTS, channels=CHANNELS, today=TODAY, contact=CONTACT, extended=extended)))


def test_a_second_decision_of_the_same_restriction_running_on_is_refused():
    decision = _decision(Kind.FYUS, valid_from=TODAY + 10 * DAY)
    other = rules.Period("US-2025-00009", Kind.FTUS, TODAY - 20 * DAY, TODAY + 9 * DAY)
    with pytest.raises(ValidationError) as error:
        rules.require_not_a_second_decision(decision, [other], 21)
    assert error.value.code == "second_decision"
    rules.require_not_a_second_decision(decision, [rules.Period("US-1", Kind.TFUS, TODAY, TODAY + 9 * DAY)], 21)
    rules.require_not_a_second_decision(decision, [rules.Period("US-2", Kind.FYUS, TODAY, TODAY + 8 * DAY)], 21)


def test_postal_lines_prefer_the_typed_address_and_need_a_whole_register_address():
    citizen = SimpleNamespace(address="Testveien 1", postal_code="0150", postal_city="OSLO")
    assert rules.postal_lines(_decision(), citizen) == ["Testveien 1", "0150 OSLO"]
    assert rules.postal_lines(_decision(postal_address="Postboks 1\n0101 Oslo\n"), citizen) == [
        "Postboks 1", "0101 Oslo"]
    citizen.postal_code = ""
    with pytest.raises(ValidationError) as error:
        rules.require_postal_address(_decision(), citizen, "written_delivery")
    assert "written_delivery" in error.value.message_dict


def test_acting_reason_is_asked_of_the_acting_head_only():
    rules.require_acting_reason("head", "", "")
    with pytest.raises(ValidationError):
        rules.require_acting_reason("acting", "", "")
    with pytest.raises(ValidationError):
        rules.require_acting_reason("acting", "other", "  ")
    rules.require_acting_reason("acting", "head_absent", "")


def test_signer_employer_is_recorded_or_the_state_outside_nav_offices():
    office, centre = _unit(), _unit(unit_type=UnitType.KONTAKTSENTER)
    assert rules.signer_employer(["", "municipality"], office) == "municipality"
    assert rules.signer_employer([""], office) == ""
    assert rules.signer_employer([], centre) == "state"
    with pytest.raises(ValidationError) as error:
        rules.require_employer_known("", office)
    assert error.value.code == "employer_unknown"
