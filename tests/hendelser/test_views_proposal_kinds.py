"""The pages that carry out each kind of proposal: a draft of its kind from the incident, or the warning registered
from it; a draft of another kind, a second warning and a hand outcome are refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hendelser import services
from hendelser.models import PROPOSAL_DECISION_KINDS, CitizenWarning, Perpetrator, Proposal, ProposalKind
from utestenging.models import Decision

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(unit, citizen):
    return IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen)


def _detail(client, incident):
    return client.get(reverse("hendelser:detail", args=[incident.public_id]))


@pytest.mark.parametrize("kind", list(PROPOSAL_DECISION_KINDS))
def test_every_proposed_measure_opens_a_draft_of_its_kind_linked_to_it(client, incident, hms, leader, kind):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=kind)
    client.force_login(leader)
    [(_, url)] = _detail(client, incident).context["decision_links"]
    code = PROPOSAL_DECISION_KINDS[kind][0]
    assert f"type={code}" in url
    assert client.post(url, {"kind": code}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.decision.kind, proposal.decision.citizen) == (code, incident.citizen)
    assert _detail(client, incident).context["decision_links"] == []


def test_a_draft_of_another_kind_from_the_proposal_is_a_form_error_and_opens_nothing(client, incident, hms, leader):
    services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.TWO_IN_MEETING)
    client.force_login(leader)
    [(_, url)] = _detail(client, incident).context["decision_links"]
    response = client.post(url, {"kind": "FYUS"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Decision.objects.exists()
    assert Proposal.objects.get().decision is None


@pytest.mark.parametrize("kind", [ProposalKind.WARNING_ORAL, ProposalKind.WARNING_WRITTEN])
def test_a_proposed_warning_is_registered_from_the_incident_page(client, incident, hms, leader, kind):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=kind)
    client.force_login(leader)
    page = _detail(client, incident)
    url = reverse("hendelser:proposal_warning", args=[incident.public_id, proposal.pk])
    assert page.context["decision_links"] == [] and [u for _, u in page.context["warning_links"]] == [url]
    response = client.post(url, {"given_on": "", "given_by": "", "note": ""})
    assert response.status_code == 200 and "given_on" in response.context["form"].errors
    response = client.post(url, {"given_on": timezone.localdate().isoformat(), "given_by": "Sara Saksbehandler",
                                 "note": "Gjentatte trusler kan føre til utestengelse."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.warning == CitizenWarning.objects.get() and proposal.current_outcome
    page = _detail(client, incident)
    assert page.context["warning_links"] == [] and "Advarsel gitt" in page.content.decode()
    # The same form again is refused with a message, and no second warning is registered.
    response = client.post(url, {"given_on": timezone.localdate().isoformat(), "given_by": "x"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert CitizenWarning.objects.count() == 1


def test_the_warning_page_is_not_found_for_other_kinds_and_other_people(client, incident, hms, other_leader):
    toan = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.TWO_IN_MEETING)
    oral = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_ORAL)
    client.force_login(hms)
    assert client.get(reverse("hendelser:proposal_warning", args=[incident.public_id, toan.pk])).status_code == 404
    client.force_login(other_leader)
    assert client.get(reverse("hendelser:proposal_warning", args=[incident.public_id, oral.pk])).status_code == 404


def test_the_outcome_form_offers_only_rejection_for_a_measure_aimed_at_the_person(client, incident, hms, leader):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.CHANGE_CASEWORKER)
    client.force_login(leader)
    url = reverse("hendelser:proposal_outcome", args=[incident.public_id, proposal.pk])
    assert [value for value, _ in client.get(url).context["form"].fields["outcome"].choices] == ["rejected"]
    response = client.post(url, {"outcome": "signed", "reason": "Ny veileder er satt."})
    assert response.status_code == 200 and "outcome" in response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.outcome == ""
