"""Conversations: start one, reply, read, block, report; the inbox and the unread count.

Rules (for the pages, the API and the demo alike):
- only verified members start a conversation, and only with a person whose profile they may
  see (the one visibility rule); a conversation may say what it is about (a profile, tender,
  offer, collective or subcontract the sender may see);
- a participant may reply while every account of the conversation exists, unless the other
  person blocked them (403);
- only participants read a conversation: everybody else, managers and administrators
  included, gets NotFound (404).

Every function takes the actor first, flushes and never commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload, load_only, raiseload, selectinload

from marketplace.accounts.export import register_section
from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.collectives.models import Collective
from marketplace.collectives.visibility import can_view_collective
from marketplace.conversations import notify
from marketplace.conversations.models import Block, Conversation, Message, Participant
from marketplace.conversations.schemas import AboutInput, ConversationInput, MessageInput
from marketplace.conversations.visibility import can_view_conversation
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.pagination import offset_of
from marketplace.profiles.models import Profile
from marketplace.subcontracting.models import Offer, Subcontract
from marketplace.subcontracting.visibility import can_view_offer, can_view_subcontract
from marketplace.tenders.models import Tender
from marketplace.tenders.visibility import can_view_tender
from marketplace.timeutil import utcnow
from marketplace.visibility import can_view_profile

#: about.type → (model, the visibility predicate, the attribute that names it).
ABOUT: dict[str, tuple[Any, Any, str]] = {
    "profile": (Profile, can_view_profile, "display_name"),
    "tender": (Tender, can_view_tender, "title"),
    "offer": (Offer, can_view_offer, "title"),
    "collective": (Collective, can_view_collective, "name"),
    "subcontract": (Subcontract, can_view_subcontract, "title"),
}


def _not_found() -> NotFound:
    return NotFound(_("This conversation does not exist or is not visible to you."))


def _require_writer(actor: Viewer) -> None:
    if not actor.is_authenticated or not actor.is_verified:
        raise PermissionDenied(
            _("Your CAE must verify your membership before you can write to members.")
        )


def is_blocked(blocker_id: int, blocked_id: int) -> bool:
    """Whether ``blocker_id`` stopped ``blocked_id``'s messages."""
    found = db.session.scalar(
        select(Block.id).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
    )
    return found is not None


def about_object(viewer: Viewer, about_type: str | None, about_id: int | None) -> Any:
    """The object a conversation is about if this viewer may see it; None otherwise."""
    if about_type not in ABOUT or about_id is None:
        return None
    model, can_view, _attr = ABOUT[about_type]
    row = db.session.get(model, about_id)
    return row if row is not None and can_view(viewer, row) else None


def about_label(row: Any, about_type: str) -> str:
    return str(getattr(row, ABOUT[about_type][2], "") or "")


def _check_about(actor: Viewer, about: AboutInput | None) -> Any:
    if about is None:
        return None
    row = about_object(actor, about.type, about.id)
    if row is None:
        message = _("This object does not exist or is not visible to you.")
        raise ValidationError(_("Some fields need your attention."), {"about": [message]})
    if (
        about.lot is not None
        and about.type == "tender"
        and all(lot.number != about.lot for lot in row.lots)
    ):
        message = _("Choose a lot of this tender.")
        raise ValidationError(_("Some fields need your attention."), {"about": [message]})
    return row


def recipient_of(actor: Viewer, profile_id: int) -> User:
    """The account behind a profile this actor may write to; NotFound when it is hidden."""
    profile = db.session.get(Profile, profile_id)
    if profile is None or not profile.user.is_active or not can_view_profile(actor, profile):
        raise NotFound(_("This profile does not exist or is not visible to you."))
    return profile.user


