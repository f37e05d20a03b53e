"""The security-measure API: PDL's shape, keys with scopes, problem bodies for every error, the audit log."""

import datetime
import hashlib
import io
import json
import logging
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.identity import generate_synthetic
from nav_sikkerhet.core.models import ApiKey, ApiScope, AuditLogEntry

from ..factories import CitizenFactory, UnitFactory, UserFactory
from .lookup_helpers import DAY, measure

pytestmark = pytest.mark.django_db

URL = "/api/v1/sikkerhetstiltak"
SYSTEM = "kontaktsenter-telefoni"


@pytest.fixture
def api_key(db):
    return core_services.api_key_create(system=SYSTEM)


@pytest.fixture
def key(api_key):
    return api_key[1]


def call(client, body, key=None, *, raw=False, content_type="application/json", **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    data = body if raw else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, **headers)


def assert_problem(response, status, field=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) == {"type", "title", "status", "detail", "errors"}
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field is not None:
        assert [e["field"] for e in problem["errors"]] == [field], problem
        assert all(e["message"] for e in problem["errors"])
    return problem


# -- the answer in PDL's shape ----------------------------------------------------------------------------------


def test_measures_in_force_in_pdls_shape(client, key, unit, citizen, leader, today):
    contact = UserFactory(username="kontaktperson", nav_ident="A123456")
    exclusion = measure(unit=unit, citizen=citizen, signed_by=leader, contact_person=contact)
    centre = UnitFactory(number="4153", name="NAV Kontaktsenter Oslo")
    phone = measure(unit=centre, citizen=citizen, signed_by=leader, kind="TFUS", valid_from=today - 5 * DAY)

    response = call(client, {"personident": citizen.personident}, key)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "personident": citizen.personident,
        "sikkerhetstiltak": [
            {
                "tiltakstype": "TFUS",
                "beskrivelse": "Telefonisk utestengelse",
                "kontaktperson": {"personident": leader.nav_ident, "enhet": "4153"},
                "gyldigFraOgMed": phone.valid_from.isoformat(),
                "gyldigTilOgMed": phone.valid_to.isoformat(),
            },
            {
                "tiltakstype": "FYUS",
                "beskrivelse": "Fysisk utestengelse",
                "kontaktperson": {"personident": "A123456", "enhet": unit.number},
                "gyldigFraOgMed": exclusion.valid_from.isoformat(),
                "gyldigTilOgMed": exclusion.valid_to.isoformat(),
            },
        ],
    }


def test_both_kinds_in_one_decision(client, key, unit, citizen, leader):
    measure(unit=unit, citizen=citizen, signed_by=leader, kind="FTUS")
    [tiltak] = call(client, {"personident": citizen.personident}, key).json()["sikkerhetstiltak"]
    assert (tiltak["tiltakstype"], tiltak["beskrivelse"]) == ("FTUS", "Fysisk/telefonisk utestengelse")


def test_only_decisions_in_force_today(client, key, unit, citizen, leader, today):
    from utestenging.models import Status

    measure(unit=unit, citizen=citizen, signed_by=leader, status=Status.LIFTED)
    measure(unit=unit, citizen=citizen, signed_by=leader, status=Status.SIGNED, valid_from=today + DAY)
    measure(unit=unit, citizen=citizen, signed_by=leader, status=Status.ACTIVE, valid_from=today - 40 * DAY)
    lagging = measure(unit=unit, citizen=citizen, signed_by=leader, status=Status.SIGNED, valid_from=today - DAY)
    answer = call(client, {"personident": citizen.personident}, key).json()["sikkerhetstiltak"]
    assert [t["gyldigFraOgMed"] for t in answer] == [lagging.valid_from.isoformat()]


