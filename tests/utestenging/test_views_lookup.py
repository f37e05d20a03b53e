"""The reception look-up and breach pages through the test client: one screen, one audit line, posted numbers."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from nav_sikkerhet.core.identity import generate_synthetic
from nav_sikkerhet.core.models import AuditLogEntry, Reminder, Role
from utestenging import lookup
from utestenging.models import Breach, BreachChannel, DecisionEvent, EventKind, Status

from ..factories import CitizenFactory
from .factories import CHANNEL_PHONE, FactFactory
from .lookup_helpers import DAY, NO_MEASURES_NB, RECEPTION_INSTRUCTION_NB, contact_centre, measure

pytestmark = pytest.mark.django_db

SEARCH = "/mottak/"


def _nb(msgid, **args):
    with translation.override("nb"):
        text = gettext(msgid)
        return text % args if args else text


def _look_up(client, personident, **extra):
    return client.post(SEARCH, {"search": "ident", "personident": personident, **extra})


def _audit_lines():
    return list(AuditLogEntry.objects.order_by("pk"))


@pytest.fixture
def excluded(unit, citizen, leader):
    """An exclusion in force at the reception's unit, with a fact and grounds that must never show."""
    decision = measure(unit=unit, citizen=citizen, signed_by=leader)
    FactFactory(decision=decision, description="Slo i skranken med knyttneven")
    return decision


# -- the search page ----------------------------------------------------------------------------------------


def test_search_page_for_reception(client, reception):
    client.force_login(reception)
    response = client.get(SEARCH)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="personident"' in content and 'name="navn-name"' in content and 'name="navn-birth_date"' in content
    assert 'method="post"' in content
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.SAKSBEHANDLER, Role.HMS, Role.VERNEOMBUD, Role.SIKKERHETSANSVARLIG,
                                  Role.ADMINISTRATOR])
def test_roles_without_look_up_get_404(client, staff_with_role, unit, citizen, role):
    client.force_login(staff_with_role(role, unit, username=f"v_{role}"))
    assert client.get(SEARCH).status_code == 404
    assert _look_up(client, citizen.personident).status_code == 404
    assert client.get(reverse("mottak:person", args=[citizen.public_id])).status_code == 404
    assert not AuditLogEntry.objects.exists()


def test_anonymous_is_sent_to_login(client, citizen):
    response = _look_up(client, citizen.personident)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_identity_number_in_the_query_string_is_ignored(client, reception, excluded, citizen):
    client.force_login(reception)
    response = client.get(SEARCH, {"personident": citizen.personident})
    assert response.status_code == 200
    assert "alertdialog" not in response.content.decode()
    assert not AuditLogEntry.objects.exists()


# -- the answer ---------------------------------------------------------------------------------------------


def test_an_exclusion_at_the_users_unit_interrupts_with_the_instruction(client, reception, excluded, citizen, unit,
                                                                         leader):
    client.force_login(reception)
    response = _look_up(client, citizen.personident)
    content = response.content.decode()

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == SEARCH
    assert 'role="alertdialog"' in content and 'href="#svar"' in content
    assert "Jeg har forstått" in content
    assert RECEPTION_INSTRUCTION_NB in content
    assert "lookup-answer--gated" in content  # the rest waits until acknowledged
    assert citizen.name in content
    assert excluded.valid_from.strftime("%d.%m.%Y") in content and excluded.valid_to.strftime("%d.%m.%Y") in content
    assert unit.name in content
    assert leader.get_full_name() in content  # the contact person (the responsible leader)
    assert CHANNEL_PHONE in content  # the alternative channel
    assert reverse("mottak:breach", args=[excluded.public_id]) in content
    assert "js/lookup-alert.js" in content


def test_grounds_facts_and_assessments_never_show(client, reception, excluded, citizen):
    client.force_login(reception)
    content = _look_up(client, citizen.personident).content.decode()
    assert "Slo i skranken" not in content
    assert excluded.risk_of_repetition not in content
    assert not any(row.reason in content for row in excluded.alternative_assessments.all())
    for label in ("Truende atferd", "Trusler", _nb("Threatening behaviour or threats"), _nb("Grounds")):
        assert label not in content


def test_a_hit_writes_exactly_one_audit_line(client, reception, excluded, citizen):
    client.force_login(reception)
    _look_up(client, citizen.personident)
    [entry] = _audit_lines()
    assert (entry.actor, entry.citizen, entry.personident) == (reception, citizen, citizen.personident)
    assert (entry.action, entry.request_path, entry.request_method) == ("lookup.view", SEARCH, "POST")


