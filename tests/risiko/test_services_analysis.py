import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risiko import services
from risiko.models import AnalysisStatus, MeasureKind, MeasureStatus

pytestmark = pytest.mark.django_db


def test_a_unit_starts_from_the_template_and_adapts_it(leader, unit, template, today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS Sagene",
                                        analysis_date=today)
    assert analysis.based_on == template and analysis.status == AnalysisStatus.DRAFT
    assert analysis.events.count() == template.events.count() == 37
    assert analysis.causes.count() == 26
    event = analysis.events.get(title="Trussel ved heimebesøk")
    services.event_update(by=leader, event_id=event.pk, description="Hjemmebesøk i Sagene uten følge")
    assert not template.events.filter(description__contains="Sagene").exists()


def test_hms_and_safety_rep_maintain_but_caseworker_does_not(hms, safety_rep, caseworker, unit, today):
    for user in (hms, safety_rep):
        services.analysis_create(by=user, unit=unit, title="ROS", analysis_date=today)
    with pytest.raises(PermissionDenied):
        services.analysis_create(by=caseworker, unit=unit, title="ROS", analysis_date=today)


def test_another_units_leader_may_not_create(other_leader, unit, today):
    with pytest.raises(PermissionDenied):
        services.analysis_create(by=other_leader, unit=unit, title="ROS", analysis_date=today)


def test_a_template_is_not_a_units_analysis_to_start_from_unless_marked(leader, unit, draft, today):
    with pytest.raises(ValidationError):
        services.analysis_create(by=leader, unit=unit, template=draft, title="ROS", analysis_date=today)


def test_next_review_must_follow_the_analysis_date(leader, draft):
    with pytest.raises(ValidationError, match="after the date of the analysis"):
        services.analysis_update(by=leader, analysis_id=draft.pk, next_review_on=draft.analysis_date)


