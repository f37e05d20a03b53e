import datetime

import pytest
from django.core.exceptions import ValidationError

from nav_sikkerhet.core import services
from nav_sikkerhet.core.identity import IdentKind, generate_synthetic
from nav_sikkerhet.core.models import Citizen

pytestmark = pytest.mark.django_db


def test_kind_and_birth_date_come_from_the_identity_number(superuser):
    number = generate_synthetic(datetime.date(1985, 3, 14), 123, d_number=True)
    citizen = services.citizen_create(by=superuser, personident=number, name="Kari Nordmann")
    assert citizen.ident_kind == IdentKind.DNR
    assert citizen.birth_date == datetime.date(1985, 3, 14)
    assert citizen.history.first().history_user == superuser


def test_identity_number_is_stored_compact(superuser):
    number = generate_synthetic(datetime.date(1990, 1, 2), 5)
    citizen = services.citizen_create(by=superuser, personident=f"{number[:6]} {number[6:]}", name="Ola")
    assert citizen.personident == number


def test_invalid_identity_number_is_refused_with_a_clear_message(superuser):
    with pytest.raises(ValidationError) as error:
        services.citizen_create(by=superuser, personident="12345678901", name="Ola")
    assert error.value.code == "checksum"
    assert not Citizen.objects.exists()


def test_synthetic_numbers_refused_when_test_idents_are_off(superuser, settings):
    settings.ALLOW_TEST_IDENTS = False
    number = generate_synthetic(datetime.date(1990, 1, 2), 5)
    with pytest.raises(ValidationError):
        services.citizen_create(by=superuser, personident=number, name="Ola")


def test_duplicate_identity_number_is_refused(superuser):
    number = generate_synthetic(datetime.date(1990, 1, 2), 5)
    services.citizen_create(by=superuser, personident=number, name="Ola")
    with pytest.raises(ValidationError) as error:
        services.citizen_create(by=superuser, personident=number, name="Ola igjen")
    assert "personident" in error.value.message_dict


def test_update_changes_fields_and_rederives_from_a_corrected_number(superuser, citizen):
    corrected = generate_synthetic(datetime.date(1977, 7, 7), 42)
    updated = services.citizen_update(
        by=superuser, citizen_id=citizen.pk, name="Nytt Navn", personident=corrected, preferred_language="nn",
    )
    assert (updated.name, updated.birth_date, updated.preferred_language) == (
        "Nytt Navn", datetime.date(1977, 7, 7), "nn",
    )
    assert updated.history.count() == 2


def test_str_never_shows_the_identity_number(citizen):
    assert citizen.personident not in str(citizen)
