"""Time helpers: store aware UTC, show Europe/Paris."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC from a stored value (SQLite gives naive datetimes back)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_paris(value: datetime | None) -> datetime | None:
    value = as_utc(value)
    return value.astimezone(PARIS) if value else None