def test_an_unknown_valid_number_gives_an_empty_list_and_no_audit_line(client, key):
    unknown = generate_synthetic(datetime.date(1985, 6, 1), 17)
    response = call(client, {"personident": unknown}, key)
    assert response.status_code == 200
    assert response.json() == {"personident": unknown, "sikkerhetstiltak": []}
    assert not AuditLogEntry.objects.exists()


def test_a_registered_person_without_measures_gives_an_empty_list_and_is_audited(client, key, citizen):
    assert call(client, {"personident": citizen.personident}, key).json()["sikkerhetstiltak"] == []
    assert AuditLogEntry.objects.count() == 1


def test_every_answer_about_a_person_is_audited_with_the_system_as_actor(client, key, unit, citizen, leader):
    measure(unit=unit, citizen=citizen, signed_by=leader)
    call(client, {"personident": citizen.personident}, key)
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.actor_ident, entry.citizen, entry.personident) == (
        None, SYSTEM, citizen, citizen.personident)
    assert (entry.action, entry.request_path, entry.request_method) == ("api.sikkerhetstiltak", URL, "POST")
    assert SYSTEM in entry.message


def test_the_system_is_the_actor_in_the_cef_line(client, key, unit, citizen, leader, caplog,
                                                 django_capture_on_commit_callbacks):
    measure(unit=unit, citizen=citizen, signed_by=leader)
    audit_logger = logging.getLogger("nav_sikkerhet.audit")
    audit_logger.addHandler(caplog.handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call(client, {"personident": citizen.personident}, key)
    finally:
        audit_logger.removeHandler(caplog.handler)
    [line] = [r.getMessage() for r in caplog.records if r.name == "nav_sikkerhet.audit"]
    assert "|api|" in line and f"suid={SYSTEM}" in line and f"duid={citizen.personident}" in line


def test_a_call_costs_two_queries_with_the_audit_line(client, key, unit, citizen, leader, django_assert_num_queries):
    measure(unit=unit, citizen=citizen, signed_by=leader)
    call(client, {"personident": citizen.personident}, key)  # the first call also stamps last_used_at
    # Exactly: the key with the citizen and the measures in force (one query), the audit-log insert.
    with django_assert_num_queries(2) as queries:
        assert call(client, {"personident": citizen.personident}, key).status_code == 200
    assert '"core_apikey"' in queries.captured_queries[0]["sql"] and '"core_citizen"' in queries.captured_queries[0][
        "sql"]
    assert queries.captured_queries[-1]["sql"].startswith('INSERT INTO "core_auditlogentry"')


def test_an_unknown_person_costs_one_query(client, key, django_assert_num_queries):
    unknown = generate_synthetic(datetime.date(1990, 5, 17), 123)
    call(client, {"personident": unknown}, key)
    with django_assert_num_queries(1):  # the key with the (absent) citizen: nothing shown, nothing logged
        assert call(client, {"personident": unknown}, key).json()["sikkerhetstiltak"] == []


def test_what_a_refused_key_read_ahead_is_never_shown(client, api_key, unit, citizen, leader, superuser):
    """The key's query also reads the citizen; a key that fails answers 401 and nothing of the citizen, unlogged."""
    row, key = api_key
    measure(unit=unit, citizen=citizen, signed_by=leader)
    core_services.api_key_revoke(by=superuser, api_key_id=row.pk)
    response = call(client, {"personident": citizen.personident}, key)
    assert_problem(response, 401)
    assert citizen.personident not in response.content.decode() and not AuditLogEntry.objects.exists()
    wrong = key[:-2] + ("xx" if not key.endswith("xx") else "yy")
    assert_problem(call(client, {"personident": citizen.personident}, wrong), 401)
    assert not AuditLogEntry.objects.exists()


def test_last_used_is_stamped(client, api_key, citizen):
    row, key = api_key
    assert row.last_used_at is None
    call(client, {"personident": citizen.personident}, key)
    row.refresh_from_db()
    assert row.last_used_at is not None


# -- 400: bad input, with the field named ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"personident": "12345678901"},  # control digits
        {"personident": "1234567890"},  # ten digits
        {"personident": "123456789012"},  # twelve
        {"personident": "0101abc0000"},  # letters
        {"personident": "010190 12345"},  # a space
        {"personident": ""},
        {"personident": "81019012345"},  # FH number
    ],
)
def test_an_invalid_identity_number_is_400_naming_the_field(client, key, body):
    problem = assert_problem(call(client, body, key), 400, "personident")
    assert "personident" in problem["detail"]
    assert not AuditLogEntry.objects.exists()


