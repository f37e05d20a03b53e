"""Tests for nav_sikkerhet.core.identity; pure functions, no database."""

import datetime
import re

from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=False)

import pytest  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.test import override_settings  # noqa: E402

from nav_sikkerhet.core.identity import (  # noqa: E402
    IdentKind,
    Personident,
    compact,
    generate_synthetic,
    is_valid_personident,
    parse_personident,
    validate_personident,
)

# Computed independently of the module under test so a shared bug cannot hide.
K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)

TODAY = datetime.date(2025, 6, 15)
PUBLIC_EXAMPLE = "15108695088"  # python-stdnum's doctest number


def k1_remainder(number: str) -> int:
    return sum(w * int(d) for w, d in zip(K1_WEIGHTS, number[:10], strict=True)) % 11


def k2_remainder(number: str) -> int:
    return sum(w * int(d) for w, d in zip(K2_WEIGHTS, number[:11], strict=True)) % 11


def with_control_digits(first9: str, remainder: int = 0) -> str | None:
    """Append k1 (giving ``remainder``) and k2; None if either would have to be 10."""
    k1 = (remainder - k1_remainder(first9 + "0")) % 11
    if k1 == 10:
        return None
    k2 = -k2_remainder(first9 + str(k1) + "0") % 11
    if k2 == 10:
        return None
    return f"{first9}{k1}{k2}"


def make_number(ddmmyy: str, remainder: int = 0, individuals=range(100, 500)) -> str:
    """First number with the given date part whose control digits exist (default 1900s)."""
    for individual in individuals:
        number = with_control_digits(f"{ddmmyy}{individual:03d}", remainder)
        if number is not None:
            return number
    raise AssertionError("no individual number fits")


def parse(value: str, **kwargs) -> Personident:
    kwargs.setdefault("allow_test_idents", False)
    kwargs.setdefault("today", TODAY)
    return parse_personident(value, **kwargs)


def assert_error(value: str, code: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        parse(value, **kwargs)
    error = excinfo.value
    assert error.code == code
    assert len(error.messages) == 1
    message = error.messages[0]
    assert message
    # The number must never reach logs via the message.
    compacted = compact(value) if isinstance(value, str) else str(value)
    assert len(compacted) < 3 or compacted not in message
    assert not re.search(r"\d{3,}", message)
    return error


# --- Helper sanity -------------------------------------------------------------------------


def test_helper_agrees_with_public_example():
    assert k1_remainder(PUBLIC_EXAMPLE) == 0
    assert k2_remainder(PUBLIC_EXAMPLE) == 0
    assert with_control_digits(PUBLIC_EXAMPLE[:9]) == PUBLIC_EXAMPLE


# --- Valid numbers -------------------------------------------------------------------------


def test_public_example_is_valid_fnr():
    ident = parse(PUBLIC_EXAMPLE)
    assert ident == Personident(
        number=PUBLIC_EXAMPLE,
        kind=IdentKind.FNR,
        birth_date=datetime.date(1986, 10, 15),
        synthetic=False,
    )


def test_computed_fnr_is_valid():
    number = make_number("240590")
    ident = parse(number)
    assert ident.number == number
    assert ident.kind == IdentKind.FNR
    assert ident.birth_date == datetime.date(1990, 5, 24)
    assert ident.synthetic is False


def test_fnr_born_in_2000s():
    number = make_number("290204", individuals=range(500, 1000))
    assert parse(number).birth_date == datetime.date(2004, 2, 29)


def test_fnr_born_in_1800s():
    number = make_number("010160", individuals=range(500, 750))
    assert parse(number).birth_date == datetime.date(1860, 1, 1)


def test_d_number():
    number = make_number("640590")  # day 24 + 40
    ident = parse(number)
    assert ident.kind == IdentKind.DNR
    assert ident.birth_date == datetime.date(1990, 5, 24)
    assert ident.synthetic is False


def test_d_number_on_day_31():
    number = make_number("710190")
    assert parse(number).birth_date == datetime.date(1990, 1, 31)


def test_birth_date_today_is_accepted():
    number = make_number("150625", individuals=range(500, 1000))
    assert parse(number, today=datetime.date(2025, 6, 15)).birth_date == datetime.date(2025, 6, 15)


@pytest.mark.parametrize(
    ("ddmmyy", "individual", "expected"),
    [
        ("010145", 800, datetime.date(1945, 1, 1)),  # 500-899 with yy 40-53 has no century
        ("010160", 800, datetime.date(1960, 1, 1)),  # 750-899 with yy >= 54 has no century
    ],
)
def test_unknown_century_falls_back_to_most_recent_past_year(ddmmyy, individual, expected):
    number = make_number(ddmmyy, individuals=range(individual, 900))
    assert parse(number, today=datetime.date(2025, 6, 15)).birth_date == expected


def test_unknown_century_fallback_can_pick_current_century():
    number = make_number("010145", individuals=range(800, 900))
    assert parse(number, today=datetime.date(2050, 1, 1)).birth_date == datetime.date(2045, 1, 1)


# --- Compacting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["151086 95088", "151086-95088", " 15.10.86-950:88 \n", "151086\u201395088", "\t15108695088\t"],
)
def test_separators_are_compacted(value):
    assert compact(value) == PUBLIC_EXAMPLE
    assert parse(value).number == PUBLIC_EXAMPLE


