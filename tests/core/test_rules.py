"""Pure rules of the core: the rule every name search obeys."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from nav_sikkerhet.core import rules

BORN = datetime.date(1980, 5, 17)


@pytest.mark.parametrize("name", ["Ola Nordmann", "ol no", "Åse  Ødegård", "Ola Jakob Nordmann", "Jo-An Li"])
def test_two_letters_of_first_and_last_name_may_be_searched(name):
    assert rules.check_name_search(name=name, birth_date=BORN) == " ".join(name.split())


@pytest.mark.parametrize("name", ["", "a a", "Ola", "O Nordmann", "Ola N", "Ola 12", "12 34", "% %"])
def test_fewer_letters_are_refused_on_the_name(name):
    with pytest.raises(ValidationError) as error:
        rules.check_name_search(name=name, birth_date=BORN)
    assert list(error.value.message_dict) == ["name"]


def test_the_full_birth_date_is_required_and_not_in_the_future():
    with pytest.raises(ValidationError) as error:
        rules.check_name_search(name="Ola Nordmann", birth_date=None)
    assert list(error.value.message_dict) == ["birth_date"]
    with pytest.raises(ValidationError) as error:
        rules.check_name_search(name="Ola Nordmann", birth_date=datetime.date.today() + datetime.timedelta(days=2))
    assert list(error.value.message_dict) == ["birth_date"]
