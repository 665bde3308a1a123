"""Who may read a conversation: its participants, and nobody else.

Managers and administrators are no exception (404, as for any hidden object); an administrator
sees a reported message, and only that message, through the reports (conversations/reports.py).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, select

from marketplace.actors import Viewer
from marketplace.conversations.models import Conversation, Participant


def can_view_conversation(viewer: Viewer, conversation: Conversation) -> bool:
    if not viewer.is_authenticated:
        return False
    return any(p.user_id == viewer.id for p in conversation.participants)


def conversation_visibility_clause(viewer: Viewer) -> ColumnElement[bool]:
    if not viewer.is_authenticated:
        return false()
    return exists().where(
        Participant.conversation_id == Conversation.id, Participant.user_id == viewer.id
    )


def visible_conversations(viewer: Viewer):
    """SELECT of the conversations this viewer takes part in."""
    return select(Conversation).where(conversation_visibility_clause(viewer))
