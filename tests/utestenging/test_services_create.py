"""decision_create: a caseworker or leader opens a draft in their own unit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from utestenging import services
from utestenging.models import Decision, EventKind, Kind, Status

pytestmark = pytest.mark.django_db


def test_caseworker_opens_a_draft_without_a_responsible_leader(caseworker, citizen, unit, assert_recorded):
    decision = services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind=Kind.FYUS)
    decision.refresh_from_db()
    assert (decision.status, decision.kind, decision.citizen, decision.unit) == (
        Status.DRAFT, Kind.FYUS, citizen, unit,
    )
    assert decision.created_by == caseworker
    assert decision.responsible_leader is None
    assert list(decision.covered_units.all()) == [unit]
    assert_recorded(decision, EventKind.CREATED, caseworker)


def test_leader_who_opens_a_case_becomes_its_responsible_leader(leader, citizen, unit):
    decision = services.decision_create(by=leader, citizen=citizen, unit=unit, kind=Kind.TFUS)
    assert decision.responsible_leader == leader


def test_reception_may_not_open_a_case(reception, citizen, unit):
    with pytest.raises(PermissionDenied) as info:
        services.decision_create(by=reception, citizen=citizen, unit=unit, kind=Kind.FYUS)
    assert str(info.value) == gettext("You may not prepare decisions in this unit.")
    assert not Decision.objects.exists()


def test_leader_of_another_unit_may_not_open_a_case_in_this_unit(other_leader, citizen, unit):
    with pytest.raises(PermissionDenied):
        services.decision_create(by=other_leader, citizen=citizen, unit=unit, kind=Kind.FYUS)
    assert not Decision.objects.exists()


def test_an_unknown_kind_of_measure_is_refused(caseworker, citizen, unit):
    with pytest.raises(ValidationError) as info:
        services.decision_create(by=caseworker, citizen=citizen, unit=unit, kind="XYUS")
    assert "kind" in info.value.message_dict
    assert not Decision.objects.exists()
