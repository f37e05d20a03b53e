"""Parsing and validation of Norwegian national identity numbers (fødselsnummer and D-number)."""

import dataclasses
import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.no import fodselsnummer as stdnum_fnr

__all__ = [
    "IdentKind",
    "Personident",
    "compact",
    "generate_synthetic",
    "is_valid_personident",
    "parse_personident",
    "validate_personident",
]

# Weights over the first ten digits; the trailing 1 folds the control digit into the sum.
_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
# From 2032 the first control digit may leave remainder 0-3 (previously only 0).
_K1_ACCEPTED_REMAINDERS = frozenset({0, 1, 2, 3})

_DIGITS_RE = re.compile(r"[0-9]+")

_D_NUMBER_DAY_OFFSET = 40
_NAV_SYNTHETIC_MONTH_OFFSET = 40
_TENOR_SYNTHETIC_MONTH_OFFSET = 80

MESSAGES = {
    "length": _("An identity number has 11 digits."),
    "format": _("An identity number may only contain digits."),
    "checksum": _("The identity number's control digits are wrong. Check that it is typed correctly."),
    "date": _("The identity number does not contain a valid date of birth."),
    "future": _("The date of birth in the identity number is in the future."),
    "fh_number": _("FH numbers cannot be used here; use the person's fødselsnummer or D-number."),
    "test_ident": _("Synthetic test numbers are not accepted in this environment."),
}


class IdentKind(models.TextChoices):
    FNR = "FNR", _("Fødselsnummer")
    DNR = "DNR", _("D-nummer")


@dataclasses.dataclass(frozen=True)
class Personident:
    """A validated identity number with the facts derived from it (never gender)."""

    # Kept out of repr so that logging or tracebacks do not leak personal data.
    number: str = dataclasses.field(repr=False)
    kind: IdentKind
    birth_date: datetime.date = dataclasses.field(repr=False)
    synthetic: bool


def _error(code: str) -> ValidationError:
    # The number is deliberately never interpolated: validation messages end up in logs.
    return ValidationError(MESSAGES[code], code=code)


def _today() -> datetime.date:
    # localdate() refuses to work when USE_TZ is off, so fall back to the naive date.
    if getattr(settings, "USE_TZ", False):
        return timezone.localdate()
    return datetime.date.today()


def _allow_test_idents_setting() -> bool:
    return bool(getattr(settings, "ALLOW_TEST_IDENTS", False))


def compact(value: str) -> str:
    """Remove spaces, '-', '.', ':' and surrounding whitespace."""
    # stdnum does not strip '.' or non-space whitespace such as a trailing newline.
    return stdnum_fnr.compact(value.strip().replace(".", ""))


def _has_valid_control_digits(number: str) -> bool:
    k1_remainder = sum(w * int(d) for w, d in zip(_K1_WEIGHTS, number[:10], strict=True)) % 11
    # calc_check_digit2 returns "10" when no digit fits, which never equals a single digit.
    return k1_remainder in _K1_ACCEPTED_REMAINDERS and stdnum_fnr.calc_check_digit2(number) == number[10]


def _birth_year(yy_and_individual: str, today: datetime.date) -> int:
    # Only the century logic of stdnum is wanted, so probe it with a date that always exists.
    try:
        return stdnum_fnr.get_birth_date("0101" + yy_and_individual + "00").year
    except stdnum_exceptions.ValidationError:
        # Individual-number range stdnum has no century for: assume the most recent non-future year.
        yy = int(yy_and_individual[:2])
        return today.year - (today.year - yy) % 100


