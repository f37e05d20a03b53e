"""Letters as state: requested by the services, rendered once after commit, archived with a SHA-256, never replaced."""

import datetime
import hashlib
import logging

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from utestenging import letters, services, tasks
from utestenging.models import Letter, LetterKind, LetterStatus, NoticeMethod, NoticeStatus, Status, WrittenDelivery

from .factories import ComplaintFactory, complete_decision, signed_decision

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _sign(decision, by):
    return services.decision_sign(by=by, decision_id=decision.pk, written_delivery=WrittenDelivery.HANDED_OVER)


def _stored(letter) -> bytes:
    with default_storage.open(letter.file.name, "rb") as stored:
        return stored.read()


@pytest.fixture
def signed_letter(ready, leader, django_capture_on_commit_callbacks):
    """The decision letter of a freshly signed decision, rendered and archived."""
    with django_capture_on_commit_callbacks(execute=True):
        _sign(ready, leader)
    return ready.letters.get()


# -- requested by the services, rendered after commit ------------------------------------------------


def test_signing_archives_the_decision_letter_after_commit(ready, leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _sign(ready, leader)
    letter = ready.letters.get()
    assert (letter.kind, letter.status, letter.file.name, letter.sha256) == (LetterKind.DECISION, "pending", "", "")
    assert (letter.language, letter.created_by) == (ready.letter_language, leader)
    assert len(callbacks) == 1

    callbacks[0]()
    letter.refresh_from_db()
    content = _stored(letter)
    assert letter.status == LetterStatus.READY and letter.attempts == 1 and letter.generated_at
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == letter.sha256
    assert str(ready.public_id) in letter.file.name
    assert ready.citizen.personident not in letter.file.name


def test_the_letter_is_in_the_decisions_letter_language(ready, leader, django_capture_on_commit_callbacks):
    ready.letter_language = "nn"
    ready.save()
    with django_capture_on_commit_callbacks(execute=True):
        _sign(ready, leader)
    assert ready.letters.get().language == "nn"


def test_signing_an_extension_archives_an_extension_letter(leader, caseworker, citizen, unit, today,
                                                            django_capture_on_commit_callbacks):
    # In force since ten days, ending in 18: in its last 21 days, when an extension is signed (§5).
    active = signed_decision(unit=unit, citizen=citizen, created_by=caseworker, signed_by=leader,
                             valid_from=today - 10 * DAY)
    start = active.valid_to + DAY
    extension = complete_decision(
        unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader, extends=active,
        valid_from=start, valid_to=start + 27 * DAY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_sign(by=leader, decision_id=extension.pk, written_delivery=WrittenDelivery.POST,
                               other_measures_acknowledged=True)
    letter = extension.letters.get()
    assert (letter.kind, letter.status) == (LetterKind.EXTENSION, LetterStatus.READY)


def test_lifting_archives_a_lifting_letter(active, leader, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_lift(by=leader, decision_id=active.pk, lifted_on=today,
            reason="Bruker beklaget og fikk ny veileder.")
    letter = active.letters.get()
    assert (letter.kind, letter.status, letter.created_by) == (LetterKind.LIFTING, LetterStatus.READY, leader)


def test_advance_notice_archives_a_notice_letter_each_time_it_is_sent(
    unit, citizen, caseworker, leader, today, django_capture_on_commit_callbacks
):
    draft = complete_decision(
        status=Status.DRAFT, unit=unit, citizen=citizen, created_by=caseworker, responsible_leader=leader,
        notice_status=NoticeStatus.NOT_HANDLED, notice_not_possible_reason="",
    )

    def send():
        services.decision_send_notice(
            by=caseworker, decision_id=draft.pk, sent_on=today, method=NoticeMethod.LETTER, deadline=today + 14 * DAY
        )

    with django_capture_on_commit_callbacks(execute=True):
        send()
        services.decision_reopen(by=caseworker, decision_id=draft.pk)
        send()
    notices = list(draft.letters.order_by("sequence"))
    assert [(n.kind, n.sequence, n.status) for n in notices] == [
        (LetterKind.NOTICE, 1, LetterStatus.READY), (LetterKind.NOTICE, 2, LetterStatus.READY),
    ]
    assert notices[0].file.name != notices[1].file.name


def test_answering_a_complaint_archives_the_written_answer(active, leader, caseworker, today,
                                                            django_capture_on_commit_callbacks):
    complaint = ComplaintFactory(decision=active, registered_by=caseworker, received_on=today - 2 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_answer(by=leader, complaint_id=complaint.pk, answered_on=today,
                                  answer_summary="Vi har vurdert klagen, og beslutningen står ved lag.")
    letter = complaint.letters.get()
    assert (letter.kind, letter.decision, letter.status) == (LetterKind.COMPLAINT_ANSWER, active, LetterStatus.READY)


def test_a_refused_service_requests_no_letter(ready, caseworker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        _sign(ready, caseworker)
    assert not Letter.objects.exists()


# -- archived once: never changed by regenerating, viewing or a new template ----------------------------


def test_generating_a_ready_letter_again_changes_nothing(signed_letter):
    before = (signed_letter.file.name, signed_letter.sha256, _stored(signed_letter), signed_letter.attempts)
    again = services.letter_generate(letter_id=signed_letter.pk)
    again.refresh_from_db()
    assert (again.file.name, again.sha256, _stored(again), again.attempts) == before
    assert len(default_storage.listdir(f"letters/{signed_letter.decision.public_id}")[1]) == 1


def test_a_changed_template_does_not_change_the_archived_letter(signed_letter, settings, tmp_path, client, leader):
    before = (signed_letter.file.name, signed_letter.sha256, _stored(signed_letter))
    changed = tmp_path / "templates" / "utestenging" / "letters"
    changed.mkdir(parents=True)
    (changed / "decision.html").write_text(
        '{% extends "utestenging/letters/base.html" %}{% block body %}<p>CHANGED TEMPLATE</p>{% endblock %}'
    )
    engine = django_settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path / "templates", *engine["DIRS"]]}]
    # The change is live: a fresh rendering says so ...
    assert "CHANGED TEMPLATE" in letters.render_html(letters.letter_for_rendering(signed_letter.pk))

    # ... yet neither generating again nor viewing the case or the letter touches the archived file.
    services.letter_generate(letter_id=signed_letter.pk)
    client.force_login(leader)
    decision = signed_letter.decision
    assert client.get(reverse("utestenging:detail", args=[decision.public_id])).status_code == 200
    response = client.get(reverse("utestenging:letter_download", args=[decision.public_id, signed_letter.pk]))
    assert b"".join(response.streaming_content) == before[2]
    signed_letter.refresh_from_db()
    assert (signed_letter.file.name, signed_letter.sha256, _stored(signed_letter)) == before


# -- failures and retries --------------------------------------------------------------------------------


@pytest.fixture
def pending_letter(ready, leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _sign(ready, leader)
    return ready.letters.get()


def _broken(*args, **kwargs):
    raise RuntimeError("template exploded")


def test_a_failed_rendering_leaves_the_letter_failed_with_the_reason(pending_letter, monkeypatch, caplog):
    monkeypatch.setattr(letters, "render_pdf", _broken)
    with caplog.at_level(logging.ERROR, logger="utestenging.services"):
        letter = services.letter_generate(letter_id=pending_letter.pk)
    letter.refresh_from_db()
    assert (letter.status, letter.error, letter.file.name, letter.sha256, letter.attempts) == (
        LetterStatus.FAILED, "RuntimeError", "", "", 1,
    )
    assert pending_letter.decision.citizen.personident not in caplog.text


def test_a_storage_failure_leaves_the_letter_failed(pending_letter, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full_disk)
    letter = services.letter_generate(letter_id=pending_letter.pk)
    assert (letter.status, letter.error) == (LetterStatus.FAILED, "OSError")


def test_retry_produces_a_failed_letter(pending_letter, leader, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(letters, "render_pdf", _broken)
    services.letter_generate(letter_id=pending_letter.pk)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        letter = services.letter_retry(by=leader, letter_id=pending_letter.pk)
        assert letter.status == LetterStatus.PENDING
    assert len(callbacks) == 1
    letter.refresh_from_db()
    assert (letter.status, letter.error, letter.attempts) == (LetterStatus.READY, "", 2)
    assert hashlib.sha256(_stored(letter)).hexdigest() == letter.sha256


def test_retry_is_refused_while_the_letter_is_still_being_produced(pending_letter, leader):
    with pytest.raises(ValidationError) as raised:
        services.letter_retry(by=leader, letter_id=pending_letter.pk)
    assert raised.value.code == "pending"


def test_a_letter_lost_on_the_way_may_be_retried(pending_letter, leader, django_capture_on_commit_callbacks):
    Letter.objects.filter(pk=pending_letter.pk).update(
        created_at=timezone.now() - services.LETTER_STUCK_AFTER - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_retry(by=leader, letter_id=pending_letter.pk)
    pending_letter.refresh_from_db()
    assert pending_letter.status == LetterStatus.READY


def test_retrying_a_ready_letter_does_nothing(signed_letter, leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        letter = services.letter_retry(by=leader, letter_id=signed_letter.pk)
    assert letter.status == LetterStatus.READY and not callbacks


def test_reception_may_not_retry(pending_letter, reception, monkeypatch):
    monkeypatch.setattr(letters, "render_pdf", _broken)
    services.letter_generate(letter_id=pending_letter.pk)
    with pytest.raises(PermissionDenied):
        services.letter_retry(by=reception, letter_id=pending_letter.pk)


# -- the Celery task ------------------------------------------------------------------------------------


def test_task_renders_the_letter_and_is_idempotent(pending_letter):
    assert tasks.generate_letter.apply(args=[pending_letter.pk]).get() == LetterStatus.READY
    pending_letter.refresh_from_db()
    name = pending_letter.file.name
    assert tasks.generate_letter.apply(args=[pending_letter.pk]).get() == LetterStatus.READY
    pending_letter.refresh_from_db()
    assert pending_letter.file.name == name and pending_letter.attempts == 1


def test_task_on_a_worker_retries_a_failed_letter_with_backoff(pending_letter, monkeypatch):
    monkeypatch.setattr(letters, "render_pdf", _broken)
    retried = {}

    class Retrying(Exception):
        pass

    def retry(**kwargs):
        retried.update(kwargs)
        return Retrying()

    monkeypatch.setattr(tasks.generate_letter, "retry", retry)
    with pytest.raises(Retrying):
        tasks.generate_letter.run(pending_letter.pk)  # as a worker runs it: not eager
    assert retried == {"countdown": tasks.LETTER_BACKOFF_SECONDS}


def test_task_run_eagerly_leaves_the_retry_to_the_user(pending_letter, monkeypatch):
    monkeypatch.setattr(letters, "render_pdf", _broken)
    assert tasks.generate_letter.apply(args=[pending_letter.pk]).get() == LetterStatus.FAILED


def test_a_broken_queue_after_commit_never_fails_the_signing(ready, leader, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(tasks.generate_letter, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        decision = _sign(ready, leader)
    assert decision.status == Status.ACTIVE
    assert ready.letters.get().status == LetterStatus.PENDING
