"""decision_start_extension: a new draft that extends a decision, with its own assessment (§5)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from hendelser import selectors as incident_selectors
from hendelser.models import WarningForm
from utestenging import services
from utestenging.models import Decision, EventKind, Status

from .factories import ASSESSMENTS, EXTENSION_ASSESSMENT, WarningFactory, alternative_rows, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def active(unit, citizen, caseworker, leader, today):
    """A decision in force since ten days and ending in 18: in its last 21 days, when an extension is assessed."""
    return signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                           valid_from=today - 10 * DAY)


def _extend(decision, by):
    return services.decision_start_extension(by=by, decision_id=decision.pk)


def _codes(error):
    return [e.code for e in error.error_list]


def test_extension_starts_the_day_after_and_carries_over_facts_channels_and_scope(active, caseworker):
    WarningFactory(decision=active, form=WarningForm.ORAL)
    new = _extend(active, caseworker)
    new.refresh_from_db()
    assert (new.status, new.extends, new.citizen, new.unit, new.kind) == (
        Status.DRAFT, active, active.citizen, active.unit, active.kind,
    )
    assert (new.valid_from, new.valid_to) == (active.valid_to + DAY, None)
    assert (new.scope, new.grounds, new.responsible_leader) == (active.scope, active.grounds,
                                                                  active.responsible_leader)
    assert [f.description for f in new.facts.all()] == [f.description for f in active.facts.all()]
    assert [c.phone for c in new.channels.all()] == [c.phone for c in active.channels.all()]
    # Warnings are the citizen's: the extension shows the same ones, nothing is copied.
    assert [w.form for w in incident_selectors.warnings_of(citizen_id=new.citizen_id)] == [WarningForm.ORAL]
    assert list(new.covered_units.all()) == [active.unit]
    assert active.facts.count() == 1  # copied, not moved


def test_extension_is_recorded_on_both_timelines(active, caseworker, assert_recorded):
    new = _extend(active, caseworker)
    assert_recorded(new, EventKind.CREATED, caseworker)
    assert active.case_number in new.events.get().text
    old_event = active.events.get(kind=EventKind.EXTENSION_STARTED)
    assert (old_event.actor, old_event.text) == (caseworker, new.case_number)


def test_extension_needs_its_own_assessments(active, caseworker):
    new = _extend(active, caseworker)
    for field in ("case_informed", "risk_of_repetition", "duration_assessment", "extension_assessment"):
        assert getattr(new, field) == ""
    with pytest.raises(ValidationError) as info:
        services.decision_mark_ready(by=caseworker, decision_id=new.pk)
    assert {"extension_assessment", "case_informed", "notice", "period"} <= set(_codes(info.value))


def test_extension_is_prepared_and_signed_and_takes_over_when_the_old_one_expires(active, caseworker, leader):
    new = _extend(active, caseworker)
    services.decision_update(
        by=caseworker, decision_id=new.pk, valid_to=new.valid_from + 27 * DAY,
        # Each assessment made anew, in words of its own.
        **{field: f"Vurdert på nytt for forlengelsen: {text}" for field, text in ASSESSMENTS.items()},
        **EXTENSION_ASSESSMENT,
        alternative_assessments=alternative_rows(),
    )
    services.decision_notice_not_possible(by=caseworker, decision_id=new.pk, kind="other",
                                          reason="Bruker nekter å motta post fra NAV.")
    services.decision_mark_ready(by=caseworker, decision_id=new.pk)
    services.decision_sign(by=leader, decision_id=new.pk, written_delivery="post", other_measures_acknowledged=True)
    new.refresh_from_db()
    assert new.status == Status.SIGNED
    day_after = active.valid_to + DAY
    services.decision_refresh_status(decision_id=active.pk, today=day_after)
    services.decision_refresh_status(decision_id=new.pk, today=day_after)
    active.refresh_from_db()
    new.refresh_from_db()
    assert (active.status, new.status) == (Status.EXPIRED, Status.ACTIVE)


def test_an_extension_cannot_be_started_twice(active, caseworker):
    _extend(active, caseworker)
    with pytest.raises(ValidationError) as info:
        _extend(active, caseworker)
    assert info.value.code == "duplicate"
    assert active.extensions.count() == 1


def test_a_new_extension_may_be_started_after_the_first_was_closed(active, caseworker, leader):
    first = _extend(active, caseworker)
    services.decision_drop(by=leader, decision_id=first.pk, reason="Feil periode.")
    second = _extend(active, caseworker)
    assert set(active.extensions.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_an_extension_cannot_be_started_after_the_old_decision_ended(active, caseworker):
    with freeze_time(active.valid_to + DAY), pytest.raises(ValidationError) as info:
        _extend(active, caseworker)
    assert info.value.code == "ended"
    assert not active.extensions.exists()


def test_an_extension_can_be_started_on_the_last_day(active, caseworker):
    with freeze_time(active.valid_to):
        assert _extend(active, caseworker).valid_from == active.valid_to + DAY


@pytest.mark.parametrize("status", [Status.READY, Status.EXPIRED, Status.LIFTED])
def test_only_a_signed_or_active_decision_can_be_extended(active, caseworker, today, status):
    Decision.objects.filter(pk=active.pk).update(status=status, lifted_on=today if status == Status.LIFTED else None)
    with pytest.raises(ValidationError) as info:
        _extend(active, caseworker)
    assert info.value.code == "not_extendable"
    assert not active.extensions.exists()


def test_section_5_a_decision_not_yet_in_force_cannot_be_extended(unit, citizen, caseworker, leader, today):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               status=Status.SIGNED, valid_from=today + 7 * DAY, signed_on=today, days=7)
    with pytest.raises(ValidationError) as info:
        _extend(decision, caseworker)
    assert info.value.code == "extension_too_early"
    assert not decision.extensions.exists()


def test_section_5_an_extension_is_started_only_in_the_last_21_days(unit, citizen, caseworker, leader, today):
    decision = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                               valid_from=today - DAY, days=30)
    with pytest.raises(ValidationError) as info:
        _extend(decision, caseworker)
    assert info.value.code == "extension_too_early"
    assert "21" in info.value.messages[0]
    with freeze_time(decision.valid_to - 20 * DAY):
        assert _extend(decision, caseworker).extends == decision


def test_an_extension_keeps_the_representative_and_the_typed_address(active, caseworker):
    Decision.objects.filter(pk=active.pk).update(representative_name="Advokat Hansen",
                                                 representative_address="Storgata 1\n0155 Oslo",
                                                 postal_address="Postboks 9\n0101 Oslo")
    new = _extend(active, caseworker)
    assert (new.representative_name, new.postal_address) == ("Advokat Hansen", "Postboks 9\n0101 Oslo")


def test_reception_may_not_start_an_extension(active, reception):
    with pytest.raises(PermissionDenied):
        _extend(active, reception)
    assert not active.extensions.exists()


def test_leader_of_another_unit_may_not_start_an_extension(active, other_leader):
    with pytest.raises(PermissionDenied):
        _extend(active, other_leader)
    assert not active.extensions.exists()