def test_the_checksum_message_is_the_identity_modules(client, key):
    problem = assert_problem(call(client, {"personident": "12345678901"}, key), 400, "personident")
    assert "control digits" in problem["errors"][0]["message"]


def test_the_input_is_not_echoed_in_the_problem(client, key):
    problem = assert_problem(call(client, {"personident": "12345678901"}, key), 400, "personident")
    assert "12345678901" not in json.dumps(problem)


def test_a_missing_field_is_400(client, key):
    problem = assert_problem(call(client, {"fnr": "12345678901"}, key), 400, "personident")
    assert problem["errors"][0]["message"] == "This field is required."


@pytest.mark.parametrize("value", [12345678901, None, ["12345678901"], {"nr": "1"}, True, 1.5])
def test_a_wrong_type_is_400(client, key, value):
    assert_problem(call(client, {"personident": value}, key), 400, "personident")


@pytest.mark.parametrize("body", ["not json", "{", "", "null", "[]", '"12345678901"', "12345678901"])
def test_a_body_that_is_not_a_json_object_is_400(client, key, body):
    response = call(client, body, key, raw=True)
    problem = assert_problem(response, 400)
    assert [e["field"] for e in problem["errors"]] in (["body"], ["personident"])


def test_a_form_encoded_body_is_415_not_500(client, key, citizen):
    response = client.post(URL, {"personident": citizen.personident}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert_problem(response, 415)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/json; charset=latin-1",
                                          "application/x-www-form-urlencoded", "application/problem+json"])
def test_a_body_that_is_not_application_json_is_415(client, key, citizen, content_type):
    response = call(client, {"personident": citizen.personident}, key, content_type=content_type)
    assert_problem(response, 415)
    assert not AuditLogEntry.objects.exists()


def test_json_with_an_explicit_utf8_charset_is_accepted(client, key, citizen):
    response = call(client, {"personident": citizen.personident}, key, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3 * 1024 * 1024, 20 * 1024])
def test_an_oversized_body_is_413_not_500(client, key, citizen, size, caplog):
    body = json.dumps({"personident": citizen.personident, "fyll": "x" * size})
    with caplog.at_level(logging.ERROR):
        response = call(client, body, key, raw=True)
    assert_problem(response, 413)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_an_oversized_body_with_a_wrong_key_is_still_401(client, key, citizen):
    """The key is judged before the body, also where the key's query reads the citizen with it."""
    body = json.dumps({"personident": citizen.personident, "fyll": "x" * (3 * 1024 * 1024)})
    assert_problem(call(client, body, key[:-2] + ("xx" if not key.endswith("xx") else "yy"), raw=True), 401)


@pytest.mark.parametrize("body", ['{"personident": "1234', '{"personident":', b'\xff\xfe{\x00}\x00',
                                  '{"personident": "12345678901"}'.encode("utf-16"), b"\xc3\x28"])
def test_a_truncated_or_wrongly_encoded_body_is_400(client, key, body):
    response = call(client, body, key, raw=True)
    assert_problem(response, 400, "body")


@pytest.mark.parametrize("number", ["０１０１０１０００１１０", "٠١٠١٠٠٠٠١١٠", "0101000011٠", "¹1010000110"])
def test_non_ascii_digits_are_400(client, key, number):
    assert_problem(call(client, {"personident": number}, key), 400, "personident")