def parse_personident(
    value: str,
    *,
    allow_test_idents: bool | None = None,
    today: datetime.date | None = None,
) -> Personident:
    """Validate a fødselsnummer or D-number and return what it encodes.

    Raises ValidationError with a single message and one of the codes in ``MESSAGES``.
    """
    if allow_test_idents is None:
        allow_test_idents = _allow_test_idents_setting()
    if today is None:
        today = _today()

    if not isinstance(value, str):
        raise _error("format")
    number = compact(value)
    # Format before length: "abc" is better answered with "only digits" than "11 digits".
    if number and not _DIGITS_RE.fullmatch(number):
        raise _error("format")
    if len(number) != 11:
        raise _error("length")
    if not _has_valid_control_digits(number):
        raise _error("checksum")

    day = int(number[0:2])
    month = int(number[2:4])

    # FH numbers are assigned without a birth date and do not identify a person the same way.
    if number[0] in "89":
        raise _error("fh_number")

    kind = IdentKind.FNR
    if day > _D_NUMBER_DAY_OFFSET:
        kind = IdentKind.DNR
        day -= _D_NUMBER_DAY_OFFSET

    synthetic = False
    if _TENOR_SYNTHETIC_MONTH_OFFSET < month <= _TENOR_SYNTHETIC_MONTH_OFFSET + 12:
        synthetic = True
        month -= _TENOR_SYNTHETIC_MONTH_OFFSET
    elif _NAV_SYNTHETIC_MONTH_OFFSET < month <= _NAV_SYNTHETIC_MONTH_OFFSET + 12:
        synthetic = True
        month -= _NAV_SYNTHETIC_MONTH_OFFSET
    if synthetic and not allow_test_idents:
        raise _error("test_ident")

    year = _birth_year(number[4:9], today)
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        raise _error("date") from None
    if birth_date > today:
        raise _error("future")

    return Personident(number=number, kind=kind, birth_date=birth_date, synthetic=synthetic)


def validate_personident(value: str) -> None:
    """Django field validator; accepts synthetic numbers only if settings.ALLOW_TEST_IDENTS is true."""
    parse_personident(value, allow_test_idents=_allow_test_idents_setting())


def is_valid_personident(value: str, *, allow_test_idents: bool | None = None) -> bool:
    """Return whether ``value`` is an acceptable fødselsnummer or D-number."""
    try:
        parse_personident(value, allow_test_idents=allow_test_idents)
    except ValidationError:
        return False
    return True


def _individual_numbers(year: int) -> list[int]:
    # Ranges that stdnum maps back to the same century, so parsing round-trips.
    if 1854 <= year <= 1899:
        return list(range(500, 750))
    if 1900 <= year <= 1939:
        return list(range(0, 500))
    if 1940 <= year <= 1999:
        return list(range(0, 500)) + list(range(900, 1000))
    if 2000 <= year <= 2039:
        return list(range(500, 1000))
    raise ValueError("Birth year must be between 1854 and 2039.")


def generate_synthetic(
    birth_date: datetime.date,
    serial: int,
    *,
    d_number: bool = False,
    tenor: bool = False,
) -> str:
    """Make a valid synthetic number (month + 40, or + 80 with ``tenor``) for demo data and tests.

    ``serial`` (0-999) is taken modulo the individual numbers available for the birth year; when
    a control digit would be 10 the next serial is tried instead, so neighbouring serials may
    give the same number. Future dates are allowed; the first control digit uses the pre-2032 rule.
    """
    if not 0 <= serial <= 999:
        raise ValueError("serial must be between 0 and 999.")
    individuals = _individual_numbers(birth_date.year)

    day = birth_date.day + (_D_NUMBER_DAY_OFFSET if d_number else 0)
    month = birth_date.month + (_TENOR_SYNTHETIC_MONTH_OFFSET if tenor else _NAV_SYNTHETIC_MONTH_OFFSET)
    prefix = f"{day:02d}{month:02d}{birth_date.year % 100:02d}"

    for step in range(len(individuals)):
        first9 = f"{prefix}{individuals[(serial + step) % len(individuals)]:03d}"
        k1 = stdnum_fnr.calc_check_digit1(first9)
        if k1 == "10":
            continue
        k2 = stdnum_fnr.calc_check_digit2(first9 + k1)
        if k2 == "10":
            continue
        return first9 + k1 + k2
    raise RuntimeError("No individual number gave valid control digits.")  # pragma: no cover
