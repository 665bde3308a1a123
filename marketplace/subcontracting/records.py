"""Subcontract records: proposed by the client, accepted by the subcontractor, then moved along
TRANSITIONS by the right party only, with one history row per move.

A change after acceptance is a new version: the client proposes a new record with
``supersedes_id``; when the subcontractor accepts it, the old one (still ``accepted``, work not
started) moves to ``cancelled`` in the same transaction. Amounts are never edited in place.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.actors import Viewer
from marketplace.approvals import subcontracts as signoff
from marketplace.errors import Conflict, InvalidTransition, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from marketplace.statemachine import change_state, hold
from marketplace.subcontracting import notify
from marketplace.subcontracting.models import (
    Offer,
    Subcontract,
    SubcontractEvent,
)
from marketplace.subcontracting.parties import acting_profile
from marketplace.subcontracting.schemas import SubcontractInput
from marketplace.subcontracting.visibility import can_view_subcontract, visible_subcontracts
from marketplace.tenders.models import Tender
from marketplace.tenders.visibility import can_view_tender
from marketplace.timeutil import to_paris, utcnow
from marketplace.visibility import can_view_profile, get_visible, own_profile

CLIENT, SUBCONTRACTOR = "client", "subcontractor"
EITHER = (CLIENT, SUBCONTRACTOR)

#: (from, to) → the parties who may make the move. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("proposed", "accepted"): (SUBCONTRACTOR,),
    ("proposed", "declined"): (SUBCONTRACTOR,),
    ("proposed", "cancelled"): EITHER,
    ("accepted", "in_progress"): (SUBCONTRACTOR,),
    ("accepted", "cancelled"): EITHER,
    ("in_progress", "delivered"): (SUBCONTRACTOR,),
    ("delivered", "invoiced"): (SUBCONTRACTOR,),
    ("invoiced", "paid"): (CLIENT,),
}
#: States a record can be superseded from (before work starts, once both agreed).
SUPERSEDABLE = ("accepted",)


def party_of(viewer: Viewer, record: Subcontract) -> str | None:
    """'client', 'subcontractor' or None for anyone else (managers included)."""
    profile = own_profile(viewer)
    if profile is None:
        return None
    if profile.id == record.client_profile_id:
        return CLIENT
    if profile.id == record.subcontractor_profile_id:
        return SUBCONTRACTOR
    return None


def allowed_moves(viewer: Viewer, record: Subcontract) -> list[str]:
    """The statuses this viewer may move the record to now (for the buttons of the page)."""
    party = party_of(viewer, record)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == record.status and party in who]


def _record_event(record: Subcontract, frm: str | None, to: str, by: Profile | None) -> None:
    record.events.append(
        SubcontractEvent(from_status=frm, to_status=to, by_profile_id=by.id if by else None)
    )


def propose_subcontract(
    actor: Viewer, data: SubcontractInput | dict[str, Any], *, offer: Offer | None = None
) -> Subcontract:
    """The caller is the client; the subcontractor must accept before anything else happens."""
    client = acting_profile(actor)
    body = data if isinstance(data, SubcontractInput) else SubcontractInput.load(data)
    subcontractor, tender_id, supersedes = subcontract_references(actor, client, body)
    values = body.values()
    if supersedes is not None:
        if (supersedes.client_profile_id, supersedes.subcontractor_profile_id) != (
            client.id,
            subcontractor.id,
        ):
            raise Conflict(_("A new version must be between the same client and subcontractor."))
        # Held until the commit: two new versions proposed at once cannot both be pending.
        hold(
            supersedes,
            "status",
            SUPERSEDABLE,
            Conflict(_("Only an accepted record whose work has not started can be changed.")),
        )
        pending = db.session.scalar(
            select(Subcontract.id).where(
                Subcontract.supersedes_id == supersedes.id, Subcontract.status == "proposed"
            )
        )
        if pending is not None:
            raise Conflict(_("A new version of this record is already awaiting agreement."))
    record = Subcontract(
        client=client,
        client_profile_id=client.id,
        subcontractor=subcontractor,
        subcontractor_profile_id=subcontractor.id,
        client_cae_id=client.user.cae_id,
        subcontractor_cae_id=subcontractor.user.cae_id,
        status="proposed",
        offer_id=offer.id if offer is not None else None,
        tender_id=tender_id,
        supersedes_id=supersedes.id if supersedes is not None else None,
        record_date=values["starts_on"] or to_paris(utcnow()).date(),
        **values,
    )
    _record_event(record, None, "proposed", client)
    db.session.add(record)
    db.session.flush()
    signoff.on_subcontract_move(actor, record, "proposed")
    notify.subcontract_proposed(record)
    return record


def subcontract_references(actor: Viewer, client: Profile, body: SubcontractInput):
    """The rules of a proposal that need the database: the caller is the client, the
    subcontractor, tender and earlier version are visible to them. ValidationError with every
    field's message; else (subcontractor, tender id, earlier version or None)."""
    errors: dict[str, list[str]] = {}
    if body.client_profile_id not in (None, client.id):
        errors["client_profile_id"] = [_("You can only propose a subcontract as its client.")]
    subcontractor = db.session.get(Profile, body.subcontractor_profile_id)
    if subcontractor is None or not can_view_profile(actor, subcontractor):
        errors["subcontractor_profile_id"] = [_("No visible profile has this id.")]
    elif subcontractor.id == client.id:
        errors["subcontractor_profile_id"] = [_("You cannot subcontract work to yourself.")]
    elif not subcontractor.user.is_verified:
        errors["subcontractor_profile_id"] = [
            _("This person's membership is not verified by their CAE.")
        ]
    if body.tender_id is not None:
        tender = db.session.get(Tender, body.tender_id)
        if tender is None or not can_view_tender(actor, tender):
            errors["tender_id"] = [_("No visible tender has this id.")]
    supersedes = None
    if body.supersedes_id is not None:
        supersedes = db.session.get(Subcontract, body.supersedes_id)
        if supersedes is None or not can_view_subcontract(actor, supersedes):
            errors["supersedes_id"] = [_("No visible subcontract has this id.")]
    if errors:
        raise ValidationError(_("Some fields need your attention."), errors)
    return subcontractor, body.tender_id, supersedes


