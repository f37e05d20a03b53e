"""Norwegian working days: Monday to Friday, less the public holidays (the `holidays` library's Norway)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("NO", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The working day ``count`` working days after ``day`` (``day`` itself when count is 0)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def latest_start(day: datetime.date, count: int) -> datetime.date:
    """The latest day from which ``count`` working days later is still no later than ``day``."""
    start = day
    while add_working_days(start, count) > day:
        start -= datetime.timedelta(days=1)
    return start
