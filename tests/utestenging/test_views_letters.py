"""The letter pages and the reception list through the test client: 404 for other units, audit lines, never a 500."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from nav_sikkerhet.core.models import AuditLogEntry, Role
from utestenging import letters, services
from utestenging.models import Kind, Letter, LetterKind, LetterStatus, Scope, Status, WrittenDelivery

from ..factories import CitizenFactory, UnitFactory, UserFactory, assign_role
from .factories import complete_decision, signed_decision
from .letter_builders import pdf_text

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _nb(msgid):
    with translation.override("nb"):
        return gettext(msgid)


def _url(name, letter):
    return reverse(f"utestenging:{name}", args=[letter.decision.public_id, letter.pk])


@pytest.fixture
def archived(ready, leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_sign(by=leader, decision_id=ready.pk, written_delivery=WrittenDelivery.HANDED_OVER)
    return ready.letters.get()


@pytest.fixture
def pending(active, leader):
    return Letter.objects.create(decision=active, kind=LetterKind.DECISION, language="nb", created_by=leader)


# -- signing in the browser's place: the letter is ready when the page comes back ------------------------


def test_signing_through_the_page_archives_the_letter_and_lists_it(client, leader, ready,
                                                                    django_capture_on_commit_callbacks):
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("utestenging:sign", args=[ready.public_id]),
                               {"written_delivery": WrittenDelivery.HANDED_OVER})
    assert response.status_code == 302
    letter = ready.letters.get()
    assert letter.status == LetterStatus.READY
    page = client.get(reverse("utestenging:detail", args=[ready.public_id])).content.decode()
    assert _url("letter_download", letter) in page
    assert _nb("Letters") in page and _nb("Decision letter") in page


# -- download ---------------------------------------------------------------------------------------------


def test_download_serves_the_archived_file_as_an_attachment_and_logs_one_line(client, leader, archived):
    client.force_login(leader)
    AuditLogEntry.objects.all().delete()
    response = client.get(_url("letter_download", archived))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and archived.decision.case_number in disposition
    assert archived.decision.citizen.personident not in disposition
    assert hashlib.sha256(content).hexdigest() == archived.sha256
    assert archived.decision.citizen.name in pdf_text(content)
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.citizen, entry.request_path) == (
        "letter.download", leader, archived.decision.citizen, _url("letter_download", archived),
    )


@pytest.mark.parametrize("name", ["letter_download", "letter_status"])
def test_letters_of_another_unit_answer_404_and_log_nothing(client, other_leader, archived, name):
    client.force_login(other_leader)
    AuditLogEntry.objects.all().delete()
    assert client.get(_url(name, archived)).status_code == 404
    assert not AuditLogEntry.objects.exists()


def test_a_letter_id_of_another_decision_answers_404(client, leader, archived, active):
    client.force_login(leader)
    url = reverse("utestenging:letter_download", args=[active.public_id, archived.pk])
    assert client.get(url).status_code == 404


def test_reception_may_not_download_letters(client, reception, archived):
    client.force_login(reception)
    assert client.get(_url("letter_download", archived)).status_code == 404


def test_download_of_a_letter_not_ready_goes_to_its_status_page(client, leader, pending):
    client.force_login(leader)
    response = client.get(_url("letter_download", pending))
    assert response.status_code == 302 and response["Location"] == _url("letter_status", pending)


def test_a_tampered_file_is_refused_with_a_message_not_a_500(client, leader, archived):
    client.force_login(leader)
    default_storage.delete(archived.file.name)
    default_storage.save(archived.file.name, ContentFile(b"%PDF-1.7 forged"))
    AuditLogEntry.objects.all().delete()
    response = client.get(_url("letter_download", archived))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert _nb("The archived file does not match its checksum and is not shown.") in response.content.decode()
    assert not AuditLogEntry.objects.exists()


def test_a_missing_file_is_reported_with_a_message_not_a_500(client, leader, archived):
    client.force_login(leader)
    default_storage.delete(archived.file.name)
    response = client.get(_url("letter_download", archived))
    assert response.status_code == 200
    assert _nb("The archived file could not be read.") in response.content.decode()


# -- status and retry -------------------------------------------------------------------------------------


def test_status_page_of_a_pending_letter_reloads_itself_and_logs_nothing(client, leader, pending):
    client.force_login(leader)
    AuditLogEntry.objects.all().delete()
    response = client.get(_url("letter_status", pending))
    assert response.status_code == 200
    assert response["Refresh"] == "2"
    assert 'data-status="pending"' in response.content.decode()
    assert _url("letter_retry", pending) not in response.content.decode()
    assert not AuditLogEntry.objects.exists()


def test_status_page_of_a_ready_letter_links_the_download(client, leader, archived):
    client.force_login(leader)
    response = client.get(_url("letter_status", archived))
    content = response.content.decode()
    assert "Refresh" not in response and _url("letter_download", archived) in content and archived.sha256 in content


def test_failed_letter_shows_a_retry_button_that_produces_it(client, leader, pending,
                                                             django_capture_on_commit_callbacks):
    Letter.objects.filter(pk=pending.pk).update(status=LetterStatus.FAILED, error="RuntimeError", attempts=1)
    client.force_login(leader)
    content = client.get(_url("letter_status", pending)).content.decode()
    assert _url("letter_retry", pending) in content and "RuntimeError" in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("letter_retry", pending))
    assert response.status_code == 302 and response["Location"] == _url("letter_status", pending)
    pending.refresh_from_db()
    assert pending.status == LetterStatus.READY


def test_retry_while_pending_shows_a_message(client, leader, pending):
    client.force_login(leader)
    response = client.post(_url("letter_retry", pending), follow=True)
    assert _nb("The letter is still being produced.") in response.content.decode()


def test_retry_is_404_for_those_who_may_not_prepare(client, pending, staff_with_role, unit):
    officer = staff_with_role(Role.SIKKERHETSANSVARLIG, unit, username="sikkerhet_brev")
    client.force_login(officer)
    assert client.get(_url("letter_status", pending)).status_code == 200
    assert client.post(_url("letter_retry", pending)).status_code == 404


def test_a_rendering_error_during_the_request_is_never_a_500(client, leader, ready, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(letters, "render_pdf", lambda letter: 1 / 0)
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("utestenging:sign", args=[ready.public_id]),
                               {"written_delivery": WrittenDelivery.HANDED_OVER})
    assert response.status_code == 302
    letter = ready.letters.get()
    assert (letter.status, letter.error) == (LetterStatus.FAILED, "ZeroDivisionError")
    assert client.get(reverse("utestenging:detail", args=[ready.public_id])).status_code == 200


# -- the reception list -----------------------------------------------------------------------------------


@pytest.fixture
def reception_cases(unit, leader, caseworker, today):
    """What the list must show and leave out, in a municipality with two NAV offices."""
    neighbour = UnitFactory(number="0328", name="NAV Grorud", municipality_number=unit.municipality_number,
                            municipality_name=unit.municipality_name, region=unit.region)
    grorud_leader = UserFactory(username="leder_grorud_brev")
    assign_role(grorud_leader, neighbour, Role.ENHETSLEDER)

    def case(name, **kwargs):
        defaults = {"unit": unit, "created_by": caseworker, "signed_by": leader}
        return signed_decision(citizen=CitizenFactory(name=name), **{**defaults, **kwargs})

    shown = {
        "fyus": case("Anne Aktiv"),
        "ftus": case("Bjørn Begge", kind=Kind.FTUS),
        "signed_today": case("Cecilie Signert", status=Status.SIGNED),
        "covering": case("Dag Dekket", unit=neighbour, signed_by=grorud_leader, scope=Scope.MUNICIPALITY),
    }
    shown["covering"].covered_units.set([neighbour, unit])
    hidden = {
        "phone_only": case("Erik Telefon", kind=Kind.TFUS),
        "expired": case("Frida Utløpt", status=Status.EXPIRED, valid_from=today - 40 * DAY),
        "lifted": case("Geir Opphevet", status=Status.LIFTED, lifted_on=today - DAY, lift_reason="Ro",
                       valid_from=today - 10 * DAY),
        "future": case("Hanne Senere", status=Status.SIGNED, valid_from=today + 3 * DAY, signed_on=today),
        "elsewhere": case("Ivar Annensteds", unit=neighbour, signed_by=grorud_leader),
        "draft": complete_decision(unit=unit, citizen=CitizenFactory(name="Jon Utkast"), created_by=caseworker,
                                   responsible_leader=leader),
    }
    return shown, hidden


def _list_url(unit, pdf=False):
    return reverse("utestenging:reception_list_pdf" if pdf else "utestenging:reception_list", args=[unit.number])


def test_reception_list_shows_everyone_excluded_from_the_premises_today(client, reception, unit, reception_cases):
    shown, hidden = reception_cases
    client.force_login(reception)
    AuditLogEntry.objects.all().delete()
    response = client.get(_list_url(unit))
    content = response.content.decode()
    assert response.status_code == 200
    for decision in shown.values():
        assert decision.citizen.name in content
        assert decision.citizen.birth_date.strftime("%d.%m.%Y") in content
        assert f"{decision.valid_from:%d.%m.%Y}–{decision.valid_to:%d.%m.%Y}" in content
    for decision in hidden.values():
        assert decision.citizen.name not in content
    assert _nb("If the person refuses to leave, call the police (112).") in content
    assert _nb("Calmly ask the person to leave the premises at once.") in content
    # One audit line per citizen shown, none for the others.
    logged = sorted(AuditLogEntry.objects.values_list("citizen__name", "action"))
    assert logged == sorted((d.citizen.name, "reception_list.view") for d in shown.values())


def test_reception_list_pdf_has_the_same_people(client, leader, unit, reception_cases):
    shown, hidden = reception_cases
    client.force_login(leader)
    response = client.get(_list_url(unit, pdf=True))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"mottaksliste-{unit.number}-" in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    assert all(d.citizen.name in text for d in shown.values())
    assert not any(d.citizen.name in text for d in hidden.values())
    assert _nb("If the person refuses to leave, call the police (112).") in text


@pytest.mark.parametrize("role", [Role.MOTTAK, Role.KONTAKTSENTER, Role.SAKSBEHANDLER, Role.STEDFORTREDER])
def test_reception_list_is_for_reception_and_those_who_see_decisions(client, staff_with_role, unit, role):
    client.force_login(staff_with_role(role, unit, username=f"liste_{role}"))
    assert client.get(_list_url(unit)).status_code == 200


@pytest.mark.parametrize("role", [Role.HMS, Role.VERNEOMBUD, Role.ADMINISTRATOR])
def test_reception_list_is_404_for_other_roles(client, staff_with_role, unit, role):
    client.force_login(staff_with_role(role, unit, username=f"ikke_liste_{role}"))
    assert client.get(_list_url(unit)).status_code == 404


def test_reception_list_of_another_unit_or_no_unit_is_404(client, reception, other_unit):
    client.force_login(reception)
    assert client.get(_list_url(other_unit)).status_code == 404
    assert client.get(reverse("utestenging:reception_list", args=["9999"])).status_code == 404


def test_reception_list_queries_do_not_grow_with_the_rows(client, reception, unit, leader, caseworker):
    client.force_login(reception)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_list_url(unit)).status_code == 200
        # Audit lines are one insert per citizen by design; everything else is fixed.
        return len([q for q in queries if not q["sql"].startswith("INSERT")])

    signed_decision(unit=unit, citizen=CitizenFactory(), created_by=caseworker, signed_by=leader)
    client.get(_list_url(unit))  # the first request after login renews the session; count steady state
    one = count()
    for _ in range(5):
        signed_decision(unit=unit, citizen=CitizenFactory(), created_by=caseworker, signed_by=leader)
    assert count() == one


def test_start_page_links_the_reception_list(client, reception, unit):
    client.force_login(reception)
    content = client.get(reverse("core:start")).content.decode()
    assert _list_url(unit) in content


def test_pdf_failure_falls_back_to_the_printable_page(client, reception, unit, monkeypatch):
    monkeypatch.setattr(letters, "html_to_pdf", lambda html: 1 / 0)
    client.force_login(reception)
    response = client.get(_list_url(unit, pdf=True))
    assert response.status_code == 302 and response["Location"] == _list_url(unit)
