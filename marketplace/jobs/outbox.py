"""The queue itself: enqueue in the caller's transaction; claim, finish and retry for the worker.

Claiming is safe across worker processes and machines. On PostgreSQL a worker picks a due row
with ``FOR UPDATE SKIP LOCKED``; on every database the claim is a compare-and-set ``UPDATE … WHERE
id = :id AND <still due>``, so two workers never both win one message. A claim takes a lease
(``locked_until``): a worker killed during a delivery leaves the message in ``sending`` and, once
the lease has expired, another run claims and delivers it again (at least once, same Message-ID).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, Table, and_, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.timeutil import utcnow

M = OutboxMessage


def new_message_id() -> str:
    """A Message-ID unique without help from the ``random`` module, which a seeded caller (a
    property test, a demo) can make repeat: email.utils.make_msgid draws from it."""
    return f"<{uuid.uuid4().hex}@essaim.invalid>"


def enqueue(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the session: it exists only if the caller's transaction commits."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        message_id=new_message_id(),
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    db.session.add(message)
    return message


def enqueue_many(messages: list[tuple[str, str, str]]) -> None:
    """enqueue() for many (recipient, subject, body) at once: one multi-row INSERT (an import)."""
    now = utcnow()
    rows = [
        {"recipient": recipient, "subject": subject, "body": body, "status": "queued",
         "message_id": new_message_id(), "attempts": 0,
         "next_attempt_at": now, "created_at": now}
        for recipient, subject, body in messages
    ]  # fmt: skip
    if rows:
        db.session.execute(insert(cast(Table, OutboxMessage.__table__)), rows)


def _due(now) -> ColumnElement[bool]:
    return or_(
        and_(M.status == "queued", M.next_attempt_at <= now),
        and_(M.status == "sending", M.locked_until < now),
    )


def claim(worker: str, lease_seconds: float) -> OutboxMessage | None:
    """Claim one due message for this worker and commit the claim; None when nothing is due."""
    session = db.session
    now = utcnow()
    query = select(M.id).where(_due(now)).order_by(M.next_attempt_at, M.id)
    if session.get_bind().dialect.name == "postgresql":
        candidates = list(session.scalars(query.limit(1).with_for_update(skip_locked=True)))
    else:
        candidates = list(session.scalars(query.limit(20)))
        session.commit()  # end the read: each claim below is a short write transaction
    for message_id in candidates:
        claimed = session.execute(
            update(M)
            .where(M.id == message_id, _due(now))
            .values(
                status="sending",
                attempts=M.attempts + 1,
                locked_until=now + timedelta(seconds=lease_seconds),
                claimed_by=worker,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if cast(CursorResult, claimed).rowcount == 1:
            return session.get(M, message_id, populate_existing=True)
    session.rollback()
    return None


def _mine(message: OutboxMessage, worker: str) -> ColumnElement[bool]:
    return and_(M.id == message.id, M.status == "sending", M.claimed_by == worker)


def mark_sent(message: OutboxMessage, worker: str) -> bool:
    """Record a delivery; False if the lease was lost meanwhile (another worker took over)."""
    done = db.session.execute(
        update(M)
        .where(_mine(message, worker))
        # The body (links with tokens, personal news) is not kept once delivered.
        .values(status="sent", sent_at=utcnow(), locked_until=None, last_error=None, body="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return cast(CursorResult, done).rowcount == 1


def mark_failed_attempt(
    message: OutboxMessage, worker: str, error: str, max_attempts: int, retry_seconds: float
) -> str:
    """Queue a retry after an exponential backoff, or give up after the last try; the new status."""
    status = "failed" if message.attempts >= max_attempts else "queued"
    delay = retry_seconds * 2 ** max(message.attempts - 1, 0)
    db.session.execute(
        update(M)
        .where(_mine(message, worker))
        .values(
            status=status,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
            locked_until=None,
            last_error=error[:1000],
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return status
