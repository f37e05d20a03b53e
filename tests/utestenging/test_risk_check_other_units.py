"""The risk check never reveals another unit's incidents beyond what the look-up may show (which is none).

Tried from every side: the page before the check, the recommendation and reasons the check gives and keeps, the
list of earlier checks, a check posted for a unit the user does not belong to, a user with roles in two units,
and the administration (read-only, audited).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hendelser.models import Category, Perpetrator
from nav_sikkerhet.core.models import AuditLogEntry, Role
from tests.factories import assign_role, staff_member
from tests.hendelser.factories import IncidentFactory
from utestenging import services
from utestenging.models import ContactKind, ContactPlace, Recommendation, RiskCheck

pytestmark = pytest.mark.django_db

# Words only the other unit's incident report contains.
SECRET = "Slo vekteren i Bergen med en stol"
HOME_VISIT = {"kind": ContactKind.HOME_VISIT, "place": ContactPlace.HOME, "companions": "0",
              "alarm_available": "no", "police_informed": "no"}


@pytest.fixture
def elsewhere(other_unit, citizen):
    """A serious incident with this citizen at another unit: reason enough to postpone, were it counted."""
    return IncidentFactory(unit=other_unit, citizen=citizen, perpetrator=Perpetrator.CITIZEN,
                           category=Category.ASSAULT, injury=3, description=SECRET,
                           occurred_at=timezone.now() - datetime.timedelta(days=10))


def _url(citizen):
    return reverse("utestenging:risk_check", args=[citizen.public_id])


def _post(client, citizen, unit, **answers):
    return client.post(_url(citizen), {"unit": unit.pk, "planned_on": timezone.localdate().isoformat(),
                                       **HOME_VISIT, **answers})


@pytest.mark.parametrize("role", [Role.ENHETSLEDER, Role.SAKSBEHANDLER, Role.MOTTAK, Role.HMS])
def test_the_page_and_the_check_ignore_another_units_incident(client, unit, citizen, elsewhere, role):
    user = staff_member(role, unit)
    client.force_login(user)
    page = client.get(_url(citizen))
    content = page.content.decode()
    assert page.context["incidents"] == []
    for revealing in (SECRET, elsewhere.reference, elsewhere.unit.name):
        assert revealing not in content
    assert _post(client, citizen, unit).status_code == 302
    check = RiskCheck.objects.get(citizen=citizen)
    # The same answer as for a citizen with no incidents at all: nothing in it points at the other unit's.
    assert (check.incidents_24_months, check.recommendation) == (0, Recommendation.GO_AHEAD)
    assert not {"incidents", "serious"} & set(check.reasons)
    after = client.get(_url(citizen)).content.decode()
    assert SECRET not in after and elsewhere.unit.name not in after


def test_a_user_with_roles_in_two_units_counts_only_where_they_may_see_incidents(client, unit, other_unit, citizen,
                                                                                 elsewhere):
    """A leader here who is only reception at the other unit: reception sees no incidents there."""
    user = staff_member(Role.ENHETSLEDER, unit)
    assign_role(user, other_unit, Role.MOTTAK)
    client.force_login(user)
    assert client.get(_url(citizen)).context["incidents"] == []
    for checked_at in (unit, other_unit):
        assert _post(client, citizen, checked_at).status_code == 302
    assert set(RiskCheck.objects.values_list("incidents_24_months", flat=True)) == {0}


def test_reception_counts_the_incidents_they_registered_themselves_and_no_colleagues(client, unit, citizen):
    """The look-up shows reception no incidents; the check adds only what they wrote themselves."""
    reception = staff_member(Role.MOTTAK, unit)
    colleague = staff_member(Role.SAKSBEHANDLER, unit)
    IncidentFactory(unit=unit, citizen=citizen, perpetrator=Perpetrator.CITIZEN, registered_by=colleague,
                    description=SECRET)
    own = IncidentFactory(unit=unit, citizen=citizen, perpetrator=Perpetrator.CITIZEN, registered_by=reception)
    client.force_login(reception)
    page = client.get(_url(citizen))
    assert page.context["incidents"] == [own]
    assert SECRET not in page.content.decode()


def test_a_check_posted_for_a_unit_the_user_does_not_belong_to_is_refused_and_nothing_kept(client, unit, other_unit,
                                                                                          citizen, elsewhere):
    client.force_login(staff_member(Role.ENHETSLEDER, unit))
    response = _post(client, citizen, other_unit)
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not RiskCheck.objects.exists()
    assert SECRET not in response.content.decode()


def test_another_units_earlier_checks_are_not_listed(client, unit, other_unit, citizen, elsewhere):
    other_leader = staff_member(Role.ENHETSLEDER, other_unit)
    kept = services.risk_check_record(by=other_leader, citizen_id=citizen.pk, unit=other_unit,
                                      planned_on=timezone.localdate(), kind=ContactKind.MEETING,
                                      place=ContactPlace.OFFICE, companions=0, alarm_available=True,
                                      police_informed=False)
    # The other unit's own check counted its incident: it must not travel to this unit through the list.
    assert kept.incidents_24_months == 1
    client.force_login(staff_member(Role.ENHETSLEDER, unit))
    page = client.get(_url(citizen))
    assert page.context["checks"] == []
    assert other_unit.name not in page.content.decode()


# -- the administration: read-only, and audited ------------------------------------------------------------


@pytest.fixture
def kept_check(unit, citizen, leader):
    return services.risk_check_record(by=leader, citizen_id=citizen.pk, unit=unit, planned_on=timezone.localdate(),
                                      kind=ContactKind.MEETING, place=ContactPlace.OFFICE, companions=0,
                                      alarm_available=True, police_informed=False)


def test_the_admin_lists_and_shows_a_check_and_logs_the_display(client, superuser, kept_check, citizen):
    client.force_login(superuser)
    assert client.get(reverse("admin:utestenging_riskcheck_changelist")).status_code == 200
    AuditLogEntry.objects.all().delete()
    response = client.get(reverse("admin:utestenging_riskcheck_change", args=[kept_check.pk]))
    assert response.status_code == 200
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.citizen, entry.actor) == ("admin.risk_check", citizen, superuser)


def test_the_admin_may_not_add_change_or_delete_a_check(client, superuser, kept_check):
    client.force_login(superuser)
    assert client.get(reverse("admin:utestenging_riskcheck_add")).status_code == 403
    change = reverse("admin:utestenging_riskcheck_change", args=[kept_check.pk])
    response = client.post(change, {"recommendation": Recommendation.GO_AHEAD, "incidents_24_months": "0"})
    assert response.status_code == 403
    assert client.post(reverse("admin:utestenging_riskcheck_delete", args=[kept_check.pk]),
                       {"post": "yes"}).status_code == 403
    kept_check.refresh_from_db()
    assert RiskCheck.objects.filter(pk=kept_check.pk).exists()
