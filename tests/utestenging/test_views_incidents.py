"""Decisions and registered incidents: a proposal opens a pre-filled draft, facts are picked from incidents."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from hendelser.models import Perpetrator
from nav_sikkerhet.core.models import AuditLogEntry
from utestenging import services
from utestenging.models import Decision, Fact, Kind

from ..factories import CitizenFactory
from ..hendelser.factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(unit, citizen, caseworker):
    return IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen, registered_by=caseworker,
                           description="Slo i skranken og truet veileder.")


def test_a_proposal_opens_a_draft_with_the_citizen_and_the_incident_as_a_fact(client, leader, incident):
    client.force_login(leader)
    url = reverse("utestenging:create") + f"?hendelse={incident.public_id}&type=FYUS"

    page = client.get(url)
    assert page.status_code == 200
    assert incident.citizen.name in page.content.decode()
    assert page.context["form"].initial["kind"] == "FYUS"
    assert AuditLogEntry.objects.filter(action="decision.create_from_incident", citizen=incident.citizen).exists()

    response = client.post(url, {"kind": Kind.FYUS})

    decision = Decision.objects.get()
    assert response.status_code == 302
    assert (decision.citizen, decision.unit, decision.kind) == (incident.citizen, incident.unit, Kind.FYUS)
    [fact] = decision.facts.all()
    assert fact.incident == incident and fact.description == incident.description


def test_a_proposal_about_another_unit_or_an_unknown_person_answers_404(client, leader, other_unit, citizen):
    elsewhere = IncidentFactory(unit=other_unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen)
    anonymous = IncidentFactory(unit=leader.role_assignments.get().unit)
    client.force_login(leader)
    for incident in (elsewhere, anonymous):
        url = reverse("utestenging:create") + f"?hendelse={incident.public_id}&type=FYUS"
        assert client.get(url).status_code == 404
    assert client.get(reverse("utestenging:create") + "?hendelse=not-a-uuid").status_code == 404


def test_facts_are_picked_from_the_citizens_incidents_and_the_page_links_them(client, caseworker, draft, incident):
    client.force_login(caseworker)
    url = reverse("utestenging:edit", args=[draft.public_id, "grunnlag"])
    page = client.get(url)
    assert incident in page.context["pick"].fields["add_incidents"].queryset

    response = client.post(url, {
        "kind": draft.kind, "grounds": ["threats"],
        "facts-TOTAL_FORMS": "1", "facts-INITIAL_FORMS": "0", "facts-MIN_NUM_FORMS": "0", "facts-MAX_NUM_FORMS": "1000",
        "warnings-TOTAL_FORMS": "1", "warnings-INITIAL_FORMS": "0", "warnings-MIN_NUM_FORMS": "0",
        "warnings-MAX_NUM_FORMS": "1000", "pick-add_incidents": [incident.pk], "save": "1",
    })

    assert response.status_code == 302
    [fact] = Fact.objects.filter(decision=draft)
    assert fact.incident == incident
    detail = client.get(reverse("utestenging:detail", args=[draft.public_id])).content.decode()
    assert reverse("hendelser:detail", args=[incident.public_id]) in detail
    # Saving the step again keeps the link (the hidden field carries it through the formset).
    client.post(url, {
        "kind": draft.kind, "grounds": ["threats"],
        "facts-TOTAL_FORMS": "1", "facts-INITIAL_FORMS": "1", "facts-MIN_NUM_FORMS": "0", "facts-MAX_NUM_FORMS": "1000",
        "facts-0-occurred_on": fact.occurred_on.isoformat(), "facts-0-description": "Omskrevet til du-form.",
        "facts-0-incident": incident.pk,
        "warnings-TOTAL_FORMS": "1", "warnings-INITIAL_FORMS": "0", "warnings-MIN_NUM_FORMS": "0",
        "warnings-MAX_NUM_FORMS": "1000", "save": "1",
    })
    [fact] = Fact.objects.filter(decision=draft)
    assert (fact.incident, fact.description) == (incident, "Omskrevet til du-form.")


def test_an_incident_about_someone_else_cannot_be_a_fact(caseworker, draft, unit):
    other = IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=CitizenFactory())
    with translation.override("en"), pytest.raises(ValidationError, match="not an incident about this citizen"):
        services.decision_update(by=caseworker, decision_id=draft.pk, facts=[
            {"occurred_on": other.occurred_at.date(), "description": "x", "incident": other}])
    assert not Fact.objects.exists()
