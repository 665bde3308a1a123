"""What administrators do with the outbox: see the messages that could not be sent, send again."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update

from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.timeutil import utcnow


def _require_admin(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only administrators can open this page."))


def failed_messages(actor: Any) -> Select:
    """The messages given up after their last try, newest first (administrators only)."""
    _require_admin(actor)
    return (
        select(OutboxMessage)
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )


def outbox_counts(actor: Any) -> dict[str, int]:
    """How many messages are in each status (administrators only)."""
    _require_admin(actor)
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {status: count for status, count in rows}


def requeue(actor: Any, message_id: int) -> None:
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
    if moved.rowcount != 1:
        raise Conflict(_("Only a message that could not be sent can be sent again."))
