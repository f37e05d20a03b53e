"""The innsyn export of a unit covers only what the unit holds; a look-up of its own is not holding anything."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from hendelser.models import Category, Perpetrator
from nav_sikkerhet.core import services
from nav_sikkerhet.core.models import AuditLogEntry, Role
from tests.factories import UnitFactory
from tests.hendelser.factories import IncidentFactory
from tests.utestenging.factories import signed_decision
from tests.utestenging.letter_builders import pdf_text

pytestmark = pytest.mark.django_db

EXPORT = reverse("core:citizen_export")
REQUEST = {"requested_by": "Advokat Berg", "requested_on": "2026-01-05", "reference": "2026/4711"}


def _export(client, citizen, fmt="json"):
    return client.post(EXPORT, {"personident": citizen.personident, "format": fmt, **REQUEST})


@pytest.fixture
def other_leader(staff_with_role, other_unit):
    return staff_with_role(Role.ENHETSLEDER, other_unit, username="annen_leder")


def test_own_look_up_lines_are_not_holding_something(client, leader, unit, other_leader, citizen):
    signed_decision(signed_by=leader, unit=unit, citizen=citizen)
    # The other head once looked the person up: that line is in their own scope, but it is no case.
    services.audit_log_record(actor=other_leader, citizen=citizen, action="lookup.view", message="Slått opp")
    client.force_login(other_leader)
    response = _export(client, citizen)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    with translation.override("nb"):
        assert response.context["form"].errors["personident"] == [
            "Det er ikke registrert noen opplysninger om dette fødselsnummeret i enhetene du svarer for."
        ]
    assert citizen.name not in response.content.decode()
    assert not AuditLogEntry.objects.filter(actor=other_leader, action="innsyn.export").exists()


def test_privacy_officer_still_gets_the_complete_export(client, staff_with_role, leader, unit, citizen):
    officer = staff_with_role(Role.PERSONVERN, UnitFactory(number="5701", region="Trøndelag"), username="pv")
    services.audit_log_record(actor=leader, citizen=citizen, action="lookup.view", message="Slått opp")
    client.force_login(officer)
    response = _export(client, citizen)
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["sections"][0]["items"][0]["name"] == citizen.name


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_an_incident_with_several_categories_exports(client, leader, unit, citizen, fmt):
    IncidentFactory(unit=unit, citizen=citizen, perpetrator=Perpetrator.CITIZEN,
                    other_categories=[Category.VERBAL, Category.HATE_SPEECH])
    client.force_login(leader)
    with translation.override("nb"):
        response = _export(client, citizen, fmt)
        assert response.status_code == 200
        text = response.content.decode() if fmt == "json" else pdf_text(response.content)
        assert "Verbal" in text or "verbal" in text
        assert str(Category.HATE_SPEECH.label) in text
