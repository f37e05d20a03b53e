"""The right-of-access export and access report cover what the asking user may see; the privacy officer sees all."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from nav_sikkerhet.core import access, services
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import AuditLogEntry, Role, Unit
from tests.factories import UnitFactory, UserFactory
from tests.utestenging.factories import FactFactory, signed_decision

pytestmark = pytest.mark.django_db

EXPORT = reverse("core:citizen_export")
REPORT = reverse("core:access_report")
REQUEST = {"requested_by": "Advokat Berg", "requested_on": "2026-01-05", "reference": "2026/4711"}


@pytest.fixture
def other_leader(staff_with_role, other_unit):
    return staff_with_role(Role.ENHETSLEDER, other_unit, username="annen_leder")


@pytest.fixture
def privacy_officer(staff_with_role, unit, other_unit):
    # Assigned in a unit of a third region: the role is country-wide.
    home = UnitFactory(number="5701", name="NAV Personvern", region="Trøndelag", municipality_number="5001")
    return staff_with_role(Role.PERSONVERN, home, username="personvern")


@pytest.fixture
def case(leader, unit, citizen):
    decision = signed_decision(signed_by=leader, unit=unit, citizen=citizen)
    FactFactory(decision=decision, description="Hemmelig faktum i Sagene.")
    services.audit_log_record(actor=leader, citizen=citizen, action="test", message="Vist i Sagene")
    return decision


def _export(client, citizen, **overrides):
    return client.post(EXPORT, {"personident": citizen.personident, "format": "json", **REQUEST, **overrides})


def _sections(response) -> dict[str, list]:
    data = json.loads(response.content)
    return {section["title"]: section["items"] for section in data["sections"]}, data


def _report(client, citizen):
    today = timezone.localdate().isoformat()
    return client.post(REPORT, {"personident": citizen.personident, "date_from": "2020-01-01", "date_to": today})


def test_leader_of_another_unit_gets_no_export_of_a_case_there(client, other_leader, citizen, case):
    client.force_login(other_leader)
    response = _export(client, citizen)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Hemmelig faktum" not in response.content.decode()
    assert response.context["form"].errors["personident"]
    assert not AuditLogEntry.objects.filter(actor=other_leader).exists()


def test_leader_exports_only_their_own_units_part(client, other_leader, other_unit, citizen, case):
    own = signed_decision(signed_by=other_leader, unit=other_unit, citizen=citizen)
    client.force_login(other_leader)
    response = _export(client, citizen)
    assert response.status_code == 200
    with translation.override("nb"):
        sections, data = _sections(response)
        decisions = sections["Beslutninger om utestenging og telefonbegrensning"]
        audit = sections["Hvem som har fått se opplysningene (tilgangslogg)"]
    assert [item["case_number"] for item in decisions] == [own.case_number]
    assert "Hemmelig faktum" not in response.content.decode()
    # The other unit's staff who looked at the person are not named to this leader.
    assert {line["actor_ident"] for line in audit} == {other_leader.nav_ident}
    assert other_unit.number in data["covers"]
    assert data["request"] == {"requested_by": "Advokat Berg", "requested_on": "2026-01-05", "reference": "2026/4711"}


def test_access_report_lists_only_the_askers_units_staff(client, leader, other_leader, other_unit, citizen, case):
    services.audit_log_record(actor=other_leader, citizen=citizen, action="test", message="Vist i Bergenhus")
    client.force_login(other_leader)
    response = _report(client, citizen)
    assert response.status_code == 200
    idents = {entry.actor_ident for entry in response.context["report"].entries}
    assert idents == {other_leader.nav_ident}
    assert leader.nav_ident not in response.content.decode()


def test_privacy_officer_exports_everything_across_units(client, privacy_officer, other_leader, other_unit, citizen,
                                                         case, leader):
    own = signed_decision(signed_by=other_leader, unit=other_unit, citizen=citizen)
    services.audit_log_record(actor=None, system="kontaktsenter-telefoni", citizen=citizen, action="api",
                              message="API")
    client.force_login(privacy_officer)
    response = _export(client, citizen)
    with translation.override("nb"):
        sections, data = _sections(response)
        decisions = sections["Beslutninger om utestenging og telefonbegrensning"]
        audit = sections["Hvem som har fått se opplysningene (tilgangslogg)"]
    assert sorted(item["case_number"] for item in decisions) == sorted([case.case_number, own.case_number])
    assert "Hemmelig faktum i Sagene." in response.content.decode()
    assert {leader.nav_ident, "kontaktsenter-telefoni", privacy_officer.nav_ident} <= {
        line["actor_ident"] for line in audit
    }
    with translation.override("nb"):
        assert data["covers"] == "Alle enheter"


def test_privacy_officer_sees_every_staff_member_in_the_access_report(client, privacy_officer, leader, citizen, case):
    client.force_login(privacy_officer)
    response = _report(client, citizen)
    assert leader.nav_ident in {entry.actor_ident for entry in response.context["report"].entries}


def test_every_export_records_who_asked_when_and_the_reference(client, leader, citizen, case):
    client.force_login(leader)
    _export(client, citizen)
    line = AuditLogEntry.objects.get(actor=leader, action="innsyn.export")
    assert line.personident == citizen.personident
    assert "Advokat Berg" in line.message
    assert "05.01.2026" in line.message
    assert "2026/4711" in line.message
    assert "0314" in line.message  # the units the export covered


@pytest.mark.parametrize("field", ["requested_by", "requested_on", "reference"])
def test_export_without_the_request_details_is_refused(client, leader, citizen, case, field):
    client.force_login(leader)
    response = _export(client, citizen, **{field: ""})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AuditLogEntry.objects.filter(action="innsyn.export").exists()


def test_request_received_in_the_future_is_refused(client, leader, citizen, case):
    client.force_login(leader)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _export(client, citizen, requested_on=tomorrow.isoformat())
    with translation.override("nb"):
        assert response.context["form"].errors["requested_on"] == [
            "Forespørselen kan ikke være mottatt fram i tid."
        ]


def test_privacy_officer_role_is_country_wide_and_follows_new_units(privacy_officer, superuser, unit, other_unit):
    for target in (unit, other_unit):
        assert access.has_unit_perm(privacy_officer, Perm.ANSWER_ACCESS_REQUESTS, target)
        assert access.has_unit_perm(privacy_officer, Perm.VIEW_ACCESS_REPORT, target)
        assert not access.has_unit_perm(privacy_officer, Perm.VIEW_DECISIONS, target)
    new = services.unit_save(by=superuser, unit=Unit(
        number="9999", name="NAV Ny", unit_type="nav_kontor", municipality_number="9999", municipality_name="Ny",
        result_area="NAV-kontor", region="Nordland",
    ))
    assert access.has_unit_perm(privacy_officer, Perm.ANSWER_ACCESS_REQUESTS, new)


def test_leader_scope_is_their_units_and_the_privacy_officers_is_complete(leader, unit, privacy_officer):
    assert access.innsyn_scope(leader).unit_ids == frozenset({unit.pk})
    assert access.innsyn_scope(privacy_officer).complete
    with pytest.raises(access.Http404):
        access.innsyn_scope(UserFactory())
