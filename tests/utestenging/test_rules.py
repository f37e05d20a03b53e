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
