"""The weekly review shows the start of what happened in each unreviewed incident: one audit line per incident that
names a person, all in one INSERT, and none where nothing is shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hendelser.models import Perpetrator, Status
from nav_sikkerhet.core.models import AuditLogEntry

from ..factories import CitizenFactory
from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _named(unit, **kwargs):
    return IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=CitizenFactory(), **kwargs)


def _url(unit):
    return reverse("hendelser:review", args=[unit.number])


def test_the_review_form_logs_each_named_incident_in_one_insert(client, unit, hms, django_assert_max_num_queries):
    named = [_named(unit) for _ in range(12)]
    for _ in range(3):
        IncidentFactory(unit=unit)  # an unknown person: nobody to log
    client.force_login(hms)
    AuditLogEntry.objects.all().delete()
    # The page's own queries and the session's save, one to find the named incidents and one INSERT.
    with django_assert_max_num_queries(17), CaptureQueriesContext(connection) as queries:
        response = client.get(_url(unit))
    assert response.status_code == 200
    assert named[0].description[:20] in response.content.decode()
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "core_auditlogentry"')]
    assert len(inserts) == 1
    lines = {(e.actor, e.personident, e.action, e.message, e.request_path) for e in AuditLogEntry.objects.all()}
    assert lines == {(hms, i.citizen.personident, "incident.review", f"Hendelse {i.reference} vist", _url(unit))
                     for i in named}


def test_reviewed_and_closed_incidents_are_not_in_the_form_and_not_logged(client, unit, hms):
    shown = _named(unit)
    _named(unit, status=Status.CLOSED)
    client.force_login(hms)
    AuditLogEntry.objects.all().delete()
    assert client.get(_url(unit)).status_code == 200
    assert list(AuditLogEntry.objects.values_list("personident", flat=True)) == [shown.citizen.personident]


def test_the_safety_representative_sees_no_descriptions_and_nothing_is_logged(client, unit, safety_rep):
    incident = _named(unit)
    client.force_login(safety_rep)
    AuditLogEntry.objects.all().delete()
    response = client.get(_url(unit))
    assert response.status_code == 200 and incident.description[:20] not in response.content.decode()
    assert not AuditLogEntry.objects.exists()


def test_a_refused_meeting_shows_the_form_again_and_logs_again(client, unit, hms):
    incident = _named(unit)
    client.force_login(hms)
    AuditLogEntry.objects.all().delete()
    response = client.post(_url(unit), {"held_on": "", "attendees": "", "incidents": [incident.pk]})
    assert response.status_code == 200
    assert AuditLogEntry.objects.get().personident == incident.citizen.personident


def test_a_recorded_meeting_redirects_and_logs_nothing(client, unit, hms):
    incident = _named(unit)
    client.force_login(hms)
    AuditLogEntry.objects.all().delete()
    response = client.post(_url(unit), {"held_on": timezone.localdate().isoformat(), "attendees": "Leder, HMS",
                                            "incidents": [incident.pk]})
    assert response.status_code == 302
    assert not AuditLogEntry.objects.exists()
