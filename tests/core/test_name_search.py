"""The name search every screen uses: the rule, one audit line naming those shown, and the access report."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from nav_sikkerhet.core import access, selectors
from nav_sikkerhet.core.models import AuditLogEntry, Role
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(1980, 5, 17)


def test_one_audit_line_per_search_naming_everyone_shown(staff_with_role, unit):
    reception = staff_with_role(Role.MOTTAK, unit, username="mottak_sok")
    ola = CitizenFactory(name="Ola Nordmann", birth_date=BORN)
    ola2 = CitizenFactory(name="Ola Nordmann", birth_date=BORN)
    other = CitizenFactory(name="Kari Hansen", birth_date=BORN)
    shown = selectors.name_search(user=reception, name="Ola Nordmann", birth_date=BORN)
    assert set(shown) == {ola, ola2}
    [line] = AuditLogEntry.objects.all()
    assert line.actor == reception and line.action == "lookup.search"
    assert ola.personident in line.message and ola2.personident in line.message
    assert other.personident not in line.message


def test_the_search_rule_is_enforced_by_the_selector_too(staff_with_role, unit):
    reception = staff_with_role(Role.MOTTAK, unit, username="mottak_sok")
    CitizenFactory(name="Ola Nordmann", birth_date=BORN)
    with pytest.raises(ValidationError):
        selectors.name_search(user=reception, name="a a", birth_date=BORN)
    assert not AuditLogEntry.objects.exists()


def test_a_search_that_showed_the_person_is_in_their_access_report(staff_with_role, unit, leader):
    reception = staff_with_role(Role.MOTTAK, unit, username="mottak_sok")
    ola = CitizenFactory(name="Ola Nordmann", birth_date=BORN)
    selectors.name_search(user=reception, name="Ola Nordmann", birth_date=BORN)
    today = timezone.localdate()
    entries = selectors.access_report_entries(personident=ola.personident, date_from=today, date_to=today,
                                              scope=access.innsyn_scope(leader))
    assert [entry.action for entry in entries] == ["lookup.search"]
