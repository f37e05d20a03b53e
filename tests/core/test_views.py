import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from nav_sikkerhet.core import identity, services
from nav_sikkerhet.core.models import AuditLogEntry, Role
from tests.factories import UserFactory, assign_role

pytestmark = pytest.mark.django_db


def test_start_page_lists_the_users_units_and_roles(client, leader, unit):
    client.force_login(leader)
    response = client.get(reverse("core:start"))
    content = response.content.decode()
    assert response.status_code == 200
    assert unit.name in content
    assert reverse("core:access_report") in content


def test_start_page_hides_links_the_role_does_not_open(client, staff_with_role, unit):
    client.force_login(staff_with_role(Role.MOTTAK, unit))
    content = client.get(reverse("core:start")).content.decode()
    assert reverse("core:access_report") not in content
    assert reverse("admin:index") not in content


def test_start_page_is_in_bokmal_by_default(client, leader):
    client.force_login(leader)
    content = client.get(reverse("core:start")).content.decode()
    assert '<html lang="nb">' in content


def _report(client, citizen, **overrides):
    today = timezone.localdate()
    data = {"personident": citizen.personident, "date_from": today - datetime.timedelta(days=7), "date_to": today}
    return client.post(reverse("core:access_report"), {**data, **overrides})


def test_access_report_lists_who_looked_and_logs_itself(client, leader, citizen, unit):
    looker = UserFactory(nav_ident="A123456")
    assign_role(looker, unit, Role.MOTTAK)  # staff of the leader's unit: theirs to see
    services.audit_log_record(actor=looker, citizen=citizen, action="test", message="Vist i test")
    client.force_login(leader)
    response = _report(client, citizen)
    assert response.status_code == 200
    assert "A123456" in response.content.decode()
    report_line = AuditLogEntry.objects.get(actor=leader)
    assert (report_line.personident, report_line.action, report_line.request_method) == (
        citizen.personident, "access_report", "POST",
    )


def test_access_report_for_an_unknown_number_writes_no_audit_line(client, leader, citizen):
    citizen_number = citizen.personident
    citizen.delete()
    client.force_login(leader)
    response = _report(client, citizen, personident=citizen_number)
    assert response.status_code == 200
    assert not AuditLogEntry.objects.exists()


def test_access_report_rejects_bad_input_with_messages_and_no_log(client, leader, citizen):
    client.force_login(leader)
    response = _report(client, citizen, personident="1234", date_to="2020-01-01")
    form = response.context["form"]
    assert response.status_code == 200
    with translation.override("nb"):
        assert form.errors["personident"] == [str(identity.MESSAGES["length"])]
    assert not AuditLogEntry.objects.exists()


def test_access_report_refuses_dates_in_reverse_order(client, leader, citizen):
    client.force_login(leader)
    today = timezone.localdate()
    response = _report(client, citizen, date_from=today, date_to=today - datetime.timedelta(days=1))
    assert response.context["form"].non_field_errors()
    assert not AuditLogEntry.objects.exists()


def test_access_report_is_404_for_other_roles_and_logs_nothing(client, staff_with_role, unit, citizen):
    client.force_login(staff_with_role(Role.SAKSBEHANDLER, unit))
    assert _report(client, citizen).status_code == 404
    assert not AuditLogEntry.objects.exists()


def test_identity_number_never_in_the_url(client, leader, citizen):
    client.force_login(leader)
    response = _report(client, citizen)
    assert citizen.personident not in response.request["PATH_INFO"]
    assert citizen.personident not in response.request.get("QUERY_STRING", "")


def test_healthz_reports_database_and_redis(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["redis"] == "error"


def test_login_is_throttled_after_repeated_failures(client, settings, unit):
    user = UserFactory(username="throttled")
    assign_role(user, unit, Role.MOTTAK)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "throttled", "password": "feil"})
    response = client.post(reverse("login"), {"username": "throttled", "password": "demo"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_browser_language_does_not_override_bokmal(client, leader):
    client.force_login(leader)
    content = client.get(reverse("core:start"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nb">' in content


def test_chosen_language_cookie_wins(client, leader):
    client.force_login(leader)
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    assert '<html lang="nn">' in client.get(reverse("core:start")).content.decode()


def test_profile_language_is_used_without_a_cookie(client, leader):
    leader.language = "en"
    leader.save()
    client.force_login(leader)
    assert '<html lang="en">' in client.get(reverse("core:start")).content.decode()
