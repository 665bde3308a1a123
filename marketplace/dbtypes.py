"""Column types and helpers shared by the models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.orm import mapped_column

from marketplace.timeutil import as_utc, utcnow


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        return as_utc(value)


#: The primary key every table has: ``id: Mapped[IdPk]``.
IdPk = Annotated[int, mapped_column(primary_key=True)]
#: An instant set to now when the row is inserted (created_at, sent_at…):
#: ``created_at: Mapped[Stamp]``.
Stamp = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]


def in_clause(column: str, values) -> str:
    """SQL text for a CHECK constraint that limits a column to a set of values."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
