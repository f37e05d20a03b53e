"""Norwegian working days: weekends and public holidays (the `holidays` library) do not count."""

import datetime

from nav_sikkerhet.core import workdays


def test_weekends_and_public_holidays_are_not_working_days():
    assert workdays.is_working_day(datetime.date(2026, 5, 18))  # Monday after Constitution Day (a Sunday)
    for day in (datetime.date(2026, 5, 17), datetime.date(2026, 5, 16), datetime.date(2026, 12, 25),
                datetime.date(2026, 4, 2), datetime.date(2026, 5, 14)):
        assert not workdays.is_working_day(day), day


def test_adding_working_days_skips_weekends_and_easter():
    assert workdays.add_working_days(datetime.date(2026, 3, 6), 1) == datetime.date(2026, 3, 9)  # Friday → Monday
    assert workdays.add_working_days(datetime.date(2026, 4, 1), 1) == datetime.date(2026, 4, 7)  # Easter
    assert workdays.add_working_days(datetime.date(2026, 4, 1), 0) == datetime.date(2026, 4, 1)


def test_latest_start_is_the_last_day_that_still_arrives_in_time():
    assert workdays.latest_start(datetime.date(2026, 3, 9), 3) == datetime.date(2026, 3, 4)
    assert workdays.latest_start(datetime.date(2026, 3, 8), 3) == datetime.date(2026, 3, 3)  # a Sunday deadline
    for due in (datetime.date(2026, 4, 8), datetime.date(2026, 12, 28)):
        start = workdays.latest_start(due, 3)
        assert workdays.add_working_days(start, 3) <= due < workdays.add_working_days(start + datetime.timedelta(1), 3)
