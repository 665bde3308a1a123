"""What administrators do with the outbox: see the messages that could not be sent, send again."""

from __future__ import annotations

from typing import cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, Select, func, select, update

from marketplace.actors import Viewer
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.timeutil import utcnow


def _require_admin(actor: Viewer) -> None:
    if not actor.is_authenticated or not actor.is_admin:
        raise PermissionDenied(_("Only administrators can open this page."))


def failed_messages(actor: Viewer) -> Select:
    """The messages given up after their last try, newest first (administrators only)."""
    _require_admin(actor)
    return (
        select(OutboxMessage)
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )


def outbox_counts(actor: Viewer) -> dict[str, int]:
    """How many messages are in each status (administrators only)."""
    _require_admin(actor)
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {status: count for status, count in rows}


def requeue(actor: Viewer, message_id: int) -> None:
    """Send a failed message again: a fresh series of tries, due at once (one winner per race)."""
    _require_admin(actor)
    if db.session.get(OutboxMessage, message_id) is None:
        raise NotFound(_("This message does not exist."))
    moved = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
        .values(
            status="queued",
            attempts=0,
            next_attempt_at=utcnow(),
            locked_until=None,
            claimed_by=None,
        )
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, moved).rowcount != 1:
        raise Conflict(_("Only a message that could not be sent can be sent again."))
