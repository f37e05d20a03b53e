"""The scheduled jobs' machinery: one schedule, each reminder e-mailed exactly once, and failures survived.

Exactly once under: the sweep run twice, two sweeps (or beat processes) at the same time, a task retried
after the mail server failed, and Redis down. The real-broker tests start a Celery worker in this process
(``celery.contrib.testing``) against ``REDIS_URL``; under CI they must run, elsewhere they skip without it.
The jobs themselves, by time travel, are in ``tests/utestenging/test_scheduled.py``.
"""

import contextlib
import datetime
import io
import os
import smtplib
import threading
import time
import uuid
from types import SimpleNamespace

import pytest
from celery import signals
from celery._state import _set_task_join_will_block
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from nav_sikkerhet import celery_app
from nav_sikkerhet.core import scheduling, services, tasks
from nav_sikkerhet.core.models import Reminder
from tests.celery_utils import celery_config
from tests.utestenging.factories import ComplaintFactory, complete_decision, signed_decision
from utestenging.models import NoticeStatus, Registration, RegistrationKind, StatementStatus, Status

DAY = datetime.timedelta(days=1)
KINDS = {
    "decision.expiry_21", "decision.expiry_7", "decision.expiry_0", "decision.notice_deadline",
    "decision.complaint_unanswered", "decision.registrations_missing",
}
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once


# -- e-mail backends for the failure tests ----------------------------------------------------------------------


class SlowBackend(LocmemBackend):
    """The locmem outbox, with a mail server that takes 50 ms a message: two senders surely overlap."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


class FlakyBackend(LocmemBackend):
    """The locmem outbox, with a mail server that fails the first ``failures`` calls."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        cls = type(self)
        cls.calls += 1
        if cls.calls <= cls.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    """Make the mail server fail the next ``n`` sends; returns the backend class to read ``calls`` from."""

    def fail(n: int):
        FlakyBackend.failures, FlakyBackend.calls = n, 0
        settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
        return FlakyBackend

    return fail


# -- what is due today ------------------------------------------------------------------------------------------


@pytest.fixture
def due_today(unit, citizen, leader, staff_with_role):
    """One decision (or complaint) for each kind of reminder due today, plus a few more expiring in 21 days.

    Every signed decision has its registrations done, except the one signed three days ago.
    Returns how many reminders today's sweep should send (all to the unit's leader).
    """
    caseworker = staff_with_role("saksbehandler", unit, username="saksbehandler_sched")
    today = timezone.localdate()
    common = {"unit": unit, "citizen": citizen, "created_by": caseworker, "signed_by": leader}

    def done(decision):
        for kind in RegistrationKind:
            Registration.objects.create(decision=decision, kind=kind, done_on=decision.valid_from, done_by=leader,
                                        reference="2026/1")
        return decision

    for _ in range(4):
        done(signed_decision(valid_from=today - 62 * DAY, days=84, signed_on=today - 62 * DAY, **common))
    done(signed_decision(valid_from=today - 76 * DAY, days=84, signed_on=today - 76 * DAY, **common))
    ends_today = done(signed_decision(valid_from=today - 83 * DAY, days=84, signed_on=today - 83 * DAY, **common))
    signed_decision(valid_from=today - 3 * DAY, days=84, signed_on=today - 3 * DAY, **common)
    complete_decision(
        unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader, status=Status.NOTICE_SENT,
        notice_status=NoticeStatus.SENT, notice_sent_on=today - 15 * DAY, notice_deadline=today - DAY,
        notice_method="letter", statement_status=StatementStatus.AWAITING, notice_not_possible_reason="",
        valid_from=today + 7 * DAY, valid_to=today + 34 * DAY,
    )
    ComplaintFactory(decision=ends_today, received_on=today - 14 * DAY, registered_by=caseworker)
    return 4 + 1 + 1 + 1 + 1 + 1


def _assert_each_reminder_sent_once(mailoutbox, expected: int):
    reminders = list(Reminder.objects.all())
    assert len(reminders) == expected
    assert {r.kind for r in reminders} == KINDS
    assert all(r.sent_at is not None for r in reminders)
    assert len(mailoutbox) == expected, sorted(m.subject for m in mailoutbox)
    assert len({m.subject for m in mailoutbox}) == expected  # one subject per kind and case: no duplicates


