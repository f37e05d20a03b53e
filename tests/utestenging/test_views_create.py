"""Opening a case: the citizen found as reception finds them, and a warning before a second case opens."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hendelser.models import Perpetrator
from nav_sikkerhet.core import selectors as core_selectors
from nav_sikkerhet.core.models import AuditLogEntry
from utestenging.models import Decision, Kind, Status

from ..factories import CitizenFactory
from ..hendelser.factories import IncidentFactory
from .factories import DecisionFactory, signed_decision

pytestmark = pytest.mark.django_db

CREATE = reverse("utestenging:create")
BIRTH = datetime.date(1979, 3, 14)


def _nb(msgid, **args):
    with translation.override("nb"):
        text = gettext(msgid)
        return text % args if args else text


def _by_name(client, name, birth_date=BIRTH):
    return client.post(CREATE, {"search": "name", "navn-name": name, "navn-birth_date": birth_date.isoformat()})


def _by_ident(client, unit, citizen, **extra):
    return client.post(CREATE, {"unit": unit.pk, "kind": Kind.FYUS, "personident": citizen.personident,
                                "name": citizen.name, "preferred_language": "nb", **extra})


def _person_url(citizen):
    return f"{CREATE}?person={citizen.public_id}"


@pytest.fixture
def ola(db):
    return CitizenFactory(name="Ola Nordmann", birth_date=BIRTH)


def test_the_page_offers_both_searches(client, caseworker):
    client.force_login(caseworker)
    content = client.get(CREATE).content.decode()
    assert 'name="personident"' in content and 'name="navn-name"' in content and 'name="navn-birth_date"' in content


def test_name_search_lists_names_with_a_link_and_one_audit_line_naming_them(client, caseworker, ola):
    other = CitizenFactory(name="Ola Nordmann", birth_date=BIRTH + datetime.timedelta(days=1))
    client.force_login(caseworker)
    response = _by_name(client, "ola nordmann")
    assert response.status_code == 200
    assert response.context["results"] == [ola]
    assert _person_url(ola) in response.content.decode()
    [line] = AuditLogEntry.objects.all()
    assert (line.actor, line.action) == (caseworker, "lookup.search")
    assert ola.personident in line.message and other.personident not in line.message


def test_name_search_is_throttled_like_reception(client, caseworker, ola, settings):
    settings.LOOKUP_RATE = "2/m"
    client.force_login(caseworker)
    assert [_by_name(client, "Ola Nordmann").status_code for _ in range(2)] == [200, 200]
    refused = _by_name(client, "Ola Nordmann")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "results" not in refused.context and _person_url(ola) not in refused.content.decode()
    assert refused.context["throttled"] in refused.content.decode()
    assert [line.action for line in AuditLogEntry.objects.order_by("pk")] == ["lookup.search"] * 2 + [
        "lookup.throttled"]


def test_name_search_keeps_receptions_rule_of_two_letters_in_each_name(client, caseworker, ola):
    client.force_login(caseworker)
    response = _by_name(client, "O N")
    assert response.status_code == 200 and "results" not in response.context
    assert response.context["name_form"].errors and not AuditLogEntry.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's")
def test_name_search_tolerates_a_typo_on_postgresql(client, caseworker, ola):
    client.force_login(caseworker)
    assert _by_name(client, "Ola Nordman").context["results"] == [ola]


def test_name_search_is_the_shared_citizen_search(client, caseworker, ola):
    """Reception and caseworkers call one function, so a rule added to the search applies to both."""
    client.force_login(caseworker)
    with mock.patch.object(core_selectors, "search_by_name", wraps=core_selectors.search_by_name) as search:
        _by_name(client, "Ola Nordmann")
    search.assert_called_once()
    assert (search.call_args.kwargs["name"], search.call_args.kwargs["birth_date"]) == ("Ola Nordmann", BIRTH)


def test_a_name_search_without_a_hit_says_so(client, caseworker):
    client.force_login(caseworker)
    response = _by_name(client, "Ingen Slik")
    assert response.context["results"] == []
    assert _nb("No one registered here has that name and date of birth. Check the spelling, or use the identity "
               "number: a citizen new to this system is registered with the case.") in response.content.decode()


def test_a_found_citizen_opens_a_draft_for_them_with_one_audit_line(client, caseworker, unit, ola):
    client.force_login(caseworker)
    page = client.get(_person_url(ola))
    assert page.status_code == 200 and ola.name in page.content.decode()
    assert not page.context["existing"]
    assert [(e.action, e.personident) for e in AuditLogEntry.objects.all()] == [
        ("decision.create_check", ola.personident)
    ]

    response = client.post(_person_url(ola), {"unit": unit.pk, "kind": Kind.TFUS})
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("utestenging:edit", args=[decision.public_id, "grunnlag"])
    assert (decision.citizen, decision.unit, decision.kind, decision.created_by) == (ola, unit, Kind.TFUS, caseworker)


def test_an_unknown_person_is_404(client, caseworker):
    client.force_login(caseworker)
    assert client.get(f"{CREATE}?person=00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get(f"{CREATE}?person=nonsense").status_code == 404


def test_the_identity_number_warns_of_a_measure_in_force_before_the_draft_opens(client, caseworker, leader, unit,
                                                                                 ola):
    active = signed_decision(unit=unit, citizen=ola, created_by=caseworker, signed_by=leader)
    client.force_login(caseworker)

    warning = _by_ident(client, unit, ola)

    assert warning.status_code == 200
    assert Decision.objects.count() == 1
    assert [case.decision for case in warning.context["existing"].in_force] == [active]
    content = warning.content.decode()
    assert reverse("utestenging:detail", args=[active.public_id]) in content
    assert _nb("%(name)s already has a security measure or a case", name=ola.name) in content
    assert _nb("Create a new case anyway") in content
    assert [e.action for e in AuditLogEntry.objects.all()] == ["decision.create_check"]

    # The page carries the warning's flag: the second submit opens the draft.
    assert warning.context["form"]["confirm_existing"].value() == str(ola.public_id)
    created = _by_ident(client, unit, ola, confirm_existing=str(ola.public_id))
    assert created.status_code == 302
    assert Decision.objects.filter(citizen=ola, status=Status.DRAFT).count() == 1


def test_having_seen_another_citizens_cases_does_not_skip_the_warning(client, caseworker, leader, unit, ola):
    signed_decision(unit=unit, citizen=ola, created_by=caseworker, signed_by=leader)
    someone_else = CitizenFactory()
    client.force_login(caseworker)
    response = _by_ident(client, unit, ola, confirm_existing=str(someone_else.public_id))
    assert response.status_code == 200 and response.context["existing"]
    assert Decision.objects.count() == 1


def test_a_case_under_preparation_elsewhere_is_named_without_a_link(client, caseworker, unit, other_unit, ola):
    there = DecisionFactory(unit=other_unit, citizen=ola)
    client.force_login(caseworker)
    page = client.get(_person_url(ola))
    [case] = page.context["existing"].under_preparation
    assert (case.decision, case.visible) == (there, False)
    content = page.content.decode()
    assert there.case_number in content and other_unit.name in content
    assert reverse("utestenging:detail", args=[there.public_id]) not in content
    assert _nb("Another unit's case: ask its leader.") in content


def test_a_found_citizen_with_a_case_needs_the_warnings_flag(client, caseworker, unit, ola):
    DecisionFactory(unit=unit, citizen=ola, created_by=caseworker)
    client.force_login(caseworker)
    page = client.get(_person_url(ola))
    assert page.context["form"]["confirm_existing"].value() == str(ola.public_id)

    # Posted without having seen the warning (say, the other case was opened meanwhile): nothing opens.
    refused = client.post(_person_url(ola), {"unit": unit.pk, "kind": Kind.FYUS})
    assert refused.status_code == 200 and Decision.objects.count() == 1

    assert client.post(_person_url(ola), {"unit": unit.pk, "kind": Kind.FYUS, "confirm_existing": ola.public_id}
                       ).status_code == 302
    assert Decision.objects.count() == 2


def test_ended_and_dropped_cases_do_not_warn(client, caseworker, leader, unit, ola, today):
    signed_decision(unit=unit, citizen=ola, created_by=caseworker, signed_by=leader, status=Status.EXPIRED,
                    valid_from=today - datetime.timedelta(days=40))
    DecisionFactory(unit=unit, citizen=ola, status=Status.DROPPED)
    client.force_login(caseworker)
    assert _by_ident(client, unit, ola).status_code == 302


def test_a_proposal_from_an_incident_shows_the_citizens_cases(client, leader, unit, ola, caseworker):
    open_case = DecisionFactory(unit=unit, citizen=ola, created_by=caseworker)
    incident = IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=ola, registered_by=caseworker)
    client.force_login(leader)
    url = f"{CREATE}?hendelse={incident.public_id}&type=FYUS"
    page = client.get(url)
    assert [case.decision for case in page.context["existing"].under_preparation] == [open_case]
    assert reverse("utestenging:detail", args=[open_case.public_id]) in page.content.decode()
    assert client.post(url, {"kind": Kind.FYUS}).status_code == 200
    assert client.post(url, {"kind": Kind.FYUS, "confirm_existing": ola.public_id}).status_code == 302
    assert Decision.objects.filter(citizen=ola).count() == 2


def test_roles_that_do_not_prepare_get_404(client, reception, ola):
    client.force_login(reception)
    assert client.get(_person_url(ola)).status_code == 404
    assert _by_name(client, "Ola Nordmann").status_code == 404
