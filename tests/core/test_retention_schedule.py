"""The retention schedule as shown (docs, admin, the privacy officer's page) and holds placed from the case pages."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from nav_sikkerhet.core import retention, rules, services
from nav_sikkerhet.core.models import RetentionHold, Role
from tests.hendelser.factories import IncidentFactory
from tests.utestenging.factories import signed_decision
from utestenging.models import Status

DAY = datetime.timedelta(days=1)
DOC = Path(settings.BASE_DIR) / "docs" / "retention.md"


def test_the_docs_give_the_schedule_and_record_of_processing_generated_from_the_registry():
    text = DOC.read_text()
    start, end = text.index(retention.DOC_START), text.index(retention.DOC_END) + len(retention.DOC_END)
    assert text[start:end] == retention.markdown()
    for kind in retention.KINDS.values():
        assert f"| `{kind.key}` |" in text
        assert all(getattr(kind, part).strip() for part in ("purpose", "persons", "data", "recipients", "why"))


def test_staff_health_data_has_the_shortest_period_of_the_records():
    housekeeping = {"sessions", "history_copies", "media_files", "citizens", "reminders"}
    records = {key: kind.days for key, kind in retention.KINDS.items() if key not in housekeeping}
    assert min(records, key=records.get) == "staff_follow_up"


def test_a_period_is_overridden_in_settings_by_key(settings):
    settings.RETENTION_DAYS = {"signin_log": 30}
    assert retention.KINDS["signin_log"].days == 30
    assert retention.KINDS["audit_log"].days == retention.KINDS["audit_log"].default_days


@pytest.mark.django_db
def test_the_admin_shows_the_schedule_read_only_above_the_holds(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:core_retentionhold_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="retention-schedule"' in html
    with translation.override(settings.LANGUAGE_CODE):
        for kind in retention.KINDS.values():
            assert escape(str(kind.label)) in html
    assert client.get(reverse("admin:core_retentionhold_add")).status_code == 403


@pytest.fixture
def ended(unit, leader, citizen):
    today = timezone.localdate()
    return signed_decision(signed_by=leader, unit=unit, citizen=citizen, created_by=leader, status=Status.EXPIRED,
                           valid_from=today - 60 * DAY, days=28, signed_on=today - 60 * DAY)


@pytest.mark.django_db
def test_the_leader_holds_a_decision_from_its_page_with_a_reason_and_an_end(client, leader, ended):
    client.force_login(leader)
    page = client.get(reverse("utestenging:detail", args=[ended.public_id])).content.decode()
    url = reverse("core:retention_hold", args=["decision", ended.public_id])
    assert url in page
    until = timezone.localdate() + 200 * DAY
    response = client.post(url, {"reason": "Klagen er hos Sivilombudsmannen", "until": until.isoformat()})
    assert response.status_code == 302
    hold = RetentionHold.objects.get()
    assert (hold.record, hold.until, hold.placed_by) == (ended, until, leader)
    page = client.get(reverse("utestenging:detail", args=[ended.public_id])).content.decode()
    assert until.strftime("%d.%m.%Y") in page


@pytest.mark.django_db
def test_a_hold_without_a_reason_or_ending_in_the_past_gets_a_clear_message_and_nothing_is_kept(client, leader, ended):
    client.force_login(leader)
    url = reverse("core:retention_hold", args=["decision", ended.public_id])
    response = client.post(url, {"reason": "  ", "until": (timezone.localdate() - DAY).isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(url, {"reason": "Politiet etterforsker", "until": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "until" in response.context["form"].errors
    assert not RetentionHold.objects.exists()


@pytest.mark.django_db
def test_the_privacy_officer_holds_an_incident_and_a_caseworker_may_not(client, unit, staff_with_role):
    incident = IncidentFactory(unit=unit)
    officer = staff_with_role(Role.PERSONVERN, unit, username="personvern_ret")
    caseworker = staff_with_role(Role.SAKSBEHANDLER, unit, username="saksbehandler_ret")
    url = reverse("core:retention_hold", args=["incident", incident.public_id])
    client.force_login(caseworker)
    assert client.get(url).status_code == 404
    with pytest.raises(services.PermissionDenied):
        services.retention_hold_place(by=caseworker, record=incident, reason="x", until=timezone.localdate() + DAY)
    client.force_login(officer)
    until = timezone.localdate() + 30 * DAY
    assert client.post(url, {"reason": "Anmeldt til politiet", "until": until.isoformat()}).status_code == 302
    assert retention.active_hold(incident).until == until
    assert client.get(reverse("core:retention_hold", args=["citizen", incident.public_id])).status_code == 404


@pytest.mark.django_db
def test_the_privacy_officer_sees_the_next_30_days_of_removals_and_nobody_else(client, unit, leader, ended,
                                                                              staff_with_role, settings):
    officer = staff_with_role(Role.PERSONVERN, unit, username="personvern_ret")
    url = reverse("core:retention_upcoming")
    client.force_login(leader)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert url in client.get(reverse("core:access_report")).content.decode()
    response = client.get(url)  # the decision ended 33 days ago: due in about two years
    assert response.status_code == 200
    assert ended.case_number not in response.content.decode()
    settings.RETENTION_DAYS = {"decisions": 33 + 10}  # now due in ten days
    response = client.get(url)
    rows = {row.kind.key: row for row in response.context["rows"]}
    assert (rows["decisions"].now, rows["decisions"].soon, rows["decisions"].records) == (0, 1, [ended])
    assert ended.case_number in response.content.decode()
    assert ended.citizen.name not in response.content.decode()


@pytest.mark.parametrize("text", ["x", "  X. ", "se over!", "Ingen kommentar", "test", "Politiet"])
def test_a_placeholder_or_a_single_word_is_no_reason_to_keep_a_case(text):
    hold = RetentionHold(reason=text, until=timezone.localdate() + DAY)
    with pytest.raises(ValidationError) as error:
        hold.clean()
    assert "reason" in error.value.message_dict


def test_a_reason_in_words_may_keep_a_case():
    RetentionHold(reason="Politiet etterforsker", until=timezone.localdate() + DAY).clean()
    assert rules.is_placeholder("Se  over.") and not rules.is_placeholder("Klagen er hos Sivilombudet")


@pytest.mark.django_db
def test_a_placeholder_reason_is_refused_on_the_page_and_by_the_service(client, leader, ended):
    client.force_login(leader)
    url = reverse("core:retention_hold", args=["decision", ended.public_id])
    until = timezone.localdate() + 30 * DAY
    response = client.post(url, {"reason": "x", "until": until.isoformat()})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services.retention_hold_place(by=leader, record=ended, reason="se over", until=until)
    assert not RetentionHold.objects.exists()