def test_leader_approves_and_the_earlier_analysis_is_superseded(leader, acting_leader, unit, draft, today):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    second = services.analysis_revise(by=leader, analysis_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == AnalysisStatus.APPROVED and second.status == AnalysisStatus.DRAFT
    services.analysis_update(by=leader, analysis_id=second.pk, next_review_on=today + datetime.timedelta(days=200))
    services.analysis_approve(by=acting_leader, analysis_id=second.pk)
    draft.refresh_from_db()
    second.refresh_from_db()
    assert draft.status == AnalysisStatus.SUPERSEDED
    assert second.status == AnalysisStatus.APPROVED and second.approved_by == acting_leader


@pytest.mark.parametrize("who", ["hms", "safety_rep", "superuser", "other_leader"])
def test_only_the_units_leader_approves(request, draft, who):
    with pytest.raises(PermissionDenied):
        services.analysis_approve(by=request.getfixturevalue(who), analysis_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == AnalysisStatus.DRAFT


def test_approval_needs_an_event(leader, unit, today):
    empty = services.analysis_create(by=leader, unit=unit, title="ROS", analysis_date=today,
                                     next_review_on=today + datetime.timedelta(days=100))
    with pytest.raises(ValidationError) as error:
        services.analysis_approve(by=leader, analysis_id=empty.pk)
    assert "events" in error.value.message_dict


@pytest.mark.parametrize(("months", "review_on", "approved"), [
    (12, datetime.date(2027, 8, 31), True), (12, datetime.date(2027, 9, 1), False),
    (6, datetime.date(2027, 2, 28), True), (6, datetime.date(2027, 3, 1), False),
])
def test_approval_needs_the_next_review_within_the_configured_months(leader, draft, settings, months, review_on,
                                                                      approved):
    """Approved on 31 August 2026: six months on is 28 February, the month's last day."""
    settings.ROS_REVIEW_MAX_MONTHS = months
    draft.analysis_date = datetime.date(2026, 8, 1)
    draft.next_review_on = review_on
    draft.save()
    with mock.patch("risiko.services.timezone.localdate", return_value=datetime.date(2026, 8, 31)):
        if approved:
            services.analysis_approve(by=leader, analysis_id=draft.pk)
        else:
            with pytest.raises(ValidationError, match=f"at most {months} months away"):
                services.analysis_approve(by=leader, analysis_id=draft.pk)
    draft.refresh_from_db()
    assert (draft.status == AnalysisStatus.APPROVED) is approved


def test_approval_needs_a_review_date(leader, unit, today):
    analysis = services.analysis_create(by=leader, unit=unit, title="ROS", analysis_date=today,
                                        participants="Lene Leder, Hanne Hms", safety_representative="Vidar Vern")
    services.event_add(by=leader, analysis_id=analysis.pk, category="violence", title="Slag", probability=2,
                       consequence=3)
    with pytest.raises(ValidationError) as error:
        services.analysis_approve(by=leader, analysis_id=analysis.pk)
    assert set(error.value.message_dict) == {"next_review_on"}
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.DRAFT


def test_an_approved_analysis_is_not_edited_but_its_measures_are_followed_up(leader, draft, today):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    event = draft.events.get()
    with pytest.raises(ValidationError, match="Only a draft"):
        services.event_update(by=leader, event_id=event.pk, probability=1)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.event_add(by=leader, analysis_id=draft.pk, category="threats", title="Ny", probability=1,
                           consequence=1)
    measure = services.measure_add(by=leader, event_id=event.pk, kind=MeasureKind.PREVENTIVE,
                                   description="Rutine for telefon", responsible=leader, due_on=today)
    services.measure_update_status(by=leader, measure_id=measure.pk, status=MeasureStatus.DONE)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE and measure.done_on == today


def test_a_superseded_analysis_is_closed_for_follow_up(leader, draft, today):
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    second = services.analysis_revise(by=leader, analysis_id=draft.pk)
    services.analysis_update(by=leader, analysis_id=second.pk, next_review_on=today + datetime.timedelta(days=9))
    services.analysis_approve(by=leader, analysis_id=second.pk)
    with pytest.raises(ValidationError, match="superseded"):
        services.measure_add(by=leader, event_id=draft.events.get().pk, kind=MeasureKind.PREVENTIVE,
                             description="x", responsible=leader, due_on=today)


def test_a_revision_carries_the_open_measures_only(leader, draft, today):
    event = draft.events.get()
    open_one = services.measure_add(by=leader, event_id=event.pk, kind=MeasureKind.PREVENTIVE, description="Åpen",
                                    responsible=leader, due_on=today)
    done = services.measure_add(by=leader, event_id=event.pk, kind=MeasureKind.DAMAGE_REDUCING,
                                description="Ferdig", responsible=leader, due_on=today)
    services.measure_update_status(by=leader, measure_id=done.pk, status=MeasureStatus.DONE)
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    second = services.analysis_revise(by=leader, analysis_id=draft.pk)
    assert [m.description for m in second.events.get().measures.all()] == [open_one.description]
    assert second.next_review_on is None


def test_residual_risk_cannot_be_higher_than_before(leader, draft):
    with pytest.raises(ValidationError) as error:
        services.event_update(by=leader, event_id=draft.events.get().pk, residual_probability=5,
                              residual_consequence=3)
    assert "residual_consequence" in error.value.message_dict


def test_a_measure_needs_a_description(leader, draft, today):
    with pytest.raises(ValidationError) as error:
        services.measure_add(by=leader, event_id=draft.events.get().pk, kind=MeasureKind.PREVENTIVE,
                             description=" ", responsible=leader, due_on=today)
    assert "description" in error.value.message_dict


def test_a_done_date_cannot_be_in_the_future(leader, draft, today):
    measure = services.measure_add(by=leader, event_id=draft.events.get().pk, kind=MeasureKind.PREVENTIVE,
                                   description="Rutine", responsible=leader, due_on=today)
    with pytest.raises(ValidationError, match="future"):
        services.measure_update_status(by=leader, measure_id=measure.pk, status=MeasureStatus.DONE,
                                       done_on=today + datetime.timedelta(days=1))


def test_causes_are_ranked_one_to_five(leader, draft):
    services.cause_add(by=leader, analysis_id=draft.pk, description="Negativt vedtak", rating=5)
    with pytest.raises(ValidationError):
        services.cause_add(by=leader, analysis_id=draft.pk, description="Ventetid", rating=6)
    assert [c.rating for c in draft.causes.all()] == [5]


def test_the_responsible_person_works_in_the_unit(leader, other_leader, draft, today):
    with pytest.raises(ValidationError) as error:
        services.measure_add(by=leader, event_id=draft.events.get().pk, kind=MeasureKind.PREVENTIVE,
                             description="Rutine", responsible=other_leader, due_on=today)
    assert "responsible" in error.value.message_dict


def test_events_from_the_template_are_marked_until_the_unit_adapts_them(leader, unit, template, today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS", analysis_date=today)
    assert analysis.events.filter(as_in_template=True).count() == 37
    event = analysis.events.get(title="Spytte")
    services.event_update(by=leader, event_id=event.pk, description="Skjer i skranken i 2. etasje")
    assert analysis.events.filter(as_in_template=True).count() == 36
    assert not template.events.filter(as_in_template=True).exists()
    own = services.event_add(by=leader, analysis_id=analysis.pk, category="other", title="Brann i søppelbøtte",
                             probability=1, consequence=2)
    assert not own.as_in_template


def test_the_templates_asys_mapping_comes_with_its_events_and_the_unit_can_change_it(leader, unit, template, today):
    analysis = services.analysis_create(by=leader, unit=unit, template=template, title="ROS", analysis_date=today)
    phone = analysis.events.get(title="Truslar på telefon")
    assert (phone.asys_categories, phone.asys_channels) == (["threat"], ["phone"])
    services.event_update(by=leader, event_id=phone.pk, asys_categories=["threat", "verbal"])
    phone.refresh_from_db()
    assert phone.asys_categories == ["threat", "verbal"] and not phone.as_in_template
    with pytest.raises(ValidationError) as error:
        services.event_update(by=leader, event_id=phone.pk, asys_categories=["x"])
    assert "asys_categories" in error.value.message_dict
    phone.refresh_from_db()
    assert phone.asys_categories == ["threat", "verbal"]
