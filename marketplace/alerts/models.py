"""Alert (a saved search), MatchJob (an object to match, queued by its publication),
MatchNotice (one per person and object: the "only once" of alerts and suggestions alike),
AlertSetting (a member's opt-out of suggestions)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import IdPk, Stamp, UserId, one_of, ref
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base


class AlertKind(LabelledEnum):
    PROFILES = "profiles", _l("Profiles")
    OFFERS = "offers", _l("Offers")
    TENDERS = "tenders", _l("Tenders")


class Frequency(LabelledEnum):
    INSTANT = "instant", _l("Right away")
    DAILY = "daily", _l("Once a day")
    WEEKLY = "weekly", _l("Once a week")


class ObjectType(LabelledEnum):
    PROFILE = "profile", _l("Profile")
    OFFER = "offer", _l("Offer")
    TENDER = "tender", _l("Tender")


class JobStatus(LabelledEnum):
    QUEUED = "queued", _l("Queued")
    DONE = "done", _l("Done")


class NoticeReason(LabelledEnum):
    ALERT = "alert", _l("Alert")
    SUGGESTION = "suggestion", _l("Suggestion")


#: An alert's kind → the type of the objects it matches.
OBJECT_OF_KIND = {"profiles": "profile", "offers": "offer", "tenders": "tender"}


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        one_of("kind", AlertKind),
        one_of("frequency", Frequency),
        Index("ix_alerts_kind_id", "kind", "id"),
    )

    id: Mapped[IdPk]
    user_id: Mapped[UserId]
    kind: Mapped[str] = mapped_column(String(10))
    q: Mapped[str] = mapped_column(String(200), default="")
    skill: Mapped[str] = mapped_column(String(120), default="")
    department: Mapped[str | None] = mapped_column(String(3))
    near: Mapped[str] = mapped_column(String(120), default="")
    radius_km: Mapped[int] = mapped_column(SmallInteger, default=30)
    #: The centre of ``near``, resolved when the alert is saved.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    frequency: Mapped[str] = mapped_column(String(8), default="instant")
    created_at: Mapped[Stamp]
    #: When the last digest of a daily or weekly alert left.
    digest_sent_at: Mapped[datetime | None]


class MatchJob(Base):
    """An object to match against alerts and members, written by the publishing transaction."""

    __tablename__ = "match_jobs"
    __table_args__ = (
        one_of("object_type", ObjectType),
        one_of("status", JobStatus),
        Index("ix_match_jobs_status_id", "status", "id"),
    )

    id: Mapped[IdPk]
    object_type: Mapped[str] = mapped_column(String(8))
    object_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(8), default="queued")
    created_at: Mapped[Stamp]
    done_at: Mapped[datetime | None]


class MatchNotice(Base):
    """One person told (or to be told, for a digest) about one object: never twice."""

    __tablename__ = "match_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "object_type", "object_id"),
        one_of("object_type", ObjectType),
        one_of("reason", NoticeReason),
        Index("ix_match_notices_alert_id_id", "alert_id", "id"),
    )

    id: Mapped[IdPk]
    user_id: Mapped[int] = ref("users", "CASCADE")
    object_type: Mapped[str] = mapped_column(String(8))
    object_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), default="")
    alert_id: Mapped[int | None] = ref("alerts", "SET NULL")
    reason: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[Stamp] = mapped_column(index=True)
    #: None while it waits for the alert's daily or weekly digest.
    notified_at: Mapped[datetime | None]


class AlertSetting(Base):
    """A member's choice about suggested matches (absent: they are welcome)."""

    __tablename__ = "alert_settings"

    user_id: Mapped[int] = ref("users", "CASCADE", primary_key=True)
    suggestions: Mapped[bool] = mapped_column(default=True)
