"""Every kind of proposal is carried out as its own measure: a draft decision of its kind (signed or dropped there),
or the warning registered from it; by hand it can only be rejected. The other paths are refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hendelser import rules, selectors, services
from hendelser.models import (
    PROPOSAL_DECISION_KINDS,
    WARNING_PROPOSALS,
    CitizenWarning,
    MeasureKind,
    Perpetrator,
    Proposal,
    ProposalKind,
    ProposalOutcome,
)
from utestenging import services as decision_services
from utestenging.models import Kind

from ..utestenging.factories import DecisionFactory, complete_decision
from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(unit, citizen):
    return IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen)


def _ended(proposal) -> bool:
    return not selectors.without_outcome(Proposal.objects.filter(pk=proposal.pk)).exists()


def test_every_proposal_kind_is_carried_out_by_a_decision_or_a_warning():
    assert set(PROPOSAL_DECISION_KINDS) | set(WARNING_PROPOSALS) == set(ProposalKind.values)
    assert not set(PROPOSAL_DECISION_KINDS) & set(WARNING_PROPOSALS)
    # The codes are utestenging's, and every measure on its ladder is one a review can propose.
    codes = {code for kinds in PROPOSAL_DECISION_KINDS.values() for code in kinds}
    assert codes == set(Kind.values)


@pytest.mark.parametrize("kind", list(PROPOSAL_DECISION_KINDS))
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "dropped"])
def test_a_proposal_ends_with_its_draft_of_that_kind_signed_or_dropped(incident, hms, leader, caseworker, kind,
                                                                      signed):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=kind)
    draft = complete_decision(citizen=incident.citizen, unit=incident.unit, kind=PROPOSAL_DECISION_KINDS[kind][0],
                              responsible_leader=leader)
    services.proposal_link_decision(by=caseworker, proposal_id=proposal.pk, decision=draft)
    assert not _ended(proposal)
    # While the draft is open the head of unit cannot end it by hand either way.
    for hand in ProposalOutcome.values:
        with pytest.raises(ValidationError):
            services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=hand, reason="Avgjort i møtet.")
    if signed:
        decision_services.decision_sign(by=leader, decision_id=draft.pk, written_delivery="post",
                                        told_orally_on=timezone.localdate(), other_measures_acknowledged=True)
    else:
        decision_services.decision_drop(by=leader, decision_id=draft.pk, reason="Uttalelsen endret saken.")
    proposal.refresh_from_db()
    assert proposal.current_outcome == (ProposalOutcome.SIGNED if signed else ProposalOutcome.DROPPED)
    assert _ended(proposal)


@pytest.mark.parametrize("kind", list(PROPOSAL_DECISION_KINDS))
def test_a_draft_of_another_kind_cannot_answer_the_proposal(incident, hms, caseworker, kind):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=kind)
    for code in set(Kind.values) - set(PROPOSAL_DECISION_KINDS[kind]):
        with pytest.raises(ValidationError) as caught:
            services.proposal_link_decision(by=caseworker, proposal_id=proposal.pk, decision=DecisionFactory(
                citizen=incident.citizen, unit=incident.unit, kind=code))
        assert "kind" in caught.value.error_dict
    proposal.refresh_from_db()
    assert proposal.decision is None


def test_a_proposed_exclusion_is_answered_by_exclusion_and_phone_restriction_together(incident, hms, caseworker):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.EXCLUSION)
    both = DecisionFactory(citizen=incident.citizen, unit=incident.unit, kind=Kind.FTUS)
    assert services.proposal_link_decision(by=caseworker, proposal_id=proposal.pk, decision=both).decision == both


@pytest.mark.parametrize(("kind", "form"), list(WARNING_PROPOSALS.items()))
def test_a_proposed_warning_ends_when_the_warning_is_registered_from_it(incident, hms, leader, caseworker, kind,
                                                                        form):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=kind)
    done = services.proposal_warning_register(by=caseworker, proposal_id=proposal.pk, given_on=timezone.localdate(),
                                              note="Sa at gjentatt trussel kan gi utestengelse.",
                                              given_by="Sara Saksbehandler")
    warning = CitizenWarning.objects.get(citizen=incident.citizen)
    assert (done.warning, warning.form, warning.incident, warning.unit) == (warning, form, incident, incident.unit)
    assert done.current_outcome == ProposalOutcome.SIGNED and done.get_current_outcome_display() == "Advarsel gitt"
    assert _ended(done)
    # Once: neither a second warning, a draft decision nor a hand outcome answers it again.
    with pytest.raises(ValidationError):
        services.proposal_warning_register(by=caseworker, proposal_id=proposal.pk, given_on=timezone.localdate(),
                                           given_by="x")
    with pytest.raises(ValidationError):
        services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.REJECTED,
                                   reason="Ikke nødvendig.")
    assert CitizenWarning.objects.count() == 1


def test_a_warning_decided_as_a_measure_carries_out_the_open_proposal_of_that_warning(incident, hms):
    oral = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_ORAL)
    written = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_WRITTEN)
    measure = services.measure_add(by=hms, incident_id=incident.pk, kind=MeasureKind.WARNING_WRITTEN,
                                   decided_on=timezone.localdate(), description="Brev sendt.")
    oral.refresh_from_db()
    written.refresh_from_db()
    assert written.warning == measure.warning and _ended(written)
    assert oral.warning is None and not _ended(oral)


def test_a_warning_and_a_decision_answer_only_their_own_kind(incident, hms, caseworker):
    warning = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_ORAL)
    with pytest.raises(ValidationError):
        services.proposal_link_decision(by=caseworker, proposal_id=warning.pk,
                                        decision=DecisionFactory(citizen=incident.citizen, unit=incident.unit))
    toan = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.TWO_IN_MEETING)
    with pytest.raises(ValidationError):
        services.proposal_warning_register(by=caseworker, proposal_id=toan.pk, given_on=timezone.localdate(),
                                           given_by="Sara Saksbehandler")
    assert not CitizenWarning.objects.exists()


@pytest.mark.parametrize("kind", [k for k in ProposalKind.values if k != ProposalKind.PREMISES_PROTECTION])
@pytest.mark.parametrize("outcome", [ProposalOutcome.SIGNED, ProposalOutcome.DROPPED])
def test_by_hand_a_proposal_aimed_at_the_person_can_only_be_rejected(incident, hms, leader, kind, outcome):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=kind)
    with pytest.raises(ValidationError) as caught:
        services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=outcome, reason="Gjort.")
    assert "outcome" in caught.value.error_dict
    rejected = services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.REJECTED,
                                          reason="Ikke forholdsmessig nå.")
    assert rejected.current_outcome == ProposalOutcome.REJECTED


def test_the_model_refuses_a_hand_signed_outcome_for_a_measure_aimed_at_the_person(incident, leader):
    proposal = Proposal(incident=incident, kind=ProposalKind.CHANGE_CASEWORKER, proposed_on=timezone.localdate(),
                        proposed_by=leader, outcome=ProposalOutcome.SIGNED, outcome_reason="Ny veileder.")
    with pytest.raises(ValidationError) as caught:
        proposal.full_clean()
    assert "outcome" in caught.value.error_dict


def test_protection_of_the_premises_with_nobody_known_is_done_by_hand(unit, hms, leader):
    nobody = IncidentFactory(unit=unit)
    proposal = services.proposal_create(by=hms, incident_id=nobody.pk, kind=ProposalKind.PREMISES_PROTECTION,
                                        description="Alarmknapp i samtalerommet.")
    assert rules.hand_outcomes(proposal) == list(ProposalOutcome.values)
    done = services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.SIGNED,
                                      reason="Alarmknapp montert.")
    assert done.current_outcome == ProposalOutcome.SIGNED


def test_protection_of_the_premises_aimed_at_a_known_person_is_a_decision(incident, hms, leader):
    proposal = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.PREMISES_PROTECTION)
    assert rules.hand_outcomes(proposal) == [ProposalOutcome.REJECTED]
    with pytest.raises(ValidationError):
        services.proposal_conclude(by=leader, proposal_id=proposal.pk, outcome=ProposalOutcome.SIGNED,
                                   reason="Skjermet rom.")


def test_the_database_refuses_a_warning_on_a_proposal_that_is_not_a_warning(incident, hms, caseworker):
    toan = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.TWO_IN_MEETING)
    warning = CitizenWarning.objects.create(citizen=incident.citizen, unit=incident.unit, given_on=timezone.localdate(),
                                            form="oral", given_by="x", registered_by=hms)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=toan.pk).update(warning=warning)
    oral = services.proposal_create(by=hms, incident_id=incident.pk, kind=ProposalKind.WARNING_ORAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=oral.pk).update(decision=DecisionFactory(citizen=incident.citizen,
                                                                            unit=incident.unit))
