"""Time helpers: store aware UTC, show Europe/Paris."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC from a stored value (SQLite gives naive datetimes back)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@overload
def to_paris(value: datetime) -> datetime: ...
@overload
def to_paris(value: None) -> None: ...
def to_paris(value: datetime | None) -> datetime | None:
    value = as_utc(value)
    return value.astimezone(PARIS) if value else None
