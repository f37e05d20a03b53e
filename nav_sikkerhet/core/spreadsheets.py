"""The one rule for text a spreadsheet would run as a formula (CSV/formula injection), for every export."""

import re

# A spreadsheet runs a cell as a formula when it starts with = + - @, also after leading blanks or control
# characters (which some programs skip); a leading tab or carriage return can itself start one (CSV injection).
_FORMULA = re.compile(r"^[\s\x00-\x1f\x7f]*[=+\-@]|^[\t\r\n]")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet opening this cell could run it as a formula."""
    return isinstance(value, str) and bool(_FORMULA.match(value))


def neutralise(value):
    """Formula-like text gets a leading apostrophe, so a spreadsheet shows it as typed; anything else unchanged."""
    return "'" + value if is_formula_like(value) else value
