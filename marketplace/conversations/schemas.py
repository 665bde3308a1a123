"""The conversations' shapes: what the API and the forms send, what the API answers."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, WithJsonSchema

from marketplace.caes.schemas import CaeRef
from marketplace.conversations.models import AboutType, ReportState
from marketplace.schema import (
    DateTimeOut,
    Id,
    IdOut,
    Output,
    Schema,
    choice,
    page_of,
    text,
)

#: The longest text of each field, as typed.
LIMITS = {"subject": 200, "body": 5000, "reason": 1000}


class AboutInput(Schema):
    """The object a conversation starts from (it must be visible to the sender)."""

    type: choice(AboutType)  # type: ignore[valid-type]
    id: Id
    #: A lot of a tender (its number), to say "about lot 2".
    lot: Annotated[
        int | None,
        Field(ge=1, le=999),
        WithJsonSchema({"type": ["integer", "null"], "minimum": 1, "maximum": 999}),
    ] = None


class ConversationInput(Schema):
    """Write to a person: a new conversation with its first message."""

    not_an_object: ClassVar[str] = _l("The conversation must be an object.")

    to_profile_id: Id
    subject: text(LIMITS["subject"]) = ""  # type: ignore[valid-type]
    body: text(LIMITS["body"], multiline=True, required=True)  # type: ignore[valid-type]
    about: AboutInput | None = None


class MessageInput(Schema):
    not_an_object: ClassVar[str] = _l("The message must be an object.")

    body: text(LIMITS["body"], multiline=True, required=True)  # type: ignore[valid-type]


class ReportInput(Schema):
    message_id: Id
    reason: text(LIMITS["reason"], multiline=True) = ""  # type: ignore[valid-type]


class About(Output):
    type: choice(AboutType)  # type: ignore[valid-type]
    id: IdOut
    lot: int | None = None


class ConversationParticipant(Output):
    """A participant; a deleted account has no profile and is called « Compte supprimé »."""

    profile_id: IdOut | None
    display_name: str
    cae: CaeRef | None


class Conversation(Output):
    id: IdOut
    subject: str
    about: About | None
    participants: list[ConversationParticipant]
    last_message_at: DateTimeOut
    #: Messages of the others not read yet by the caller.
    unread: int = Field(ge=0)
    url: Annotated[str, Field(json_schema_extra={"format": "uri"})]


class Message(Output):
    id: IdOut
    author_profile_id: IdOut | None
    body: str
    sent_at: DateTimeOut


class ConversationDetail(Conversation):
    """A conversation with its messages, oldest first."""

    messages: list[Message]


ConversationList = page_of(Conversation, "ConversationList", unread_total=(int, Field(ge=0)))


class Blocked(Output):
    state: Annotated[Literal["blocked"], WithJsonSchema({"const": "blocked"})] = "blocked"


class Unblocked(Output):
    state: Annotated[Literal["unblocked"], WithJsonSchema({"const": "unblocked"})] = "unblocked"


class Report(Output):
    id: IdOut
    message_id: IdOut
    state: choice(ReportState)  # type: ignore[valid-type]
    created_at: DateTimeOut


__all__: list[Any] = [
    "LIMITS",
    "AboutInput",
    "Blocked",
    "Conversation",
    "ConversationDetail",
    "ConversationInput",
    "ConversationList",
    "Message",
    "MessageInput",
    "Report",
    "ReportInput",
    "Unblocked",
]
