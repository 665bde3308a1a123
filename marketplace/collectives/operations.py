"""Collectives: creation, changes and membership (join, requests, invitations, leave, removal).

Rules kept here, for every caller (pages, API, command line, demo):
- only verified members of a CAE (and admins) create or join collectives;
- only coordinators decide requests, invite, remove and change roles;
- a collective always keeps a coordinator while it has members;
- a ``cae`` collective only has members of its owner CAE (nobody else can see it).
The state machines of requests and invitations are in membership.py; every move is recorded
in ``collective_events`` (who, when, from, to) and shows in the collective's activity.

This module is the domain's entry point: it re-exports the membership operations
(membership.py) and the shared rules (rules.py), so callers use ``operations`` alone.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.collectives.membership import (
    INVITATION_TRANSITIONS,
    REQUEST_TRANSITIONS,
    cancel_invitation,
    cancel_request,
    decide_request,
    decided_requests,
    get_invitation,
    get_request,
    invite,
    join,
    leave,
    pending_invitation_of,
    pending_invitations,
    pending_request_of,
    pending_requests,
    remove_member,
    respond_invitation,
    set_role,
)
from marketplace.collectives.models import (
    Collective,
    CollectiveMember,
)
from marketplace.collectives.rules import (
    LIMITS,
    _record,
    _require_coordinator,
    _require_verified,
    coordinators,
    get_collective,
    is_coordinator,
    membership_of,
    require_coordinator,
)
from marketplace.collectives.schemas import CollectiveInput
from marketplace.errors import (
    ValidationError,
)
from marketplace.extensions import db
from marketplace.text import fold
from marketplace.timeutil import utcnow

FIELDS = tuple(CollectiveInput.model_fields)


def create_collective(actor: User, data: CollectiveInput | dict[str, Any]) -> Collective:
    """A new collective; its creator is its first coordinator and its CAE the owner CAE.
    ``data``: a checked CollectiveInput, or what to check with it."""
    _require_verified(actor)
    values = data if isinstance(data, CollectiveInput) else CollectiveInput.load(data)
    collective = Collective(
        name=values.name,
        description=values.description,
        sector=values.sector,
        sector_key=sector_key(values.sector),
        region=values.region,
        audience=values.audience,
        join_policy=values.join_policy,
        cae_id=actor.cae_id,
        created_by_id=actor.id,
    )
    db.session.add(collective)
    db.session.flush()
    db.session.add(
        CollectiveMember(collective_id=collective.id, user_id=actor.id, role="coordinator")
    )
    _record(collective, "created", actor, subject_id=actor.id, to_state="coordinator")
    db.session.flush()
    return collective


def update_collective(
    actor: Viewer, collective: Collective, data: CollectiveInput | dict[str, Any]
) -> Collective:
    """Coordinators change the description, audience or join policy. ``data``: the fields
    given, checked by CollectiveInput (partial), or what to check with it."""
    _require_coordinator(collective, actor)
    if not isinstance(data, CollectiveInput):
        data = CollectiveInput.load(data, partial=True)
    values = data.given()
    if values.get("audience") == "cae" and collective.audience != "cae":
        outsiders = db.session.scalar(
            select(func.count(CollectiveMember.id))
            .join(User, User.id == CollectiveMember.user_id)
            .where(
                CollectiveMember.collective_id == collective.id,
                or_(User.cae_id.is_(None), User.cae_id != collective.cae_id),
            )
        )
        if outsiders:
            raise ValidationError(
                _("Some fields need your attention."),
                {
                    "audience": [
                        _(
                            "Members of other CAEs belong to this collective: it cannot "
                            "be limited to one CAE."
                        )
                    ]
                },
            )
    for key, value in values.items():
        setattr(collective, key, value)
    if "sector" in values:
        collective.sector_key = sector_key(values["sector"])
    collective.updated_at = utcnow()
    db.session.flush()
    return collective


def sector_key(sector: str) -> str:
    """The folded sector used by filters (folding may lengthen: œ → oe; the column has 80)."""
    return fold(sector)[: LIMITS["sector"]]


__all__ = [
    "FIELDS",
    "INVITATION_TRANSITIONS",
    "LIMITS",
    "REQUEST_TRANSITIONS",
    "cancel_invitation",
    "cancel_request",
    "coordinators",
    "create_collective",
    "decide_request",
    "decided_requests",
    "get_collective",
    "get_invitation",
    "get_request",
    "invite",
    "is_coordinator",
    "join",
    "leave",
    "membership_of",
    "pending_invitation_of",
    "pending_invitations",
    "pending_request_of",
    "pending_requests",
    "remove_member",
    "require_coordinator",
    "respond_invitation",
    "set_role",
    "update_collective",
]
