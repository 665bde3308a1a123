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
from marketplace.audience import Audience
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
    JoinPolicy,
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
from marketplace.errors import (
    ValidationError,
)
from marketplace.extensions import db
from marketplace.geo import REGIONS
from marketplace.text import clean, clean_multiline, fold, over_limit
from marketplace.timeutil import utcnow

FIELDS = ("name", "description", "sector", "region", "audience", "join_policy")
_REGIONS_BY_KEY = {fold(name): name for name in REGIONS}


# Validation ----------------------------------------------------------------------------------


def validate_collective_input(data: Any, *, creating: bool) -> dict[str, Any]:
    """Check and normalise the writable fields (all required fields when creating)."""
    if not isinstance(data, dict):
        raise ValidationError(_("The collective must be an object."))
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS:
            errors[key] = [_("Unknown or read-only field.")]
    for key in ("name", "description", "sector"):
        if key not in data:
            continue
        value = data[key] if data[key] is not None else ""
        if not isinstance(value, str):
            errors[key] = [_("Expected text.")]
            continue
        raw, value = value, clean_multiline(value) if key == "description" else clean(value)
        if over_limit(raw, value, LIMITS[key]):
            errors[key] = [_("At most %(n)d characters.", n=LIMITS[key])]
        out[key] = value
    if creating and not out.get("name") and "name" not in errors:
        errors["name"] = [_("Give the collective a name.")]
    elif "name" in out and len(out["name"]) < 3 and "name" not in errors:
        errors["name"] = [_("At least %(n)d characters.", n=3)]
    if "region" in data:
        raw = data["region"]
        if raw in (None, ""):
            out["region"] = None
        elif not isinstance(raw, str) or fold(raw) not in _REGIONS_BY_KEY:
            errors["region"] = [_("Unknown region.")]
        else:
            out["region"] = _REGIONS_BY_KEY[fold(raw)]
    for key, allowed in (("audience", Audience.values()), ("join_policy", JoinPolicy.values())):
        if key in data:
            if data[key] not in allowed:
                errors[key] = [_("Choose one of: %(values)s.", values=", ".join(allowed))]
            else:
                out[key] = data[key]
    if errors:
        raise ValidationError(_("Some fields need your attention."), errors)
    return out


def create_collective(actor: User, data: dict[str, Any]) -> Collective:
    """A new collective; its creator is its first coordinator and its CAE the owner CAE."""
    _require_verified(actor)
    values = validate_collective_input(data, creating=True)
    collective = Collective(
        name=values["name"],
        description=values.get("description", ""),
        sector=values.get("sector", ""),
        sector_key=sector_key(values.get("sector", "")),
        region=values.get("region"),
        audience=values.get("audience", "network"),
        join_policy=values.get("join_policy", "request"),
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


def update_collective(actor: Viewer, collective: Collective, data: dict[str, Any]) -> Collective:
    """Coordinators change the description, audience or join policy."""
    _require_coordinator(collective, actor)
    values = validate_collective_input(data, creating=False)
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
    "validate_collective_input",
]