def test_extra_fields_are_ignored(client, key, citizen):
    assert call(client, {"personident": citizen.personident, "annet": 1}, key).status_code == 200


def test_never_422(client, key):
    for body in ({}, {"personident": 1}, {"personident": "x"}):
        assert call(client, body, key).status_code == 400


# -- 401 and 403 ------------------------------------------------------------------------------------------------


def test_no_key_is_401(client, citizen):
    problem = assert_problem(call(client, {"personident": citizen.personident}), 401)
    assert problem["errors"] == []
    assert not AuditLogEntry.objects.exists()


def test_401_comes_before_validation(client):
    response = call(client, {"personident": "nope"})
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer nsk_000000000000_secret", "Bearer nsk_", "x"],
)
def test_a_malformed_or_unknown_key_is_401(client, api_key, citizen, header):
    response = client.post(URL, json.dumps({"personident": citizen.personident}), content_type="application/json",
                           HTTP_AUTHORIZATION=header)
    assert_problem(response, 401)


def test_a_key_with_the_right_prefix_and_wrong_secret_is_401(client, api_key, citizen):
    row, key = api_key
    assert_problem(call(client, {"personident": citizen.personident}, key[:-2] + "xx"), 401)


def test_a_revoked_key_is_401(client, api_key, citizen, superuser):
    row, key = api_key
    core_services.api_key_revoke(by=superuser, api_key_id=row.pk)
    assert_problem(call(client, {"personident": citizen.personident}, key), 401)
    assert not AuditLogEntry.objects.exists()


def test_a_key_revoked_after_use_is_refused_at_the_next_call(client, api_key, citizen, superuser):
    row, key = api_key
    assert call(client, {"personident": citizen.personident}, key).status_code == 200
    core_services.api_key_revoke(by=superuser, api_key_id=row.pk)
    assert_problem(call(client, {"personident": citizen.personident}, key), 401)
    assert AuditLogEntry.objects.count() == 1


def test_an_expired_key_is_401(client, citizen):
    soon = timezone.now() + datetime.timedelta(seconds=30)
    _row, key = core_services.api_key_create(system=SYSTEM, expires_at=soon)
    assert call(client, {"personident": citizen.personident}, key).status_code == 200
    with freeze_time(soon + datetime.timedelta(seconds=1)):
        assert_problem(call(client, {"personident": citizen.personident}, key), 401)


def test_a_key_cannot_be_made_already_expired():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        core_services.api_key_create(system=SYSTEM, expires_at=timezone.now())


def test_create_api_key_with_an_expiry_date():
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", SYSTEM, "--expires", "2999-12-31", stdout=out, stderr=err)
    row = ApiKey.objects.get()
    assert timezone.localtime(row.expires_at).date() == datetime.date(3000, 1, 1)


def test_calls_are_throttled_per_key_with_429_and_retry_after(client, api_key, citizen, settings):
    settings.API_RATE = "2/m"
    _row, key = api_key
    for _ in range(2):
        assert call(client, {"personident": citizen.personident}, key).status_code == 200
    response = call(client, {"personident": citizen.personident}, key)
    assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    assert AuditLogEntry.objects.count() == 2
    _other_row, other = core_services.api_key_create(system="annet-system")
    assert call(client, {"personident": citizen.personident}, other).status_code == 200


def test_a_key_without_the_scope_is_403(client, citizen):
    _row, key = core_services.api_key_create(system="annet-system", scopes=[])
    problem = assert_problem(call(client, {"personident": citizen.personident}, key), 403)
    assert ApiScope.SIKKERHETSTILTAK_READ in problem["detail"]
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch", "options"])
def test_other_methods_are_405_problems(client, key, method):
    response = getattr(client, method)(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert_problem(response, 405)
    assert "POST" in response["Allow"]


# -- OpenAPI ----------------------------------------------------------------------------------------------------


def test_the_openapi_schema_is_served_and_lists_the_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) >= {"200", "400", "401", "403"}
    assert "422" not in operation["responses"]
    assert operation["security"] and schema["components"]["securitySchemes"]
    [scheme] = schema["components"]["securitySchemes"].values()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    answer = schema["components"]["schemas"]["Sikkerhetstiltak"]["properties"]
    assert set(answer) == {"tiltakstype", "beskrivelse", "kontaktperson", "gyldigFraOgMed", "gyldigTilOgMed"}
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"