def test_a_miss_writes_no_audit_line_and_says_no_measures(client, reception):
    client.force_login(reception)
    unknown = generate_synthetic(datetime.date(1990, 1, 1), 123)
    response = _look_up(client, unknown)
    content = response.content.decode()
    assert response.status_code == 200
    assert NO_MEASURES_NB in content and "alertdialog" not in content
    assert not AuditLogEntry.objects.exists()


def test_an_invalid_number_is_a_form_error_and_writes_nothing(client, reception):
    client.force_login(reception)
    response = _look_up(client, "12345678901")
    assert response.status_code == 200
    assert response.context["ident_form"].errors["personident"]
    assert not AuditLogEntry.objects.exists()


def test_no_measures_for_a_known_person(client, reception, citizen):
    client.force_login(reception)
    content = _look_up(client, citizen.personident).content.decode()
    assert NO_MEASURES_NB in content and citizen.name in content and "alertdialog" not in content
    assert len(_audit_lines()) == 1


def test_a_measure_elsewhere_says_it_does_not_apply_here_with_its_channel_and_contact(
    client, reception, citizen, other_unit, other_leader
):
    there = measure(unit=other_unit, citizen=citizen, signed_by=other_leader)
    client.force_login(reception)
    content = _look_up(client, citizen.personident).content.decode()
    assert "alertdialog" not in content and RECEPTION_INSTRUCTION_NB not in content
    assert NO_MEASURES_NB not in content
    assert _nb(
        "Does not apply here: this measure covers only %(units)s, not your unit. Help the person as usual.",
        units=f"{other_unit.number} {other_unit.name}",
    ) in content
    assert there.valid_to.strftime("%d.%m.%Y") in content
    # What the desk needs if the person's business is with that unit: its alternative channel and contact.
    assert CHANNEL_PHONE in content
    assert other_leader.get_full_name() in content
    assert reverse("mottak:breach", args=[there.public_id]) not in content


def test_only_the_measure_covering_the_users_unit_interrupts(client, reception, citizen, unit, leader, other_unit,
                                                             other_leader):
    measure(unit=other_unit, citizen=citizen, signed_by=other_leader, kind="TFUS")
    here = measure(unit=unit, citizen=citizen, signed_by=leader)
    client.force_login(reception)
    response = _look_up(client, citizen.personident)
    answer = response.context["answer"]
    assert [m.decision_id for m in answer.here] == [here.pk] and answer.alert
    content = response.content.decode()
    dialog = content[content.index('role="alertdialog"'):content.index('id="svar"')]
    assert _nb("Physical exclusion") in dialog and _nb("Phone restriction") not in dialog
    assert _nb("End the call politely and refer the person to the alternative channel.") not in content


def test_a_decision_the_job_has_not_activated_yet_is_shown(client, reception, citizen, unit, leader, today):
    measure(unit=unit, citizen=citizen, signed_by=leader, status=Status.SIGNED, valid_from=today - 2 * DAY)
    client.force_login(reception)
    assert RECEPTION_INSTRUCTION_NB in _look_up(client, citizen.personident).content.decode()


def test_phone_restriction_at_the_contact_centre(client, staff_with_role, citizen):
    centre = contact_centre()
    adviser = staff_with_role(Role.KONTAKTSENTER, centre, username="ks_test")
    measure(unit=centre, citizen=citizen, signed_by=staff_with_role(Role.ENHETSLEDER, centre, username="ksl"),
            kind="TFUS")
    client.force_login(adviser)
    content = _look_up(client, citizen.personident).content.decode()
    assert 'role="alertdialog"' in content
    assert _nb("End the call politely and refer the person to the alternative channel.") in content
    assert RECEPTION_INSTRUCTION_NB not in content


def test_the_answer_in_english_keeps_the_msgid(client, reception, excluded, citizen, settings):
    client.force_login(reception)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = _look_up(client, citizen.personident).content.decode()
    assert "Ask the person to leave the premises. If they refuse, call the police." in content
    assert "I understand" in content


# Loading the session and the user, and saving the session (an UPDATE in a savepoint under the test's transaction).
SESSION_AND_USER = 5


def _is_session_or_user(sql: str) -> bool:
    sql = sql.lower()
    return "django_session" in sql or "savepoint" in sql or sql.startswith('select "core_user"')