def start(actor: Viewer, data: ConversationInput | dict[str, Any]) -> Conversation:
    """A new conversation with a person and its first message."""
    _require_writer(actor)
    body = data if isinstance(data, ConversationInput) else ConversationInput.load(data)
    recipient = recipient_of(actor, body.to_profile_id)
    if recipient.id == actor.id:
        message = _("You cannot write to yourself.")
        raise ValidationError(message, {"to_profile_id": [message]})
    row = _check_about(actor, body.about)
    if is_blocked(recipient.id, actor.id):  # type: ignore[arg-type]
        raise PermissionDenied(_("This person does not accept your messages."))
    subject = body.subject
    if not subject and row is not None:
        subject = about_label(row, body.about.type)[:200]  # type: ignore[union-attr]
    now = utcnow()
    conversation = Conversation(
        subject=subject,
        about_type=body.about.type if body.about else None,
        about_id=body.about.id if body.about else None,
        about_lot=body.about.lot if body.about and body.about.type == "tender" else None,
        started_by_id=actor.id,
        created_at=now,
        last_message_at=now,
        participants=[
            Participant(user_id=actor.id, last_message_at=now, unread=0),
            Participant(user_id=recipient.id, last_message_at=now, unread=0),
        ],
    )
    db.session.add(conversation)
    db.session.flush()
    _post(actor, conversation, body.body)
    return conversation


def _post(actor: Viewer, conversation: Conversation, text: str) -> Message:
    now = utcnow()
    message = Message(conversation_id=conversation.id, author_id=actor.id, body=text, sent_at=now)
    db.session.add(message)
    db.session.flush()
    conversation.last_message_at = now
    for participant in conversation.participants:
        participant.last_message_at = now
        if participant.user_id == actor.id:
            participant.unread = 0
            participant.last_read_message_id = message.id
            participant.last_read_at = now
        else:
            # Counted by the database: two messages at once both count.
            participant.unread = Participant.unread + 1
    db.session.flush()
    for participant in conversation.participants:
        if participant.user_id != actor.id:
            notify.new_message(participant.user, actor, conversation.id, text)
    return message


