"""Reports: a participant tells the administrators about a message; they see that message (and
its author and the reason), nothing else of the conversation, and mark the report reviewed."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.conversations import notify
from marketplace.conversations.models import Message, Report
from marketplace.conversations.operations import participant_of
from marketplace.conversations.schemas import ReportInput
from marketplace.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.statemachine import change_state
from marketplace.timeutil import utcnow

#: open → closed, by an administrator.
TRANSITIONS = {("open", "closed"): "admin"}


def report(actor: Viewer, conversation: Any, data: ReportInput | dict[str, Any]) -> Report:
    """A participant reports a message of another participant of this conversation (once)."""
    participant_of(conversation, actor.id)
    body = data if isinstance(data, ReportInput) else ReportInput.load(data)
    message = db.session.get(Message, body.message_id)
    if message is None or message.conversation_id != conversation.id:
        text = _("This message is not in this conversation.")
        raise ValidationError(text, {"message_id": [text]})
    if message.author_id == actor.id:
        text = _("You cannot report your own message.")
        raise ValidationError(text, {"message_id": [text]})
    existing = _existing(message.id, actor.id)  # type: ignore[arg-type]
    if existing is not None:
        return existing
    row = Report(message_id=message.id, reporter_id=actor.id, reason=body.reason)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same report at the same time: the first one stands
        found = _existing(message.id, actor.id)  # type: ignore[arg-type]
        assert found is not None
        return found
    admins = db.session.scalars(
        select(User).where(User.role == "admin", User.is_active.is_(True))
    ).all()
    for admin in admins:
        notify.reported(admin, actor)
    db.session.flush()
    return row


def _existing(message_id: int, reporter_id: int) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.message_id == message_id, Report.reporter_id == reporter_id)
    )


def _require_admin(actor: Viewer) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators review reports."))


def reports(actor: Viewer, state: str, page: int, per_page: int) -> tuple[list[Report], int]:
    """The reports in a state, latest first (administrators)."""
    _require_admin(actor)
    stmt = select(Report).where(Report.state == state)
    return paginate(stmt.order_by(Report.created_at.desc(), Report.id.desc()), page, per_page)


def review(actor: Viewer, report_id: int) -> Report:
    """An administrator marks a report reviewed (one winner if two click)."""
    _require_admin(actor)
    row = db.session.get(Report, report_id)
    if row is None:
        raise NotFound(_("This report does not exist."))
    done = InvalidTransition(_("This report has already been reviewed."))
    if TRANSITIONS.get((row.state, "closed")) is None:
        raise done
    change_state(
        row, "state", "open", "closed", done, reviewed_at=utcnow(), reviewed_by_id=actor.id
    )
    db.session.flush()
    return row
