"""A reminder the mail server accepted is recorded as sent even when the database connection drops just then."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.utils import timezone

from hendelser import services as incident_services
from hendelser.models import Category, Channel, Employer, Perpetrator
from nav_sikkerhet.core import services, tasks
from nav_sikkerhet.core.models import Reminder, Role

from ..factories import UserFactory, assign_role


@pytest.fixture
def unsent_reminder(unit, leader, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    reporter = UserFactory()
    assign_role(reporter, unit, Role.SAKSBEHANDLER)
    incident_services.incident_register(
        by=reporter, unit=unit, occurred_at=timezone.now() - datetime.timedelta(hours=1), channel=Channel.PHONE,
        category=Category.THREAT, description="Trussel på telefon.", perpetrator=Perpetrator.ANONYMOUS,
        exposed=[{"user": reporter, "name": "Meg", "employer": Employer.STATE}],
    )
    Reminder.objects.update(sent_at=None, claimed_at=None, attempts=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return Reminder.objects.get(recipient=leader)


@pytest.fixture
def drop_connection_when_recording(monkeypatch):
    """The first write of sent_at finds the connection gone (a failover) and closes it, as psycopg would."""
    update = QuerySet.update
    drops = []

    def flaky(self, **kwargs):
        if "sent_at" in kwargs and kwargs["sent_at"] is not None and len(drops) < 2:
            drops.append(kwargs)
            connection.close()
            raise OperationalError("terminating connection due to administrator command")
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", flaky)
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    return drops


@pytest.mark.django_db(transaction=True)
def test_sent_at_is_written_on_a_fresh_connection(unsent_reminder, drop_connection_when_recording, mailoutbox):
    assert services.reminder_send(reminder_id=unsent_reminder.pk) is True
    assert len(drop_connection_when_recording) == 2
    unsent_reminder.refresh_from_db()
    assert unsent_reminder.sent_at is not None
    # The next sweep does not send it again.
    assert tasks.send_reminder.apply(args=[unsent_reminder.pk]).result is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_away_longer_than_the_patience_leaves_the_claim(unsent_reminder, monkeypatch, mailoutbox):
    update = QuerySet.update
    monkeypatch.setattr(services, "REMINDER_RECORD_SENT_PATIENCE", 0)

    def always_down(self, **kwargs):
        if kwargs.get("sent_at") is not None:
            raise OperationalError("the database system is starting up")
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", always_down)
    with pytest.raises(OperationalError):
        services.reminder_send(reminder_id=unsent_reminder.pk)
    unsent_reminder.refresh_from_db()
    # Claimed, not released: no other sender takes it before the claim runs out (the message was accepted).
    assert unsent_reminder.claimed_at is not None and unsent_reminder.sent_at is None
    assert len(mailoutbox) == 1


def test_a_sweep_that_loses_its_connection_is_retried_soon():
    assert OperationalError in tasks.run_daily_sweep.autoretry_for
    assert tasks.run_daily_sweep.retry_backoff * 2 ** (tasks.SWEEP_MAX_RETRIES - 1) <= 60 * 5
    assert OperationalError in tasks.send_reminder.autoretry_for


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_between_claim_and_send_releases_the_claim(unsent_reminder, monkeypatch, mailoutbox):
    """Without the release the reminder waited for the claim to run out (12 minutes), as the failover bench found."""
    get = QuerySet.get
    drops = []

    def flaky(self, *args, **kwargs):
        if self.model is Reminder and not drops:
            drops.append(kwargs)
            connection.close()
            raise OperationalError("terminating connection due to administrator command")
        return get(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", flaky)
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    with pytest.raises(OperationalError):
        services.reminder_send(reminder_id=unsent_reminder.pk)
    unsent_reminder.refresh_from_db()
    assert unsent_reminder.claimed_at is None and unsent_reminder.sent_at is None
    assert mailoutbox == []
    # The task's retry (or the next sweep) claims it at once and sends it, once.
    assert services.reminder_send(reminder_id=unsent_reminder.pk) is True
    assert services.reminder_send(reminder_id=unsent_reminder.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_releases_the_claim_on_a_fresh_connection(unsent_reminder, monkeypatch, mailoutbox):
    """The SMTP server failed and the connection was terminated while waiting for it: the release reconnects."""
    from django.core.mail.backends.locmem import EmailBackend

    update = QuerySet.update
    dropped = []

    def smtp_down(self, messages):
        raise OSError("connection refused")

    def flaky(self, **kwargs):
        if kwargs.get("claimed_at", 0) is None and not dropped:
            dropped.append(kwargs)
            connection.close()
            raise OperationalError("terminating connection due to administrator command")
        return update(self, **kwargs)

    monkeypatch.setattr(EmailBackend, "send_messages", smtp_down)
    monkeypatch.setattr(QuerySet, "update", flaky)
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    with pytest.raises(OSError, match="refused"):
        services.reminder_send(reminder_id=unsent_reminder.pk)
    assert dropped
    unsent_reminder.refresh_from_db()
    assert unsent_reminder.claimed_at is None and unsent_reminder.sent_at is None
