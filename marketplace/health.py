"""What /healthz asks the database: does it answer, and does it accept a write?

A database can answer reads and refuse writes (a read-only file or volume, a disk full, a
PostgreSQL standby or a read-only transaction default): such a node must leave the load
balancer's rotation, since nearly every action writes. The probe inserts one row in a table of
its own inside a savepoint and rolls it back: nothing is kept, no sequence moves (the id is
given), and concurrent probes only wait for each other's savepoint.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import UTCDateTime
from marketplace.extensions import Base, db
from marketplace.timeutil import utcnow


class HealthProbe(Base):
    """Written by the health check and always rolled back: the table stays empty."""

    __tablename__ = "health_probes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)


def database_state() -> str:
    """``ok``; ``read_only`` when it answers but refuses writes; ``unavailable`` otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "unavailable"
    try:
        savepoint = db.session.begin_nested()
        try:
            db.session.execute(insert(HealthProbe).values(id=1, checked_at=utcnow()))
        finally:
            savepoint.rollback()
    except SQLAlchemyError:
        return "read_only"
    finally:
        db.session.rollback()
    return "ok"
