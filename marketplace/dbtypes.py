"""Column types and helpers shared by the models.

A column that several tables declare alike is declared here once, as an ``Annotated`` type
(SQLAlchemy reads the ``mapped_column`` inside it): ``author_id: Mapped[ActorId | None]``. The
``| None`` makes it nullable; a ``mapped_column(...)`` on the right adds to it (``index=True``).
Plain Python types need no ``mapped_column`` at all: ``Base.type_annotation_map`` (TYPE_MAP)
stores every ``datetime`` as an aware UTC instant, and ``int``, ``bool``, ``float``, ``date``
take their usual types (Integer, Boolean, Float, Date).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import MappedColumn, mapped_column, relationship

from marketplace.enums import LabelledEnum
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


#: The declarative base's type map: ``Mapped[datetime]`` is a UTCDateTime column, and
#: ``Mapped[float]`` a FLOAT as the migrations made it (SQLAlchemy's own default is DOUBLE).
TYPE_MAP: dict[Any, Any] = {datetime: UTCDateTime, float: Float}

#: The primary key every table has: ``id: Mapped[IdPk]``.
IdPk = Annotated[int, mapped_column(primary_key=True)]
#: An instant set to now when the row is inserted (created_at, sent_at…):
#: ``created_at: Mapped[Stamp]``.
Stamp = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]


def ref(table: str, ondelete: str | None = None, **options: Any) -> MappedColumn[Any]:
    """A foreign key to ``<table>.id``: ``tender_id: Mapped[int] = ref("tenders", "CASCADE")``;
    ``options`` go to ``mapped_column`` (index, primary_key, sort_order…)."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete=ondelete), **options)


#: A row that belongs to a person and goes with their account (an alert, a membership, a vote).
UserId = Annotated[int, ref("users", "CASCADE", index=True)]
#: A person a row names (who acted, wrote, decided, invited, or whom an event is about): None
#: once the account is gone.
ActorId = Annotated[int, ref("users", "SET NULL")]
#: A row that belongs to a profile and goes with it (a team member, a response, a consent).
ProfileId = Annotated[int, ref("profiles", "CASCADE", index=True)]
#: The CAE a row counts for (a person's, a collective's, a record's party); no ON DELETE: a CAE
#: that rows name is not deleted.
CaeId = Annotated[int, ref("caes", index=True)]

#: A French department code ('69', '2A', '974'), looked up by the filters.
Department = Annotated[str, mapped_column(String(3), index=True)]
#: A city as written ('Lyon'), empty when not given.
City = Annotated[str, mapped_column(String(120), default="")]
#: Free text of any length, empty when not given (a description, a message, a comment).
Prose = Annotated[str, mapped_column(Text, default="")]
#: What a person wrote, required (a message, a post, a comment).
Body = Annotated[str, mapped_column(Text)]
#: A short text a person wrote (a join request's message, an answer, a note), empty when none.
Note = Annotated[str, mapped_column(String(1000), default="")]
#: The title of a tender, a lot, a proposal or a thread.
Title = Annotated[str, mapped_column(String(200))]
#: A large amount in cents, excluding VAT (BIGINT): a tender's or a lot's estimate, a member's
#: share, an approval threshold.
Amount = Annotated[int, mapped_column(BigInteger)]
#: A state or status as a history row records it (``from_state → to_state``).
StateName = Annotated[str, mapped_column(String(12))]
#: Who may see a row (audience.Audience: cae, network or public); filtered on, so indexed.
AudienceCode = Annotated[str, mapped_column(String(8), default="network", index=True)]
#: The order a person gave to the items of a list, for display.
Position = Annotated[int, mapped_column(SmallInteger, default=0)]


def children(
    target: str,
    order_by: str | None = None,
    *,
    lazy: Literal["select", "selectin", "joined"] = "selectin",
    **options: Any,
) -> Any:
    """The rows that belong to this one and go with it (``cascade="all, delete-orphan"``), in
    ``order_by`` order, loaded with their parent in one query for all (selectin) unless ``lazy``
    says otherwise: ``lots: Mapped[list[TenderLot]] = children("TenderLot", "TenderLot.number")``.
    """
    return relationship(
        target, cascade="all, delete-orphan", order_by=order_by or False, lazy=lazy, **options
    )


def in_clause(column: str, values) -> str:
    """SQL text for a CHECK constraint that limits a column to a set of values."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def one_of(
    column: str, choices: type[LabelledEnum] | tuple[str, ...], *, nullable: bool = False
) -> CheckConstraint:
    """The CHECK constraint, named after the column, that keeps it to a value set: an enum of
    enums.py (``one_of("status", OfferStatus)``) or a tuple of values; ``nullable`` lets NULL in."""
    values = choices.values() if isinstance(choices, type) else choices
    clause = in_clause(column, values)
    return CheckConstraint(f"{column} IS NULL OR {clause}" if nullable else clause, name=column)
