"""Subcontract records: proposed by the client, accepted by the subcontractor, then moved along
TRANSITIONS by the right party only, with one history row per move.

Inside one CAE the record is internal work (``kind`` internal: no VAT, no invoice): it ends at
``transferred``, a move only that CAE's managers make when they record the internal transfer
of turnover. Between two CAEs it is an invoice with a VAT regime (vat.py), and reaching
``invoiced`` needs the invoice's number.

A change after acceptance is a new version: the client proposes a new record with
``supersedes_id``; when the subcontractor accepts it, the old one (still ``accepted``, work not
started) moves to ``cancelled`` in the same transaction. Amounts are never edited in place.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

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
    SubcontractKind,
)
from marketplace.subcontracting.parties import acting_profile
from marketplace.subcontracting.schemas import SubcontractInput
from marketplace.subcontracting.vat import vat_terms
from marketplace.subcontracting.visibility import can_view_subcontract, visible_subcontracts
from marketplace.tenders.models import Tender
from marketplace.tenders.visibility import can_view_tender
from marketplace.timeutil import to_paris, utcnow
from marketplace.visibility import can_view_profile, get_visible, own_profile

CLIENT, SUBCONTRACTOR = "client", "subcontractor"
#: The managers of the CAE of an internal record (not its admins, not other CAEs' managers).
MANAGER = "manager"
EITHER = (CLIENT, SUBCONTRACTOR)

#: (from, to) → the parties who may make the move on an invoice record. Nothing else is allowed.
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
#: The same for internal work: no invoice, the CAE's managers record the transfer.
INTERNAL_TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    **{move: who for move, who in TRANSITIONS.items() if move[1] not in ("invoiced", "paid")},
    ("delivered", "transferred"): (MANAGER,),
}


def transitions_of(record: Subcontract) -> dict[tuple[str, str], tuple[str, ...]]:
    return INTERNAL_TRANSITIONS if record.internal else TRANSITIONS


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


def roles_of(viewer: Viewer, record: Subcontract) -> set[str]:
    """The party the viewer is, and ``manager`` for the managers of an internal record's CAE."""
    roles = {party} if (party := party_of(viewer, record)) else set()
    if (
        record.internal
        and viewer.is_authenticated
        and viewer.is_manager
        and viewer.cae_id is not None
        and viewer.cae_id == record.client_cae_id
    ):
        roles.add(MANAGER)
    return roles


def allowed_moves(viewer: Viewer, record: Subcontract) -> list[str]:
    """The statuses this viewer may move the record to now (for the buttons of the page)."""
    roles = roles_of(viewer, record)
    return [
        to
        for (frm, to), who in transitions_of(record).items()
        if frm == record.status and roles.intersection(who)
    ]


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
    kind = kind_between(client, subcontractor)
    regime, rate = vat_terms(kind, body.vat_regime, body.vat_rate, place_of(body, offer, client))
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
        kind=kind,
        vat_regime=regime,
        vat_rate=rate,
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


def kind_between(client: Profile, subcontractor: Profile) -> str:
    """Internal when both parties belong to the same CAE (one legal entity), else an invoice."""
    client_cae, sub_cae = client.user.cae_id, subcontractor.user.cae_id
    if client_cae is not None and client_cae == sub_cae:
        return SubcontractKind.INTERNAL.value
    return SubcontractKind.INVOICE.value


def place_of(body: SubcontractInput, offer: Offer | None, client: Profile) -> str | None:
    """Where the work is done, for the VAT rates: the offer's or the tender's department, else
    the department of the client's CAE (a service between businesses is taxed where its buyer
    is established, CGI art. 259); None when unknown."""
    if offer is not None and offer.department:
        return offer.department
    if body.tender_id is not None:
        tender = db.session.get(Tender, body.tender_id)
        if tender is not None and tender.department:
            return tender.department
    cae = client.user.cae
    return cae.department if cae is not None else None


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


def history_names(record: Subcontract) -> dict[int, str]:
    """The names of the people in the record's history (the parties, and the CAE's managers
    who recorded a transfer), in one query at most."""
    names = {p.id: p.display_name for p in (record.client, record.subcontractor)}
    others = {e.by_profile_id for e in record.events if e.by_profile_id is not None} - set(names)
    if others:
        for profile in db.session.scalars(select(Profile).where(Profile.id.in_(others))):
            names[profile.id] = profile.display_name
    return names


def get_subcontract(viewer: Viewer, record_id: int) -> Subcontract:
    message = _("This subcontract does not exist or is not visible to you.")
    return get_visible(viewer, Subcontract, record_id, can_view_subcontract, message)


def transition(
    actor: Viewer, record: Subcontract, to: str, invoice_number: str = ""
) -> Subcontract:
    """Move the record to `to` (a status, checked by TransitionInput at the edge) if its kind's
    table allows it for this person; Conflict otherwise. Moving an invoice to invoiced needs
    the invoice's number (ValidationError without it), and records the day."""
    if not can_view_subcontract(actor, record):
        raise NotFound(_("This subcontract does not exist or is not visible to you."))
    frm = record.status
    who = transitions_of(record).get((frm, to))
    if who is None:
        if record.internal and to in ("invoiced", "paid"):
            raise InvalidTransition(
                _("Work inside one CAE is not invoiced: its managers record the transfer.")
            )
        raise InvalidTransition(_("This record cannot move from this status to that one."))
    roles = roles_of(actor, record)
    if not roles.intersection(who):
        if MANAGER in who:
            raise InvalidTransition(_("Only the managers of the CAE record an internal transfer."))
        raise InvalidTransition(_("This move is not yours to make on this record."))
    signoff.on_subcontract_move(actor, record, to)  # the CAEs' approval of a large invoice
    extra: dict[str, Any] = {}
    if to == "invoiced":
        extra = _invoice_values(record, invoice_number)
    # One winner: the move is made only if the record is still where this request saw it.
    moved = InvalidTransition(_("This record cannot move from this status to that one."))
    try:
        with db.session.begin_nested():
            change_state(record, "status", frm, to, moved, updated_at=utcnow(), **extra)
    except IntegrityError:  # the same number given at the same time for another record
        raise _number_taken() from None
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
    notify.subcontract_moved(record, party_of(actor, record))
    return record


def _number_taken() -> ValidationError:
    message = _("Your CAE already used this invoice number for another record.")
    return ValidationError(_("Some fields need your attention."), {"invoice_number": [message]})


def _invoice_values(record: Subcontract, invoice_number: str) -> dict[str, Any]:
    """The invoice's number (required, unused by the issuing CAE) and today's date."""
    number = (invoice_number or "").strip()
    if not number:
        message = _("Give the number of the invoice to mark the record invoiced.")
        raise ValidationError(_("Some fields need your attention."), {"invoice_number": [message]})
    taken = db.session.scalar(
        select(Subcontract.id).where(
            Subcontract.subcontractor_cae_id == record.subcontractor_cae_id,
            Subcontract.invoice_number == number,
            Subcontract.id != record.id,
        )
    )
    if taken is not None:
        raise _number_taken()
    return {"invoice_number": number, "invoice_date": to_paris(utcnow()).date()}


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
