"""Reminders in the daily sweep: exactly once per item and threshold, to the unit's leaders and HMS."""

import datetime

import pytest
from django.core import mail

from nav_sikkerhet.core import scheduling
from nav_sikkerhet.core.models import Reminder
from risiko import services
from risiko.models import MeasureKind, MeasureStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(leader, hms, draft):
    return services.analysis_approve(by=leader, analysis_id=draft.pk)


def _measure(leader, analysis, due_on):
    return services.measure_add(by=leader, event_id=analysis.events.get().pk, kind=MeasureKind.PREVENTIVE,
                                description="Rutine for telefon", responsible=leader, due_on=due_on)


def test_a_measure_past_its_date_is_reminded_once_to_leader_and_hms(leader, hms, caseworker, approved, today):
    measure = _measure(leader, approved, today - datetime.timedelta(days=1))
    scheduling.run_sweep(today)
    scheduling.run_sweep(today)
    scheduling.run_sweep(today + datetime.timedelta(days=1))
    reminders = Reminder.objects.filter(kind=services.MEASURE_OVERDUE_KIND)
    assert {r.recipient for r in reminders} == {leader, hms}
    assert all(r.key.startswith(f"{services.MEASURE_OVERDUE_KIND}:{measure.pk}:") for r in reminders)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([leader.email, hms.email])
    assert approved.reference in mail.outbox[0].subject


def test_a_measure_due_today_or_done_is_not_reminded(leader, approved, today):
    _measure(leader, approved, today)
    late = _measure(leader, approved, today - datetime.timedelta(days=5))
    services.measure_update_status(by=leader, measure_id=late.pk, status=MeasureStatus.DONE)
    scheduling.run_sweep(today)
    assert not Reminder.objects.exists()


def test_a_measure_done_after_the_reminder_closes_it(leader, approved, today):
    measure = _measure(leader, approved, today - datetime.timedelta(days=1))
    scheduling.run_sweep(today)
    services.measure_update_status(by=leader, measure_id=measure.pk, status=MeasureStatus.DONE)
    scheduling.run_sweep(today)
    assert not Reminder.objects.filter(done_at__isnull=True).exists()


def test_a_new_due_date_is_a_new_reminder(leader, approved, today):
    measure = _measure(leader, approved, today - datetime.timedelta(days=3))
    scheduling.run_sweep(today)
    # Postponed, and missed again.
    services.measure_update_status(by=leader, measure_id=measure.pk, status=MeasureStatus.IN_PROGRESS,
                                   due_on=today - datetime.timedelta(days=1))
    scheduling.run_sweep(today)
    assert Reminder.objects.filter(kind=services.MEASURE_OVERDUE_KIND, recipient=leader).count() == 2


def test_review_reminded_once_thirty_days_before_and_once_when_past(leader, hms, draft, today):
    services.analysis_update(by=leader, analysis_id=draft.pk, next_review_on=today + datetime.timedelta(days=31))
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    services.remind_reviews(today=today)
    assert not Reminder.objects.exists()
    for day in (1, 2, 30):
        services.remind_reviews(today=today + datetime.timedelta(days=day))
    assert Reminder.objects.filter(kind=services.REVIEW_DUE_KIND).count() == 2  # leader and HMS, once
    for day in (32, 40):
        services.remind_reviews(today=today + datetime.timedelta(days=day))
    assert Reminder.objects.filter(kind=services.REVIEW_OVERDUE_KIND).count() == 2
    assert Reminder.objects.count() == 4


def test_drafts_and_templates_get_no_review_reminder(leader, draft, template, today):
    services.remind_reviews(today=draft.next_review_on + datetime.timedelta(days=1))
    assert not Reminder.objects.exists()


def test_review_reminder_is_moot_once_a_new_version_is_approved(leader, draft, today):
    services.analysis_update(by=leader, analysis_id=draft.pk, next_review_on=today + datetime.timedelta(days=10))
    services.analysis_approve(by=leader, analysis_id=draft.pk)
    scheduling.run_sweep(today)
    assert Reminder.objects.filter(kind=services.REVIEW_DUE_KIND, done_at__isnull=True).count() == 1
    second = services.analysis_revise(by=leader, analysis_id=draft.pk)
    services.analysis_update(by=leader, analysis_id=second.pk, next_review_on=today + datetime.timedelta(days=365))
    services.analysis_approve(by=leader, analysis_id=second.pk)
    scheduling.run_sweep(today)
    assert not Reminder.objects.filter(done_at__isnull=True).exists()
