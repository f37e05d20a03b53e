"""The risk check service and page: what the app knows, kept with the citizen, never another unit's incidents."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from hendelser.models import Category, Perpetrator
from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.models import AuditLogEntry, Citizen, Role
from tests.factories import staff_member
from tests.hendelser.factories import IncidentFactory
from utestenging import services
from utestenging.models import ContactKind, ContactPlace, Recommendation, RiskCheck

from .lookup_helpers import measure

pytestmark = pytest.mark.django_db

HOME_VISIT = {"kind": ContactKind.HOME_VISIT, "place": ContactPlace.HOME, "companions": 1, "alarm_available": False,
              "police_informed": False}


def _check(by, citizen, unit, **answers):
    return services.risk_check_record(by=by, citizen_id=citizen.pk, unit=unit,
                                      planned_on=timezone.localdate(), **{**HOME_VISIT, **answers})


def _incident(unit, citizen, *, days_ago=30, category=Category.THREAT):
    return IncidentFactory(unit=unit, citizen=citizen, perpetrator=Perpetrator.CITIZEN, category=category,
                           occurred_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_a_threat_in_the_unit_keeps_a_home_visit_at_the_office(leader, unit, citizen):
    _incident(unit, citizen)
    check = _check(leader, citizen, unit)
    assert (check.recommendation, check.incidents_24_months, check.measures_in_force) == (
        Recommendation.MEET_AT_OFFICE, 1, 0)
    assert check.reasons == ["incidents", "serious", "no_alarm"]
    assert RiskCheck.objects.get(citizen=citizen) == check


def test_incidents_older_than_24_months_do_not_count(leader, unit, citizen):
    _incident(unit, citizen, days_ago=2 * 365 + 10)
    assert _check(leader, citizen, unit).recommendation == Recommendation.GO_AHEAD


def test_another_units_incident_is_not_counted(leader, unit, other_unit, citizen):
    _incident(other_unit, citizen)
    check = _check(leader, citizen, unit)
    assert (check.incidents_24_months, check.recommendation) == (0, Recommendation.GO_AHEAD)


def test_an_exclusion_in_force_anywhere_postpones_without_police(leader, unit, other_unit, citizen):
    other_leader = staff_member(Role.ENHETSLEDER, other_unit)
    measure(unit=other_unit, citizen=citizen, signed_by=other_leader)
    check = _check(leader, citizen, unit)
    assert (check.recommendation, check.measures_in_force) == (Recommendation.POSTPONE, 1)
    assert _check(leader, citizen, unit, police_informed=True).recommendation == Recommendation.WITH_POLICE


def test_only_staff_of_the_unit_may_check(unit, other_unit, citizen):
    with pytest.raises(PermissionDenied):
        _check(staff_member(Role.MOTTAK, other_unit), citizen, unit)


def test_a_check_after_the_date_is_refused(leader, unit, citizen):
    with pytest.raises(ValidationError) as caught:
        services.risk_check_record(by=leader, citizen_id=citizen.pk, unit=unit,
                                   planned_on=timezone.localdate() - datetime.timedelta(days=1), **HOME_VISIT)
    assert "planned_on" in caught.value.error_dict
    assert not RiskCheck.objects.exists()


def test_the_page_runs_the_check_keeps_it_and_audits(client, unit, other_unit, citizen):
    reception = staff_member(Role.MOTTAK, unit)
    _incident(other_unit, citizen, category=Category.ASSAULT)
    url = reverse("utestenging:risk_check", args=[citizen.public_id])
    client.force_login(reception)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["incidents"] == []  # another unit's incident is not shown
    assert AuditLogEntry.objects.filter(citizen=citizen, action="risk_check.view", actor=reception).count() == 1
    response = client.post(url, {
        "unit": unit.pk, "planned_on": timezone.localdate().isoformat(), "kind": ContactKind.MEETING,
        "place": ContactPlace.OFFICE, "companions": "0", "alarm_available": "yes", "police_informed": "no",
    })
    assert response.status_code == 302
    assert RiskCheck.objects.get(citizen=citizen).recommendation == Recommendation.GO_AHEAD
    shown = client.get(url)
    assert [check.recommendation for check, _reasons in shown.context["checks"]] == [Recommendation.GO_AHEAD]


def test_bad_input_gets_a_form_error_and_saves_nothing(client, unit, citizen):
    client.force_login(staff_member(Role.MOTTAK, unit))
    response = client.post(reverse("utestenging:risk_check", args=[citizen.public_id]), {
        "unit": unit.pk, "planned_on": "31.02.2026", "kind": ContactKind.HOME_VISIT, "place": ContactPlace.OFFICE,
        "companions": "99", "alarm_available": "yes", "police_informed": "no",
    })
    assert response.status_code == 200
    assert {"planned_on", "companions"} <= set(response.context["form"].errors)
    assert not RiskCheck.objects.exists()


def test_a_home_visit_at_the_office_is_refused_by_the_model(client, unit, citizen):
    client.force_login(staff_member(Role.MOTTAK, unit))
    response = client.post(reverse("utestenging:risk_check", args=[citizen.public_id]), {
        "unit": unit.pk, "planned_on": timezone.localdate().isoformat(), "kind": ContactKind.HOME_VISIT,
        "place": ContactPlace.OFFICE, "companions": "1", "alarm_available": "yes", "police_informed": "no",
    })
    assert response.status_code == 200 and "place" in response.context["form"].errors
    assert not RiskCheck.objects.exists()


def test_a_check_is_kept_a_year_after_its_day_then_goes_and_so_does_a_citizen_with_nothing_else(
    leader, unit, citizen,
):
    _check(leader, citizen, unit)
    day = datetime.timedelta(days=1)
    with freeze_time(timezone.now() + 364 * day):
        assert core_services.retention_run()["risk_checks"] == 0
    assert RiskCheck.objects.filter(citizen=citizen).exists()
    with freeze_time(timezone.now() + 367 * day):
        assert core_services.retention_run(dry_run=True)["risk_checks"] == 1
        done = core_services.retention_run()
    assert done["risk_checks"] == 1 and done["citizens"] == 1
    assert not RiskCheck.objects.exists() and not Citizen.objects.filter(pk=citizen.pk).exists()

