"""The change log's table: one row per changed document (written by changelog, read by indexer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import UTCDateTime
from marketplace.extensions import Base
from marketplace.timeutil import utcnow


class SearchChange(Base):
    """A document that changed; the index follows these rows in id order."""

    __tablename__ = "search_changes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    #: The document type name ("profile").
    doc_type: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
