"""OutboxMessage: one e-mail waiting to leave, written in the transaction of the change it tells."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.dbtypes import Body, IdPk, Stamp, one_of
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base

#: queued → sending (claimed by a worker, under a lease) → sent; or back to queued for a retry,
#: or failed after the last try (an administrator may queue it again).


class OutboxStatus(LabelledEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("status", OutboxStatus),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[IdPk]
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[Body]
    #: The Message-ID header, fixed at creation: a message delivered twice (a worker killed after
    #: the server took it) carries the same one, so mail systems can recognise the duplicate.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: Delivery attempts started (counted when a worker claims the message).
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[Stamp]
    #: While status is "sending": the lease. A worker that dies leaves it to expire, after which
    #: another worker claims the message again.
    locked_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[Stamp]
    sent_at: Mapped[datetime | None]