def test_a_look_up_costs_at_most_four_queries_beyond_session_and_user(client, reception, excluded, citizen,
                                                                        django_assert_max_num_queries):
    client.force_login(reception)
    client.get(SEARCH)  # warm caches (content types) as a running server has them
    with django_assert_max_num_queries(4 + SESSION_AND_USER) as queries:
        response = _look_up(client, citizen.personident)
    assert response.status_code == 200
    own = [q["sql"] for q in queries.captured_queries if not _is_session_or_user(q["sql"])]
    # Exactly: the user's units (read on every request inside a test's transaction; reused across requests in
    # production, tests/core/test_access_cache.py), and one statement reading the citizen with the measures and
    # writing the audit line.
    assert len(own) == 2, own
    assert own[-1].startswith("WITH found AS MATERIALIZED") and 'INSERT INTO "core_auditlogentry"' in own[-1]


def test_opening_a_person_costs_the_same(client, reception, excluded, citizen, django_assert_max_num_queries):
    client.force_login(reception)
    client.get(SEARCH)
    with django_assert_max_num_queries(4 + SESSION_AND_USER):
        response = client.get(reverse("mottak:person", args=[citizen.public_id]))
    assert response.status_code == 200


# -- name and birth date --------------------------------------------------------------------------------------


def test_a_single_name_match_opens_the_person_at_once_with_the_alert(client, reception, excluded, citizen):
    client.force_login(reception)
    response = client.post(SEARCH, {"search": "name", "navn-name": citizen.name.upper(),
                                    "navn-birth_date": citizen.birth_date.isoformat()})
    content = response.content.decode()
    assert response.status_code == 200 and "results" not in response.context
    assert 'role="alertdialog"' in content and RECEPTION_INSTRUCTION_NB in content
    assert citizen.personident not in content
    search, entry = _audit_lines()
    assert (search.action, search.actor, search.request_method) == ("lookup.search", reception, "POST")
    assert citizen.personident in search.message  # the line names whom the search found
    assert (entry.action, entry.personident, entry.request_method) == ("lookup.view", citizen.personident, "POST")


def test_name_search_lists_names_and_birth_dates_audits_them_then_opens_one(client, reception, excluded, citizen):
    namesake = CitizenFactory(name=citizen.name, birth_date=citizen.birth_date)
    client.force_login(reception)
    response = client.post(SEARCH, {"search": "name", "navn-name": citizen.name.upper(),
                                    "navn-birth_date": citizen.birth_date.isoformat()})
    content = response.content.decode()
    person_url = reverse("mottak:person", args=[citizen.public_id])
    assert sorted(response.context["results"], key=lambda c: c.pk) == sorted([citizen, namesake], key=lambda c: c.pk)
    assert person_url in content and citizen.name in content
    assert citizen.personident not in content
    [search] = _audit_lines()
    assert (search.action, search.actor, search.request_method) == ("lookup.search", reception, "POST")
    assert citizen.personident in search.message and namesake.personident in search.message

    response = client.get(person_url)
    assert response.status_code == 200 and RECEPTION_INSTRUCTION_NB in response.content.decode()
    assert citizen.personident not in person_url
    [_search, entry] = _audit_lines()
    assert (entry.action, entry.request_path, entry.request_method) == ("lookup.view", person_url, "GET")


def test_name_search_without_a_hit(client, reception):
    client.force_login(reception)
    response = client.post(SEARCH, {"search": "name", "navn-name": "Ingen Slik", "navn-birth_date": "1950-01-01"})
    assert response.context["results"] == []
    [line] = _audit_lines()  # the search is logged even when it showed nobody
    assert line.action == "lookup.search" and line.personident == ""


@pytest.mark.parametrize("name", ["a a", "Ola", "O Nordmann", "Ola N", "Ola 12", "  "])
def test_name_search_needs_two_letters_of_first_and_last_name(client, reception, name):
    CitizenFactory(name="Ola Nordmann", birth_date=datetime.date(1980, 5, 17))
    client.force_login(reception)
    response = client.post(SEARCH, {"search": "name", "navn-name": name, "navn-birth_date": "1980-05-17"})
    assert response.status_code == 200
    assert "results" not in response.context
    assert response.context["name_form"].errors["name"]
    assert not AuditLogEntry.objects.exists()


def test_name_search_needs_the_full_birth_date(client, reception):
    client.force_login(reception)
    response = client.post(SEARCH, {"search": "name", "navn-name": "Ola Nordmann", "navn-birth_date": "1980-05"})
    assert response.context["name_form"].errors["birth_date"]
    assert "results" not in response.context