# -- the one schedule -------------------------------------------------------------------------------------------


def test_the_one_schedule_runs_the_sweep_hourly_and_the_retention_nightly_oslo_time():
    assert list(settings.CELERY_BEAT_SCHEDULE) == ["sweep-hourly", "retention-nightly"]
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-hourly"]
    assert entry["task"] == tasks.run_daily_sweep.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == crontab(minute=5)
    nightly = settings.CELERY_BEAT_SCHEDULE["retention-nightly"]
    assert nightly["task"] == tasks.apply_retention.name
    assert nightly["task"] in celery_app.tasks
    assert nightly["schedule"] == crontab(hour=2, minute=35)
    assert celery_app.conf.timezone == settings.TIME_ZONE == "Europe/Oslo"
    assert celery_app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


def test_tasks_acknowledge_late_and_retry_mail_failures_with_backoff():
    assert tasks.run_daily_sweep.acks_late and tasks.send_reminder.acks_late and tasks.apply_retention.acks_late
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost
    assert smtplib.SMTPException in tasks.send_reminder.autoretry_for
    assert tasks.send_reminder.retry_backoff and tasks.send_reminder.max_retries >= 5


@pytest.mark.django_db
def test_the_command_runs_the_sweep_once_and_a_second_run_sends_nothing(due_today, mailoutbox):
    out = io.StringIO()
    call_command("run_scheduled_jobs", stdout=out)
    jobs = len(scheduling.JOBS)
    assert out.getvalue().strip() == f"jobs={jobs} reminders_queued={due_today} reminders_closed=0"
    _assert_each_reminder_sent_once(mailoutbox, due_today)

    call_command("run_scheduled_jobs", stdout=out)
    assert out.getvalue().splitlines()[-1] == f"jobs={jobs} reminders_queued=0 reminders_closed=0"
    assert len(mailoutbox) == due_today


