"""Tender invitations: the owner asks a person (from the suggestions) to join the team on some
lots with a role; the invitee accepts (they join the team exactly as with an accepted
application) or declines.

``INVITATION_TRANSITIONS``: pending → accepted or declined, by the invitee. The answer is a
compare-and-set from ``pending`` (one winner), taken after the tender's row lock, as every
change of the team.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.actors import Viewer
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationError,
)
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from marketplace.statemachine import insert_once
from marketplace.tenders import notify
from marketplace.tenders.invitation_schemas import TenderInvitationCreate
from marketplace.tenders.models import Tender, TenderInvitation, TenderMember
from marketplace.tenders.operations import (
    _record,
    _require_owner,
    _require_team_open,
    answer_request,
    chosen_lots,
    has_applied,
    is_owner,
)
from marketplace.tenders.visibility import can_view_tender
from marketplace.visibility import can_view_profile, own_profile

#: from → {to: who may make the move}.
INVITATION_TRANSITIONS: dict[str, dict[str, str]] = {
    "pending": {"accepted": "invitee", "declined": "invitee"},
    "accepted": {},
    "declined": {},
}


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(_("Some fields need your attention."), {field: [message]})


def invite(
    actor: Viewer, tender: Tender, data: TenderInvitationCreate | dict[str, Any]
) -> TenderInvitation:
    """The owner invites a person they may see to some lots (one invitation per person)."""
    _require_owner(actor, tender)
    body = data if isinstance(data, TenderInvitationCreate) else TenderInvitationCreate.load(data)
    profile = db.session.get(Profile, body.profile_id)
    if profile is None or not profile.user.is_active or not can_view_profile(actor, profile):
        raise NotFound(_("This profile does not exist or is not visible to you."))
    if tender.status != "open":
        raise Conflict(_("This tender no longer takes new members."))
    _require_team_open(tender)  # the offers' deadline, or the applications' in two phases
    if any(m.profile_id == profile.id for m in tender.members):
        raise Conflict(_("This person is already in the team."))
    if not profile.user.is_verified or not can_view_tender(profile.user, tender):
        raise _invalid("profile_id", _("This person cannot see this tender."))
    if _invitation_of(tender, profile.id) is not None:
        raise Conflict(_("This person has already been invited."))
    if has_applied(tender, profile.id):
        raise Conflict(_("This person has already applied: answer their application."))
    lots = chosen_lots(tender, body.lot_ids)
    db.session.flush()
    invitation = TenderInvitation(
        tender_id=tender.id,
        invitee_profile_id=profile.id,
        invited_by_id=actor.id,
        role=body.role,
        message=body.message,
        state="pending",
        lots=lots,
    )
    # A double click: the unique constraint decides.
    insert_once(invitation, Conflict(_("This person has already been invited.")))
    _record(actor, tender, None, "pending", invitation=invitation)
    notify.invitation_sent(tender, invitation)
    db.session.flush()
    return invitation


def _invitation_of(tender: Tender, profile_id: int) -> TenderInvitation | None:
    return db.session.scalar(
        select(TenderInvitation).where(
            TenderInvitation.tender_id == tender.id,
            TenderInvitation.invitee_profile_id == profile_id,
        )
    )


def get_invitation(viewer: Viewer, tender: Tender, invitation_id: int) -> TenderInvitation:
    """An invitation of the tender, for its owner or its invitee; NotFound otherwise."""
    invitation = db.session.get(TenderInvitation, invitation_id)
    if invitation is None or invitation.tender_id != tender.id:
        raise NotFound(_("This invitation does not exist."))
    mine = viewer.is_authenticated and invitation.invitee.user_id == viewer.id
    if not (mine or is_owner(viewer, tender)):
        raise NotFound(_("This invitation does not exist."))
    return invitation


def respond(actor: Viewer, invitation: TenderInvitation, accept: bool) -> TenderInvitation:
    """The invitee accepts (they join the team on those lots, with that role) or declines."""
    if not actor.is_authenticated or invitation.invitee.user_id != actor.id:
        raise NotFound(_("This invitation does not exist."))
    tender = invitation.tender
    to = "accepted" if accept else "declined"
    answered = InvalidTransition(_("This invitation has already been answered."))
    if to not in INVITATION_TRANSITIONS[invitation.state]:
        raise answered
    joining = None
    if accept:
        _require_team_open(tender)
        joining = TenderMember(
            profile=invitation.invitee,
            role=invitation.role,
            share_cents=None,
            invitation_id=invitation.id,
            lots=list(invitation.lots),
        )
    # The same code path as the owner's decision on an application.
    answer_request(actor, tender, invitation, to, answered, joining)
    notify.invitation_answered(tender, invitation, _("accepted") if accept else _("declined"))
    return invitation


def invitations_for(viewer: Viewer, tender: Tender) -> list[TenderInvitation]:
    """Owner: every invitation of the tender; invitee: theirs; anyone else: none."""
    if not viewer.is_authenticated:
        return []
    stmt = (
        select(TenderInvitation)
        .where(TenderInvitation.tender_id == tender.id)
        .order_by(TenderInvitation.id)
    )
    if not is_owner(viewer, tender):
        profile = own_profile(viewer)
        if profile is None:
            return []
        stmt = stmt.where(TenderInvitation.invitee_profile_id == profile.id)
    return list(db.session.scalars(stmt))
