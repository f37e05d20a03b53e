"""No identity number in any URL the app is asked for or sends the browser to, nor in any log line but the audit log.

Three journeys through the test client, with every log record of every logger captured at DEBUG: the
reception look-up and a breach, the API, and a decision from creation to signing (plus the access report).
Only ``nav_sikkerhet.audit`` (the CEF lines shipped to NAV's audit log) may carry the number.
"""

import datetime
import json
import logging
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.identity import generate_synthetic, is_valid_personident
from nav_sikkerhet.core.logcontext import RequestIdFilter
from nav_sikkerhet.core.models import Role
from utestenging import services
from utestenging.models import ChannelKind, Decision, Ground, Kind

from .factories import CitizenFactory, UnitFactory, UserFactory, assign_role
from .utestenging.factories import ASSESSMENTS, alternative_rows
from .utestenging.lookup_helpers import measure

pytestmark = pytest.mark.django_db

AUDIT_LOGGER = "nav_sikkerhet.audit"
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def identity_numbers_in(text: str) -> list[str]:
    return [n for n in ELEVEN_DIGITS.findall(text) if is_valid_personident(n, allow_test_idents=True)]


class Recorder:
    """The test client, remembering every URL requested, redirected to, or linked from a page."""

    def __init__(self, client):
        self.client = client
        self.urls: list[str] = []
        self.links: list[str] = []

    def _record(self, response):
        self.urls.append(response.wsgi_request.get_full_path())
        for url, _status in getattr(response, "redirect_chain", []):
            self.urls.append(url)
        if response.has_header("Location"):
            self.urls.append(response["Location"])
        if "html" in response.get("Content-Type", ""):
            self.links += re.findall(r'(?:href|action|src)="([^"]*)"', response.content.decode())
        return response

    def get(self, url, *args, **kwargs):
        return self._record(self.client.get(url, *args, **kwargs))

    def post(self, url, *args, **kwargs):
        return self._record(self.client.post(url, *args, **kwargs))


@pytest.fixture
def captured(caplog):
    """Every record of every logger at DEBUG, the audit logger included (it does not propagate)."""
    caplog.set_level(logging.DEBUG)
    audit = logging.getLogger(AUDIT_LOGGER)
    audit.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        audit.removeHandler(caplog.handler)


# The citizens the journeys below create, by name: no log line may name them.
CITIZEN_NAMES = ("ola nordmann", "kari nordmann")


def json_line(record: logging.LogRecord) -> str:
    """The record as the production settings write it (LOG_FORMAT=json)."""
    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["format"], rename_fields=config["rename_fields"])
    RequestIdFilter().filter(record)
    line = formatter.format(record)
    json.loads(line)
    return line


def record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(repr(record.exc_info[1]))
    return " ".join(parts)


def assert_clean(recorder: Recorder, caplog, numbers: list[str]):
    for url in recorder.urls + recorder.links:
        assert not identity_numbers_in(url), f"identity number in URL {url}"
        assert not any(n in url for n in numbers), url
    leaks = [
        f"{record.name}: {record_text(record)[:200]}"
        for record in caplog.records
        if record.name != AUDIT_LOGGER and (identity_numbers_in(record_text(record))
                                            or any(n in record_text(record) for n in numbers))
    ]
    assert not leaks, "identity number in a log record:\n" + "\n".join(leaks)
    # The lines as they are written on NAIS: JSON, with the request id. Neither a number nor a citizen's name.
    json_lines = [json_line(record) for record in caplog.records if record.name != AUDIT_LOGGER]
    leaks = [line[:200] for line in json_lines if identity_numbers_in(line) or any(n in line for n in numbers)
             or any(name in line.lower() for name in CITIZEN_NAMES)]
    assert not leaks, "identity number or name in a JSON log line:\n" + "\n".join(leaks)
    audited = [r for r in caplog.records if r.name == AUDIT_LOGGER]
    assert audited and all(identity_numbers_in(r.getMessage()) for r in audited), "the audit log should carry them"


@pytest.fixture
def office(db):
    return UnitFactory(number="0315", name="NAV Grünerløkka")


@pytest.fixture
def staff(office):
    def make(role, username):
        user = UserFactory(username=username)
        assign_role(user, office, role)
        return user

    return make


def test_reception_look_up_and_breach(client, captured, office, staff, django_capture_on_commit_callbacks):
    leader, reception = staff(Role.ENHETSLEDER, "leder_logg"), staff(Role.MOTTAK, "mottak_logg")
    citizen = CitizenFactory(name="Ola Nordmann")
    decision = measure(unit=office, citizen=citizen, signed_by=leader)
    unknown = generate_synthetic(datetime.date(1991, 2, 3), 44)
    web = Recorder(client)
    client.force_login(reception)

    with django_capture_on_commit_callbacks(execute=True):
        web.get(reverse("mottak:search"))
        assert web.post(reverse("mottak:search"), {"search": "ident", "personident": citizen.personident}
                        ).status_code == 200
        web.post(reverse("mottak:search"), {"search": "ident", "personident": unknown})
        web.post(reverse("mottak:search"), {"search": "ident", "personident": "12345678901"})
        web.post(reverse("mottak:search"), {"search": "name", "navn-name": "ola nordmann",
                                            "navn-birth_date": citizen.birth_date.isoformat()})
        web.get(reverse("mottak:person", args=[citizen.public_id]))
        web.get(reverse("mottak:breach", args=[decision.public_id]))
        response = web.post(reverse("mottak:breach", args=[decision.public_id]), {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "channel": "in_person",
            "description": "Kom i mottaket.", "asked_to_leave": "yes", "police_called": "no",
        }, follow=True)
        assert response.status_code == 200

    assert_clean(web, captured, [citizen.personident, unknown])


