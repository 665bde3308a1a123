"""Notifications shown in the site (the bell) and sent by e-mail according to each person."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import IdPk, Stamp, UserId, one_of, ref
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base


class EmailMode(LabelledEnum):
    """How a person gets notifications by e-mail.

    immediately: one e-mail per notification; daily: one digest a day; never: in the site only.
    """

    IMMEDIATELY = "immediately", _l("at once, one e-mail per notification")
    DAILY = "daily", _l("once a day, in a digest")
    NEVER = "never", _l("never (only in the site)")


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[IdPk]
    user_id: Mapped[UserId]
    #: What happened, e.g. "collective.join_request" (see notifications.operations.KINDS).
    kind: Mapped[str] = mapped_column(String(40))
    #: The sentence, written in the recipient's language when the notification was made.
    text: Mapped[str] = mapped_column(String(500))
    #: Where to go (a path inside the site).
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[Stamp] = mapped_column(index=True)
    read_at: Mapped[datetime | None]
    #: When it left by e-mail (alone or in a digest); None while waiting for the digest.
    emailed_at: Mapped[datetime | None]


class NotificationSetting(Base):
    """A person's e-mail preference; no row means ``immediately``."""

    __tablename__ = "notification_settings"
    __table_args__ = (one_of("email", EmailMode),)

    user_id: Mapped[int] = ref("users", "CASCADE", primary_key=True)
    email: Mapped[str] = mapped_column(String(12), default="immediately")
    #: When the last daily digest was sent to this person.
    digest_sent_at: Mapped[datetime | None]
