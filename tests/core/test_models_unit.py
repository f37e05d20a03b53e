"""A unit's return address is whole or absent, and its phone number is a phone number."""

import pytest
from django.core.exceptions import ValidationError

from nav_sikkerhet.core.models import Unit

BASE = {"number": "0314", "name": "NAV Sagene", "unit_type": "nav_kontor", "municipality_number": "0301",
        "municipality_name": "Oslo", "result_area": "NAV-kontor", "region": "Oslo"}


def test_a_unit_without_postal_address_or_phone_is_valid():
    unit = Unit(**BASE)
    unit.full_clean(validate_unique=False)
    assert unit.postal_lines == []


def test_a_whole_postal_address_gives_two_letter_lines():
    unit = Unit(**BASE, postal_address="Postboks 4414 Nydalen", postal_code="0403", postal_city="OSLO",
                phone="21 07 03 14")
    unit.full_clean(validate_unique=False)
    assert unit.postal_lines == ["Postboks 4414 Nydalen", "0403 OSLO"]


def test_half_a_postal_address_is_refused_on_the_missing_fields():
    unit = Unit(**BASE, postal_address="Postboks 4414 Nydalen")
    with pytest.raises(ValidationError) as error:
        unit.full_clean(validate_unique=False)
    assert set(error.value.error_dict) == {"postal_code", "postal_city"}


@pytest.mark.parametrize(("field", "value"), [("postal_code", "403"), ("phone", "ring oss"), ("phone", "123")])
def test_a_malformed_postal_code_or_phone_is_refused(field, value):
    unit = Unit(**{**BASE, "postal_address": "Postboks 1", "postal_code": "0403", "postal_city": "OSLO"})
    setattr(unit, field, value)
    with pytest.raises(ValidationError) as error:
        unit.full_clean(validate_unique=False)
    assert field in error.value.error_dict