def test_api(client, captured, office, staff, django_capture_on_commit_callbacks):
    leader = staff(Role.ENHETSLEDER, "leder_api")
    citizen = CitizenFactory()
    measure(unit=office, citizen=citizen, signed_by=leader)
    _row, key = core_services.api_key_create(system="kontaktsenter-telefoni")
    unknown = generate_synthetic(datetime.date(1970, 7, 7), 7)
    web = Recorder(client)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def call(body, **headers):
        return web.post("/api/v1/sikkerhetstiltak", json.dumps(body), content_type="application/json", **headers)

    with django_capture_on_commit_callbacks(execute=True):
        assert call({"personident": citizen.personident}, **auth).status_code == 200
        assert call({"personident": unknown}, **auth).status_code == 200
        assert call({"personident": citizen.personident[:10]}, **auth).status_code == 400
        assert call({"personident": citizen.personident}).status_code == 401
        assert call({"personident": citizen.personident}, HTTP_AUTHORIZATION="Bearer nsk_feil_feil").status_code == 401

    assert_clean(web, captured, [citizen.personident, unknown])


def test_decision_journey(client, captured, office, staff, django_capture_on_commit_callbacks):
    leader, caseworker = staff(Role.ENHETSLEDER, "leder_reise"), staff(Role.SAKSBEHANDLER, "saksbehandler_reise")
    new_number = generate_synthetic(datetime.date(1988, 8, 8), 88)
    web = Recorder(client)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(caseworker)
        web.get(reverse("utestenging:create"))
        response = web.post(reverse("utestenging:create"), {
            "unit": office.pk, "kind": Kind.FYUS, "personident": new_number, "name": "Kari Nordmann",
            "address": "Storgata 1", "postal_code": "0155", "postal_city": "Oslo", "preferred_language": "nb",
        }, follow=True)
        assert response.status_code == 200
        decision = Decision.objects.get(citizen__personident=new_number)
        services.decision_update(
            by=caseworker, decision_id=decision.pk, grounds=[Ground.THREATS], responsible_leader=leader,
            valid_from=today, valid_to=today + datetime.timedelta(days=27),
            facts=[{"occurred_on": today - datetime.timedelta(days=3), "description": "Truet en ansatt i mottaket.",
                    "serious": True}],
            channels=[{"channel": ChannelKind.PHONE, "person_name": "Lene Leder", "phone": "41 23 45 67",
                       "times": "Tirsdager 10–12"}],
            **ASSESSMENTS, alternative_assessments=alternative_rows(),
        )
        services.decision_notice_not_possible(by=caseworker, decision_id=decision.pk, kind="acute_danger",
                                              reason="Truet med å komme tilbake i dag med kniv.")
        web.get(reverse("utestenging:detail", args=[decision.public_id]))
        web.get(reverse("utestenging:edit", args=[decision.public_id, "grunnlag"]))
        web.post(reverse("utestenging:mark_ready", args=[decision.public_id]), follow=True)

        client.force_login(leader)
        web.get(reverse("utestenging:overview"))
        web.get(reverse("utestenging:sign", args=[decision.public_id]))
        response = web.post(reverse("utestenging:sign", args=[decision.public_id]), {
            "written_delivery": "post", "told_orally_on": today.isoformat(), "other_measures_acknowledged": "on",
        }, follow=True)
        assert response.status_code == 200
        web.get(reverse("core:start"))
        web.post(reverse("core:access_report"), {
            "personident": new_number, "date_from": today.isoformat(), "date_to": today.isoformat(),
        })

    decision.refresh_from_db()
    assert decision.status == "active"
    assert_clean(web, captured, [new_number])


def test_the_check_catches_a_leak(client, captured):
    """The checks above would fail if a number slipped into a log line or a URL."""
    number = generate_synthetic(datetime.date(1960, 6, 6), 6)
    logging.getLogger(AUDIT_LOGGER).info("duid=%s", number)
    web = Recorder(client)
    logging.getLogger("utestenging.views").debug("looked up %s", number)
    with pytest.raises(AssertionError, match="log record"):
        assert_clean(web, captured, [number])
    captured.clear()
    logging.getLogger(AUDIT_LOGGER).info("duid=%s", number)
    logging.getLogger("hendelser.views").info("registered for Ola Nordmann")
    with pytest.raises(AssertionError, match="JSON log line"):
        assert_clean(web, captured, [number])
    captured.clear()
    logging.getLogger(AUDIT_LOGGER).info("duid=%s", number)
    web.get("/mottak/", {"personident": number})
    with pytest.raises(AssertionError, match="URL"):
        assert_clean(web, captured, [number])
