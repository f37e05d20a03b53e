"""A breach receipt is read only by the unit that registered it and the decision's unit."""

import pytest
from django.urls import reverse
from django.utils import timezone

from nav_sikkerhet.core.models import Role
from tests.factories import UnitFactory, staff_member
from utestenging import services
from utestenging.models import BreachChannel

from .factories import signed_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(leader, unit, citizen):
    desk, elsewhere = UnitFactory(number="0315", name="NAV Grünerløkka"), UnitFactory(number="0328", name="NAV Grorud")
    decision = signed_decision(signed_by=leader, unit=unit, citizen=citizen)
    decision.covered_units.add(desk, elsewhere)
    reception = staff_member(Role.MOTTAK, desk)
    breach = services.breach_register(
        by=reception, decision_id=decision.pk, occurred_at=timezone.now(), channel=BreachChannel.IN_PERSON,
        description="Kom til skranken likevel.", asked_to_leave=True, police_called=False,
    )
    return {"breach": breach, "desk": desk, "elsewhere": elsewhere, "reception": reception}


def _receipt(client, user, breach):
    client.force_login(user)
    return client.get(reverse("mottak:breach_done", args=[breach.public_id])).status_code


def test_the_registering_unit_and_the_deciding_unit_read_the_receipt(client, setting, leader):
    breach = setting["breach"]
    assert breach.unit == setting["desk"]
    assert _receipt(client, setting["reception"], breach) == 200
    assert _receipt(client, staff_member(Role.MOTTAK, setting["desk"]), breach) == 200
    assert _receipt(client, leader, breach) == 200


def test_another_covered_units_desk_does_not(client, setting):
    """It may register a breach of the same decision, but this receipt is not its own."""
    other_desk = staff_member(Role.MOTTAK, setting["elsewhere"])
    assert _receipt(client, other_desk, setting["breach"]) == 404
    client.force_login(other_desk)
    response = client.post(reverse("mottak:breach_incident", args=[setting["breach"].public_id]))
    assert response.status_code == 404
