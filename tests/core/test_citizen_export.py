"""Right of access (innsyn): everything held about one citizen, as JSON or PDF/A, for leaders only."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from hendelser.models import CitizenWarning
from nav_sikkerhet.core import access, citizen_data, services
from nav_sikkerhet.core.models import AuditLogEntry, Role
from tests.factories import UserFactory, assign_role
from tests.utestenging.factories import FactFactory, signed_decision
from tests.utestenging.letter_builders import pdf_text
from utestenging.models import AlternativeAssessment, DigitalChannel, Kind

pytestmark = pytest.mark.django_db

URL = reverse("core:citizen_export")


@pytest.fixture
def decision(leader, unit, citizen):
    decision = signed_decision(signed_by=leader, unit=unit, citizen=citizen)
    FactFactory(decision=decision, description="Kastet en stol mot skranken.")
    return decision


REQUEST = {"requested_by": "Brukeren selv", "requested_on": "2026-01-05", "reference": "2026/123"}


def _export(client, citizen, fmt="json", **overrides):
    return client.post(URL, {"personident": citizen.personident, "format": fmt, **REQUEST, **overrides})


def _section(data, title):
    return next(section for section in data["sections"] if section["title"] == title)


def test_json_export_holds_the_decision_its_facts_and_the_audit_log(client, leader, citizen, decision, unit):
    looker = UserFactory(nav_ident="A123456")
    assign_role(looker, unit, Role.MOTTAK)  # staff of the leader's unit, so in the leader's export
    services.audit_log_record(actor=looker, citizen=citizen, action="test", message="Vist i test")
    client.force_login(leader)
    response = _export(client, citizen)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content.decode("utf-8"))
    assert "  " in response.content.decode()  # pretty-printed
    with translation.override("nb"):
        details = _section(data, "Registrerte opplysninger")["items"][0]
        decisions = _section(data, "Beslutninger om utestenging og telefonbegrensning")["items"]
        audit = _section(data, "Hvem som har fått se opplysningene (tilgangslogg)")["items"]
    assert details["name"] == citizen.name
    assert details["birth_date"] == citizen.birth_date.isoformat()
    [item] = decisions
    assert item["case_number"] == decision.case_number
    assert item["valid_from"] == decision.valid_from.isoformat()
    assert "Kastet en stol mot skranken." in [fact["description"] for fact in item["facts"]]
    assert [line["actor_ident"] for line in audit] == ["A123456", leader.nav_ident]
    assert audit[1]["request_path"] == URL


def test_pdf_export_names_the_citizen_and_the_case(client, leader, citizen, decision):
    client.force_login(leader)
    response = _export(client, citizen, fmt="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert citizen.name in text
    assert decision.case_number in text
    assert "Kastet en stol mot skranken." in text


def test_pdf_export_is_in_the_citizens_preferred_language(client, leader, citizen, decision):
    citizen.preferred_language = "nn"
    citizen.save()
    client.force_login(leader)
    html = citizen_data.render_html(
        citizen_data.collect(citizen, by=leader, scope=access.innsyn_scope(leader))
    )
    assert '<html lang="nn">' in html


def test_each_export_writes_exactly_one_audit_line(client, leader, citizen, decision):
    client.force_login(leader)
    _export(client, citizen, fmt="json")
    _export(client, citizen, fmt="pdf")
    lines = AuditLogEntry.objects.filter(actor=leader).order_by("id")
    assert [(line.action, line.personident, line.request_method) for line in lines] == [
        ("innsyn.export", citizen.personident, "POST")
    ] * 2


def test_caseworker_gets_404(client, staff_with_role, unit, citizen):
    client.force_login(staff_with_role(Role.SAKSBEHANDLER, unit))
    assert client.get(URL).status_code == 404
    assert _export(client, citizen).status_code == 404
    assert not AuditLogEntry.objects.exists()


def test_unknown_number_gives_a_form_error_and_no_audit_line(client, leader, citizen):
    number = citizen.personident
    citizen.delete()
    client.force_login(leader)
    response = client.post(URL, {"personident": number, "format": "json", **REQUEST})
    assert response.status_code == 200
    with translation.override("nb"):
        assert response.context["form"].errors["personident"] == [
            "Det er ikke registrert noen opplysninger om dette fødselsnummeret i enhetene du svarer for."
        ]
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_identity_number_is_in_no_url_or_file_name(client, leader, citizen, decision, fmt):
    client.force_login(leader)
    page = client.get(URL).content.decode()
    assert 'method="post"' in page
    response = _export(client, citizen, fmt=fmt)
    disposition = response["Content-Disposition"]
    assert re.fullmatch(rf'attachment; filename="innsyn-\d{{4}}-\d{{2}}-\d{{2}}\.{fmt}"', disposition)
    assert citizen.personident not in disposition
    assert citizen.personident not in URL
    assert all(citizen.personident not in line.request_path for line in AuditLogEntry.objects.all())


def test_start_page_and_access_report_link_to_the_export(client, leader):
    client.force_login(leader)
    assert URL in client.get(reverse("core:start")).content.decode()
    assert URL in client.get(reverse("core:access_report")).content.decode()


def test_json_export_holds_every_kind_of_measure_and_what_the_exclusion_cites(client, leader, citizen, unit):
    toan = signed_decision(signed_by=leader, unit=unit, citizen=citizen, kind=Kind.TOAN)
    signed_decision(signed_by=leader, unit=unit, citizen=citizen, kind=Kind.DIUS,
                    digital_channels=[DigitalChannel.CHAT])
    exclusion = signed_decision(signed_by=leader, unit=unit, citizen=citizen)
    AlternativeAssessment.objects.filter(decision=exclusion, alternative="two_staff").update(
        outcome="tried", tried_on=None, measure=toan)
    warning = CitizenWarning.objects.create(citizen=citizen, unit=unit, given_on=toan.valid_from, form="written",
                                            note="Skriftlig advarsel", registered_by=leader)
    client.force_login(leader)
    data = json.loads(_export(client, citizen).content.decode("utf-8"))
    with translation.override("nb"):
        items = _section(data, "Beslutninger om utestenging og telefonbegrensning")["items"]
        kinds = {item["kind"]: item for item in items}
        assert set(kinds) == {str(Kind.TOAN.label), str(Kind.DIUS.label), str(Kind.FYUS.label)}
        assert kinds[str(Kind.DIUS.label)]["digital_channels"] == [str(DigitalChannel.CHAT.label)]
        cited = [a["measure"] for a in kinds[str(Kind.FYUS.label)]["alternatives_assessed"] if a["measure"]]
        assert cited == [f"{toan.case_number} {Kind.TOAN.label}"]
        incidents = next(s for s in data["sections"] if "warnings" in json.dumps(s["items"]))
    assert warning.note in json.dumps(incidents, ensure_ascii=False)
