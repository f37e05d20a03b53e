"""proposal_create, proposal_link_decision and proposal_conclude: a review's proposal is followed to an outcome."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hendelser import selectors, services
from hendelser.models import MeasureKind, Perpetrator, Proposal, ProposalKind, ProposalOutcome
from nav_sikkerhet.core.models import Reminder
from utestenging.models import Decision
from utestenging.models import Status as DecisionStatus

from ..utestenging.factories import DecisionFactory
from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(unit, citizen):
    return IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen)


def test_a_proposal_tells_those_who_prepare_decisions_at_once(incident, hms, leader, caseworker, safety_rep,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.DIGITAL_RESTRICTION,
                                            description="Bare digital kontakt.")
    told = set(Reminder.objects.filter(kind=services.PROPOSAL_REMINDER_KIND).values_list("recipient__username",
                                                                                            flat=True))
    assert told == {leader.username, caseworker.username}
    assert len(callbacks) == 2  # one e-mail each, queued after commit
    assert proposal.current_outcome == "" and proposal.incident.status == "measures_decided"


def test_a_proposal_aimed_at_the_person_needs_a_known_person(unit, hms):
    unknown = IncidentFactory(unit=unit)
    with pytest.raises(ValidationError):
        services.proposal_create(by=hms, incident_id=unknown.pk, kind=ProposalKind.WARNING_WRITTEN)
    proposal = services.proposal_create(by=hms, incident_id=unknown.pk, kind=ProposalKind.PREMISES_PROTECTION,
                                        description="Alarmknapp i samtalerommet.")
    assert proposal.kind == ProposalKind.PREMISES_PROTECTION


def test_proposing_exclusion_as_a_measure_is_tracked_too(incident, hms):
    services.measure_add(by=hms, incident_id=incident.pk, kind=MeasureKind.PROPOSE_EXCLUSION,
                         decided_on=timezone.localdate())
    assert [p.kind for p in selectors.proposals_of(incident)] == [ProposalKind.EXCLUSION]


def test_a_proposed_exclusion_ends_with_its_draft_signed_or_dropped(incident, hms, leader, caseworker):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.EXCLUSION)
    draft = DecisionFactory(citizen=incident.citizen, unit=incident.unit)
    services.proposal_link_decision(by=caseworker, proposal_id=proposal.pk, decision=draft)
    proposal.refresh_from_db()
    assert proposal.current_outcome == ""
    # With a draft open, the head of unit cannot reject it by hand: the draft decides.
    with pytest.raises(ValidationError):
        services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.REJECTED,
                                   reason="Ikke nødvendig.")
    for status, outcome in ((DecisionStatus.SIGNED, ProposalOutcome.SIGNED),
                            (DecisionStatus.DROPPED, ProposalOutcome.DROPPED)):
        proposal.decision.status = status
        assert proposal.current_outcome == outcome
    Decision.objects.filter(pk=draft.pk).update(status=DecisionStatus.DROPPED, closed_reason="Uttalelsen endret saken.")
    assert not selectors.without_outcome(Proposal.objects.filter(pk=proposal.pk)).exists()


def test_a_draft_about_someone_else_cannot_answer_the_proposal(incident, hms, caseworker, other_unit):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.EXCLUSION)
    for wrong in (DecisionFactory(unit=incident.unit), DecisionFactory(citizen=incident.citizen, unit=other_unit)):
        with pytest.raises(ValidationError):
            services.proposal_link_decision(by=caseworker, proposal_id=proposal.pk, decision=wrong)
    warning = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_ORAL)
    with pytest.raises(ValidationError):
        services.proposal_link_decision(by=caseworker, proposal_id=warning.pk,
                                        decision=DecisionFactory(citizen=incident.citizen, unit=incident.unit))


def test_only_the_head_of_unit_rejects_and_only_with_a_reason(incident, hms, leader, caseworker):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.EXCLUSION)
    for user in (hms, caseworker):
        with pytest.raises(PermissionDenied):
            services.proposal_conclude(by=user, proposal_id=proposal.pk, outcome=ProposalOutcome.REJECTED,
                                       reason="Ikke nødvendig nå.")
    with pytest.raises(ValidationError) as caught:
        services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.REJECTED, reason=" ")
    assert "outcome_reason" in caught.value.error_dict
    # A proposed exclusion is signed as a decision, never marked signed by hand.
    with pytest.raises(ValidationError):
        services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.SIGNED,
                                   reason="Vedtak fattet.")
    done = services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.REJECTED,
                                      reason="Advarsel er gitt og holder foreløpig.")
    assert (done.current_outcome, done.outcome_by) == (ProposalOutcome.REJECTED, leader)
    with pytest.raises(ValidationError):
        services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.REJECTED,
                                   reason="En gang til.")


def test_the_leaders_overview_lists_proposals_with_no_outcome_after_the_set_days(incident, hms, leader, settings):
    settings.INCIDENT_PROPOSAL_OVERDUE_DAYS = 14
    today = timezone.localdate()
    old = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.TWO_IN_MEETING,
                                   proposed_on=today - datetime.timedelta(days=14))
    services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.CHANGE_CASEWORKER,
                             proposed_on=today - datetime.timedelta(days=13))
    ended = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_WRITTEN,
                                     proposed_on=today - datetime.timedelta(days=30))
    services.proposal_warning_register(by=leader, proposal_id=ended.pk, given_on=today,
                                       note="Skriftlig advarsel sendt.")
    assert selectors.overdue_proposals(leader) == [old]
    settings.INCIDENT_PROPOSAL_OVERDUE_DAYS = 13
    assert len(selectors.overdue_proposals(leader)) == 2
    assert selectors.start_panel(leader)["overdue_proposals"] == selectors.overdue_proposals(leader)


def test_a_caseworker_who_may_not_see_incidents_is_sent_to_the_draft_not_to_the_incident(
        client, incident, hms, leader, caseworker):
    # The caseworker prepares decisions but does not see incidents: a link to the incident would answer 404.
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.TWO_IN_MEETING,
                                        description="To ansatte i alle møter.")
    paths = dict(Reminder.objects.filter(kind=services.PROPOSAL_REMINDER_KIND).values_list("recipient__username",
                                                                                          "path"))
    assert paths[leader.username] == f"/hendelser/{incident.public_id}/"
    assert paths[caseworker.username] == selectors.proposal_draft_path(incident, proposal)
    client.force_login(caseworker)
    assert client.get(f"/hendelser/{incident.public_id}/").status_code == 404
    assert client.get(paths[caseworker.username]).status_code == 200
    client.post(paths[caseworker.username], {"kind": "TOAN", "confirm_existing": str(incident.citizen.public_id)})
    proposal.refresh_from_db()
    assert proposal.decision is not None and proposal.decision.kind == "TOAN"


def test_a_proposed_warning_is_not_sent_to_those_who_cannot_see_the_incident(incident, hms, leader, caseworker):
    services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_WRITTEN,
                             description="Skriftlig advarsel om at gjentakelse kan føre til utestenging.")
    told = set(Reminder.objects.filter(kind=services.PROPOSAL_REMINDER_KIND).values_list("recipient__username",
                                                                                            flat=True))
    assert told == {leader.username}
