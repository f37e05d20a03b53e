"""Phone numbers as staff type them: parsed, spelled one way, compared in any spelling. No database."""

import pytest

from nav_sikkerhet.core import phones


@pytest.mark.parametrize(
    "spelling",
    ["55 55 33 33", "55553333", "+47 55 55 33 33", "+4755553333", "0047 55553333", "+47 (0) 55 55 33 33",
     "+47(0)55553333", "55-55-33-33", "(+47) 55 55 33 33"],
)
def test_every_spelling_of_navs_general_number_is_the_same_number(spelling):
    assert phones.e164(spelling) == "+4755553333"
    assert phones.is_one_of(spelling, ["55 55 33 33"])


@pytest.mark.parametrize(("typed", "stored"), [
    ("21070000", "21 07 00 00"), ("+47 412 34 567", "41 23 45 67"), ("+46 8 123 456 78", "+46 8 123 456 78"),
])
def test_a_number_is_stored_in_one_readable_spelling(typed, stored):
    assert phones.normalised(typed) == stored


@pytest.mark.parametrize("text", ["", "  ", "12 34", "ring sentralbordet", "+47 123", "5555333333333"])
def test_text_that_is_no_valid_number_is_not_parsed_and_stays_as_typed(text):
    assert phones.parse(text) is None
    assert phones.e164(text) == ""
    assert phones.normalised(text) == text.strip()
    assert not phones.is_one_of(text, ["55 55 33 33", text])


def test_a_different_number_is_not_one_of_the_blocked():
    assert not phones.is_one_of("41 23 45 67", ["55 55 33 33", "21 07 03 14"])
