"""registration_record: the registration duties after signing (§7): Gosys, archive, ASYS, municipal system."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from utestenging import selectors, services
from utestenging.models import EventKind, Registration, RegistrationKind, Status

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _register(decision, by, kind=RegistrationKind.ARCHIVE, reference="2025/123-4", done_on=None):
    return services.registration_record(
        by=by, decision_id=decision.pk, kind=kind, done_on=done_on or timezone.localdate(), reference=reference
    )


def test_caseworker_records_the_archive_reference(active, caseworker, today, assert_recorded):
    registration = _register(active, caseworker, done_on=today)
    registration.refresh_from_db()
    assert (registration.kind, registration.reference, registration.done_on, registration.done_by) == (
        RegistrationKind.ARCHIVE, "2025/123-4", today, caseworker,
    )
    assert_recorded(active, EventKind.REGISTERED, caseworker, text=f"{registration.get_kind_display()} 2025/123-4",
                    history_of=registration)


def test_missing_registrations_shrink_as_they_are_recorded(active, caseworker, today):
    assert selectors.missing_registrations(active) == list(RegistrationKind)
    _register(active, caseworker, kind=RegistrationKind.GOSYS, reference="", done_on=today)
    assert RegistrationKind.GOSYS not in selectors.missing_registrations(active)
    for kind in (RegistrationKind.ARCHIVE, RegistrationKind.ASYS, RegistrationKind.MUNICIPAL):
        _register(active, caseworker, kind=kind, done_on=today)
    assert selectors.missing_registrations(active) == []


@pytest.mark.parametrize("kind", [RegistrationKind.ARCHIVE, RegistrationKind.ASYS, RegistrationKind.MUNICIPAL])
def test_registration_needs_a_reference(active, caseworker, kind):
    with pytest.raises(ValidationError) as info:
        _register(active, caseworker, kind=kind, reference="")
    assert info.value.message_dict == {"reference": [gettext("Give the reference (case or document number).")]}
    assert not active.registrations.exists()


def test_a_registration_cannot_be_recorded_twice(active, caseworker, leader):
    _register(active, caseworker)
    with pytest.raises(ValidationError):
        _register(active, leader, reference="2025/999-1")
    assert Registration.objects.get(decision=active).reference == "2025/123-4"


def test_a_registration_cannot_be_dated_in_the_future(active, caseworker, today):
    with pytest.raises(ValidationError) as info:
        _register(active, caseworker, done_on=today + DAY)
    assert set(info.value.message_dict) == {"done_on"}


@pytest.mark.parametrize("status", [Status.DRAFT, Status.READY, Status.DROPPED])
def test_registrations_are_recorded_only_after_signing(ready, caseworker, status):
    ready.status = status
    ready.save()
    with pytest.raises(ValidationError) as info:
        _register(ready, caseworker)
    assert info.value.code == "not_signed"
    assert not ready.registrations.exists()


def test_reception_may_not_record_registrations(active, reception):
    with pytest.raises(PermissionDenied):
        _register(active, reception)
    assert not active.registrations.exists()


def test_leader_of_another_unit_may_not_record_registrations(active, other_leader):
    with pytest.raises(PermissionDenied):
        _register(active, other_leader)
    assert not active.registrations.exists()
