"""JSON helpers of the API objects not declared by a schema yet (the contract: add fields
freely, never rename or drop one). A CAE named by another object is caes.schemas.CaeRef."""

from __future__ import annotations

from datetime import date, datetime

from marketplace.caes.schemas import cae_ref
from marketplace.timeutil import as_utc

__all__ = ["cae_ref", "iso_date", "iso_datetime"]


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with its offset (UTC), e.g. 2026-11-22T09:30:00+00:00."""
    value = as_utc(value)
    return value.isoformat() if value else None
