"""Shared rules of the collectives domain: reading, roles, the activity record."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM, Viewer
from marketplace.collectives.models import (
    Collective,
    CollectiveEvent,
    CollectiveMember,
)
from marketplace.collectives.schemas import LIMITS
from marketplace.collectives.visibility import can_view_collective
from marketplace.errors import (
    NotFound,
    PermissionDenied,
    ValidationError,
)
from marketplace.extensions import db
from marketplace.text import clean_multiline
from marketplace.visibility import get_visible


class _InCollective(Protocol):
    @property
    def collective_id(self) -> int: ...


_Row = TypeVar("_Row", bound=_InCollective)


def _message(value: Any, field: str = "message") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Some fields need your attention."), {field: [_("Expected text.")]})
    text = clean_multiline(value)
    if len(text) > LIMITS["message"]:
        raise ValidationError(
            _("Some fields need your attention."),
            {field: [_("At most %(n)d characters.", n=LIMITS["message"])]},
        )
    return text


# Reading -------------------------------------------------------------------------------------


def get_collective(viewer: Viewer, collective_id: int) -> Collective:
    """The collective if this viewer may open it; NotFound otherwise (hidden looks absent)."""
    message = _("This collective does not exist or is not visible to you.")
    return get_visible(viewer, Collective, collective_id, can_view_collective, message)


def row_of(collective: Collective, model: type[_Row], row_id: int, message: str) -> _Row:
    """The ``model`` row (request, invitation, proposal) with this id in this collective;
    NotFound with ``message`` otherwise."""
    row = db.session.get(model, row_id)
    if row is None or row.collective_id != collective.id:
        raise NotFound(message)
    return row


def membership_of(collective: Collective, user: Any) -> CollectiveMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(CollectiveMember).where(
            CollectiveMember.collective_id == collective.id, CollectiveMember.user_id == user.id
        )
    )


def is_coordinator(collective: Collective, user: Any) -> bool:
    member = membership_of(collective, user)
    return member is not None and member.role == "coordinator"


def require_coordinator(collective: Collective, actor: Viewer, message: str | None = None) -> None:
    if actor is SYSTEM:  # the command line and the demo act as the site's operator
        return
    if not is_coordinator(collective, actor):
        raise PermissionDenied(message or _("Only the coordinators of the collective may do this."))


def member_accounts(
    collective_id: int, *criteria: ColumnElement[bool], order_by: Any = None
) -> list[User]:
    """The accounts of a collective's members (those meeting ``criteria``; one query)."""
    stmt = (
        select(User)
        .join(CollectiveMember, CollectiveMember.user_id == User.id)
        .where(CollectiveMember.collective_id == collective_id, *criteria)
    )
    if order_by is not None:
        stmt = stmt.order_by(order_by)
    return list(db.session.scalars(stmt).unique())


def coordinators(collective: Collective) -> list[User]:
    return member_accounts(collective.id, CollectiveMember.role == "coordinator")


def _counts(collective: Collective) -> tuple[int, int]:
    """(members, coordinators) of the collective."""
    row = db.session.execute(
        select(
            func.count(CollectiveMember.id),
            func.count(CollectiveMember.id).filter(CollectiveMember.role == "coordinator"),
        ).where(CollectiveMember.collective_id == collective.id)
    ).one()
    return int(row[0]), int(row[1])


def _record(collective: Collective, kind: str, actor: Viewer, **values: Any) -> CollectiveEvent:
    event = CollectiveEvent(
        collective_id=collective.id,
        kind=kind,
        actor_id=actor.id,
        **values,
    )
    db.session.add(event)
    return event


def _require_verified(actor: Viewer) -> None:
    if actor is SYSTEM or actor.is_admin:
        return
    if not actor.is_verified:
        raise PermissionDenied(
            _("Your CAE must verify your membership before you take part in collectives.")
        )


_require_coordinator = require_coordinator
