"""Availability over a span of days: the profile's stated availability and its periods together."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from marketplace.profiles.models import Availability, AvailabilityPeriod, PeriodKind, Profile
from marketplace.timeutil import to_paris, utcnow

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


def today() -> date:
    """Today in Paris: the day periods are counted in."""
    return to_paris(utcnow()).date()


def availability_today(profile: Profile) -> str:
    """What the profile's availability is today, periods included (the search facet's value)."""
    day = today()
    rows = [(p.starts_on, p.ends_on, p.kind) for p in profile.availability_periods]
    return availability_over(profile.availability, rows, day, day)


def profiles_changing_today(session: Session) -> list[int]:
    """The profiles whose availability today differs from yesterday's by their periods: a
    period starts today or ended yesterday (their search documents are then stale)."""
    day = today()
    yesterday = date.fromordinal(day.toordinal() - 1)
    stmt = (
        select(AvailabilityPeriod.profile_id)
        .where(or_(AvailabilityPeriod.starts_on == day, AvailabilityPeriod.ends_on == yesterday))
        .distinct()
    )
    return list(session.scalars(stmt))