# --- Length and format ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "   ", "1510869508", "151086950880", "1"])
def test_wrong_length(value):
    assert_error(value, "length")


@pytest.mark.parametrize(
    "value",
    [
        "1510869508a",
        "15108695O88",
        "abc",
        "151086/95088",
        "+15108695088",
        "\u0661\u0665\u0661\u0660\u0668\u0666\u0669\u0665\u0660\u0668\u0668",  # Arabic-Indic digits
        "1510869508\u00b2",  # superscript two passes str.isdigit()
    ],
)
def test_non_digits(value):
    assert_error(value, "format")


def test_non_string_is_format_error():
    assert_error(15108695088, "format")


# --- Control digits ------------------------------------------------------------------------


def test_wrong_first_control_digit():
    # Remainder 7 with a k2 that is right for it, so only k1 is wrong.
    number = make_number("240590", remainder=7)
    assert k2_remainder(number) == 0
    assert_error(number, "checksum")


def test_wrong_second_control_digit():
    number = make_number("240590")
    wrong = number[:10] + str((int(number[10]) + 1) % 10)
    assert k1_remainder(wrong) == 0
    assert_error(wrong, "checksum")


def test_public_example_with_wrong_control_digits():
    assert_error("15108695077", "checksum")


@pytest.mark.parametrize("remainder", [1, 2, 3])
def test_2032_rule_accepts_first_control_digit_remainder_1_to_3(remainder):
    number = make_number("240590", remainder=remainder)
    assert k1_remainder(number) == remainder
    assert k2_remainder(number) == 0
    assert parse(number).birth_date == datetime.date(1990, 5, 24)


@pytest.mark.parametrize("remainder", [4, 5, 6, 7, 8, 9, 10])
def test_2032_rule_refuses_remainder_4_and_above(remainder):
    number = make_number("240590", remainder=remainder)
    assert k1_remainder(number) == remainder
    assert k2_remainder(number) == 0
    assert_error(number, "checksum")


def test_2032_rule_keeps_second_control_digit_strict():
    number = make_number("240590", remainder=2)
    wrong = number[:10] + str((int(number[10]) + 1) % 10)
    assert_error(wrong, "checksum")


# --- FH numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["812345", "900101", "999999"])
def test_fh_number_refused(prefix):
    number = make_number(prefix, individuals=range(0, 1000))
    assert_error(number, "fh_number")
    assert_error(number, "fh_number", allow_test_idents=True)


# --- Synthetic test numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ddmmyy", "expected_date"),
    [
        ("244590", datetime.date(1990, 5, 24)),  # NAV: month + 40
        ("245290", datetime.date(1990, 12, 24)),
        ("248590", datetime.date(1990, 5, 24)),  # Tenor: month + 80
        ("249290", datetime.date(1990, 12, 24)),
    ],
)
def test_synthetic_refused_without_and_accepted_with_allow(ddmmyy, expected_date):
    number = make_number(ddmmyy)
    assert_error(number, "test_ident", allow_test_idents=False)
    ident = parse(number, allow_test_idents=True)
    assert ident.synthetic is True
    assert ident.kind == IdentKind.FNR
    assert ident.birth_date == expected_date


