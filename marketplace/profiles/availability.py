"""Availability over a span of days: the profile's stated availability and its periods together."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from marketplace.profiles.models import Availability, PeriodKind

#: (starts_on, ends_on, kind) of a period, as read from the database.
PeriodRow = tuple[date, date, str]


def availability_over(stated: str, periods: Iterable[PeriodRow], start: date, end: date) -> str:
    """``unavailable`` when the person says so or one unavailable period covers every day from
    ``start`` to ``end``; ``partial`` when a period (unavailable or part-time) falls within that
    span; otherwise what the profile states."""
    if stated == Availability.UNAVAILABLE.value:
        return stated
    overlapping = [(s, e, kind) for s, e, kind in periods if s <= end and e >= start]
    unavailable = PeriodKind.UNAVAILABLE.value
    if any(kind == unavailable and s <= start and e >= end for s, e, kind in overlapping):
        return Availability.UNAVAILABLE.value
    if overlapping:
        return Availability.PARTIAL.value
    return stated
