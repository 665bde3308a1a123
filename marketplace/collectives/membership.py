"""Membership of collectives: join, requests, invitations, leave, removal and roles.

The state machines of requests and invitations are the tables below (who may make each move);
every move is recorded in ``collective_events`` (who, when, from, to).
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import Select, delete, select

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM, Viewer
from marketplace.collectives.models import (
    Collective,
    CollectiveMember,
    Decision,
    Invitation,
    JoinRequest,
    Vote,
)
from marketplace.collectives.notify import collective_path, notify
from marketplace.collectives.rules import (
    _counts,
    _message,
    _record,
    _require_coordinator,
    _require_verified,
    coordinators,
    membership_of,
    row_of,
)
from marketplace.collectives.visibility import can_view_collective
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from marketplace.events import account_deleting
from marketplace.extensions import db
from marketplace.statemachine import change_state, insert_once
from marketplace.timeutil import utcnow

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


# Joining -------------------------------------------------------------------------------------


_Pending = TypeVar("_Pending", JoinRequest, Invitation)


def _pending(model: type[JoinRequest] | type[Invitation], collective: Collective) -> Select[Any]:
    """The pending requests or invitations of a collective."""
    return select(model).where(model.collective_id == collective.id, model.state == "pending")


def _oldest_first(model: type[_Pending], collective: Collective) -> list[_Pending]:
    """The pending requests or invitations of a collective, the oldest first."""
    return list(db.session.scalars(_pending(model, collective).order_by(model.created_at)))


def pending_request_of(collective: Collective, user: Any) -> JoinRequest | None:
    return db.session.scalar(
        _pending(JoinRequest, collective).where(JoinRequest.user_id == user.id)
    )


def pending_invitation_of(collective: Collective, user: Any) -> Invitation | None:
    return db.session.scalar(_pending(Invitation, collective).where(Invitation.user_id == user.id))


def _answer(row: JoinRequest | Invitation, transitions: dict, to_state: str, answered: str) -> None:
    """Move a pending request or invitation to ``to_state`` once; InvalidTransition with the
    message ``answered`` when it was answered already (before or concurrently)."""
    if transitions.get((row.state, to_state)) is None:
        raise InvalidTransition(answered)
    change_state(
        row, "state", "pending", to_state, InvalidTransition(answered), decided_at=utcnow()
    )


def _add_member(collective: Collective, user: User, actor: Viewer, kind: str, **event: Any):
    members, _coordinators = _counts(collective)
    # Nobody left: the first to come back looks after the collective.
    role = "coordinator" if members == 0 else "member"
    member = CollectiveMember(collective_id=collective.id, user_id=user.id, role=role)
    insert_once(member, Conflict(_("This person is already a member of the collective.")))
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
    if pending_request_of(collective, actor) is not None:
        raise Conflict(_("Your request to join this collective is already waiting for an answer."))
    invitation = pending_invitation_of(collective, actor)
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
    already = _("Your request to join this collective is already waiting for an answer.")
    insert_once(request, Conflict(already))
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


def _cancel(
    actor: Viewer,
    row: JoinRequest | Invitation,
    transitions: dict,
    answered: str,
    kind: str,
    **event: Any,
) -> None:
    """Withdraw a pending request or cancel a pending invitation; record it as ``kind``."""
    _answer(row, transitions, "cancelled", answered)
    _record(row.collective, kind, actor, from_state="pending", to_state="cancelled", **event)
    db.session.flush()


def get_request(collective: Collective, request_id: int) -> JoinRequest:
    return row_of(collective, JoinRequest, request_id, _("This request does not exist."))


def decide_request(
    actor: Viewer, request: JoinRequest, approve: bool, answer: str = ""
) -> JoinRequest:
    """A coordinator approves or refuses a pending request (a history row records it)."""
    collective = request.collective
    to_state = "approved" if approve else "refused"
    if REQUEST_TRANSITIONS.get((request.state, to_state)) is None:
        raise InvalidTransition(_("This request has already been answered."))
    _require_coordinator(collective, actor, _("Only the coordinators decide on requests."))
    text = _message(answer, "answer")
    from_state = request.state
    change_state(
        request,
        "state",
        from_state,
        to_state,
        InvalidTransition(_("This request has already been answered.")),
        decided_at=utcnow(),
        decided_by_id=actor.id,
        answer=text,
    )
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
    answered = _("This request has already been answered.")
    event = {"subject_id": actor.id, "request_id": request.id}
    _cancel(actor, request, REQUEST_TRANSITIONS, answered, "request_cancelled", **event)
    return request


def pending_requests(collective: Collective) -> list[JoinRequest]:
    return _oldest_first(JoinRequest, collective)


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


def invite(
    actor: Viewer, collective: Collective, invitee: User | None, message: str = ""
) -> Invitation:
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
    if pending_invitation_of(collective, invitee) is not None:
        raise Conflict(_("This person has already been invited."))
    invitation = Invitation(
        collective_id=collective.id,
        user_id=invitee.id,
        invited_by_id=actor.id,
        message=text,
    )
    insert_once(invitation, Conflict(_("This person has already been invited.")))
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
        person=actor.display_name if actor is not SYSTEM else "Essaim",
        collective=collective.name,
    )
    db.session.flush()
    return invitation


def get_invitation(collective: Collective, invitation_id: int) -> Invitation:
    return row_of(collective, Invitation, invitation_id, _("This invitation does not exist."))


def respond_invitation(actor: User, invitation: Invitation, accept: bool) -> Invitation:
    """The invitee accepts or declines."""
    if invitation.user_id != actor.id:
        raise NotFound(_("This invitation does not exist."))
    to_state = "accepted" if accept else "declined"
    collective = invitation.collective
    answered = _("This invitation has already been answered.")
    _answer(invitation, INVITATION_TRANSITIONS, to_state, answered)
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


def cancel_invitation(actor: Viewer, invitation: Invitation) -> Invitation:
    _require_coordinator(invitation.collective, actor)
    answered = _("This invitation has already been answered.")
    event = {"subject_id": invitation.user_id, "invitation_id": invitation.id}
    _cancel(actor, invitation, INVITATION_TRANSITIONS, answered, "invitation_cancelled", **event)
    return invitation


def pending_invitations(collective: Collective) -> list[Invitation]:
    return _oldest_first(Invitation, collective)


# Leaving, removal, roles ---------------------------------------------------------------------


def _drop_open_votes(collective: Collective, user_id: int) -> None:
    """A person who leaves no longer counts in the votes still open."""
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


def _part(actor: Viewer, collective: Collective, member: CollectiveMember, kind: str) -> None:
    """The member goes (``kind``: left, or removed by a coordinator), unless the collective
    would be left without a coordinator; their votes on the open proposals go with them."""
    _check_keeps_a_coordinator(collective, member)
    user_id = member.user_id
    db.session.delete(member)
    _drop_open_votes(collective, user_id)
    _record(collective, kind, actor, subject_id=user_id, from_state=member.role)
    collective.updated_at = utcnow()
    db.session.flush()


def leave(actor: User, collective: Collective) -> None:
    member = membership_of(collective, actor)
    if member is None:
        raise Conflict(_("You are not a member of this collective."))
    _part(actor, collective, member, "left")


def remove_member(actor: Viewer, collective: Collective, user: User) -> None:
    _require_coordinator(collective, actor, _("Only the coordinators remove members."))
    member = membership_of(collective, user)
    if member is None:
        raise NotFound(_("This person is not a member of the collective."))
    if actor is not SYSTEM and user.id == actor.id:
        leave(user, collective)
        return
    _part(actor, collective, member, "removed")


def set_role(actor: Viewer, collective: Collective, user: User, role: str) -> CollectiveMember:
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


@account_deleting.connect
def leave_all(user: User, **_extra: Any) -> None:
    """The person deletes their account: they leave every collective; a last coordinator hands
    over to the longest-standing member first."""
    rows = db.session.scalars(
        select(CollectiveMember).where(CollectiveMember.user_id == user.id)
    ).all()
    for row in rows:
        collective = db.session.get_one(Collective, row.collective_id)
        if row.role == "coordinator":
            others = db.session.scalars(
                select(CollectiveMember)
                .where(
                    CollectiveMember.collective_id == collective.id,
                    CollectiveMember.user_id != user.id,
                )
                .order_by(CollectiveMember.id)
            ).all()
            if others and not any(o.role == "coordinator" for o in others):
                set_role(user, collective, others[0].user, "coordinator")
        leave(user, collective)