def get_conversation(viewer: Viewer, conversation_id: int) -> Conversation:
    """The conversation if this viewer takes part in it; NotFound otherwise."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or not can_view_conversation(viewer, conversation):
        raise _not_found()
    return conversation


def participant_of(conversation: Conversation, user_id: int | None) -> Participant:
    for participant in conversation.participants:
        if participant.user_id == user_id:
            return participant
    raise _not_found()


def others(conversation: Conversation, viewer: Viewer) -> list[Participant]:
    return [p for p in conversation.participants if p.user_id != viewer.id]


def reply_refusal(actor: Viewer, conversation: Conversation) -> str | None:
    """Why this participant may not reply now (None: they may)."""
    people = others(conversation, actor)
    if not actor.is_active or any(not p.user.is_active for p in people):
        return _("This account has been deleted: the conversation is closed.")
    if any(is_blocked(p.user_id, actor.id) for p in people):  # type: ignore[arg-type]
        return _("This person does not accept your messages.")
    return None


def reply(
    actor: Viewer, conversation: Conversation, data: MessageInput | dict[str, Any]
) -> Message:
    """A participant writes in the conversation."""
    participant_of(conversation, actor.id)
    body = data if isinstance(data, MessageInput) else MessageInput.load(data)
    people = others(conversation, actor)
    if not actor.is_active or any(not p.user.is_active for p in people):
        raise Conflict(_("This account has been deleted: the conversation is closed."))
    if any(is_blocked(p.user_id, actor.id) for p in people):  # type: ignore[arg-type]
        raise PermissionDenied(_("This person does not accept your messages."))
    return _post(actor, conversation, body.body)


def messages_of(
    conversation: Conversation, before_id: int | None = None, limit: int | None = None
) -> list[Message]:
    """The messages, oldest first: all of them, or the ``limit`` latest (before ``before_id``)."""
    # Authors are the participants, already loaded: no join to users (and their CAE) per message.
    stmt = (
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .options(raiseload(Message.author))
    )
    if before_id is not None:
        stmt = stmt.where(Message.id < before_id)
    if limit is None:
        return list(db.session.scalars(stmt.order_by(Message.id)))
    latest = list(db.session.scalars(stmt.order_by(Message.id.desc()).limit(limit)))
    latest.reverse()
    return latest


def thread_rows(
    conversation: Conversation, before_id: int | None = None, limit: int = 200
) -> list[Any]:
    """A page of the thread for reading, oldest first: the ``limit`` latest messages (before
    ``before_id``: keyset by id, along ``(conversation_id, id)``) as plain rows of what a page
    shows (id, author_id, body, sent_at), without building a Message per row."""
    stmt = select(Message.id, Message.author_id, Message.body, Message.sent_at).where(
        Message.conversation_id == conversation.id
    )
    if before_id is not None:
        stmt = stmt.where(Message.id < before_id)
    rows = list(db.session.execute(stmt.order_by(Message.id.desc()).limit(limit)).all())
    rows.reverse()
    return rows


def mark_read(viewer: Viewer, conversation: Conversation, latest: int | None = None) -> None:
    """The reader has seen every message so far (their read marker moves to the latest, or to
    ``latest``: the last message of the page they are shown, read with it)."""
    participant = participant_of(conversation, viewer.id)
    if latest is None:
        latest = db.session.scalar(
            select(func.max(Message.id)).where(Message.conversation_id == conversation.id)
        )
    if participant.unread == 0 and participant.last_read_message_id == latest:
        return  # nothing to write: reading again costs no write
    participant.unread = 0
    participant.last_read_message_id = latest
    participant.last_read_at = utcnow()
    db.session.flush()


def inbox(
    viewer: Viewer, page: int, per_page: int, *, with_caes: bool = True
) -> tuple[list[Conversation], int]:
    """The viewer's conversations, latest message first (two indexed queries, plus one for
    the participants of the page). Without ``with_caes`` the participants' accounts are read
    with their names only (the inbox page shows nothing else of them)."""
    if not viewer.is_authenticated:
        return [], 0
    total = (
        db.session.scalar(
            select(func.count(Participant.id)).where(Participant.user_id == viewer.id)
        )
        or 0
    )
    stmt = (
        select(Conversation)
        .join(Participant, Participant.conversation_id == Conversation.id)
        .where(Participant.user_id == viewer.id)
        .order_by(Participant.last_message_at.desc(), Participant.id.desc())
        .limit(per_page)
        .offset(offset_of(page, per_page))
    )
    if not with_caes:
        stmt = stmt.options(
            selectinload(Conversation.participants)
            .joinedload(Participant.user, innerjoin=True)
            .options(load_only(*NAME_COLUMNS), lazyload(User.cae))
        )
    return list(db.session.scalars(stmt).all()), total


#: What a list of conversations shows of a person's account.
NAME_COLUMNS = (User.first_name, User.last_name, User.is_active)
#: How much of the latest message the inbox reads (it shows an excerpt of it).
EXCERPT_CHARS = 200


def latest_excerpts(conversations: list[Conversation]) -> dict[int, Row[Any]]:
    """conversation id → (author_id, the start of the body) of its latest message: one query
    that follows ``(conversation_id, id)``, without loading whole messages."""
    ids = [c.id for c in conversations]
    if not ids:
        return {}
    latest = (
        select(func.max(Message.id))
        .where(Message.conversation_id.in_(ids))
        .group_by(Message.conversation_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Message.conversation_id,
            Message.author_id,
            func.substr(Message.body, 1, EXCERPT_CHARS).label("body"),
        ).where(Message.id.in_(latest))
    ).all()
    return {row.conversation_id: row for row in rows}


def profile_ids(conversations: list[Conversation]) -> dict[int, int]:
    """user id → profile id of every participant of these conversations (one query)."""
    users = {p.user_id for c in conversations for p in c.participants}
    if not users:
        return {}
    rows = db.session.execute(
        select(Profile.user_id, Profile.id).where(Profile.user_id.in_(users))
    ).all()
    return {user_id: profile_id for user_id, profile_id in rows}


def unread_total(viewer: Any) -> int:
    """One indexed query: the messages this person has not read, over every conversation."""
    if not getattr(viewer, "is_authenticated", False):
        return 0
    stmt = select(func.coalesce(func.sum(Participant.unread), 0)).where(
        Participant.user_id == viewer.id, Participant.unread > 0
    )
    return int(db.session.scalar(stmt) or 0)


def header_counts(viewer: Any) -> tuple[int, int]:
    """(unread notifications, unread messages) in one statement of two indexed sub-queries:
    the header of every page shows both and costs a single round trip."""
    if not getattr(viewer, "is_authenticated", False):
        return 0, 0
    notifications = (
        select(func.count(Notification.id))
        .where(Notification.user_id == viewer.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    messages = (
        select(func.coalesce(func.sum(Participant.unread), 0))
        .where(Participant.user_id == viewer.id, Participant.unread > 0)
        .scalar_subquery()
    )
    row = db.session.execute(select(notifications, messages)).one()
    return int(row[0] or 0), int(row[1] or 0)


def unread_for(viewer: Viewer, conversation: Conversation) -> int:
    for participant in conversation.participants:
        if participant.user_id == viewer.id:
            return participant.unread
    return 0


def block(actor: Viewer, conversation: Conversation) -> None:
    """Stop the other participants' new messages (done once; again changes nothing)."""
    participant_of(conversation, actor.id)
    for other in others(conversation, actor):
        if is_blocked(actor.id, other.user_id):  # type: ignore[arg-type]
            continue
        try:
            with db.session.begin_nested():  # a double click: the unique constraint decides
                db.session.add(
                    Block(
                        blocker_id=actor.id,
                        blocked_id=other.user_id,
                        conversation_id=conversation.id,
                    )
                )
        except IntegrityError:
            continue
    db.session.flush()


