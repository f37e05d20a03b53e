"""Approval that means something: each condition, and the other paths that try to get around it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from risiko import services
from risiko.models import AnalysisStatus, Event, MeasureKind, RiskAcceptance

from .conftest import ACCEPTANCE_REASON, make_ready

pytestmark = pytest.mark.django_db


def _approve_fails(leader, analysis, code):
    with pytest.raises(ValidationError) as error:
        services.analysis_approve(by=leader, analysis_id=analysis.pk)
    assert code in error.value.message_dict, error.value.message_dict
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.DRAFT


def _red_event(leader, analysis, title="Slag mot tilsett"):
    return services.event_add(by=leader, analysis_id=analysis.pk, category="violence", title=title, probability=2,
                              consequence=4)


def test_the_ready_draft_is_approved(leader, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == AnalysisStatus.APPROVED


def test_a_red_event_without_a_measure_or_acceptance_stops_approval(leader, draft, today):
    event = _red_event(leader, draft)
    _approve_fails(leader, draft, "red_events")
    services.measure_add(by=leader, event_id=event.pk, kind=MeasureKind.PREVENTIVE, description="Alarmknapp",
                         responsible=leader, due_on=today)
    services.analysis_approve(by=leader, analysis_id=draft.pk)


def test_an_acceptance_lapses_when_the_event_is_assessed_anew(leader, draft):
    event = draft.events.get()
    services.event_update(by=leader, event_id=event.pk, consequence=3)
    _approve_fails(leader, draft, "red_events")
    services.risk_accept(by=leader, event_id=event.pk, reason=ACCEPTANCE_REASON + " Også ved skade.")
    acceptance = RiskAcceptance.objects.get(event=event)
    assert (acceptance.probability, acceptance.consequence) == (5, 3)
    services.analysis_approve(by=leader, analysis_id=draft.pk)


@pytest.mark.parametrize("reason", ["x", "X.", "se over", "Akseptert", "  "])
def test_a_placeholder_is_not_a_reason_to_accept_a_risk(leader, draft, reason):
    event = _red_event(leader, draft)
    with pytest.raises(ValidationError) as error:
        services.risk_accept(by=leader, event_id=event.pk, reason=reason)
    assert "reason" in error.value.message_dict
    assert not RiskAcceptance.objects.filter(event=event).exists()


@pytest.mark.parametrize("who", ["hms", "safety_rep", "superuser", "other_leader"])
def test_only_the_units_leader_accepts_a_risk(request, draft, who):
    event = _red_event(request.getfixturevalue("leader"), draft)
    with pytest.raises(PermissionDenied):
        services.risk_accept(by=request.getfixturevalue(who), event_id=event.pk, reason=ACCEPTANCE_REASON)


def test_the_acting_leader_accepts_a_risk(acting_leader, leader, draft):
    event = _red_event(leader, draft)
    assert services.risk_accept(by=acting_leader, event_id=event.pk, reason=ACCEPTANCE_REASON).accepted_by == \
        acting_leader


def test_only_a_red_risk_is_accepted(leader, draft):
    event = services.event_add(by=leader, analysis_id=draft.pk, category="other", title="Spytte", probability=1,
                               consequence=1)
    with pytest.raises(ValidationError, match="red zone"):
        services.risk_accept(by=leader, event_id=event.pk, reason=ACCEPTANCE_REASON)


def test_no_acceptance_is_added_to_an_approved_analysis(leader, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.risk_accept(by=leader, event_id=draft.events.get().pk, reason=ACCEPTANCE_REASON)


def test_events_from_the_template_are_confirmed_or_changed_first(leader, unit, template, today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS", analysis_date=today,
                                        next_review_on=today + datetime.timedelta(days=300))
    _approve_fails(leader, analysis, "template_events")
    make_ready(leader, analysis)
    assert not analysis.events.filter(as_in_template=True).exists()
    assert analysis.events.filter(confirmed_by=leader).count() == 37
    services.analysis_approve(by=leader, analysis_id=analysis.pk)


def test_confirming_twice_changes_nothing(leader, hms, unit, template, today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS", analysis_date=today)
    event = analysis.events.first()
    services.event_confirm(by=hms, event_id=event.pk)
    first = Event.objects.get(pk=event.pk)
    services.event_confirm(by=leader, event_id=event.pk)
    again = Event.objects.get(pk=event.pk)
    assert (again.confirmed_by, again.confirmed_at) == (hms, first.confirmed_at)
    assert event.history.count() == 2  # made, confirmed


def test_a_caseworker_does_not_confirm(caseworker, leader, unit, template, today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS", analysis_date=today)
    with pytest.raises(PermissionDenied):
        services.event_confirm(by=caseworker, event_id=analysis.events.first().pk)


@pytest.mark.parametrize(("field", "text"), [("participants", "x"), ("participants", ""),
                                             ("safety_representative", "x"), ("safety_representative", "")])
def test_participants_and_safety_representative_are_named(leader, draft, field, text):
    services.analysis_update(by=leader, analysis_id=draft.pk, **{field: text})
    _approve_fails(leader, draft, field)


def test_the_next_review_twenty_years_away_stops_approval(leader, draft):
    services.analysis_update(by=leader, analysis_id=draft.pk,
                             next_review_on=draft.analysis_date + datetime.timedelta(days=365 * 20))
    _approve_fails(leader, draft, "next_review_on")


def test_a_second_request_does_not_approve_twice(leader, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk, replaces_id=None)
    with pytest.raises(ValidationError, match="cannot become"):
        services.analysis_approve(by=leader, analysis_id=draft.pk, replaces_id=None)


def test_approval_confirmed_against_a_stale_picture_is_refused(leader, draft, today):
    """The leader confirmed "the unit's first" while another version was approved meanwhile."""
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    second = services.analysis_revise(by=leader, analysis_id=draft.pk)
    third = services.analysis_revise(by=leader, analysis_id=draft.pk)
    for version in (second, third):
        services.analysis_update(by=leader, analysis_id=version.pk, next_review_on=today + datetime.timedelta(days=90))
    services.analysis_approve(by=leader, analysis_id=second.pk, replaces_id=draft.pk)
    with pytest.raises(ValidationError, match="since you confirmed"):
        services.analysis_approve(by=leader, analysis_id=third.pk, replaces_id=draft.pk)
    services.analysis_approve(by=leader, analysis_id=third.pk, replaces_id=second.pk)


def test_a_revision_keeps_the_acceptance_and_the_safety_representative(leader, draft):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    second = services.analysis_revise(by=leader, analysis_id=draft.pk)
    assert second.safety_representative == "Vidar Verneombud"
    assert second.events.get().acceptance.reason == ACCEPTANCE_REASON


def test_an_imported_file_carries_no_approval_confirmation_or_acceptance(leader, unit, hordaland_data, today):
    data = hordaland_data | {"status": "approved", "approved_by": leader.nav_ident, "participants": "Lene Leder, HMS",
                             "safety_representative": "Vidar Verneombud",
                             "next_review_on": (today + datetime.timedelta(days=100)).isoformat()}
    data["events"] = [event | {"as_in_template": False, "confirmed": True, "confirmed_by": leader.nav_ident,
                               "acceptance": {"reason": ACCEPTANCE_REASON, "accepted_by": leader.nav_ident}}
                      for event in data["events"]]
    analysis = services.analysis_import(by=leader, data=data, unit=unit)
    assert analysis.status == AnalysisStatus.DRAFT
    assert analysis.events.filter(as_in_template=True).count() == 37
    assert not RiskAcceptance.objects.filter(event__analysis=analysis).exists()
    with pytest.raises(ValidationError) as error:
        services.analysis_approve(by=leader, analysis_id=analysis.pk)
    assert set(error.value.message_dict) == {"red_events", "template_events"}


def test_the_admin_neither_adds_an_acceptance_nor_approves(client, superuser, leader, draft):
    client.force_login(superuser)
    assert client.get(reverse("admin:risiko_riskacceptance_add")).status_code == 403
    event = _red_event(leader, draft)
    response = client.post(reverse("admin:risiko_riskacceptance_add"),
                           {"event": event.pk, "reason": ACCEPTANCE_REASON, "probability": 2, "consequence": 4,
                            "accepted_by": leader.pk})
    assert response.status_code == 403
    response = client.post(reverse("admin:risiko_analysis_change", args=[draft.pk]),
                           {"status": "approved", "title": draft.title})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == AnalysisStatus.DRAFT
    assert not RiskAcceptance.objects.filter(event=event).exists()