def test_look_ups_are_throttled_per_staff_member_with_a_message_and_an_audit_line(client, reception, citizen,
                                                                                  settings, staff_with_role, unit):
    settings.LOOKUP_RATE = "3/m"
    client.force_login(reception)
    for _ in range(2):
        assert _look_up(client, citizen.personident).status_code == 200
    assert client.get(reverse("mottak:person", args=[citizen.public_id])).status_code == 200
    refused = _look_up(client, citizen.personident)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    with translation.override("nb"):
        assert "Vent" in refused.content.decode()
    assert citizen.name not in refused.content.decode()
    assert client.get(reverse("mottak:person", args=[citizen.public_id])).status_code == 429
    name = client.post(SEARCH, {"search": "name", "navn-name": citizen.name,
                                "navn-birth_date": citizen.birth_date.isoformat()})
    assert name.status_code == 429 and "results" not in name.context
    actions = [line.action for line in _audit_lines()]
    assert actions == ["lookup.view"] * 3 + ["lookup.throttled"] * 3
    # Another staff member is counted on their own.
    client.force_login(staff_with_role(Role.MOTTAK, unit, username="mottak_to"))
    assert _look_up(client, citizen.personident).status_code == 200


def test_a_throttle_cache_that_is_down_lets_the_look_up_through(client, reception, citizen, monkeypatch):
    from django_ratelimit import core

    from nav_sikkerhet.core import throttle

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(core, "caches", type("Down", (), {"__getitem__": down})())
    monkeypatch.setattr(throttle, "caches", type("Down", (), {"__getitem__": down})())  # its one-round-trip path
    client.force_login(reception)
    assert _look_up(client, citizen.personident).status_code == 200


def test_an_unknown_person_id_is_404(client, reception):
    client.force_login(reception)
    assert client.get(reverse("mottak:person", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


# -- breach ---------------------------------------------------------------------------------------------------


def _breach_data(**overrides):
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": BreachChannel.IN_PERSON,
        "description": "Kom i mottaket og krevde å få snakke med veileder.",
        "asked_to_leave": "yes",
        "police_called": "no",
    }
    return {**data, **overrides}


def test_the_breach_form_shows_the_case_and_is_audited(client, reception, excluded, citizen):
    client.force_login(reception)
    response = client.get(reverse("mottak:breach", args=[excluded.public_id]))
    content = response.content.decode()
    assert response.status_code == 200
    assert excluded.case_number in content and citizen.name in content
    assert "Slo i skranken" not in content
    [entry] = _audit_lines()
    assert entry.action == "lookup.breach"


def test_registering_a_breach_puts_it_on_the_timeline_and_notifies_the_leader(
    client, reception, excluded, leader, django_capture_on_commit_callbacks
):
    client.force_login(reception)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data(police_called="yes"))
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mottak:breach_done", args=[breach.public_id])
    assert (breach.decision, breach.registered_by, breach.channel) == (excluded, reception, BreachChannel.IN_PERSON)
    assert (breach.asked_to_leave, breach.police_called) == (True, True)
    assert breach.history.get().history_user == reception

    event = DecisionEvent.objects.filter(decision=excluded).get()
    assert (event.kind, event.actor) == (EventKind.BREACH, reception)
    assert "Kom i mottaket" in event.text

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient, reminder.case_number) == (
        lookup.BREACH_REMINDER_KIND, leader, excluded.case_number)
    assert reminder.path == reverse("utestenging:detail", args=[excluded.public_id])
    [message] = mail.outbox
    assert message.to == [leader.email] and excluded.case_number in message.subject
    assert excluded.citizen.name not in message.body and excluded.citizen.personident not in message.body

    # The leader sees it on the decision's timeline.
    client.force_login(leader)
    detail = client.get(reverse("utestenging:detail", args=[excluded.public_id])).content.decode()
    assert str(EventKind.BREACH.label) in detail or _nb(EventKind.BREACH.label) in detail


def test_the_receipt_offers_to_register_the_breach_as_an_incident(client, reception, excluded):
    client.force_login(reception)
    response = client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data(), follow=True)
    assert response.status_code == 200
    assert response.context["may_register_incident"] is True
    assert reverse("mottak:breach_incident", args=[Breach.objects.get().public_id]) in response.content.decode()


