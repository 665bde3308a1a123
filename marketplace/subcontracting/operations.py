"""Offers: post a need, answer it, accept one response (which proposes a subcontract record)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.events import account_deleting
from marketplace.extensions import db
from marketplace.geo import normalize_department
from marketplace.places.search import Located, PlaceFilters, place_of
from marketplace.search.listing import by_ids, list_page
from marketplace.skills.models import Skill
from marketplace.skills.operations import get_or_create_skills
from marketplace.statemachine import change_state, hold, insert_once
from marketplace.subcontracting import notify, replacements
from marketplace.subcontracting.models import Offer, OfferResponse, OfferSkill
from marketplace.subcontracting.parties import acting_profile
from marketplace.subcontracting.records import propose_subcontract
from marketplace.subcontracting.schemas import (
    AcceptInput,
    OfferInput,
    OfferResponseInput,
    SubcontractInput,
)
from marketplace.subcontracting.visibility import can_view_offer, visible_offers
from marketplace.text import clean, fold
from marketplace.timeutil import utcnow
from marketplace.visibility import get_visible, own_profile


def create_offer(actor: Viewer, data: OfferInput | dict[str, Any]) -> Offer:
    owner = acting_profile(actor)
    body = data if isinstance(data, OfferInput) else OfferInput.load(data)
    names = body.skills
    values = body.model_dump(exclude={"skills"})
    offer = Offer(owner=owner, owner_profile_id=owner.id, status="open", **values)
    records = get_or_create_skills(names)
    offer.skills = [OfferSkill(skill=records[fold(n)], position=i) for i, n in enumerate(names)]
    db.session.add(offer)
    db.session.flush()
    if offer.is_replacement:
        replacements.announce(offer)
    return offer


def get_offer(viewer: Viewer, offer_id: int) -> Offer:
    message = _("This offer does not exist or is not visible to you.")
    return get_visible(viewer, Offer, offer_id, can_view_offer, message)


def is_owner(viewer: Viewer, offer: Offer) -> bool:
    return bool(viewer.is_authenticated and viewer.id == offer.owner.user_id)


def visible_responses(viewer: Viewer, offer: Offer) -> list[OfferResponse]:
    """The owner (and admins) see every response; a responder sees its own."""
    if is_owner(viewer, offer) or viewer.is_admin:
        return list(offer.responses)
    profile = own_profile(viewer)
    if profile is None:
        return []
    return [r for r in offer.responses if r.responder_profile_id == profile.id]


def close_offer(actor: Viewer, offer: Offer) -> Offer:
    if not is_owner(actor, offer):
        raise PermissionDenied(_("Only the author of the offer can close it."))
    closed = Conflict(_("This offer is no longer open."))
    change_state(offer, "status", "open", "closed", closed, updated_at=utcnow())
    return offer


def respond(
    actor: Viewer, offer: Offer, data: OfferResponseInput | dict[str, Any]
) -> OfferResponse:
    responder = acting_profile(actor)
    body = data if isinstance(data, OfferResponseInput) else OfferResponseInput.load(data)
    if responder.id == offer.owner_profile_id:
        raise Conflict(_("You cannot answer your own offer."))
    # An acceptance at the same time: the answer comes before it, or is refused after it.
    hold(offer, "status", ("open",), Conflict(_("This offer is no longer open.")))
    already = db.session.scalar(
        select(OfferResponse.id).where(
            OfferResponse.offer_id == offer.id, OfferResponse.responder_profile_id == responder.id
        )
    )
    if already is not None:
        raise Conflict(_("You have already answered this offer."))
    response = OfferResponse(
        offer_id=offer.id,
        responder_profile_id=responder.id,
        message=body.message,
        price_cents=body.price_cents,
        status="pending",
    )
    # The same person twice at once: the unique key decides.
    insert_once(response, Conflict(_("You have already answered this offer.")))
    notify.response_received(response)
    return response


def accept_response(
    actor: Viewer, offer: Offer, response_id: int, data: AcceptInput | dict[str, Any] | None = None
):
    """The owner accepts one response: a subcontract is proposed, the offer is filled."""
    if not is_owner(actor, offer):
        raise PermissionDenied(_("Only the author of the offer can accept a response."))
    response = db.session.get(OfferResponse, response_id)
    if response is None or response.offer_id != offer.id:
        raise NotFound(_("This response does not exist."))
    body = data if isinstance(data, AcceptInput) else AcceptInput.load(data or {})
    # Two clicks at once (two workers): one fills the offer, the other finds it filled (409).
    filled = Conflict(_("This offer is no longer open."))
    change_state(offer, "status", "open", "filled", filled, updated_at=utcnow())
    db.session.refresh(offer, ["responses"])
    proposal = SubcontractInput.load(
        {
            "title": offer.title,
            "description": "\n\n".join(p for p in (offer.description, response.message) if p),
            "subcontractor_profile_id": response.responder_profile_id,
            "amount_cents": response.price_cents,
            "vat_regime": body.vat_regime,
            "vat_rate": body.vat_rate,
            "starts_on": offer.starts_on,
            "ends_on": offer.ends_on,
        }
    )
    record = propose_subcontract(actor, proposal, offer=offer)
    others = []
    for other in offer.responses:
        if other.id == response.id:
            other.status = "accepted"
        elif other.status == "pending":
            other.status = "not_retained"
            others.append(other)
    if offer.is_replacement:
        replacements.take_period(offer, response)
    db.session.flush()
    notify.response_accepted(response, record)
    notify.responses_not_retained(offer, others)
    return record


@dataclass
class OfferFilters(PlaceFilters):
    q: str | None = None
    skill: str | None = None
    department: str | None = None
    status: str | None = "open"
    #: need or replacement (both when absent).
    kind: str | None = None


def _like(raw: str) -> str:
    return "%" + raw.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def filtered_offers(viewer: Viewer, filters: OfferFilters):
    """SELECT of the visible offers matching the filters, most recent first."""
    stmt = visible_offers(viewer)
    if filters.status:
        stmt = stmt.where(Offer.status == filters.status)
    if filters.kind:
        stmt = stmt.where(Offer.kind == filters.kind)
    if filters.skill:
        ids = select(OfferSkill.offer_id).join(Skill).where(Skill.key == fold(filters.skill))
        stmt = stmt.where(Offer.id.in_(ids))
    if filters.department:
        stmt = stmt.where(Offer.department == normalize_department(filters.department))
    for word in clean(filters.q).split()[:10]:
        pattern = _like(word.lower())
        folded = _like(fold(word))
        skill_ids = (
            select(OfferSkill.offer_id).join(Skill).where(Skill.key.like(folded, escape="\\"))
        )
        stmt = stmt.where(
            or_(
                func.lower(Offer.title).like(pattern, escape="\\"),
                func.lower(Offer.description).like(pattern, escape="\\"),
                func.lower(Offer.city).like(pattern, escape="\\"),
                Offer.id.in_(skill_ids),
            )
        )
    stmt = place_of(filters).narrow(stmt, Offer)
    return stmt.order_by(Offer.created_at.desc(), Offer.id.desc())


def search_offers(
    viewer: Viewer, filters: OfferFilters, page: int, per_page: int
) -> tuple[list[Offer], int]:
    """One page of visible offers: best first through the search index when words are given,
    most recent first from the database otherwise. Index hits are re-checked against the
    database with the visibility rule before they are shown."""
    return list_page(
        viewer,
        filters,
        page,
        per_page,
        database=lambda: filtered_offers(viewer, filters),
        doc_type="offer",
        terms=partial(_index_terms, filters),
        reload=by_ids(Offer),
        visible=can_view_offer,
        count_miss=lambda terms: set(terms.items()) <= {("offer_status", "open")},  # its default
    )


def _index_terms(filters: OfferFilters, place: Located) -> dict[str, Any]:
    terms: dict[str, Any] = {}
    if filters.status:
        terms["offer_status"] = filters.status
    if filters.kind:
        terms["offer_kind"] = filters.kind
    if filters.skill:
        terms["skill"] = fold(filters.skill).replace(",", " ")
    if filters.department:
        terms["department"] = normalize_department(filters.department) or filters.department
    place.index_terms(terms, Offer, lambda i: f"offer:{i}")
    return terms


@account_deleting.connect
def close_open_offers(user: User, **_extra: Any) -> None:
    """The person deletes their account: their open offers are closed."""
    if user.profile is None:
        return
    offers = db.session.scalars(
        select(Offer).where(Offer.owner_profile_id == user.profile.id, Offer.status == "open")
    ).all()
    for offer in offers:
        close_offer(user, offer)
