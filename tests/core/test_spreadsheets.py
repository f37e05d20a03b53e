"""The one formula guard every export uses: pure, no database."""

import pytest

from nav_sikkerhet.core.spreadsheets import is_formula_like, neutralise

# Leading blanks, non-breaking spaces, tabs and control characters are skipped by some spreadsheets.
FORMULAS = ["=CMD()", "+47 22", "-2+3", "@SUM(A1)", " =1+1", "   -1", "\t=1+1", "\x01@SUM(A1)", "\r\n-2+3",
            "\u00a0=HYPERLINK(1)", "\t", "\rtext"]
ORDINARY = ["Trussel", "ASYS-2026-1234", "", "a=b", "1-2", "Ola + Kari", "e-post@nav.no"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert is_formula_like(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_as_it_is(text):
    assert not is_formula_like(text)
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [None, 12, 3.5])
def test_values_that_are_not_text_are_never_formulas(value):
    assert not is_formula_like(value)
    assert neutralise(value) == value
