"""The weekly job: the count of unreviewed incidents to HMS and the leaders, once per unit and week."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time

from hendelser import scheduled, services
from hendelser.models import Status
from nav_sikkerhet.core import scheduling
from nav_sikkerhet.core.models import Reminder

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 30)
KIND = "incident.weekly_unreviewed"


def _weekly():
    return Reminder.objects.filter(kind=KIND)


def test_monday_sends_hms_and_the_leaders_the_count_once(unit, leader, acting_leader, hms, safety_rep):
    with freeze_time("2026-11-23 12:00"):
        IncidentFactory.create_batch(2, unit=unit)
    with freeze_time("2026-11-30 06:05"):
        scheduling.run_sweep(MONDAY)
        scheduling.run_sweep(MONDAY)  # a second (or concurrent) run sends nothing more
        scheduling.run_sweep(MONDAY + datetime.timedelta(days=1))
    assert {r.recipient for r in _weekly()} == {leader, acting_leader, hms}
    assert all(r.sent_at for r in _weekly())
    weekly = [m for m in mail.outbox if unit.number in m.subject]
    assert len(weekly) == 3
    assert "2" in weekly[0].subject


def test_a_missed_monday_is_caught_up_within_three_days_and_not_later(unit, leader):
    IncidentFactory(unit=unit)
    scheduled.weekly_review_reminders(MONDAY + datetime.timedelta(days=4))
    assert not _weekly().exists()
    scheduled.weekly_review_reminders(MONDAY + datetime.timedelta(days=3))
    assert _weekly().get().due_on == MONDAY


def test_the_next_week_gets_its_own_reminder(unit, leader):
    IncidentFactory(unit=unit)
    scheduled.weekly_review_reminders(MONDAY)
    scheduled.weekly_review_reminders(MONDAY + datetime.timedelta(days=7))
    assert sorted(_weekly().values_list("due_on", flat=True)) == [MONDAY, MONDAY + datetime.timedelta(days=7)]


def test_a_unit_with_everything_reviewed_gets_none_and_a_stale_one_closes(unit, other_unit, leader, other_leader):
    incident = IncidentFactory(unit=unit)
    IncidentFactory(unit=other_unit, status=Status.UNDER_REVIEW)
    scheduled.weekly_review_reminders(MONDAY)
    assert [r.recipient for r in _weekly()] == [leader]
    incident.status = Status.UNDER_REVIEW
    incident.save()
    with freeze_time("2026-11-30 08:00"):
        scheduling.run_sweep(MONDAY)
    assert _weekly().get().done_at is not None  # closed before its e-mail went out: nothing to review
    assert not [m for m in mail.outbox if unit.number in m.subject]


def test_the_weekly_reminder_shows_on_the_start_page_with_its_count(client, leader, unit):
    """The start page fills a reminder's subject as its e-mail is: the weekly one needs the count (was a 500)."""
    IncidentFactory(unit=unit, status=Status.REGISTERED)
    IncidentFactory(unit=unit, status=Status.REGISTERED)
    services.remind_weekly_review(unit_id=unit.pk, week_start=datetime.date(2026, 11, 30))
    client.force_login(leader)
    response = client.get(reverse("core:start"))
    assert response.status_code == 200
    with translation.override("nb"):
        subject = gettext("Unit %(case)s: incidents not yet reviewed: %(count)s") % {"case": unit.number, "count": 2}
    assert subject in response.content.decode()
