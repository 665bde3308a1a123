"""Conversations in the API (see the contract, section Conversations): private messages
between members, for their participants only (404 to anyone else, managers and admins too)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user

from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args
from marketplace.blueprints.api.spec import ACTION_ERRORS, operations_for
from marketplace.conversations import operations as ops
from marketplace.conversations import reports
from marketplace.conversations import schemas as out
from marketplace.conversations.models import Conversation, Message
from marketplace.conversations.schemas import ConversationInput, MessageInput, ReportInput
from marketplace.extensions import limiter
from marketplace.links import external_url

WRITE_LIMIT = "120 per minute"
TAG = "conversations"

operation = operations_for(TAG, write_limit=WRITE_LIMIT)


def new_conversations_limit() -> str:
    """How many conversations one person may start (a sender cannot spam the network)."""
    return current_app.config["CONVERSATIONS_NEW_LIMIT"]


def person_key() -> str:
    """The rate of new conversations counts per person (whatever token or address)."""
    return "person:" + str(current_user.id if current_user.is_authenticated else "anonymous")


#: One budget per person, shared by the API and the pages (the same scope); only conversations
#: actually started count (201 in the API, the redirect of the form).
new_conversation_limit = limiter.shared_limit(
    new_conversations_limit,
    scope="conversations-new",
    key_func=person_key,
    deduct_when=lambda response: response.status_code in (201, 302, 303),
)


def _cae(user: Any) -> dict[str, Any] | None:
    return {"id": user.cae.id, "name": user.cae.name} if user.cae is not None else None


def conversation_json(
    conversation: Conversation, viewer: Any, profiles: dict[int, int], **extra: Any
) -> dict[str, Any]:
    about = None
    if conversation.about_type is not None and conversation.about_id is not None:
        about = {
            "type": conversation.about_type,
            "id": conversation.about_id,
            "lot": conversation.about_lot,
        }
    schema = out.ConversationDetail if "messages" in extra else out.Conversation
    return schema.of(
        conversation,
        about=about,
        participants=[
            {
                "profile_id": profiles.get(p.user_id),
                "display_name": p.user.display_name,
                "cae": _cae(p.user),
            }
            for p in conversation.participants
        ],
        unread=ops.unread_for(viewer, conversation),
        url=external_url("conversations.show", conversation_id=conversation.id),
        **extra,
    )


def message_json(message: Message, profiles: dict[int, int]) -> dict[str, Any]:
    return out.Message.of(
        message,
        author_profile_id=profiles.get(message.author_id) if message.author_id else None,
    )


def _detail(conversation: Conversation, viewer: Any) -> dict[str, Any]:
    profiles = ops.profile_ids([conversation])
    messages = ops.messages_of(conversation)
    return conversation_json(
        conversation, viewer, profiles, messages=[message_json(m, profiles) for m in messages]
    )


@bp.get("/conversations")
@operation.paged(
    "listConversations",
    ok=(out.ConversationList, "The caller's conversations, latest first."),
    errors=(400, 401),
)
def list_conversations() -> Any:
    """The caller's conversations, latest message first, with the unread count of each and
    ``unread_total`` beside the items."""
    user = require_user()
    page, per_page = page_args()
    items, total = ops.inbox(user, page, per_page)
    profiles = ops.profile_ids(items)
    return out.ConversationList.out(
        items=[conversation_json(c, user, profiles) for c in items],
        total=total,
        page=page,
        per_page=per_page,
        unread_total=ops.unread_total(user),
    )


@bp.post("/conversations")
@new_conversation_limit
@operation.create(
    "startConversation",
    body=ConversationInput,
    ok=(out.ConversationDetail, "The new conversation with its first message."),
    errors=(400, 401, 403, 404, 422, 429),
    limit=WRITE_LIMIT,
)
def start_conversation(body: ConversationInput) -> Any:
    """Write to a person: a new conversation with its first message.

    404 when the recipient's profile is not visible to the caller; 403 for an account whose
    membership is not verified, or when the recipient blocked the caller; 422 for an empty body.
    A person may start a limited number of conversations per hour (429 beyond)."""
    user = require_user()
    conversation = ops.start(user, body)
    return _detail(conversation, user)


@bp.get("/conversations/<int:conversation_id>")
@operation.read(
    "getConversation",
    ok=(out.ConversationDetail, "The conversation with its messages, oldest first."),
)
def get_conversation(conversation_id: int) -> Any:
    """A conversation with its messages (oldest first); reading it marks it read.

    404 to anyone who is not a participant, managers and administrators included."""
    user = require_user()
    found = ops.get_conversation(user, conversation_id)
    ops.mark_read(user, found)
    return _detail(found, user)


@bp.post("/conversations/<int:conversation_id>/messages")
@operation.create(
    "sendMessage",
    body=MessageInput,
    ok=(out.Message, "The message."),
    errors=ACTION_ERRORS,
)
def send_message(conversation_id: int, body: MessageInput) -> Any:
    """Reply in a conversation; 403 when the other participant blocked the caller, 409 when
    their account was deleted."""
    user = require_user()
    found = ops.get_conversation(user, conversation_id)
    message = ops.reply(user, found, body)
    return message_json(message, ops.profile_ids([found]))


@bp.post("/conversations/<int:conversation_id>/block")
@operation.act(
    "blockConversation",
    ok=(out.Blocked, "The other participant's new messages are refused."),
    errors=(401, 404, 429),
)
def block_conversation(conversation_id: int) -> Any:
    """Stop the other participant's new messages (in every conversation with them)."""
    user = require_user()
    ops.block(user, ops.get_conversation(user, conversation_id))
    return out.Blocked()


@bp.post("/conversations/<int:conversation_id>/unblock")
@operation.act(
    "unblockConversation",
    ok=(out.Unblocked, "The other participant may write again."),
    errors=(401, 404, 429),
)
def unblock_conversation(conversation_id: int) -> Any:
    """Accept the other participant's messages again."""
    user = require_user()
    ops.unblock(user, ops.get_conversation(user, conversation_id))
    return out.Unblocked()


@bp.post("/conversations/<int:conversation_id>/report")
@operation.create(
    "reportMessage",
    body=ReportInput,
    ok=(out.Report, "The report; the administrators are told."),
    errors=(400, 401, 404, 422, 429),
)
def report_message(conversation_id: int, body: ReportInput) -> Any:
    """Report a message of the other participant to the administrators (they then see that
    message only); reporting it again gives the same report."""
    user = require_user()
    row = reports.report(user, ops.get_conversation(user, conversation_id), body)
    return out.Report.out(
        id=row.id, message_id=row.message_id, state=row.state, created_at=row.created_at
    )
