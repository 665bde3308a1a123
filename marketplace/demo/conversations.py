"""Demo conversations: the member to try has an inbox that is not empty.

Three threads (data/conversations.json), each started where people meet: the member to try
invites a person suggested for a lot of her open tender and writes to them about it; she
answers an open offer and writes to its owner before being chosen; an artisan of another CAE
writes to her from her profile (the last messages unread). Made through the operations of the
interface (invite, start, reply), with nothing sent (the notifications silenced), then dated
over the last days. A thread is found again by who started it and what it is about, so a second
run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.conversations import notify
from marketplace.conversations.models import Conversation, Message
from marketplace.conversations.operations import reply, start
from marketplace.demo.datafiles import read_json
from marketplace.demo.tenders import _person
from marketplace.extensions import db
from marketplace.profiles.models import profile_of
from marketplace.subcontracting import notify as offer_notify
from marketplace.subcontracting.models import Offer
from marketplace.subcontracting.operations import respond
from marketplace.tenders import notify as tender_notify
from marketplace.tenders.invitations import invite
from marketplace.tenders.models import Tender, TenderApplication, TenderInvitation
from marketplace.tenders.suggestions import suggestions
from marketplace.timeutil import utcnow

#: Each thread: where it starts ("tender", "offer", "profile"), its subject, how many days ago
#: its first message was sent, and the messages as (who: "starter" or "other", text).
CONVERSATIONS: list[dict[str, Any]] = read_json("conversations.json", tuples=False)
#: Between two messages of a thread.
GAP = timedelta(hours=3, minutes=17)


def load_conversations(member: User | None) -> int:
    """Create the demo threads that are missing (no e-mail, no notification); returns how many."""
    if member is None or member.profile is None or member.membership != "verified":
        return 0
    created = 0
    with notify.silenced(), tender_notify.silenced(), offer_notify.silenced():
        for spec in CONVERSATIONS:
            people = _parties(member, spec)
            if people is None:
                continue
            starter, other, about = people
            if _existing(starter, about) is None:
                _talk(starter, other, about, spec)
                created += 1
    return created


def _parties(member: User, spec: dict[str, Any]) -> tuple[User, User, dict[str, Any]] | None:
    """(who starts, who is written to, what it is about), or None if the demo lacks them."""
    if spec["from"] == "tender":
        return _from_tender(member, spec)
    if spec["from"] == "offer":
        return _from_offer(member, spec)
    other = _person(spec["skill"], other_than={member.cae_id})
    if other is None:
        return None
    return other, member, {"type": "profile", "id": profile_of(member).id}


def _from_tender(member: User, spec: dict[str, Any]) -> tuple[User, User, dict] | None:
    """The first person suggested for the lot who is neither in the team nor applying: the
    member to try invites them, then writes to them."""
    tender = db.session.scalar(
        select(Tender).where(
            Tender.owner_profile_id == profile_of(member).id, Tender.title == spec["tender"]
        )
    )
    lot = next((lot for lot in tender.lots if lot.number == spec["lot"]), None) if tender else None
    if tender is None or lot is None:
        return None
    about = {"type": "tender", "id": tender.id, "lot": lot.number}
    invited = db.session.scalar(
        select(TenderInvitation).where(TenderInvitation.tender_id == tender.id)
    )
    if invited is not None:  # loaded before: the same person
        return member, invited.invitee.user, about
    taken = {m.profile_id for m in tender.members}
    taken |= set(
        db.session.scalars(
            select(TenderApplication.applicant_profile_id).where(
                TenderApplication.tender_id == tender.id
            )
        )
    )
    ranked, _total = suggestions(member, tender, lot, 0, 20)
    chosen = next((s.candidate for s in ranked if s.candidate.profile_id not in taken), None)
    if chosen is None:
        return None
    body = {**spec["invitation"], "profile_id": chosen.profile_id, "lot_ids": [lot.id]}
    invitation = invite(member, tender, body)
    return member, invitation.invitee.user, about


def _from_offer(member: User, spec: dict[str, Any]) -> tuple[User, User, dict] | None:
    """The member to try answers an open offer (unless it is hers: then the first person who
    answered it), then writes to its owner before being chosen."""
    offer = db.session.scalar(
        select(Offer).where(Offer.title == spec["offer"], Offer.status == "open").limit(1)
    )
    if offer is None:
        return None
    about = {"type": "offer", "id": offer.id}
    owner = offer.owner.user
    if owner.id == member.id:
        first = min(offer.responses, key=lambda r: r.id, default=None)
        return (first.responder.user, member, about) if first is not None else None
    answered = any(r.responder_profile_id == profile_of(member).id for r in offer.responses)
    if not answered:
        answer = spec["response"]
        respond(
            member,
            offer,
            {"message": answer["message"], "price_cents": answer["price_euros"] * 100},
        )
    return member, owner, about


def _existing(starter: User, about: dict[str, Any]) -> Conversation | None:
    return db.session.scalar(
        select(Conversation).where(
            Conversation.started_by_id == starter.id,
            Conversation.about_type == about["type"],
            Conversation.about_id == about["id"],
        )
    )


def _talk(starter: User, other: User, about: dict[str, Any], spec: dict[str, Any]) -> None:
    (first_who, first), *rest = spec["messages"]
    assert first_who == "starter"
    conversation = start(
        starter,
        {
            "to_profile_id": profile_of(other).id,
            "subject": spec.get("subject", ""),
            "body": first,
            "about": about,
        },
    )
    for who, text in rest:
        reply(starter if who == "starter" else other, conversation, {"body": text})
    _date(conversation, spec["days_ago"])


def _date(conversation: Conversation, days_ago: int) -> None:
    """Spread the messages written just now over the days of the conversation."""
    messages = db.session.scalars(
        select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
    ).all()
    at = utcnow() - timedelta(days=days_ago)
    for message in messages:
        message.sent_at = at
        at += GAP
    sent = {message.id: message.sent_at for message in messages}
    conversation.created_at = messages[0].sent_at
    conversation.last_message_at = messages[-1].sent_at
    for participant in conversation.participants:
        participant.last_message_at = messages[-1].sent_at
        if participant.last_read_message_id is not None:
            participant.last_read_at = sent.get(participant.last_read_message_id)
    db.session.flush()