def unblock(actor: Viewer, conversation: Conversation) -> None:
    participant_of(conversation, actor.id)
    for other in others(conversation, actor):
        row = db.session.scalar(
            select(Block).where(Block.blocker_id == actor.id, Block.blocked_id == other.user_id)
        )
        if row is not None:
            db.session.delete(row)
    db.session.flush()


def thread_state(actor: Viewer, conversation: Conversation) -> tuple[str | None, bool]:
    """(why this participant may not reply now or None, whether they blocked the others): what
    ``reply_refusal`` and ``blocked_by_me`` tell, with one query for the blocks both ways."""
    people = others(conversation, actor)
    if not actor.is_active or any(not p.user.is_active for p in people):
        refusal: str | None = _("This account has been deleted: the conversation is closed.")
    else:
        refusal = None
    ids = [p.user_id for p in people]
    pairs = db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(
                and_(Block.blocker_id.in_(ids), Block.blocked_id == actor.id),
                and_(Block.blocker_id == actor.id, Block.blocked_id.in_(ids)),
            )
        )
    ).all()
    mine = any(blocker == actor.id for blocker, _blocked in pairs)
    if refusal is None and any(blocker != actor.id for blocker, _blocked in pairs):
        refusal = _("This person does not accept your messages.")
    return refusal, mine


def blocked_by_me(actor: Viewer, conversation: Conversation) -> bool:
    return any(is_blocked(actor.id, p.user_id) for p in others(conversation, actor))  # type: ignore[arg-type]


def export_of(user: User) -> list[dict[str, Any]]:
    """The person's conversations for "download my data": each with its subject, the other
    participants' names and every message (theirs and the others')."""
    conversations = db.session.scalars(
        select(Conversation)
        .join(Participant, Participant.conversation_id == Conversation.id)
        .where(Participant.user_id == user.id)
        .order_by(Conversation.id)
    ).all()
    ids = [c.id for c in conversations]
    messages: dict[int, list[Message]] = {i: [] for i in ids}
    if ids:
        for message in db.session.scalars(
            select(Message).where(Message.conversation_id.in_(ids)).order_by(Message.id)
        ):
            messages[message.conversation_id].append(message)
    return [
        {
            "id": c.id,
            "subject": c.subject,
            "about": {"type": c.about_type, "id": c.about_id} if c.about_type else None,
            "participants": [p.user.display_name for p in c.participants],
            "messages": [
                {
                    "author": m.author.display_name if m.author else None,
                    "body": m.body,
                    "sent_at": m.sent_at.isoformat(),
                }
                for m in messages[c.id]
            ],
        }
        for c in conversations
    ]


register_section("conversations", export_of)
