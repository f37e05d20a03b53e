import logging
import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from nav_sikkerhet.core import audit, services
from nav_sikkerhet.core.models import AuditLogEntry

from ..factories import CitizenFactory

pytestmark = pytest.mark.django_db

CEF = re.compile(
    r"^CEF:0\|nav-sikkerhet\|web\|1\.0\|audit:access\|Sporingslogg\|INFO\|"
    r"suid=(?P<suid>\S+) duid=(?P<duid>\d{11}) end=(?P<end>\d{13}) request=(?P<request>\S*) "
    r"requestMethod=(?P<method>[A-Z]*) msg=(?P<msg>.*)$"
)


def test_record_stores_who_whom_when_what_and_request(leader, citizen):
    request = RequestFactory().post("/innsyn/tilgangslogg/")
    entry = services.audit_log_record(
        actor=leader, citizen=citizen, action="test", message="Vist i test", request=request,
    )
    entry.refresh_from_db()
    assert (entry.actor_ident, entry.personident, entry.request_path, entry.request_method) == (
        leader.nav_ident, citizen.personident, "/innsyn/tilgangslogg/", "POST",
    )
    assert entry.event == "audit:access"


def test_cef_line_is_emitted_after_commit_on_its_own_logger(
    leader, citizen, caplog, django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.INFO, logger="nav_sikkerhet.audit")
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_log_record(actor=leader, citizen=citizen, action="test", message="Vist i test",
                                  request=RequestFactory().get("/x/"))
    lines = [r.getMessage() for r in caplog.records if r.name == "nav_sikkerhet.audit"]
    assert len(lines) == 1
    match = CEF.match(lines[0])
    assert match, lines[0]
    assert match["suid"] == leader.nav_ident and match["duid"] == citizen.personident
    assert match["request"] == "/x/" and match["method"] == "GET" and match["msg"] == "Vist i test"


def test_cef_escapes_separators_so_a_message_cannot_forge_fields(leader, citizen):
    entry = AuditLogEntry(
        actor_ident=leader.nav_ident, personident=citizen.personident, event="audit:access", action="x",
        message="a=b\nsuid=Z999999 \\", request_path="/p", request_method="GET",
        created_at=citizen.history.first().history_date,
    )
    line = audit.format_cef(entry)
    assert "\n" not in line
    assert "msg=a\\=b\\nsuid\\=Z999999 \\\\" in line


def test_an_api_system_is_the_actor_when_there_is_no_staff_member(citizen):
    entry = services.audit_log_record(actor=None, system="kontaktsenter-telefoni", citizen=citizen,
                                      action="api", message="Oppslag")
    assert entry.actor_ident == "kontaktsenter-telefoni"
    assert "|api|" in audit.format_cef(entry)


def test_message_is_stored_in_bokmal_whatever_the_users_language(leader, citizen):
    from django.utils import translation
    from django.utils.translation import gettext_lazy as _

    with translation.override("en"):
        entry = services.audit_log_record(
            actor=leader, citizen=citizen, action="t", message=_("Shown in administration"),
        )
    with translation.override("nb"):
        assert entry.message == str(_("Shown in administration"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_to_change_or_delete_audit_lines(leader, citizen):
    entry = services.audit_log_record(actor=leader, citizen=citizen, action="t", message="m")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).update(message="endret")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).delete()


def test_several_citizens_shown_on_one_page_get_a_line_each_in_one_insert_and_cef_after_commit(
    leader, caplog, django_capture_on_commit_callbacks,
):
    citizens = [CitizenFactory() for _ in range(3)]
    caplog.set_level(logging.INFO, logger="nav_sikkerhet.audit")
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        services.audit_log_records(actor=leader, citizens_and_args=[(c, {"ref": c.pk}) for c in citizens],
                                   action="test.list", message="Rad %(ref)s vist", request=RequestFactory().get("/l/"))
    assert [q["sql"].split(" ", 1)[0] for q in queries.captured_queries] == ["INSERT"]
    entries = AuditLogEntry.objects.filter(action="test.list")
    assert {(e.personident, e.message, e.request_path) for e in entries} == {
        (c.personident, f"Rad {c.pk} vist", "/l/") for c in citizens
    }
    cef = [r.getMessage() for r in caplog.records if r.name == "nav_sikkerhet.audit"]
    assert sorted(CEF.match(line)["duid"] for line in cef) == sorted(c.personident for c in citizens)


def test_an_empty_list_writes_nothing(leader, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.audit_log_records(actor=leader, citizens_and_args=[], action="x", message="x") == []


# -- a read and its audit line in one statement --------------------------------------------------------------

READ_SQL = 'SELECT "id", "personident", "name" FROM "core_citizen" WHERE "personident" = %s'


def _fields(entry: AuditLogEntry) -> tuple:
    return (entry.actor_id, entry.actor_ident, entry.citizen_id, entry.personident, entry.event, entry.action,
            entry.message, entry.request_path, entry.request_method)


@pytest.mark.parametrize("path", ["one statement", "two statements"])
def test_a_read_that_finds_the_citizen_writes_one_line_and_its_cef_after_commit(
    path, leader, citizen, monkeypatch, caplog, django_capture_on_commit_callbacks,
):
    if path == "two statements":  # what SQLite runs; the same result on PostgreSQL
        monkeypatch.setattr(services, "_read_and_insert", services._read_then_insert)
    caplog.set_level(logging.INFO, logger="nav_sikkerhet.audit")
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        row = services.audit_log_record_reading(
            actor=leader, sql=READ_SQL, params=(citizen.personident,), action="lookup.view", message="Vist i test",
            request=RequestFactory().post("/mottak/"),
        )
    assert row == (citizen.pk, citizen.personident, citizen.name)
    assert len(queries) == (1 if path == "one statement" else 2)
    entry = AuditLogEntry.objects.get()
    assert _fields(entry) == (leader.pk, leader.nav_ident, citizen.pk, citizen.personident, "audit:access",
                              "lookup.view", "Vist i test", "/mottak/", "POST")
    [line] = [r.getMessage() for r in caplog.records if r.name == "nav_sikkerhet.audit"]
    assert line == audit.format_cef(entry)


@pytest.mark.parametrize("path", ["one statement", "two statements"])
def test_a_read_that_finds_no_one_writes_nothing(path, leader, citizen, monkeypatch, caplog):
    if path == "two statements":
        monkeypatch.setattr(services, "_read_and_insert", services._read_then_insert)
    caplog.set_level(logging.INFO, logger="nav_sikkerhet.audit")
    row = services.audit_log_record_reading(
        actor=leader, sql=READ_SQL, params=("00000000000",), action="lookup.view", message="Vist i test",
    )
    assert row is None
    assert not AuditLogEntry.objects.exists()
    assert not [r for r in caplog.records if r.name == "nav_sikkerhet.audit"]


def test_the_line_is_stored_in_bokmal_as_every_other_line(leader, citizen):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("en"):
        services.audit_log_record_reading(
            actor=leader, sql=READ_SQL, params=(citizen.personident,), action="lookup.view",
            message=gettext_lazy("Security measures looked up (reception and contact centre)"),
        )
    assert AuditLogEntry.objects.get().message == "Sikkerhetstiltak slått opp (publikumsmottak og kontaktsenter)"