# -- exactly once -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reminder_task_run_twice_sends_once(due_today, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # the sweep only creates them here
    scheduling.run_sweep()
    Reminder.objects.update(sent_at=None, claimed_at=None, attempts=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminder = Reminder.objects.first()
    assert tasks.send_reminder.delay(reminder.pk).result is True
    assert tasks.send_reminder.delay(reminder.pk).result is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_claim_left_by_a_sender_that_died_is_taken_over_after_the_claim_timeout(due_today, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()
    reminder = Reminder.objects.first()
    claimed = timezone.now()
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=None, claimed_at=claimed)  # the worker died mid-send
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time(claimed + services.REMINDER_CLAIM_TIMEOUT - datetime.timedelta(seconds=1)):
        assert services.reminder_send(reminder_id=reminder.pk) is False
    with freeze_time(claimed + services.REMINDER_CLAIM_TIMEOUT + datetime.timedelta(seconds=1)):
        assert services.reminder_send(reminder_id=reminder.pk) is True
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_sweep_does_not_queue_a_reminder_a_live_sender_holds(due_today, mailoutbox, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()
    held, expired = Reminder.objects.all()[:2]
    Reminder.objects.update(sent_at=None, claimed_at=None)
    Reminder.objects.filter(pk=held.pk).update(claimed_at=timezone.now())
    Reminder.objects.filter(pk=expired.pk).update(
        claimed_at=timezone.now() - services.REMINDER_CLAIM_TIMEOUT - datetime.timedelta(seconds=1))
    queued = []
    monkeypatch.setattr(scheduling, "enqueue", lambda task, reminder_id: queued.append(reminder_id) or True)
    scheduling.run_sweep()
    assert held.pk not in queued and expired.pk in queued and len(queued) == due_today - 1


@pytest.mark.django_db
def test_the_sweep_queues_a_reminder_once_while_its_task_waits_in_the_queue(due_today, mailoutbox, settings,
                                                                            monkeypatch, flaky_smtp):
    """A sweep run more often than the queue empties (two beats, every 3 s in the bench) queued every unsent
    reminder again each time: 20,000 tasks for 400 reminders, and new ones waited behind them for minutes."""
    queued = []
    monkeypatch.setattr(scheduling, "enqueue", lambda task, reminder_id: queued.append(reminder_id) or True)
    scheduling.run_sweep()
    scheduling.run_sweep()  # the second beat, or the next sweep while the tasks still wait
    assert len(queued) == len(set(queued)) == due_today
    assert not Reminder.objects.filter(queued_at__isnull=True).exists()

    # A sender takes one and fails (the mail server hung up): the claim cleared the mark, so the sweep queues it
    # again at once instead of after REMINDER_QUEUED_TIMEOUT.
    failed = queued[0]
    flaky_smtp(1)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.reminder_send(reminder_id=failed)
    queued.clear()
    scheduling.run_sweep()
    assert queued == [failed]

    # A task that never ran (the broker's data lost) is presumed lost after REMINDER_QUEUED_TIMEOUT.
    queued.clear()
    with freeze_time(timezone.now() + services.REMINDER_QUEUED_TIMEOUT + datetime.timedelta(seconds=1)):
        scheduling.run_sweep()
        # Half an hour on may be the next day, when the day's jobs close reminders that no longer apply: every
        # reminder still open is queued again, and only those.
        still_open = Reminder.objects.filter(sent_at__isnull=True, done_at__isnull=True)
        assert sorted(queued) == sorted(still_open.values_list("pk", flat=True))


@pytest.mark.django_db
def test_of_two_sweeps_queueing_the_same_reminder_one_queues_it(due_today, monkeypatch):
    queued = []
    monkeypatch.setattr(scheduling, "enqueue", lambda task, reminder_id: queued.append(reminder_id) or True)
    scheduling.run_sweep()
    queued.clear()
    reminder = Reminder.objects.first()
    Reminder.objects.filter(pk=reminder.pk).update(queued_at=None)
    assert [scheduling.queue_reminder(reminder.pk), scheduling.queue_reminder(reminder.pk)] == [True, False]
    assert queued == [reminder.pk]


@pytest.mark.django_db
def test_a_reminder_whose_task_could_not_be_queued_is_queued_by_the_next_sweep(due_today, monkeypatch):
    monkeypatch.setattr(scheduling, "enqueue", lambda task, reminder_id: False)  # the broker is down
    assert scheduling.run_sweep().queued == 0
    assert not Reminder.objects.filter(queued_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_reminder_ticked_off_before_its_e_mail_went_out_is_not_sent(due_today, leader, mailoutbox, flaky_smtp):
    flaky_smtp(1000)
    scheduling.run_sweep()
    reminder = Reminder.objects.filter(sent_at__isnull=True).first()
    services.reminder_mark_done(by=leader, reminder_id=reminder.pk)
    flaky_smtp(0)
    scheduling.run_sweep()
    reminder.refresh_from_db()
    assert reminder.sent_at is None
    assert len(mailoutbox) == due_today - 1


def _run_at_once(target, n: int = 2):
    """Run ``target`` in ``n`` threads released together; returns (results, errors, (start, end) per thread).

    SQLite (in memory, shared cache) cannot take concurrent writers: there the threads take turns, which
    still checks that the second run sends nothing. PostgreSQL runs them truly at the same time.
    """
    barrier = threading.Barrier(n)
    gate = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    results, errors, spans = [], [], []

    def run():
        try:
            barrier.wait(timeout=10)
            with gate:
                start = time.monotonic()
                results.append(target())
                spans.append((start, time.monotonic()))
        except BaseException as error:  # noqa: BLE001 – reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors, spans


def _overlapped(spans) -> bool:
    (start_a, end_a), (start_b, end_b) = spans
    return start_a < end_b and start_b < end_a


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_send_each_reminder_once(due_today, mailoutbox, settings):
    """Two beat processes, or beat and cron, firing together."""
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    results, errors, spans = _run_at_once(scheduling.run_sweep)
    assert errors == []
    assert [r.jobs for r in results] == [len(scheduling.JOBS)] * 2
    _assert_each_reminder_sent_once(mailoutbox, due_today)
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}  # one claim each
    if connection.vendor == "postgresql":
        assert _overlapped(spans), "the two sweeps did not run at the same time"


@pytest.mark.django_db(transaction=True)
def test_one_reminder_sent_by_two_workers_at_the_same_time_goes_out_once(due_today, mailoutbox, settings):
    """The same task delivered twice (acks_late redelivery, or two sweeps queueing it) and run at once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()
    Reminder.objects.update(sent_at=None, claimed_at=None, attempts=0)
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    reminder = Reminder.objects.first()
    results, errors, spans = _run_at_once(lambda: tasks.send_reminder.apply(args=[reminder.pk]).result)
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(mailoutbox) == 1
    reminder.refresh_from_db()
    assert reminder.attempts == 1 and reminder.sent_at is not None


# -- the mail server fails --------------------------------------------------------------------------------------


@pytest.fixture
def retries():
    """The task_retry signals sent, and the backoff each retry asked for (in seconds)."""
    seen = []

    def on_retry(sender=None, request=None, reason=None, **kwargs):
        seen.append(request.retries)

    signals.task_retry.connect(on_retry, weak=False)
    yield seen
    signals.task_retry.disconnect(on_retry)


@pytest.mark.django_db
def test_send_reminder_retries_after_smtp_errors_and_then_sends_exactly_once(due_today, mailoutbox, flaky_smtp,
                                                                             settings, retries):
    """Celery's eager retries run inline (without the countdown) when eager errors do not propagate."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()
    Reminder.objects.update(sent_at=None, claimed_at=None, attempts=0)
    reminder = Reminder.objects.first()
    smtp = flaky_smtp(2)
    with celery_config(task_eager_propagates=False):
        result = tasks.send_reminder.delay(reminder.pk)
    assert result.result is True
    assert retries == [0, 1]
    assert smtp.calls == 3
    reminder.refresh_from_db()
    assert reminder.attempts == 3 and reminder.sent_at is not None and reminder.claimed_at is not None
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_without_redis_a_failed_send_is_retried_by_the_next_sweep_and_sent_once(due_today, mailoutbox, flaky_smtp):
    """With the project's settings (eager errors propagate), a failure leaves the reminder for the next sweep."""
    assert celery_app.conf.task_always_eager and celery_app.conf.task_eager_propagates
    flaky_smtp(1000)
    first = scheduling.run_sweep()
    assert first.queued == 0  # every send failed, and the sweep itself did not
    assert mailoutbox == []
    assert set(Reminder.objects.values_list("attempts", "sent_at", "claimed_at")) == {(1, None, None)}

    flaky_smtp(0)
    second = scheduling.run_sweep()
    assert second.queued == due_today
    _assert_each_reminder_sent_once(mailoutbox, due_today)
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {2}


# -- Redis unreachable ------------------------------------------------------------------------------------------


@pytest.fixture
def redis_down():
    with celery_config(task_always_eager=False, broker_url=UNREACHABLE_BROKER):
        yield


@pytest.fixture
def broker_waits(monkeypatch):
    """What queueing to the unreachable broker could wait for, recorded instead of timed (a wall-clock bound
    failed on a loaded machine): each task queued, each connection attempt with its timeout, each retry's sleep."""
    import socket

    import kombu.utils.functional
    import redis.retry
    from celery.app.task import Task

    waits = SimpleNamespace(queued=[], connects=[], sleeps=[])
    real_connect, real_apply_async = socket.socket.connect, Task.apply_async

    def connect(sock, address):
        if isinstance(address, tuple) and address[1] == 1:  # UNREACHABLE_BROKER's port
            waits.connects.append(sock.gettimeout())
        return real_connect(sock, address)

    def apply_async(task, *args, **kwargs):
        waits.queued.append(task.name)
        return real_apply_async(task, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(Task, "apply_async", apply_async)
    for module in (time, kombu.utils.functional, redis.retry):  # the two libraries hold their own `sleep`
        monkeypatch.setattr(module, "sleep", waits.sleeps.append)
    return waits


def _assert_no_network_wait(waits):
    """Redis was asked, refused at once, and nothing waited: no retry sleeps, no more attempts than the publish
    retry policy allows, each bounded by the connect timeout (for a broker that does not refuse but is silent)."""
    assert waits.queued and waits.connects
    assert len(waits.connects) <= len(waits.queued) * (1 + settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"])
    assert set(waits.connects) == {settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"]}
    assert sum(waits.sleeps) == 0


@pytest.mark.django_db
def test_with_redis_unreachable_signing_and_registering_still_work_and_the_next_sweep_follows_up(
    client, unit, citizen, leader, staff_with_role, mailoutbox, django_capture_on_commit_callbacks, broker_waits,
):
    caseworker = staff_with_role("saksbehandler", unit, username="saksbehandler_sched")
    ready = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader)
    client.force_login(leader)
    today = timezone.localdate()
    with celery_config(task_always_eager=False, broker_url=UNREACHABLE_BROKER):
        with django_capture_on_commit_callbacks(execute=True):
            signed = client.post(reverse("utestenging:sign", args=[ready.public_id]),
                                 {"written_delivery": "handed_over"})
            registered = client.post(reverse("utestenging:registration", args=[ready.public_id]),
                                     {"kind": RegistrationKind.GOSYS, "done_on": today.isoformat()})
        _assert_no_network_wait(broker_waits)
        assert (signed.status_code, registered.status_code) == (302, 302)
        ready.refresh_from_db()
        assert ready.status == Status.ACTIVE
        assert ready.registrations.count() == 1

        # Three days on, the sweep (cron) runs while Redis is still down: the reminder is stored, not lost.
        broker_waits.queued.clear(), broker_waits.connects.clear()
        with freeze_time(timezone.now() + 3 * DAY):
            result = scheduling.run_sweep()
        _assert_no_network_wait(broker_waits)
    assert result.queued == 0
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient, reminder.sent_at) == ("decision.registrations_missing", leader, None)
    assert mailoutbox == []

    # Redis is back (here: eager): the next sweep sends it, once.
    with freeze_time(timezone.now() + 3 * DAY + datetime.timedelta(hours=1)):
        assert scheduling.run_sweep().queued == 1
        assert scheduling.run_sweep().queued == 0
    assert len(mailoutbox) == 1
    assert ready.case_number in mailoutbox[0].subject


@pytest.mark.django_db
def test_queueing_with_redis_unreachable_fails_fast_and_says_so(redis_down, broker_waits, caplog):
    assert scheduling.enqueue(tasks.send_reminder, 1) is False
    assert broker_waits.queued == [tasks.send_reminder.name]
    _assert_no_network_wait(broker_waits)
    assert "next sweep will pick it up" in caplog.text


# -- through the real broker ------------------------------------------------------------------------------------


def _redis_url() -> str:
    url = settings.REDIS_URL
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the real-broker tests: set REDIS_URL")
        pytest.skip("REDIS_URL is not set: the real-broker tests need a Redis server")
    return url


@contextlib.contextmanager
def _worker(pool: str = "solo", concurrency: int = 1):
    """A Celery worker in this process, consuming a queue of its own on REDIS_URL.

    The queue name is unique so parallel test runs (xdist, other checkouts) on the same Redis never take
    each other's tasks. Tasks are queued for real (not eager); the worker's threads use the test database.
    """
    queue = f"nav-sikkerhet-test-{uuid.uuid4().hex}"
    with celery_config(task_always_eager=False, broker_url=_redis_url(), task_default_queue=queue,
                       result_backend=None, worker_hijack_root_logger=False):
        try:
            with start_worker(celery_app, pool=pool, concurrency=concurrency, perform_ping_check=False,
                              queues=[queue], loglevel="WARNING", shutdown_timeout=30):
                try:
                    yield queue
                finally:
                    _wait_until(lambda: _idle(queue), "the worker to finish")
        finally:
            # A threads pool marks the whole process as "inside a worker", where result.get() is refused.
            _set_task_join_will_block(False)
            with celery_app.connection_for_write() as conn:
                channel = conn.default_channel
                channel.queue_delete(queue)
                # The exchange named after the queue, and its bindings, would stay behind in Redis.
                channel.exchange_delete(queue)
                channel.client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def _idle(queue: str) -> bool:
    from celery.worker import state

    with celery_app.connection_for_write() as conn:
        waiting = conn.default_channel._size(queue)  # with the priority sub-queues; an empty list is no key
    return waiting == 0 and not state.active_requests and not state.reserved_requests


def _wait_until(predicate, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_sweep_through_redis_and_sends_each_reminder_once(due_today, mailoutbox):
    """Two beat processes both queue the hourly sweep: the worker runs it twice, each reminder goes out once."""
    with _worker() as queue:
        tasks.run_daily_sweep.delay()
        tasks.run_daily_sweep.delay()
        # Only the outbox and the worker's state are watched meanwhile: SQLite does not like a second writer.
        _wait_until(lambda: len(mailoutbox) >= due_today and _idle(queue), "the reminders")
        time.sleep(0.2)
        _wait_until(lambda: _idle(queue), "the worker to finish")
    _assert_each_reminder_sent_once(mailoutbox, due_today)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_on_a_threaded_worker_send_each_reminder_once(due_today, mailoutbox, settings):
    """Two sweeps run at the same time on two worker threads, each queueing every reminder: sent once each."""
    _redis_url()
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite in memory takes one at a time")
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    with _worker(pool="threads", concurrency=2) as queue:
        tasks.run_daily_sweep.delay()
        tasks.run_daily_sweep.delay()
        _wait_until(lambda: len(mailoutbox) >= due_today and _idle(queue), "the reminders")
        time.sleep(0.2)
        _wait_until(lambda: _idle(queue), "the worker to finish")
    _assert_each_reminder_sent_once(mailoutbox, due_today)


@pytest.mark.django_db(transaction=True)
def test_reminder_tasks_delivered_twice_to_a_threaded_worker_send_once(due_today, mailoutbox, settings):
    """Each send task queued twice in a row (a redelivery after a lost ack): two threads take the pair at once."""
    _redis_url()
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite in memory takes one at a time")
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()  # eager: creates the reminders
    Reminder.objects.update(sent_at=None, claimed_at=None, attempts=0)
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    with _worker(pool="threads", concurrency=2) as queue:
        for reminder_id in Reminder.objects.values_list("pk", flat=True):
            tasks.send_reminder.delay(reminder_id)
            tasks.send_reminder.delay(reminder_id)
        _wait_until(lambda: len(mailoutbox) >= due_today and _idle(queue), "the reminders")
        time.sleep(0.2)
        _wait_until(lambda: _idle(queue), "the worker to finish")
    _assert_each_reminder_sent_once(mailoutbox, due_today)
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_a_failing_smtp_send_is_retried_through_redis_and_then_sent_once(due_today, mailoutbox, flaky_smtp,
                                                                         settings, retries, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()  # eager: creates the reminders
    Reminder.objects.update(sent_at=None, claimed_at=None, attempts=0)
    reminder = Reminder.objects.first()
    smtp = flaky_smtp(2)
    # The real backoff is 0–30 s, then 0–60 s (full jitter); record what was asked for and retry at once.
    backoffs = []

    def no_wait(factor, retries, maximum, full_jitter=False):
        backoffs.append((factor, retries, maximum, full_jitter))
        return 0

    monkeypatch.setattr("celery.app.autoretry.get_exponential_backoff_interval", no_wait)
    with _worker() as queue:
        tasks.send_reminder.delay(reminder.pk)
        _wait_until(lambda: len(mailoutbox) >= 1 and _idle(queue), "the retried e-mail")
    assert backoffs == [(30, 0, 3600, True), (30, 1, 3600, True)]
    assert retries == [0, 1]
    assert smtp.calls == 3
    assert len(mailoutbox) == 1
    reminder.refresh_from_db()
    assert reminder.attempts == 3 and reminder.sent_at is not None


# -- under faults: timeouts, time limits, a crash after the mail server took the message -------------------------


def test_smtp_has_a_timeout_and_the_reminder_task_time_limits_bound_a_send():
    assert settings.EMAIL_TIMEOUT and 0 < settings.EMAIL_TIMEOUT <= 60
    assert settings.EMAIL_TIMEOUT < tasks.send_reminder.soft_time_limit < tasks.send_reminder.time_limit
    assert celery_app.conf.task_soft_time_limit and celery_app.conf.task_time_limit
    assert celery_app.conf.task_soft_time_limit < celery_app.conf.task_time_limit


def test_the_claim_runs_out_just_after_the_longest_possible_send():
    claim = services.REMINDER_CLAIM_TIMEOUT.total_seconds()
    # A live sender (killed at the hard limit at the latest) is never overtaken; a crashed one waits minutes:
    # at most RFC 5321's ten minutes for the reply to the message, plus the other SMTP steps and recording sent_at.
    assert tasks.send_reminder.time_limit < claim <= tasks.send_reminder.time_limit + 60
    assert claim <= 15 * 60


def test_the_brokers_visibility_timeout_is_longer_than_any_retry_countdown():
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]
    ours = [task for name, task in celery_app.tasks.items() if name.split(".")[0] in
            ("nav_sikkerhet", "utestenging", "hendelser", "risiko")]
    assert ours
    longest = max(getattr(task, "retry_backoff_max", 0) or 0 for task in ours)
    from utestenging.tasks import LETTER_BACKOFF_MAX_SECONDS

    longest = max(longest, LETTER_BACKOFF_MAX_SECONDS)
    assert visibility >= 2 * (longest + celery_app.conf.task_time_limit)


@pytest.mark.django_db
def test_each_reminder_has_a_stable_message_id_from_its_key_so_a_resend_is_the_same_message(due_today, mailoutbox):
    scheduling.run_sweep()
    reminder = Reminder.objects.order_by("pk").first()
    first = next(m for m in mailoutbox if m.extra_headers.get("Message-ID") == services.reminder_message_id(reminder))
    # A crash after the mail server took it, before sent_at was written: the claim runs out, it is sent again.
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=None, claimed_at=None)
    assert services.reminder_send(reminder_id=reminder.pk) is True
    resent = mailoutbox[-1]
    assert resent.extra_headers["Message-ID"] == first.extra_headers["Message-ID"]
    assert resent.message()["Message-ID"] == first.message()["Message-ID"]
    ids = {m.extra_headers["Message-ID"] for m in mailoutbox}
    assert len(ids) == due_today  # one per reminder: different reminders never share one
    assert all(len(set(id_)) > 5 and id_.startswith("<reminder.") and "@nav.no>" in id_ for id_ in ids)


@pytest.fixture
def silent_smtp_server():
    """A mail server that accepts the connection and never answers."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    accepted = []
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.django_db
def test_a_mail_server_that_never_answers_times_out_and_releases_the_claim(due_today, settings, silent_smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()
    Reminder.objects.update(sent_at=None, claimed_at=None)
    reminder = Reminder.objects.first()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent_smtp_server, 1
    started = time.monotonic()
    with pytest.raises(OSError):  # socket timeout: the task's autoretry takes it from here
        services.reminder_send(reminder_id=reminder.pk)
    assert time.monotonic() - started < 5
    reminder.refresh_from_db()
    assert reminder.claimed_at is None and reminder.sent_at is None


@pytest.mark.django_db(transaction=True)
def test_a_reminder_left_claimed_by_a_crashed_sender_is_sent_by_a_worker_within_the_claim(due_today, mailoutbox,
                                                                                        settings, monkeypatch):
    """The worker finds the reminder claimed by a process that died mid-send, waits for the claim to run out
    (not for the next hourly sweep), and sends it once, with the reminder's own Message-ID."""
    _redis_url()
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    scheduling.run_sweep()
    Reminder.objects.update(sent_at=None, claimed_at=None, attempts=0)
    reminder = Reminder.objects.order_by("pk").first()
    monkeypatch.setattr(services, "REMINDER_CLAIM_TIMEOUT", datetime.timedelta(seconds=2))
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now())  # the dead sender's claim
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    started = time.monotonic()
    with _worker() as queue:
        tasks.send_reminder.delay(reminder.pk)
        _wait_until(lambda: len(mailoutbox) >= 1 and _idle(queue), "the reminder after the claim ran out")
    assert time.monotonic() - started < 20
    [message] = mailoutbox
    assert message.extra_headers["Message-ID"] == services.reminder_message_id(reminder)
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
