"""decision_update: change a case under preparation; facts and channels replaced as a whole, new warnings
recorded as the citizen's."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from hendelser.models import WarningForm
from nav_sikkerhet.core.models import Role, UnitType
from utestenging import services
from utestenging.models import (
    ChannelKind,
    EventKind,
    Ground,
    Kind,
    Scope,
    Status,
)

from ..factories import UnitFactory
from .factories import ChannelFactory, FactFactory, complete_decision, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_caseworker_saves_assessments_facts_warnings_and_channels(draft, caseworker, today, assert_recorded):
    decision = services.decision_update(
        by=caseworker,
        decision_id=draft.pk,
        grounds=[Ground.THREATS],
        risk_of_repetition="Truslene er gjentatt tre ganger siden mars.",
        valid_from=today,
        valid_to=today + 27 * DAY,
        facts=[{"occurred_on": today - 3 * DAY, "description": "Truet vekter med kniv."}],
        new_warnings=[{"given_on": today - 30 * DAY, "form": WarningForm.WRITTEN, "note": "Brev."}],
        channels=[{"channel": ChannelKind.WRITTEN, "address": "Postboks 1, 0101 Oslo"}],
    )
    decision.refresh_from_db()
    assert decision.grounds == [Ground.THREATS]
    assert decision.risk_of_repetition == "Truslene er gjentatt tre ganger siden mars."
    assert (decision.valid_from, decision.valid_to) == (today, today + 27 * DAY)
    assert [f.description for f in decision.facts.all()] == ["Truet vekter med kniv."]
    assert [w.form for w in decision.citizen.warnings.all()] == [WarningForm.WRITTEN]
    assert [c.address for c in decision.channels.all()] == ["Postboks 1, 0101 Oslo"]
    assert decision.facts.get().history.first().history_user == caseworker
    assert_recorded(decision, EventKind.UPDATED, caseworker)


def test_rows_given_replace_the_old_ones_and_rows_not_given_are_kept(draft, caseworker, today):
    FactFactory(decision=draft, description="Gammel hendelse")
    ChannelFactory(decision=draft)
    services.decision_update(
        by=caseworker, decision_id=draft.pk, facts=[{"occurred_on": today, "description": "Ny hendelse i mottaket"}]
    )
    assert [f.description for f in draft.facts.all()] == ["Ny hendelse i mottaket"]
    assert draft.channels.count() == 1
    services.decision_update(by=caseworker, decision_id=draft.pk, channels=[])
    assert not draft.channels.exists()


def test_an_invalid_row_saves_nothing(draft, caseworker, today):
    FactFactory(decision=draft, description="Gammel hendelse")
    with pytest.raises(ValidationError) as info:
        services.decision_update(
            by=caseworker,
            decision_id=draft.pk,
            case_informed="Endret etter en ny samtale med vekterne.",
            facts=[{"occurred_on": today + DAY, "description": "Det skjer i morgen."}],
        )
    assert "occurred_on" in info.value.message_dict
    draft.refresh_from_db()
    assert draft.case_informed == ""
    assert [f.description for f in draft.facts.all()] == ["Gammel hendelse"]


def test_a_channel_without_its_details_is_refused(draft, caseworker):
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, channels=[{"channel": ChannelKind.MEETING}])
    # A meeting needs when, and where: a NAV unit from the list or an address outside NAV.
    assert set(info.value.message_dict) == {"address", "times"}
    assert not draft.channels.exists()


def test_update_refused_when_period_exceeds_twelve_weeks(draft, caseworker, today):
    with translation.override("nb"):
        with pytest.raises(ValidationError) as info:
            services.decision_update(by=caseworker, decision_id=draft.pk, valid_from=today, valid_to=today + 84 * DAY)
        expected = gettext("The period may be at most 12 weeks: the last day can be no later than %(last)s.") % {
            "last": (today + 83 * DAY).strftime("%d.%m.%Y")
        }
    assert info.value.message_dict == {"valid_to": [expected]}
    draft.refresh_from_db()
    assert draft.valid_to is None


def test_update_refused_when_period_ends_before_it_starts(draft, caseworker, today):
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, valid_from=today, valid_to=today - DAY)
    assert info.value.message_dict == {"valid_to": [gettext("The end date cannot be before the start date.")]}


def test_phone_grounds_are_refused_on_a_physical_exclusion(draft, caseworker):
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, grounds=[Ground.PHONE_HARASSMENT])
    assert set(info.value.message_dict) == {"grounds"}


def test_responsible_leader_must_lead_the_unit(draft, caseworker, acting_leader):
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, responsible_leader=caseworker)
    assert info.value.message_dict == {
        "responsible_leader": [gettext("Choose the unit's leader or acting leader.")]
    }
    services.decision_update(by=caseworker, decision_id=draft.pk, responsible_leader=acting_leader)
    draft.refresh_from_db()
    assert draft.responsible_leader == acting_leader


def test_leader_of_another_unit_cannot_be_responsible_leader(draft, caseworker, other_leader):
    with pytest.raises(ValidationError):
        services.decision_update(by=caseworker, decision_id=draft.pk, responsible_leader=other_leader)


def test_municipality_scope_covers_the_other_nav_offices_in_the_municipality(draft, caseworker, unit, other_unit):
    grunerlokka = UnitFactory(number="0315", municipality_number=unit.municipality_number)
    closed = UnitFactory(number="0316", municipality_number=unit.municipality_number, is_active=False)
    services.decision_update(by=caseworker, decision_id=draft.pk, scope=Scope.MUNICIPALITY)
    assert list(draft.covered_units.all()) == [unit, grunerlokka]
    assert closed not in draft.covered_units.all() and other_unit not in draft.covered_units.all()
    services.decision_update(by=caseworker, decision_id=draft.pk, scope=Scope.UNIT)
    assert list(draft.covered_units.all()) == [unit]


def test_a_contact_centre_cannot_cover_the_municipalitys_offices(staff_with_role, citizen):
    centre = UnitFactory(number="4151", unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter")
    adviser = staff_with_role(Role.ENHETSLEDER, centre)
    decision = services.decision_create(by=adviser, citizen=citizen, unit=centre, kind=Kind.TFUS)
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=adviser, decision_id=decision.pk, scope=Scope.MUNICIPALITY)
    assert set(info.value.message_dict) == {"scope"}
    decision.refresh_from_db()
    assert decision.scope == Scope.UNIT


def test_a_contact_centre_may_cover_its_result_area(staff_with_role, citizen):
    centre = UnitFactory(number="4151", unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter")
    sister = UnitFactory(number="4152", unit_type=UnitType.KONTAKTSENTER, result_area="NAV Kontaktsenter",
                         municipality_number="4601")
    leader = staff_with_role(Role.ENHETSLEDER, centre)
    decision = services.decision_create(by=leader, citizen=citizen, unit=centre, kind=Kind.TFUS)
    services.decision_update(by=leader, decision_id=decision.pk, scope=Scope.RESULT_AREA)
    assert list(decision.covered_units.all()) == [centre, sister]


def test_a_nav_office_cannot_cover_every_nav_office_in_the_country(draft, caseworker, other_unit):
    """NAV offices share one result area nationwide; §4 only lets them share within the municipality."""
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=draft.pk, scope=Scope.RESULT_AREA)
    assert set(info.value.message_dict) == {"scope"}
    assert other_unit not in draft.covered_units.all()


def test_reception_may_not_edit(draft, reception):
    with pytest.raises(PermissionDenied):
        services.decision_update(by=reception, decision_id=draft.pk, case_informed="Nei")
    draft.refresh_from_db()
    assert draft.case_informed == ""


def test_leader_of_another_unit_may_not_edit(draft, other_leader):
    with pytest.raises(PermissionDenied):
        services.decision_update(by=other_leader, decision_id=draft.pk, case_informed="Nei")
    draft.refresh_from_db()
    assert draft.case_informed == ""


@pytest.mark.parametrize("status", [Status.SIGNED, Status.ACTIVE, Status.EXPIRED, Status.LIFTED])
def test_a_signed_decision_cannot_be_edited_only_lifted_or_extended(
    unit, citizen, caseworker, leader, today, status
):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader, status=status,
                               lifted_on=today if status == Status.LIFTED else None)
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=leader, decision_id=decision.pk, valid_to=decision.valid_to + 30 * DAY)
    assert info.value.code == "locked"
    assert info.value.messages == [
        gettext("A signed or closed decision cannot be changed; it can be lifted or extended.")
    ]
    decision.refresh_from_db()
    assert decision.valid_to == today + 27 * DAY


def test_a_dropped_case_cannot_be_edited(ready, caseworker):
    ready.status = Status.DROPPED
    ready.save()
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=ready.pk, case_informed="Endret")
    assert info.value.code == "locked"


def test_status_and_signature_cannot_be_set_through_an_update(ready, leader):
    with pytest.raises(ValueError, match="status"):
        services.decision_update(by=leader, decision_id=ready.pk, status=Status.ACTIVE, signed_by=leader)
    ready.refresh_from_db()
    assert ready.status == Status.READY


def test_an_extension_must_start_the_day_after_the_extended_decision(active, unit, citizen, caseworker, leader):
    extension = complete_decision(
        unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader, status=Status.DRAFT,
        extends=active, valid_from=active.valid_to + DAY, valid_to=active.valid_to + 28 * DAY,
    )
    with pytest.raises(ValidationError) as info:
        services.decision_update(by=caseworker, decision_id=extension.pk, valid_from=active.valid_to + 2 * DAY)
    assert set(info.value.message_dict) == {"valid_from"}
    extension.refresh_from_db()
    assert extension.valid_from == active.valid_to + DAY


def test_replaced_rows_are_recorded_as_deleted_by_the_acting_user(draft, caseworker, today):
    old = FactFactory(decision=draft, description="Gammel hendelse")
    services.decision_update(
        by=caseworker, decision_id=draft.pk, facts=[{"occurred_on": today, "description": "Ny hendelse i mottaket"}]
    )
    deleted = old.history.model.objects.get(id=old.pk, history_type="-")
    assert deleted.history_user == caseworker
