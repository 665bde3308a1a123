"""Private conversations between members: participants (with their read marker), messages,
blocks and reports.

Read paths and their indexes (the inbox and a thread stay fast with a million messages):
- the inbox: ``conversation_participants`` by ``(user_id, last_message_at)``, the time of the
  conversation's latest message copied onto each participant's row when a message is sent;
- the header's unread count: ``SUM(unread)`` over ``(user_id, unread)``;
- a thread: ``messages`` by ``(conversation_id, id)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.dbtypes import ActorId, Body, IdPk, Note, Stamp, UserId, children, one_of, ref
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class AboutType(LabelledEnum):
    """What a conversation started from (it says so and links back)."""

    PROFILE = "profile", _l("a profile")
    TENDER = "tender", _l("a tender")
    OFFER = "offer", _l("an offer")
    COLLECTIVE = "collective", _l("a collective")
    SUBCONTRACT = "subcontract", _l("a subcontract")


class ReportState(LabelledEnum):
    OPEN = "open", _l("to review")
    CLOSED = "closed", _l("reviewed")


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (one_of("about_type", AboutType, nullable=True),)

    id: Mapped[IdPk]
    subject: Mapped[str] = mapped_column(String(200), default="")
    #: The object the conversation started from (a tender, an offer…), or None.
    about_type: Mapped[str | None] = mapped_column(String(12))
    about_id: Mapped[int | None]
    #: The lot of a tender the conversation is about (its number), if any.
    about_lot: Mapped[int | None]
    started_by_id: Mapped[ActorId | None]
    created_at: Mapped[Stamp]
    last_message_at: Mapped[Stamp]

    participants: Mapped[list[Participant]] = children(
        "Participant", "Participant.id", back_populates="conversation"
    )


class Participant(Base):
    """A person in a conversation, with what they have read of it."""

    __tablename__ = "conversation_participants"
    __table_args__ = (
        UniqueConstraint("conversation_id", "user_id"),
        CheckConstraint("unread >= 0", name="unread"),
        Index("ix_conversation_participants_inbox", "user_id", "last_message_at"),
        Index("ix_conversation_participants_unread", "user_id", "unread"),
    )

    id: Mapped[IdPk]
    conversation_id: Mapped[int] = ref("conversations", "CASCADE", index=True)
    user_id: Mapped[int] = ref("users", "CASCADE")
    #: The conversation's latest message (a copy: the inbox is read by person and time).
    last_message_at: Mapped[Stamp]
    #: Messages of the others this person has not read yet.
    unread: Mapped[int] = mapped_column(default=0)
    #: The last message read (the read marker), None before the first read.
    last_read_message_id: Mapped[int | None]
    last_read_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship("Conversation", back_populates="participants")
    user: Mapped[User] = relationship("User", lazy="joined", innerjoin=True)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)

    id: Mapped[IdPk]
    conversation_id: Mapped[int] = ref("conversations", "CASCADE")
    #: None only if the account row itself went (a deleted account keeps its renamed row).
    author_id: Mapped[ActorId | None] = mapped_column(index=True)
    #: Plain text: shown escaped, links made clickable by the template filter.
    body: Mapped[Body]
    sent_at: Mapped[Stamp]

    author: Mapped[User | None] = relationship("User", lazy="joined")


class Block(Base):
    """A person stops another's new messages (in every conversation, and new ones)."""

    __tablename__ = "conversation_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[IdPk]
    blocker_id: Mapped[int] = ref("users", "CASCADE")
    blocked_id: Mapped[UserId]
    #: The conversation it was made from.
    conversation_id: Mapped[int | None] = ref("conversations", "SET NULL")
    created_at: Mapped[Stamp]


class Report(Base):
    """A participant reports a message to the administrators, who see that message only."""

    __tablename__ = "message_reports"
    __table_args__ = (
        UniqueConstraint("message_id", "reporter_id"),
        one_of("state", ReportState),
    )

    id: Mapped[IdPk]
    message_id: Mapped[int] = ref("messages", "CASCADE", index=True)
    reporter_id: Mapped[ActorId | None]
    reason: Mapped[Note]
    state: Mapped[str] = mapped_column(String(8), default="open", index=True)
    created_at: Mapped[Stamp]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[ActorId | None]

    message: Mapped[Message] = relationship("Message", lazy="joined", innerjoin=True)
    reporter: Mapped[User | None] = relationship("User", foreign_keys="Report.reporter_id")
