"""Collectives: creation, changes and membership (join, requests, invitations, leave, removal).

Rules kept here, for every caller (pages, API, command line, demo):
- only verified members of a CAE (and admins) create or join collectives;
- only coordinators decide requests, invite, remove and change roles;
- a collective always keeps a coordinator while it has members;
- a ``cae`` collective only has members of its owner CAE (nobody else can see it).
The state machines of requests and invitations are the tables below; every move is recorded
in ``collective_events`` (who, when, from, to) and shows in the collective's activity.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.collectives.models import (
    AUDIENCES,
    JOIN_POLICIES,
    Collective,
    CollectiveEvent,
    CollectiveMember,
    Invitation,
    JoinRequest,
)
from marketplace.collectives.notify import collective_path, notify
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from marketplace.extensions import db
from marketplace.geo import REGIONS
from marketplace.text import clean, clean_multiline, fold
from marketplace.timeutil import utcnow
from marketplace.visibility import can_view_collective

LIMITS = {"name": 120, "description": 5000, "sector": 80, "message": 1000}
FIELDS = ("name", "description", "sector", "region", "audience", "join_policy")
_REGIONS_BY_KEY = {fold(name): name for name in REGIONS}

#: (from, to) → who may make the move.
REQUEST_TRANSITIONS = {
    ("pending", "approved"): "coordinator",
    ("pending", "refused"): "coordinator",
    ("pending", "cancelled"): "requester",
}
INVITATION_TRANSITIONS = {
    ("pending", "accepted"): "invitee",
    ("pending", "declined"): "invitee",
    ("pending", "cancelled"): "coordinator",
}


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
        value = clean_multiline(value) if key == "description" else clean(value)
        if len(value) > LIMITS[key]:
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
    for key, allowed in (("audience", AUDIENCES), ("join_policy", JOIN_POLICIES)):
        if key in data:
            if data[key] not in allowed:
                errors[key] = [_("Choose one of: %(values)s.", values=", ".join(allowed))]
            else:
                out[key] = data[key]
    if errors:
        raise ValidationError(_("Some fields need your attention."), errors)
    return out


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


def get_collective(viewer: Any, collective_id: int) -> Collective:
    """The collective if this viewer may open it; NotFound otherwise (hidden looks absent)."""
    collective = db.session.get(Collective, collective_id)
    if collective is None or not can_view_collective(viewer, collective):
        raise NotFound(_("This collective does not exist or is not visible to you."))
    return collective


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


def _require_coordinator(collective: Collective, actor: Any, message: str | None = None) -> None:
    if actor is None:  # the command line and the demo act as the site's operator
        return
    if not is_coordinator(collective, actor):
        raise PermissionDenied(message or _("Only the coordinators of the collective may do this."))


def coordinators(collective: Collective) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CollectiveMember, CollectiveMember.user_id == User.id)
            .where(
                CollectiveMember.collective_id == collective.id,
                CollectiveMember.role == "coordinator",
            )
        )
    )


def _counts(collective: Collective) -> tuple[int, int]:
    """(members, coordinators) of the collective."""
    row = db.session.execute(
        select(
            func.count(CollectiveMember.id),
            func.count(CollectiveMember.id).filter(CollectiveMember.role == "coordinator"),
        ).where(CollectiveMember.collective_id == collective.id)
    ).one()
    return int(row[0]), int(row[1])


def _record(collective: Collective, kind: str, actor: Any, **values: Any) -> CollectiveEvent:
    event = CollectiveEvent(
        collective_id=collective.id,
        kind=kind,
        actor_id=getattr(actor, "id", None),
        **values,
    )
    db.session.add(event)
    return event


# Creating and changing -----------------------------------------------------------------------


def _require_verified(actor: Any) -> None:
    if actor is None or actor.is_admin:
        return
    if not actor.is_verified:
        raise PermissionDenied(
            _("Your CAE must verify your membership before you take part in collectives.")
        )


def create_collective(actor: User, data: dict[str, Any]) -> Collective:
    """A new collective; its creator is its first coordinator and its CAE the owner CAE."""
    _require_verified(actor)
    values = validate_collective_input(data, creating=True)
    collective = Collective(
        name=values["name"],
        description=values.get("description", ""),
        sector=values.get("sector", ""),
        sector_key=fold(values.get("sector", "")),
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


def update_collective(actor: Any, collective: Collective, data: dict[str, Any]) -> Collective:
    """Coordinators change the description, audience or join policy."""
    _require_coordinator(collective, actor)
    values = validate_collective_input(data, creating=False)
    if values.get("audience") == "cae" and collective.audience != "cae":
        outsiders = db.session.scalar(
            select(func.count(CollectiveMember.id))
            .join(User, User.id == CollectiveMember.user_id)
            .where(
                CollectiveMember.collective_id == collective.id,
                or_null_ne(User.cae_id, collective.cae_id),
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
        collective.sector_key = fold(values["sector"])
    collective.updated_at = utcnow()
    db.session.flush()
    return collective


def or_null_ne(column, value):
    """column differs from value, a NULL counting as different."""
    from sqlalchemy import or_

    return or_(column.is_(None), column != value)


# Joining -------------------------------------------------------------------------------------


def _pending_request(collective: Collective, user: Any) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.collective_id == collective.id,
            JoinRequest.user_id == user.id,
            JoinRequest.state == "pending",
        )
    )


def _pending_invitation(collective: Collective, user: Any) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(
            Invitation.collective_id == collective.id,
            Invitation.user_id == user.id,
            Invitation.state == "pending",
        )
    )


def _add_member(collective: Collective, user: User, actor: Any, kind: str, **event: Any):
    members, _coordinators = _counts(collective)
    # Nobody left: the first to come back looks after the collective.
    role = "coordinator" if members == 0 else "member"
    member = CollectiveMember(collective_id=collective.id, user_id=user.id, role=role)
    db.session.add(member)
    _record(collective, kind, actor, subject_id=user.id, **event)
    collective.updated_at = utcnow()
    db.session.flush()
    return member


def join(actor: User, collective: Collective, message: str | None = None) -> dict[str, Any]:
    """Join an open collective, or ask to join one "on request".

    Returns {"state": "member"} or {"state": "pending", "request": JoinRequest}.
    """
    _require_verified(actor)
    if not can_view_collective(actor, collective):
        raise NotFound(_("This collective does not exist or is not visible to you."))
    if membership_of(collective, actor) is not None:
        raise Conflict(_("You are already a member of this collective."))
    if _pending_request(collective, actor) is not None:
        raise Conflict(_("Your request to join this collective is already waiting for an answer."))
    invitation = _pending_invitation(collective, actor)
    if invitation is not None:  # invited already: joining accepts the invitation
        respond_invitation(actor, invitation, accept=True)
        return {"state": "member"}
    text = _message(message)
    if collective.join_policy == "open":
        _add_member(collective, actor, actor, "joined", to_state="member")
        return {"state": "member"}
    if collective.join_policy == "invitation":
        raise PermissionDenied(_("This collective admits new members by invitation only."))
    request = JoinRequest(collective_id=collective.id, user_id=actor.id, message=text)
    db.session.add(request)
    db.session.flush()
    _record(
        collective,
        "requested",
        actor,
        subject_id=actor.id,
        request_id=request.id,
        to_state="pending",
        note=text,
    )
    for coordinator in coordinators(collective):
        notify(
            coordinator,
            "collective.join_request",
            collective_path(collective.id, "demandes"),
            person=actor.display_name,
            collective=collective.name,
        )
    db.session.flush()
    return {"state": "pending", "request": request}


def get_request(collective: Collective, request_id: int) -> JoinRequest:
    request = db.session.get(JoinRequest, request_id)
    if request is None or request.collective_id != collective.id:
        raise NotFound(_("This request does not exist."))
    return request


def decide_request(
    actor: Any, request: JoinRequest, approve: bool, answer: str = ""
) -> JoinRequest:
    """A coordinator approves or refuses a pending request (a history row records it)."""
    collective = request.collective
    to_state = "approved" if approve else "refused"
    if REQUEST_TRANSITIONS.get((request.state, to_state)) is None:
        raise InvalidTransition(_("This request has already been answered."))
    _require_coordinator(collective, actor, _("Only the coordinators decide on requests."))
    text = _message(answer, "answer")
    from_state = request.state
    request.state = to_state
    request.decided_at = utcnow()
    request.decided_by_id = getattr(actor, "id", None)
    request.answer = text
    event = {"request_id": request.id, "from_state": from_state, "to_state": to_state, "note": text}
    if approve and membership_of(collective, request.user) is None:
        _add_member(collective, request.user, actor, "request_approved", **event)
    else:
        _record(collective, f"request_{to_state}", actor, subject_id=request.user_id, **event)
    notify(
        request.user,
        f"collective.request_{to_state}",
        collective_path(collective.id),
        collective=collective.name,
    )
    db.session.flush()
    return request


def cancel_request(actor: User, request: JoinRequest) -> JoinRequest:
    if request.user_id != actor.id:
        raise PermissionDenied(_("Only the person who asked may withdraw a request."))
    if REQUEST_TRANSITIONS.get((request.state, "cancelled")) is None:
        raise InvalidTransition(_("This request has already been answered."))
    request.state, request.decided_at = "cancelled", utcnow()
    _record(
        request.collective,
        "request_cancelled",
        actor,
        subject_id=actor.id,
        request_id=request.id,
        from_state="pending",
        to_state="cancelled",
    )
    db.session.flush()
    return request


def pending_requests(collective: Collective) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.collective_id == collective.id, JoinRequest.state == "pending")
            .order_by(JoinRequest.created_at)
        )
    )


def decided_requests(collective: Collective, limit: int = 20) -> list[JoinRequest]:
    """The history of answered requests, latest first (who decided, when, what was said)."""
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.collective_id == collective.id, JoinRequest.state != "pending")
            .order_by(JoinRequest.decided_at.desc(), JoinRequest.id.desc())
            .limit(limit)
        )
    )


# Invitations ---------------------------------------------------------------------------------


def invite(actor: Any, collective: Collective, invitee: User, message: str = "") -> Invitation:
    """A coordinator invites someone who can see the collective."""
    _require_coordinator(collective, actor, _("Only the coordinators invite new members."))
    text = _message(message)
    if invitee is None or not invitee.is_active:
        raise ValidationError(
            _("Some fields need your attention."), {"invitee": [_("Unknown person.")]}
        )
    if not invitee.is_admin and (
        not invitee.is_verified or not can_view_collective(invitee, collective)
    ):
        raise ValidationError(
            _("Some fields need your attention."),
            {
                "invitee": [
                    _(
                        "This person cannot see this collective (its audience or their "
                        "membership of a CAE does not allow it)."
                    )
                ]
            },
        )
    if membership_of(collective, invitee) is not None:
        raise Conflict(_("This person is already a member of the collective."))
    if _pending_invitation(collective, invitee) is not None:
        raise Conflict(_("This person has already been invited."))
    invitation = Invitation(
        collective_id=collective.id,
        user_id=invitee.id,
        invited_by_id=getattr(actor, "id", None),
        message=text,
    )
    db.session.add(invitation)
    db.session.flush()
    _record(
        collective,
        "invited",
        actor,
        subject_id=invitee.id,
        invitation_id=invitation.id,
        to_state="pending",
        note=text,
    )
    notify(
        invitee,
        "collective.invitation",
        collective_path(collective.id, "invitation"),
        person=actor.display_name if actor is not None else "Essaim",
        collective=collective.name,
    )
    db.session.flush()
    return invitation


def get_invitation(collective: Collective, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.collective_id != collective.id:
        raise NotFound(_("This invitation does not exist."))
    return invitation


def respond_invitation(actor: User, invitation: Invitation, accept: bool) -> Invitation:
    """The invitee accepts or declines."""
    if invitation.user_id != actor.id:
        raise NotFound(_("This invitation does not exist."))
    to_state = "accepted" if accept else "declined"
    if INVITATION_TRANSITIONS.get((invitation.state, to_state)) is None:
        raise InvalidTransition(_("This invitation has already been answered."))
    collective = invitation.collective
    invitation.state, invitation.decided_at = to_state, utcnow()
    event = {"invitation_id": invitation.id, "from_state": "pending", "to_state": to_state}
    if accept and membership_of(collective, actor) is None:
        _add_member(collective, actor, actor, "invitation_accepted", **event)
    else:
        _record(collective, f"invitation_{to_state}", actor, subject_id=actor.id, **event)
    if invitation.invited_by is not None:
        notify(
            invitation.invited_by,
            "collective.invitation_answered",
            collective_path(collective.id),
            person=actor.display_name,
            collective=collective.name,
            answer=_("accepted") if accept else _("declined"),
        )
    db.session.flush()
    return invitation


def cancel_invitation(actor: Any, invitation: Invitation) -> Invitation:
    collective = invitation.collective
    _require_coordinator(collective, actor)
    if INVITATION_TRANSITIONS.get((invitation.state, "cancelled")) is None:
        raise InvalidTransition(_("This invitation has already been answered."))
    invitation.state, invitation.decided_at = "cancelled", utcnow()
    _record(
        collective,
        "invitation_cancelled",
        actor,
        subject_id=invitation.user_id,
        invitation_id=invitation.id,
        from_state="pending",
        to_state="cancelled",
    )
    db.session.flush()
    return invitation


def pending_invitations(collective: Collective) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.collective_id == collective.id, Invitation.state == "pending")
            .order_by(Invitation.created_at)
        )
    )


# Leaving, removal, roles ---------------------------------------------------------------------


def _drop_open_votes(collective: Collective, user_id: int) -> None:
    """A person who leaves no longer counts in the votes still open."""
    from sqlalchemy import delete

    from marketplace.collectives.models import Decision, Vote

    open_ids = select(Decision.id).where(
        Decision.collective_id == collective.id, Decision.closes_at > utcnow()
    )
    db.session.execute(delete(Vote).where(Vote.user_id == user_id, Vote.decision_id.in_(open_ids)))


def _check_keeps_a_coordinator(collective: Collective, member: CollectiveMember) -> None:
    members, coordinators_count = _counts(collective)
    if member.role == "coordinator" and coordinators_count <= 1 and members > 1:
        raise Conflict(
            _("The collective needs a coordinator: name another coordinator before leaving.")
        )


def leave(actor: User, collective: Collective) -> None:
    member = membership_of(collective, actor)
    if member is None:
        raise Conflict(_("You are not a member of this collective."))
    _check_keeps_a_coordinator(collective, member)
    db.session.delete(member)
    _drop_open_votes(collective, actor.id)
    _record(collective, "left", actor, subject_id=actor.id, from_state=member.role)
    collective.updated_at = utcnow()
    db.session.flush()


def remove_member(actor: Any, collective: Collective, user: User) -> None:
    _require_coordinator(collective, actor, _("Only the coordinators remove members."))
    member = membership_of(collective, user)
    if member is None:
        raise NotFound(_("This person is not a member of the collective."))
    if actor is not None and user.id == actor.id:
        leave(actor, collective)
        return
    _check_keeps_a_coordinator(collective, member)
    db.session.delete(member)
    _drop_open_votes(collective, user.id)
    _record(collective, "removed", actor, subject_id=user.id, from_state=member.role)
    collective.updated_at = utcnow()
    db.session.flush()


def set_role(actor: Any, collective: Collective, user: User, role: str) -> CollectiveMember:
    _require_coordinator(collective, actor)
    if role not in ("coordinator", "member"):
        raise ValidationError(
            _("Some fields need your attention."),
            {"role": [_("Choose one of: %(values)s.", values="coordinator, member")]},
        )
    member = membership_of(collective, user)
    if member is None:
        raise NotFound(_("This person is not a member of the collective."))
    if member.role == role:
        return member
    if role == "member":
        _members, coordinators_count = _counts(collective)
        if coordinators_count <= 1:
            raise Conflict(_("The collective needs at least one coordinator."))
    _record(
        collective, "role_changed", actor, subject_id=user.id, from_state=member.role, to_state=role
    )
    member.role = role
    db.session.flush()
    return member
