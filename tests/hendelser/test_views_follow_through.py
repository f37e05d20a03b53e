"""The follow-through pages: a typed perpetrator is never dropped, proposals and their outcome, reopening, the
police list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hendelser import services
from hendelser.models import Category, Channel, Employer, Incident, Perpetrator, Proposal, ProposalKind, Status

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _registration(unit, **changes):
    data = {
        "occurred_at": (timezone.localtime() - datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "unit": unit.pk, "channel": Channel.PHONE, "category": Category.THREAT,
        "description": "Innringer sa at han skulle komme og ta meg.", "injury": "1", "sick_leave": "no",
        "exposed_me": "on", "my_employer": Employer.STATE,
    }
    return {**data, **changes}


@pytest.mark.parametrize("perpetrator", [Perpetrator.UNKNOWN, Perpetrator.ANONYMOUS])
@pytest.mark.parametrize("typed", [
    {"personident": "13097248022"}, {"person_name": "Ola Nordmann"}, {"person_birth_date": "1972-09-13"},
])
def test_a_typed_perpetrator_with_not_known_is_a_form_error(client, unit, caseworker, perpetrator, typed):
    client.force_login(caseworker)
    response = client.post(reverse("hendelser:create"), _registration(unit, perpetrator=perpetrator, **typed))
    assert response.status_code == 200
    assert "perpetrator" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_not_known_with_nothing_typed_is_registered(client, unit, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("hendelser:create"), _registration(unit, perpetrator=Perpetrator.UNKNOWN))
    assert response.status_code == 302 and Incident.objects.get().perpetrator == Perpetrator.UNKNOWN


def test_the_review_proposes_a_measure_and_the_head_of_unit_rejects_it(client, unit, citizen, hms, leader):
    incident = IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen)
    client.force_login(hms)
    response = client.post(reverse("hendelser:propose", args=[incident.public_id]),
                           {"kind": ProposalKind.TWO_IN_MEETING, "description": "To ansatte i alle samtaler."})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    outcome_url = reverse("hendelser:proposal_outcome", args=[incident.public_id, proposal.pk])
    assert client.get(outcome_url).status_code == 404  # HMS reviews, but does not reject
    client.force_login(leader)
    assert outcome_url in client.get(reverse("hendelser:detail", args=[incident.public_id])).content.decode()
    response = client.post(outcome_url, {"outcome": "rejected", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(outcome_url, {"outcome": "rejected", "reason": "Saksbehandler byttes i stedet."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.current_outcome, proposal.outcome_by) == ("rejected", leader)


def test_a_draft_opened_from_the_proposal_is_linked_to_it(client, unit, citizen, hms, leader):
    incident = IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen)
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.EXCLUSION)
    client.force_login(leader)
    [(_, url)] = client.get(reverse("hendelser:detail", args=[incident.public_id])).context["decision_links"]
    assert str(proposal.public_id) in url
    assert client.post(url, {"kind": "FYUS"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision.citizen == citizen and proposal.decision.kind == "FYUS"
    assert client.get(reverse("hendelser:detail", args=[incident.public_id])).context["decision_links"] == []


def test_reopen_asks_for_a_reason_and_refuses_an_open_incident(client, unit, hms):
    incident = IncidentFactory(unit=unit, category=Category.VERBAL, status=Status.MEASURES_DECIDED)
    client.force_login(hms)
    url = reverse("hendelser:reopen", args=[incident.public_id])
    response = client.post(url, {"reason": "Ny informasjon."})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    incident.refresh_from_db()
    assert incident.status == Status.MEASURES_DECIDED
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED, lessons_learned="Lært.")
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    assert client.post(url, {"reason": "Politiet ba om mer informasjon."}).status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.reopened_reason) == (Status.UNDER_REVIEW, "Politiet ba om mer informasjon.")


def test_the_police_list_shows_reference_who_date_and_outcome(client, unit, other_unit, hms,
                                                             django_assert_max_num_queries):
    reported = IncidentFactory(unit=unit, police_reported=True, police_reported_on=timezone.localdate(),
                               police_reference="24-1234567", police_outcome="charged")
    IncidentFactory(unit=other_unit, police_reported=True, police_reported_on=timezone.localdate())
    IncidentFactory(unit=unit)
    client.force_login(hms)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("hendelser:police"))
    assert response.context["page"].incidents == [reported]
    assert "24-1234567" in response.content.decode()


def test_the_review_records_the_safety_representative(client, unit, hms):
    incident = IncidentFactory(unit=unit)
    client.force_login(hms)
    response = client.post(reverse("hendelser:review", args=[unit.number]), {
        "held_on": timezone.localdate().isoformat(), "attendees": "Hanne Hms, Vidar Verneombud",
        "safety_rep_present": "on", "notes": "", "incidents": [incident.pk],
    })
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.review_meeting.safety_rep_present
