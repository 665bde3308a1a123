"""The small calendar of a profile: the coming months, each day marked by its period."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from marketplace.profiles.models import AvailabilityPeriod, PeriodKind

#: Months shown, from the current one.
MONTHS = 3


@dataclass(frozen=True)
class Day:
    day: date
    #: None (available as the profile says), unavailable or part_time.
    kind: str | None


@dataclass(frozen=True)
class Month:
    first: date
    #: Weeks from Monday; None for the days of the neighbouring months.
    weeks: list[list[Day | None]]


def _kind_on(day: date, periods: Iterable[AvailabilityPeriod]) -> str | None:
    """Unavailable wins over part-time when two periods cover the day."""
    kinds = {p.kind for p in periods if p.starts_on <= day <= p.ends_on}
    if PeriodKind.UNAVAILABLE.value in kinds:
        return PeriodKind.UNAVAILABLE.value
    return PeriodKind.PART_TIME.value if kinds else None


def months(periods: list[AvailabilityPeriod], today: date, count: int = MONTHS) -> list[Month]:
    """The calendar of ``count`` months from today's."""
    out = []
    year, month = today.year, today.month
    for _ in range(count):
        weeks = [
            [_day(date(year, month, n), periods) if n else None for n in week]
            for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
        ]
        out.append(Month(date(year, month, 1), weeks))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _day(day: date, periods: list[AvailabilityPeriod]) -> Day:
    return Day(day, _kind_on(day, periods))
