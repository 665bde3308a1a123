"""Shared skill and certification records, one per normalised name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import IdPk, Stamp
from marketplace.enums import LabelledIntEnum
from marketplace.extensions import Base


class SkillLevel(LabelledIntEnum):
    """How well someone masters a skill (1..4)."""

    NOTIONS = 1, _l("notions")
    INTERMEDIATE = 2, _l("intermediate")
    CONFIRMED = 3, _l("confirmed")
    EXPERT = 4, _l("expert")


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[IdPk]
    #: The name as first written (accents and capitals kept for display).
    name: Mapped[str] = mapped_column(String(120))
    #: Case- and accent-folded name: 'renovation energetique'. Unique.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[Stamp]


class Certification(Base):
    __tablename__ = "certifications"

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120), unique=True)