def get_subcontract(viewer: Viewer, record_id: int) -> Subcontract:
    message = _("This subcontract does not exist or is not visible to you.")
    return get_visible(viewer, Subcontract, record_id, can_view_subcontract, message)


def transition(actor: Viewer, record: Subcontract, to: str) -> Subcontract:
    """Move the record to `to` (a status, checked by TransitionInput at the edge) if the table
    allows it for this person; Conflict otherwise."""
    if not can_view_subcontract(actor, record):
        raise NotFound(_("This subcontract does not exist or is not visible to you."))
    frm = record.status
    who = TRANSITIONS.get((frm, to))
    if who is None:
        raise InvalidTransition(_("This record cannot move from this status to that one."))
    party = party_of(actor, record)
    if party not in who:
        raise InvalidTransition(_("This move is not yours to make on this record."))
    signoff.on_subcontract_move(actor, record, to)  # the CAEs' approval of a large invoice
    # One winner: the move is made only if the record is still where this request saw it.
    moved = InvalidTransition(_("This record cannot move from this status to that one."))
    change_state(record, "status", frm, to, moved, updated_at=utcnow())
    profile = own_profile(actor)
    _record_event(record, frm, to, profile)
    if to == "accepted" and record.supersedes_id is not None:
        old = db.session.get(Subcontract, record.supersedes_id)
        replaced = InvalidTransition(_("The earlier version can no longer be replaced."))
        if old is None:
            raise replaced
        change_state(old, "status", SUPERSEDABLE, "cancelled", replaced, updated_at=utcnow())
        _record_event(old, "accepted", "cancelled", profile)
    db.session.flush()
    notify.subcontract_moved(record, party)
    return record


def subcontracts_of(viewer: Viewer, role: str | None = None, status: str | None = None):
    """SELECT of the records the viewer may see, optionally as client/subcontractor only."""
    stmt = visible_subcontracts(viewer)
    if role in (CLIENT, SUBCONTRACTOR):
        profile = own_profile(viewer)
        profile_id = profile.id if profile is not None else -1
        column = Subcontract.subcontractor_profile_id
        if role == CLIENT:
            column = Subcontract.client_profile_id
        stmt = stmt.where(column == profile_id)
    if status:
        stmt = stmt.where(Subcontract.status == status)
    return stmt.order_by(Subcontract.record_date.desc(), Subcontract.id.desc())
