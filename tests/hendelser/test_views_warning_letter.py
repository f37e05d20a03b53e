"""The written warning's letter on a par with the decision letters: a status page, the archived file downloaded
(access-controlled, audited, checked against its hash), a retry when rendering failed, and the sweep."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time

from hendelser import letters, scheduled, services
from hendelser.models import Perpetrator, WarningLetter, WarningLetterStatus
from nav_sikkerhet.core import metrics
from nav_sikkerhet.core.models import AuditLogEntry, Role

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _nb(text: str) -> str:
    with translation.override("nb"):
        return gettext(text)


def _url(name: str, letter) -> str:
    return reverse(f"hendelser:{name}", args=[letter.pk])


def _written(by, citizen, unit, **kwargs) -> WarningLetter:
    warning = services.warning_register(by=by, citizen=citizen, unit=unit, form="written",
                                        note="Du kastet en stol i mottaket.",
                                        given_on=timezone.localdate() - datetime.timedelta(days=1), **kwargs)
    return WarningLetter.objects.get(warning=warning)


@pytest.fixture
def archived(leader, citizen, unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter = _written(leader, citizen, unit)
    letter.refresh_from_db()
    assert letter.status == WarningLetterStatus.READY, letter.error
    return letter


@pytest.fixture
def failed(leader, citizen, unit):
    """A letter whose rendering failed (its task ran and broke)."""
    letter = _written(leader, citizen, unit)
    WarningLetter.objects.filter(pk=letter.pk).update(status=WarningLetterStatus.FAILED, error="OSError", attempts=1)
    letter.refresh_from_db()
    return letter


def _rendered(outcome: str) -> float:
    return metrics.LETTERS_RENDERED.labels(outcome=outcome)._value.get()


# -- download ---------------------------------------------------------------------------------------------


def test_download_serves_the_archived_file_and_logs_one_audit_line(client, leader, archived):
    client.force_login(leader)
    AuditLogEntry.objects.all().delete()
    response = client.get(_url("warning_letter_download", archived))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and archived.reference in disposition
    assert archived.warning.citizen.personident not in disposition
    assert hashlib.sha256(content).hexdigest() == archived.sha256
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.citizen, entry.request_path) == (
        "warning_letter.download", leader, archived.warning.citizen, _url("warning_letter_download", archived),
    )


@pytest.mark.parametrize("name", ["warning_letter", "warning_letter_download"])
def test_another_units_leader_gets_404_and_nothing_is_logged(client, other_leader, archived, name):
    client.force_login(other_leader)
    AuditLogEntry.objects.all().delete()
    assert client.get(_url(name, archived)).status_code == 404
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize("name", ["warning_letter", "warning_letter_download"])
def test_reception_may_not_see_the_letter(client, reception, archived, name):
    client.force_login(reception)
    assert client.get(_url(name, archived)).status_code == 404


def test_an_unknown_letter_answers_404(client, leader, archived):
    client.force_login(leader)
    assert client.get(reverse("hendelser:warning_letter_download", args=[archived.pk + 1000])).status_code == 404


@pytest.mark.parametrize("role", [Role.SAKSBEHANDLER, Role.HMS])
def test_those_who_prepare_decisions_or_see_incidents_in_the_unit_may_download(client, staff_with_role, unit,
                                                                              archived, role):
    client.force_login(staff_with_role(role, unit, username=f"u_{role}"))
    assert client.get(_url("warning_letter_download", archived)).status_code == 200


def test_a_tampered_file_is_refused_with_a_message_not_a_500(client, leader, archived):
    client.force_login(leader)
    default_storage.delete(archived.file.name)
    default_storage.save(archived.file.name, ContentFile(b"%PDF-1.7 forged"))
    AuditLogEntry.objects.all().delete()
    response = client.get(_url("warning_letter_download", archived))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert _nb("The archived file does not match its checksum and is not shown.") in response.content.decode()
    assert not AuditLogEntry.objects.exists()


def test_a_missing_file_is_reported_with_a_message_not_a_500(client, leader, archived):
    client.force_login(leader)
    default_storage.delete(archived.file.name)
    response = client.get(_url("warning_letter_download", archived))
    assert response.status_code == 200
    assert _nb("The archived file could not be read.") in response.content.decode()


def test_download_of_a_letter_not_ready_goes_to_its_status_page(client, leader, citizen, unit):
    letter = _written(leader, citizen, unit)
    client.force_login(leader)
    response = client.get(_url("warning_letter_download", letter))
    assert response.status_code == 302 and response["Location"] == _url("warning_letter", letter)


# -- status page and links --------------------------------------------------------------------------------


def test_a_pending_letters_page_reloads_itself_and_offers_no_retry(client, leader, citizen, unit):
    letter = _written(leader, citizen, unit)
    client.force_login(leader)
    AuditLogEntry.objects.all().delete()
    response = client.get(_url("warning_letter", letter))
    content = response.content.decode()
    assert response["Refresh"] == "2" and 'data-status="pending"' in content
    assert _url("warning_letter_retry", letter) not in content
    # Reference and status only, like the decision letters' page: nothing to log.
    assert citizen.name not in content and not AuditLogEntry.objects.exists()


def test_a_ready_letters_page_links_the_download_with_its_hash(client, leader, archived):
    client.force_login(leader)
    response = client.get(_url("warning_letter", archived))
    content = response.content.decode()
    assert "Refresh" not in response
    assert _url("warning_letter_download", archived) in content and archived.sha256 in content


def test_the_incident_page_links_the_warning_letter(client, leader, citizen, unit):
    incident = IncidentFactory(unit=unit, citizen=citizen, perpetrator=Perpetrator.CITIZEN, registered_by=leader)
    services.measure_add(by=leader, incident_id=incident.pk, kind="warning_written",
                         decided_on=timezone.localdate(), description="Skriftlig advarsel sendt.")
    letter = WarningLetter.objects.get(warning__incident=incident)
    client.force_login(leader)
    content = client.get(reverse("hendelser:detail", args=[incident.public_id])).content.decode()
    assert _url("warning_letter", letter) in content


# -- retry --------------------------------------------------------------------------------------------------


def test_a_failed_letter_shows_the_retry_button_and_is_produced_again(client, leader, failed,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(leader)
    page = client.get(_url("warning_letter", failed)).content.decode()
    assert _url("warning_letter_retry", failed) in page and "OSError" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("warning_letter_retry", failed))
    assert response.status_code == 302 and response["Location"] == _url("warning_letter", failed)
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == (WarningLetterStatus.READY, "", 2)


def test_retry_of_a_letter_still_being_produced_is_refused_with_a_message(client, leader, citizen, unit):
    letter = _written(leader, citizen, unit)
    client.force_login(leader)
    response = client.post(_url("warning_letter_retry", letter), follow=True)
    assert _nb("The letter is still being produced.") in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == WarningLetterStatus.PENDING and letter.attempts == 0


def test_a_letter_whose_task_was_lost_may_be_retried_after_ten_minutes(leader, citizen, unit,
                                                                       django_capture_on_commit_callbacks):
    letter = _written(leader, citizen, unit)
    later = timezone.now() + WarningLetter.STUCK_AFTER + datetime.timedelta(minutes=1)
    with freeze_time(later), django_capture_on_commit_callbacks(execute=True):
        services.warning_letter_retry(by=leader, letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == WarningLetterStatus.READY


def test_a_ready_letter_is_never_produced_again_by_a_retry(leader, archived, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.warning_letter_retry(by=leader, letter_id=archived.pk)
    again = WarningLetter.objects.get(pk=archived.pk)
    assert (again.file.name, again.sha256, again.attempts) == (archived.file.name, archived.sha256, 1)


def test_reception_and_another_unit_may_not_retry(client, reception, other_leader, failed):
    for user in (reception, other_leader):
        client.force_login(user)
        assert client.post(_url("warning_letter_retry", failed)).status_code == 404
    failed.refresh_from_db()
    assert failed.status == WarningLetterStatus.FAILED


def test_retry_is_post_only(client, leader, failed):
    client.force_login(leader)
    assert client.get(_url("warning_letter_retry", failed)).status_code == 405


# -- the sweep and the metric -------------------------------------------------------------------------------


def test_the_sweep_produces_failed_and_lost_letters_and_leaves_recent_and_exhausted_ones(leader, citizen, unit,
                                                                                        failed):
    lost = _written(leader, citizen, unit)
    recent = _written(leader, citizen, unit)
    exhausted = _written(leader, citizen, unit)
    WarningLetter.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    WarningLetter.objects.filter(pk=exhausted.pk).update(status=WarningLetterStatus.FAILED,
                                                         attempts=WarningLetter.SWEEP_ATTEMPTS)
    scheduled.warning_letters_not_produced(timezone.localdate())
    statuses = dict(WarningLetter.objects.values_list("pk", "status"))
    assert statuses[failed.pk] == statuses[lost.pk] == WarningLetterStatus.READY
    assert statuses[recent.pk] == WarningLetterStatus.PENDING
    assert statuses[exhausted.pk] == WarningLetterStatus.FAILED


def test_the_sweep_job_is_registered_with_the_daily_sweep():
    from nav_sikkerhet.core import scheduling

    assert scheduled.warning_letters_not_produced in scheduling.JOBS


def test_each_rendering_is_counted_in_the_letters_rendered_metric_by_outcome(leader, citizen, unit, monkeypatch):
    ready_before, failed_before = _rendered("ready"), _rendered("failed")
    first = _written(leader, citizen, unit)

    def broken(letter):
        raise OSError("disk full")

    monkeypatch.setattr(letters, "render_pdf", broken)
    services.warning_letter_generate(letter_id=first.pk)
    assert _rendered("failed") == failed_before + 1
    monkeypatch.undo()
    services.warning_letter_generate(letter_id=first.pk)
    assert _rendered("ready") == ready_before + 1
    # A ready letter is not rendered again, so not counted again.
    services.warning_letter_generate(letter_id=first.pk)
    assert _rendered("ready") == ready_before + 1
