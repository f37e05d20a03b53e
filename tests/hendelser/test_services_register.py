"""incident_register: who may, what is checked, who is told."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hendelser import services
from hendelser.models import Category, Channel, Employer, Incident, Perpetrator
from nav_sikkerhet.core.models import Reminder

from ..factories import CitizenFactory

pytestmark = pytest.mark.django_db


def _register(by, unit, **changes):
    values = {
        "by": by, "unit": unit, "occurred_at": timezone.now() - datetime.timedelta(hours=1), "channel": Channel.PHONE,
        "category": Category.THREAT, "description": "Trussel på telefon.", "perpetrator": Perpetrator.ANONYMOUS,
        "exposed": [{"user": by, "name": "Meg", "employer": Employer.STATE}],
    }
    values.update(changes)
    return services.incident_register(**values)


def test_reception_registers_and_the_leaders_but_not_the_reporter_are_reminded(
    unit, reception, leader, acting_leader, hms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _register(reception, unit)
    assert incident.registered_by == reception
    assert (incident.exposed_state, incident.exposed_municipal) == (1, 0)
    assert {r.recipient for r in Reminder.objects.all()} == {leader, acting_leader}
    reminder = Reminder.objects.first()
    assert reminder.case_number == incident.reference and str(incident.public_id) in reminder.path
    assert {m.to[0] for m in mail.outbox} == {leader.email, acting_leader.email}


def test_a_leader_who_registers_is_not_reminded_of_their_own_incident(unit, leader, acting_leader):
    _register(leader, unit)
    assert [r.recipient for r in Reminder.objects.all()] == [acting_leader]


def test_the_email_names_neither_the_person_nor_the_identity_number(
    unit, reception, leader, django_capture_on_commit_callbacks
):
    citizen = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _register(reception, unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen)
    [message] = mail.outbox
    assert citizen.name not in message.body + message.subject
    assert citizen.personident not in message.body + message.subject


def test_someone_without_the_register_permission_is_refused(unit, other_leader):
    with pytest.raises(PermissionDenied):
        _register(other_leader, unit)
    assert not Incident.objects.exists()


def test_a_future_time_is_refused_and_nothing_is_saved(unit, reception):
    with pytest.raises(ValidationError) as caught:
        _register(reception, unit, occurred_at=timezone.now() + datetime.timedelta(days=1))
    assert "occurred_at" in caught.value.error_dict
    assert not Incident.objects.exists() and not Reminder.objects.exists()


def test_an_incident_without_anyone_exposed_is_refused(unit, reception):
    with pytest.raises(ValidationError):
        _register(reception, unit, exposed=[])
    assert not Incident.objects.exists()


def test_a_known_perpetrator_needs_the_person(unit, reception):
    with pytest.raises(ValidationError) as caught:
        _register(reception, unit, perpetrator=Perpetrator.CITIZEN)
    assert "citizen" in caught.value.error_dict


def test_the_main_category_is_not_repeated_among_the_others(unit, reception):
    with pytest.raises(ValidationError) as caught:
        _register(reception, unit, other_categories=[Category.THREAT])
    assert "other_categories" in caught.value.error_dict
    incident = _register(reception, unit, other_categories=[Category.VERBAL])
    assert incident.categories == [Category.THREAT, Category.VERBAL]


def test_police_report_needs_its_date_not_before_the_incident(unit, reception):
    with pytest.raises(ValidationError) as caught:
        _register(reception, unit, police_reported=True)
    assert "police_reported_on" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        _register(reception, unit, police_reported_on=timezone.localdate())
    assert "police_reported" in caught.value.error_dict
    incident = _register(reception, unit, police_reported=True, police_reported_on=timezone.localdate(),
                         police_reported_by_unit=True)
    assert incident.police_reported_by_unit


def test_perpetrator_by_name_and_birth_date_or_a_new_identity_number(reception):
    ola = CitizenFactory(name="Ola Nordmann")
    assert services.perpetrator_citizen(by=reception, name="Ola Nordmann", birth_date=ola.birth_date) == ola
    with pytest.raises(ValidationError) as caught:
        services.perpetrator_citizen(by=reception, name="Petter Smart", birth_date=ola.birth_date)
    assert "personident" in caught.value.error_dict
    assert services.perpetrator_citizen(by=reception, personident=ola.personident) == ola
