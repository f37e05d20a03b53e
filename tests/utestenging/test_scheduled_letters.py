"""Letters whose production was lost (Redis down) or failed are produced by the next sweep."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from nav_sikkerhet.core import scheduling
from tests.celery_utils import celery_config
from utestenging import services
from utestenging.models import Letter, LetterStatus

from .factories import complete_decision

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"

pytestmark = pytest.mark.django_db


def test_a_letter_lost_while_redis_was_down_is_produced_by_the_next_sweep(
    unit, citizen, caseworker, leader, django_capture_on_commit_callbacks,
):
    ready = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader)
    with celery_config(task_always_eager=False, broker_url=UNREACHABLE_BROKER), \
            django_capture_on_commit_callbacks(execute=True):
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    letter = Letter.objects.get(decision=ready)
    assert letter.status == LetterStatus.PENDING

    scheduling.run_sweep()  # too soon: the task may still be on its way
    letter.refresh_from_db()
    assert letter.status == LetterStatus.PENDING

    with freeze_time(timezone.now() + services.LETTER_STUCK_AFTER + datetime.timedelta(minutes=1)):
        scheduling.run_sweep()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY and len(letter.sha256) == 64


def test_a_failed_letter_is_retried_by_the_sweep_a_bounded_number_of_times(
    unit, citizen, caseworker, leader, monkeypatch, django_capture_on_commit_callbacks,
):
    from utestenging import letters
    from utestenging.scheduled import LETTER_SWEEP_ATTEMPTS

    ready = complete_decision(unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader)

    def broken(letter):
        raise RuntimeError("font missing")

    monkeypatch.setattr(letters, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery="handed_over")
    letter = Letter.objects.get(decision=ready)
    for _ in range(10):
        scheduling.run_sweep()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert letter.attempts == LETTER_SWEEP_ATTEMPTS

    monkeypatch.undo()
    letter.attempts = 0
    letter.save(update_fields=["attempts"])
    scheduling.run_sweep()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY
