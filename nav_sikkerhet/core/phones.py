"""Phone numbers as staff type them, parsed with Google's libphonenumber (``phonenumbers``), Norway by default.

A number is stored in one readable spelling (national for Norwegian numbers, international otherwise) and
compared by its E.164 form, so "55553333", "+47 55 55 33 33" and "+47 (0) 55 55 33 33" are the same number.
"""

import re
from collections.abc import Iterable

import phonenumbers

DEFAULT_REGION = "NO"
# Norway has no trunk prefix, but "+47 (0) 21 07 00 00" is a common spelling (copied from other countries').
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")


def parse(text: str) -> phonenumbers.PhoneNumber | None:
    """The number, if the text is a valid phone number; None otherwise."""
    text = _TRUNK_ZERO.sub(" ", str(text or "")).strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(text: str) -> str:
    """The number in E.164 form (+4755553333), or "" when the text is no valid number."""
    number = parse(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""


def normalised(text: str) -> str:
    """The spelling a number is stored and printed in: "21 07 00 00" in Norway, "+46 8 123 456 78" abroad.

    A text that is no valid number comes back unchanged (the caller decides whether that is an error).
    """
    number = parse(text)
    if number is None:
        return str(text or "").strip()
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_one_of(text: str, numbers: Iterable[str]) -> bool:
    """Whether the text is one of the numbers, however either is spelled."""
    own = e164(text)
    return bool(own) and own in {e164(number) for number in numbers}