@pytest.mark.parametrize("ddmmyy", ["644590", "648590"])
def test_synthetic_d_number(ddmmyy):
    number = make_number(ddmmyy)
    assert_error(number, "test_ident", allow_test_idents=False)
    ident = parse(number, allow_test_idents=True)
    assert ident.kind == IdentKind.DNR
    assert ident.synthetic is True
    assert ident.birth_date == datetime.date(1990, 5, 24)


def test_synthetic_default_comes_from_settings():
    number = make_number("244590")
    with override_settings(ALLOW_TEST_IDENTS=True):
        assert parse_personident(number, today=TODAY).synthetic is True
        assert is_valid_personident(number) is True
        validate_personident(number)
    with override_settings(ALLOW_TEST_IDENTS=False):
        assert is_valid_personident(number) is False
        with pytest.raises(ValidationError) as excinfo:
            validate_personident(number)
        assert excinfo.value.code == "test_ident"


def test_missing_setting_means_test_idents_refused():
    with override_settings(ALLOW_TEST_IDENTS=True):
        # Deleting inside override_settings hides the setting only for this block.
        del settings.ALLOW_TEST_IDENTS
        assert not hasattr(settings, "ALLOW_TEST_IDENTS")
        with pytest.raises(ValidationError) as excinfo:
            parse_personident(make_number("244590"), today=TODAY)
    assert excinfo.value.code == "test_ident"


def test_explicit_argument_overrides_setting():
    number = make_number("244590")
    with override_settings(ALLOW_TEST_IDENTS=True):
        assert is_valid_personident(number, allow_test_idents=False) is False
    with override_settings(ALLOW_TEST_IDENTS=False):
        assert is_valid_personident(number, allow_test_idents=True) is True


# --- Dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "310290",  # 31 February
        "290290",  # 29 February in a non-leap year
        "011390",  # month 13
        "010090",  # month 0
        "000190",  # day 0
        "320190",  # day 32
        "400190",  # day 40: neither a real day nor a D-number
        "720190",  # D-number day 32
        "310490",  # 31 April
        "710290",  # D-number 31 February
        "012090",  # month 20
        "016090",  # month 60: between the synthetic ranges
        "019390",  # month 93: beyond Tenor's range
    ],
)
def test_impossible_date(ddmmyy):
    number = make_number(ddmmyy)
    assert_error(number, "date")
    assert_error(number, "date", allow_test_idents=True)


@pytest.mark.parametrize("ddmmyy", ["315390", "314490", "318090"])
def test_impossible_synthetic_date(ddmmyy):
    # Month 53 is 13 + 40, 44 + 31st is 31 April, 80 is month 0 under Tenor.
    assert_error(make_number(ddmmyy), "date", allow_test_idents=True)


def test_leap_day_1900_is_refused_and_2000_accepted():
    assert_error(make_number("290200", individuals=range(0, 500)), "date")
    number = make_number("290200", individuals=range(500, 1000))
    assert parse(number).birth_date == datetime.date(2000, 2, 29)


def test_future_birth_date():
    number = make_number("160625", individuals=range(500, 1000))
    assert_error(number, "future", today=datetime.date(2025, 6, 15))
    assert parse(number, today=datetime.date(2025, 6, 16)).birth_date == datetime.date(2025, 6, 16)


def test_future_synthetic_birth_date():
    number = generate_synthetic(datetime.date(2030, 1, 1), 0)
    assert_error(number, "future", allow_test_idents=True, today=datetime.date(2029, 12, 31))


def test_default_today_is_used():
    number = generate_synthetic(datetime.date(2039, 12, 31), 0)
    assert_error(number, "future", allow_test_idents=True, today=None)


# --- Helpers around parse ------------------------------------------------------------------


def test_is_valid_personident():
    assert is_valid_personident(PUBLIC_EXAMPLE, allow_test_idents=False) is True
    assert is_valid_personident("151086 95088", allow_test_idents=False) is True
    assert is_valid_personident("15108695077", allow_test_idents=False) is False
    assert is_valid_personident("", allow_test_idents=False) is False
    assert is_valid_personident("not a number", allow_test_idents=False) is False


