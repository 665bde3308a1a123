"""Shared skill and certification records, one per normalised name."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import UTCDateTime
from marketplace.enums import LabelledIntEnum
from marketplace.extensions import Base
from marketplace.timeutil import utcnow


class SkillLevel(LabelledIntEnum):
    """How well someone masters a skill (1..4)."""

    NOTIONS = 1, _l("notions")
    INTERMEDIATE = 2, _l("intermediate")
    CONFIRMED = 3, _l("confirmed")
    EXPERT = 4, _l("expert")


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The name as first written (accents and capitals kept for display).
    name: Mapped[str] = mapped_column(String(120))
    #: Case- and accent-folded name: 'renovation energetique'. Unique.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certification(Base):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120), unique=True)
