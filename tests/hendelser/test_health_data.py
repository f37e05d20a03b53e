"""Exposed staff's sick leave, BHT and debrief on need-to-know: head, acting head, HMS and the person themself."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from hendelser import rules
from hendelser.models import Bht
from nav_sikkerhet.core.models import Role
from tests.factories import UnitFactory, assign_role, staff_member

from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db

READERS = [Role.ENHETSLEDER, Role.STEDFORTREDER, Role.HMS]
STATUS_ONLY = [Role.VERNEOMBUD, Role.SIKKERHETSANSVARLIG]


@pytest.fixture
def incident(unit):
    incident = IncidentFactory(unit=unit, sick_leave=True, injury=3)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ExposedPersonFactory(incident=incident, name="Sara Saksbehandler", bht=Bht.REFERRED, sick_leave=True,
                         debrief_offered_on=yesterday, follow_up_done_on=yesterday)
    return incident


def _detail(client, user, incident):
    client.force_login(user)
    with translation.override("en"):
        response = client.get(reverse("hendelser:detail", args=[incident.public_id]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", READERS + STATUS_ONLY)
def test_pure_rule_by_role(unit, role):
    user = staff_member(role, unit)
    incident = IncidentFactory.build(unit=unit)
    assert rules.may_see_health_data(user, incident) == (role in READERS)


@pytest.mark.parametrize("role", READERS)
def test_head_acting_head_and_hms_see_the_follow_up(client, unit, incident, role):
    response = _detail(client, staff_member(role, unit), incident)
    assert [shown for _person, shown in response.context["exposed"]] == [True]
    assert response.context["may_see_sick_leave"]


@pytest.mark.parametrize("role", STATUS_ONLY)
def test_safety_rep_and_region_see_done_or_open_not_content(client, unit, incident, role):
    response = _detail(client, staff_member(role, unit), incident)
    assert [shown for _person, shown in response.context["exposed"]] == [False]
    assert not response.context["may_see_sick_leave"]
    assert response.context["may_see_follow_up"]
    page = response.content.decode()
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert str(Bht.REFERRED.label) not in page
    assert "Sara Saksbehandler" in page
    # Done or open is still shown: the date the follow-up was done.
    assert (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d.%m.%Y") in page


def test_the_exposed_person_sees_their_own(client, unit, incident):
    reporter = staff_member(Role.SAKSBEHANDLER, unit)
    incident.registered_by = reporter
    incident.save()
    person = incident.exposed.get()
    person.user = reporter
    person.save()
    response = _detail(client, reporter, incident)
    assert [shown for _person, shown in response.context["exposed"]] == [True]
    assert response.context["may_see_sick_leave"]


def _sick_leave_by_unit(client, user) -> dict[str, str]:
    client.force_login(user)
    response = client.get(reverse("hendelser:export"), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return {row[2].split()[0]: row[8] for row in rows[1:]}


def test_export_blanks_sick_leave_for_those_who_may_not_see_it(client, unit, incident):
    assert _sick_leave_by_unit(client, staff_member(Role.HMS, unit))[unit.number] not in ("", None)
    assert _sick_leave_by_unit(client, staff_member(Role.VERNEOMBUD, unit)) == {unit.number: ""}


def test_region_export_blanks_sick_leave_outside_the_heads_own_unit(client, unit, incident):
    """A head who is also the region's security officer: sick leave shown for their own unit only."""
    home = UnitFactory(number="0301", name="NAV Frogner", region=unit.region)
    head = staff_member(Role.ENHETSLEDER, home)
    assign_role(head, home, Role.SIKKERHETSANSVARLIG)
    IncidentFactory(unit=home, sick_leave=True, injury=3)
    cells = _sick_leave_by_unit(client, head)
    assert cells[unit.number] == ""
    assert cells[home.number] not in ("", None)