def test_the_schema_states_problem_documents_the_pattern_and_a_valid_example(client, key):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) >= {"200", "400", "401", "403", "405", "413", "415", "429"}
    for status, response in operation["responses"].items():
        expected = "application/json" if status == "200" else "application/problem+json"
        assert list(response["content"]) == [expected], status
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    request_schema = schema["components"]["schemas"]["SikkerhetstiltakRequest"]
    field = request_schema["properties"]["personident"]
    assert field["pattern"] == "^[0-9]{11}$"
    example = request_schema["example"]
    assert re.fullmatch(field["pattern"], example["personident"])
    # The example is a valid number: the API answers it (an empty list: nobody registered has it).
    assert call(client, example, key).json() == {"personident": example["personident"], "sikkerhetstiltak": []}


# -- keys ---------------------------------------------------------------------------------------------------------


def test_create_api_key_prints_the_key_once_and_stores_only_its_hash():
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", "kontaktsenter-telefoni", stdout=out, stderr=err)
    key = out.getvalue().strip()
    row = ApiKey.objects.get()
    assert (row.system, row.scopes) == ("kontaktsenter-telefoni", [ApiScope.SIKKERHETSTILTAK_READ])
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(f"nsk_{row.prefix}_") and len(key) > 50
    stored = [str(getattr(row, f.attname)) for f in ApiKey._meta.fields]
    assert not any(key in value or key.split("_", 2)[2] in value for value in stored)
    assert key not in err.getvalue() and row.prefix in err.getvalue()
    assert core_services.api_key_authenticate(key=key) == row


def test_create_api_key_with_a_scope_and_a_refused_unknown_scope():
    from django.core.management.base import CommandError

    call_command("create_api_key", "annet", "--scope", ApiScope.SIKKERHETSTILTAK_READ, stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert ApiKey.objects.get().scopes == [ApiScope.SIKKERHETSTILTAK_READ]
    with pytest.raises(CommandError):
        call_command("create_api_key", "annet", "--scope", "alt:skriv", stdout=io.StringIO(), stderr=io.StringIO())


def test_two_keys_never_share_a_prefix_or_a_key():
    made = [core_services.api_key_create(system=f"s{n}") for n in range(20)]
    assert len({row.prefix for row, _ in made}) == len({key for _, key in made}) == 20


def test_the_admin_revokes_through_the_service(client, api_key, superuser):
    row, key = api_key
    client.force_login(superuser)
    response = client.post(reverse("admin:core_apikey_changelist"), {"action": "revoke", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_at <= timezone.now()
    assert core_services.api_key_authenticate(key=key) is None


def test_the_admin_changes_scopes_and_never_shows_the_key(client, api_key, superuser):
    row, key = api_key
    client.force_login(superuser)
    url = reverse("admin:core_apikey_change", args=[row.pk])
    page = client.get(url).content.decode()
    assert row.prefix in page and key not in page and row.key_hash not in page
    response = client.post(url, {})  # no scope ticked
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.scopes == []
    assert client.get(reverse("admin:core_apikey_add")).status_code == 403


def test_only_administrators_revoke(api_key, leader):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        core_services.api_key_revoke(by=leader, api_key_id=api_key[0].pk)


def test_a_citizen_from_the_factory_round_trips(client, key):
    citizen = CitizenFactory()
    assert call(client, {"personident": citizen.personident}, key).json()["personident"] == citizen.personident