def test_register_as_incident_opens_the_form_prefilled_without_personal_data_in_the_url(
    client, reception, excluded, citizen
):
    client.force_login(reception)
    client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data())
    breach = Breach.objects.get()

    response = client.post(reverse("mottak:breach_incident", args=[breach.public_id]))

    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(reverse("hendelser:create") + "?utkast=")
    assert citizen.personident not in url and str(citizen.public_id) not in url
    form = client.get(url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["channel"] == "reception"
    assert initial["description"] == breach.description
    assert initial["perpetrator"] == "citizen"
    assert citizen.name in form.content.decode()


def test_an_incident_made_from_a_breach_is_linked_and_the_police_list_shows_the_breach(
    client, reception, excluded, citizen, leader
):
    client.force_login(reception)
    client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data(police_called="yes"))
    breach = Breach.objects.get()
    url = client.post(reverse("mottak:breach_incident", args=[breach.public_id]))["Location"]
    token = url.split("utkast=")[1]
    response = client.post(url, {
        "utkast": token, "occurred_at": timezone.localtime(breach.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "unit": excluded.unit.pk, "channel": "reception", "category": "verbal", "description": breach.description,
        "perpetrator": "citizen", "injury": "1", "sick_leave": "no", "exposed_me": "on", "my_employer": "state",
    })
    assert response.status_code == 302
    breach.refresh_from_db()
    incident = breach.incident
    assert incident.citizen == citizen
    # Both pages show the other; the receipt no longer offers to register it again.
    receipt = client.get(reverse("mottak:breach_done", args=[breach.public_id])).content.decode()
    assert incident.reference in receipt
    assert reverse("mottak:breach_incident", args=[breach.public_id]) not in receipt
    client.force_login(leader)
    detail = client.get(reverse("hendelser:detail", args=[incident.public_id])).content.decode()
    assert reverse("mottak:breach_done", args=[breach.public_id]) in detail
    police = client.get(reverse("hendelser:police"))
    assert police.status_code == 200 and excluded.case_number in police.content.decode()
    assert police.context["page"].breaches == [breach]


def test_register_as_incident_answers_only_post(client, reception, excluded):
    client.force_login(reception)
    client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data())
    assert client.get(reverse("mottak:breach_incident", args=[Breach.objects.get().public_id])).status_code == 405


def test_a_breach_outside_the_period_is_refused_on_the_form(client, reception, excluded, today):
    client.force_login(reception)
    before = (timezone.localtime() - 3 * DAY).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data(occurred_at=before))
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"]
    assert not Breach.objects.exists()


def test_a_breach_in_the_future_is_refused(client, reception, excluded):
    client.force_login(reception)
    later = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data(occurred_at=later))
    assert response.context["form"].errors["occurred_at"]
    assert not Breach.objects.exists()


def test_breach_answers_404_where_the_user_may_not_register(client, staff_with_role, other_unit, excluded,
                                                            caseworker, draft):
    elsewhere = staff_with_role(Role.MOTTAK, other_unit, username="mottak_annet")
    client.force_login(elsewhere)
    assert client.get(reverse("mottak:breach", args=[excluded.public_id])).status_code == 404
    assert client.post(reverse("mottak:breach", args=[excluded.public_id]), _breach_data()).status_code == 404
    client.force_login(caseworker)  # prepares decisions in the deciding unit: allowed, but not for a draft
    assert client.get(reverse("mottak:breach", args=[excluded.public_id])).status_code == 200
    assert client.get(reverse("mottak:breach", args=[draft.public_id])).status_code == 404
    assert not Breach.objects.exists()


def test_the_start_page_links_to_the_look_up_for_reception_only(client, reception, staff_with_role, unit):
    client.force_login(reception)
    assert SEARCH in client.get(reverse("core:start")).content.decode()
    client.force_login(staff_with_role(Role.HMS, unit, username="hms_test"))
    assert f'href="{SEARCH}"' not in client.get(reverse("core:start")).content.decode()


def test_a_citizen_without_data_from_another_case_is_not_found_by_a_wrong_birth_date(client, reception):
    ola = CitizenFactory(name="Ola Nordmann", birth_date=datetime.date(1980, 5, 17))
    client.force_login(reception)
    response = client.post(SEARCH, {"search": "name", "navn-name": "Ola Nordmann", "navn-birth_date": "1980-05-18"})
    assert ola not in response.context["results"]


def test_the_demo_answers_reception_and_the_contact_centre(client):
    """`mottak` (0315) meets an exclusion and `kontaktsenter` (4153) a phone restriction in the demo data."""
    import io

    from django.core.management import call_command

    from nav_sikkerhet.core.models import User
    from utestenging.models import Decision

    call_command("demo_data", stdout=io.StringIO())
    phone_instruction = _nb("End the call politely and refer the person to the alternative channel.")
    for username, unit_number, kind, instruction in [
        ("mottak", "0315", "FYUS", RECEPTION_INSTRUCTION_NB),
        ("kontaktsenter", "4153", "TFUS", phone_instruction),
    ]:
        decision = Decision.objects.filter(kind=kind, status=Status.ACTIVE, covered_units__number=unit_number).first()
        assert decision is not None, f"no active {kind} covering {unit_number} in the demo"
        client.force_login(User.objects.get(username=username))
        content = _look_up(client, decision.citizen.personident).content.decode()
        assert 'role="alertdialog"' in content and instruction in content, username