def test_validate_personident():
    validate_personident(PUBLIC_EXAMPLE)
    with pytest.raises(ValidationError) as excinfo:
        validate_personident("15108695077")
    assert excinfo.value.code == "checksum"


def test_repr_does_not_leak_number_or_birth_date():
    ident = parse(PUBLIC_EXAMPLE)
    text = repr(ident)
    assert PUBLIC_EXAMPLE not in text
    assert "1986" not in text
    assert "FNR" in text


def test_personident_is_frozen():
    ident = parse(PUBLIC_EXAMPLE)
    with pytest.raises(AttributeError):
        ident.number = "0"


def test_ident_kind_choices():
    assert IdentKind.FNR == "FNR"
    assert IdentKind.DNR == "DNR"
    assert str(IdentKind.FNR.label) == "Fødselsnummer"
    assert str(IdentKind.DNR.label) == "D-nummer"


def test_no_gender_function():
    from nav_sikkerhet.core import identity

    assert not any("gender" in name.lower() or "kjonn" in name.lower() for name in dir(identity))


# --- generate_synthetic --------------------------------------------------------------------

FAR_FUTURE = datetime.date(2100, 1, 1)
SERIALS = (0, 1, 2, 249, 250, 499, 500, 501, 777, 998, 999)
FLAGS = [(False, False), (True, False), (False, True), (True, True)]


def _dates_for(year: int) -> list[datetime.date]:
    dates = [datetime.date(year, 1, 1), datetime.date(year, 2, 28), datetime.date(year, 12, 31)]
    if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        dates.append(datetime.date(year, 2, 29))
    dates.append(datetime.date(year, 1 + year % 12, 1 + year % 28))
    return dates


@pytest.mark.parametrize("year", range(1854, 2040))
def test_generate_synthetic_round_trips(year):
    for birth_date in _dates_for(year):
        for serial in SERIALS:
            for d_number, tenor in FLAGS:
                number = generate_synthetic(birth_date, serial, d_number=d_number, tenor=tenor)
                assert re.fullmatch(r"[0-9]{11}", number)
                assert k1_remainder(number) == 0  # generated with the pre-2032 rule
                assert k2_remainder(number) == 0
                ident = parse(number, allow_test_idents=True, today=FAR_FUTURE)
                assert ident.birth_date == birth_date
                assert ident.synthetic is True
                assert ident.kind == (IdentKind.DNR if d_number else IdentKind.FNR)
                month = int(number[2:4])
                assert month == birth_date.month + (80 if tenor else 40)
                assert_error(number, "test_ident", allow_test_idents=False, today=FAR_FUTURE)


def test_generate_synthetic_all_serials_for_one_date():
    birth_date = datetime.date(1984, 2, 29)
    numbers = {generate_synthetic(birth_date, serial) for serial in range(1000)}
    for number in numbers:
        assert parse(number, allow_test_idents=True).birth_date == birth_date
    # 600 individual numbers exist for 1940-1999; about 2/11 are skipped for k1 or k2 = 10.
    assert 400 < len(numbers) <= 600


def test_generate_synthetic_skips_serial_with_control_digit_10():
    birth_date = datetime.date(1990, 5, 24)
    for serial in range(499):
        first9 = f"244590{serial:03d}"
        if with_control_digits(first9) is None:
            assert generate_synthetic(birth_date, serial) == generate_synthetic(birth_date, serial + 1)
            return
    pytest.fail("expected some serial to need skipping")


def test_generate_synthetic_is_deterministic():
    birth_date = datetime.date(2010, 7, 7)
    assert generate_synthetic(birth_date, 42) == generate_synthetic(birth_date, 42)


@pytest.mark.parametrize("serial", [-1, 1000])
def test_generate_synthetic_rejects_serial_out_of_range(serial):
    with pytest.raises(ValueError):
        generate_synthetic(datetime.date(1990, 1, 1), serial)


@pytest.mark.parametrize("birth_date", [datetime.date(1853, 12, 31), datetime.date(2040, 1, 1)])
def test_generate_synthetic_rejects_unsupported_years(birth_date):
    with pytest.raises(ValueError):
        generate_synthetic(birth_date, 0)
