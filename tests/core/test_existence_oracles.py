"""No existence oracles: every path that turns an identity number or a name into a person shares one throttle,
and the forms answer a registered and an unknown number alike until they save."""

import datetime

import pytest
from django.urls import reverse

from hendelser.models import Incident, Perpetrator
from nav_sikkerhet.core.identity import generate_synthetic
from nav_sikkerhet.core.models import AuditLogEntry, Role
from tests.hendelser.factories import IncidentFactory
from tests.hendelser.test_views import _registration
from tests.utestenging.factories import signed_decision
from utestenging.models import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(staff_with_role, unit):
    return staff_with_role(Role.ENHETSLEDER, unit, username="leder_oracle")


@pytest.fixture
def unknown(settings):
    settings.ALLOW_TEST_IDENTS = True
    return generate_synthetic(datetime.date(1979, 3, 4), 321)


def _look_up(client, citizen):
    return client.post(reverse("mottak:search"), {"search": "ident", "personident": citizen.personident})


def _new_case(client, unit, number, name="Ola Nordmann"):
    return client.post(reverse("utestenging:create"), {
        "unit": unit.pk, "kind": Kind.FYUS, "personident": number, "name": name, "preferred_language": "nb",
    })


def _new_incident(client, unit, number, **extra):
    data = _registration(unit, perpetrator=Perpetrator.CITIZEN, personident=number, **extra)
    return client.post(reverse("hendelser:create"), data)


def test_every_identity_path_counts_against_one_throttle(client, head, unit, citizen, settings):
    decision = signed_decision(signed_by=head, unit=unit, citizen=citizen)
    settings.LOOKUP_RATE = "2/d"  # a day's window: no new window opens while the test runs
    client.force_login(head)
    assert [_look_up(client, citizen).status_code for _ in range(2)] == [200, 200]
    refused = {
        "new case": _new_case(client, unit, citizen.personident),
        "new case for a chosen person": client.get(f"{reverse('utestenging:create')}?person={citizen.public_id}"),
        "incident": _new_incident(client, unit, citizen.personident, person_name=citizen.name),
        "breach": client.get(reverse("mottak:breach", args=[decision.public_id])),
        "reception": _look_up(client, citizen),
        "access report": client.post(reverse("core:access_report"), {
            "personident": citizen.personident, "date_from": "2020-01-01", "date_to": "2030-01-01"}),
        "innsyn export": client.post(reverse("core:citizen_export"), {
            "personident": citizen.personident, "format": "json", "requested_by": "Brukeren",
            "requested_on": "2026-01-05", "reference": "2026/1"}),
    }
    assert {path: response.status_code for path, response in refused.items()} == dict.fromkeys(refused, 429)
    # Nothing beyond what was typed: the incident form keeps the name its user typed, the others show none.
    assert [path for path, response in refused.items() if citizen.name in response.content.decode()] == ["incident"]
    assert not Incident.objects.exists()
    assert AuditLogEntry.objects.filter(action="lookup.throttled").count() == len(refused)


def test_incident_form_answers_a_missing_name_alike_for_registered_and_unknown(client, head, unit, citizen, unknown):
    client.force_login(head)
    answers = []
    for number in (citizen.personident, unknown):
        response = _new_incident(client, unit, number)
        assert response.status_code == 200
        answers.append(response.context["form"].errors)
    assert answers[0] == answers[1] and "person_name" in answers[0]
    assert not Incident.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_a_person_confirmed_by_registration_is_audited(client, head, unit, citizen):
    client.force_login(head)
    response = _new_incident(client, unit, "", person_name=citizen.name,
                             person_birth_date=citizen.birth_date.isoformat())
    assert response.status_code == 302
    incident = Incident.objects.get(citizen=citizen)
    [line] = AuditLogEntry.objects.filter(citizen=citizen)
    assert (line.actor, line.action) == (head, "incident.person_identified")
    assert incident.reference in line.message


def test_incident_edit_page_writes_no_audit_line_as_it_does_not_show_the_person(client, head, unit, citizen):
    incident = IncidentFactory(unit=unit, citizen=citizen, perpetrator=Perpetrator.CITIZEN, registered_by=head)
    client.force_login(head)
    response = client.get(reverse("hendelser:edit", args=[incident.public_id]))
    assert response.status_code == 200
    assert citizen.name not in response.content.decode()
    assert citizen.personident not in response.content.decode()
    assert not AuditLogEntry.objects.exists()
