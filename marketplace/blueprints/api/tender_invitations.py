"""Tender invitations in the API (see the contract, section Tender invitations): the owner asks
a suggested person to join the team on some lots; the invitee answers."""

from __future__ import annotations

from typing import Any

from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.spec import ACTION_ERRORS, operations_for
from marketplace.tenders import invitations as ops
from marketplace.tenders.invitation_schemas import (
    TenderInvitation,
    TenderInvitationAnswer,
    TenderInvitationCreate,
)
from marketplace.tenders.models import TenderInvitation as InvitationRow
from marketplace.tenders.operations import get_tender

operation = operations_for("tenders", write_limit="30 per minute")


def invitation_json(invitation: InvitationRow) -> dict[str, Any]:
    return TenderInvitation.of(
        invitation,
        profile_id=invitation.invitee_profile_id,
        lot_ids=[lot.id for lot in invitation.lots],
    )


@bp.post("/tenders/<int:tender_id>/invitations")
@operation.create(
    "inviteToTender",
    body=TenderInvitationCreate,
    ok=(TenderInvitation, "The pending invitation."),
    errors=ACTION_ERRORS,
)
def invite_to_tender(tender_id: int, body: TenderInvitationCreate) -> Any:
    """Invite a person to join the team on some lots, with a role (the tender's owner).

    404 when the profile is not visible to the owner; 409 when the person is already in the
    team, invited, or has applied."""
    user = require_user()
    return invitation_json(ops.invite(user, get_tender(user, tender_id), body))


@bp.post("/tenders/<int:tender_id>/invitations/<int:tender_invitation_id>/response")
@operation.act(
    "answerTenderInvitation",
    body=TenderInvitationAnswer,
    ok=(TenderInvitation, "The answered invitation."),
)
def answer_tender_invitation(
    tender_id: int, tender_invitation_id: int, body: TenderInvitationAnswer
) -> Any:
    """The invitee accepts (they join the team on those lots, as with an accepted application)
    or declines; 409 when already answered or the team can no longer change."""
    user = require_user()
    tender = get_tender(user, tender_id)
    invitation = ops.get_invitation(user, tender, tender_invitation_id)
    ops.respond(user, invitation, body.accept)
    return invitation_json(invitation)
