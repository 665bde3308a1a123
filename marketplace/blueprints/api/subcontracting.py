"""Subcontracting: offers and their responses, subcontract records, a CAE's figures and ledger."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Response, jsonify, url_for
from flask_login import current_user

from marketplace.actors import Viewer
from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import paged
from marketplace.blueprints.api.spec import (
    operations_for,
)
from marketplace.links import external_url
from marketplace.pagination import paginate
from marketplace.places.search import with_distance
from marketplace.subcontracting.figures import cae_figures, ledger_csv
from marketplace.subcontracting.models import Offer as OfferRow
from marketplace.subcontracting.models import OfferResponse as ResponseRow
from marketplace.subcontracting.models import Subcontract as SubcontractRow
from marketplace.subcontracting.operations import (
    OfferFilters,
    accept_response,
    create_offer,
    get_offer,
    respond,
    search_offers,
    visible_responses,
)
from marketplace.subcontracting.records import (
    get_subcontract,
    propose_subcontract,
    subcontracts_of,
    transition,
)
from marketplace.subcontracting.replacements import record_outcome
from marketplace.subcontracting.schemas import (
    AcceptInput,
    CaeStats,
    Offer,
    OfferInput,
    OfferList,
    OfferQuery,
    OfferResponse,
    OfferResponseInput,
    OutcomeInput,
    PeriodQuery,
    Subcontract,
    SubcontractInput,
    SubcontractList,
    SubcontractQuery,
    TransitionInput,
)
from marketplace.trust.replacements import recommendation_message, recommendation_step

TAG = "subcontracting"
WRITE_LIMIT = "60 per minute"

operation = operations_for(TAG, write_limit=WRITE_LIMIT)


def _party(profile) -> dict[str, Any]:
    user = profile.user
    return {
        "profile_id": profile.id,
        "display_name": user.display_name,
        "cae": {"id": user.cae.id, "name": user.cae.name} if user.cae else None,
    }


def _person(profile) -> dict[str, Any]:
    return {"profile_id": profile.id, "display_name": profile.display_name}


def offer_json(
    offer: OfferRow, responses: list[ResponseRow] | None = None, viewer: Viewer | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if responses is not None:
        values["responses"] = [response_json(r) for r in responses]
    if viewer is not None:
        values["recommendation"] = _recommendation(viewer, offer)
    return Offer.of(
        offer,
        description=offer.description or "",
        skills=offer.skill_names,
        city=offer.city or "",
        kind=offer.kind,
        urgent=offer.urgent,
        workload=offer.workload or "",
        client_contact=offer.client_contact,
        outcome=_outcome(offer),
        owner=_person(offer.owner),
        created_at=offer.created_at,  # always given, though declared with a default
        url=external_url("offers.show", offer_id=offer.id),
        **values,
    )


def _outcome(offer: OfferRow) -> dict[str, Any] | None:
    if not offer.is_replacement:
        return None
    return {"owner": offer.owner_outcome, "replacement": offer.replacement_outcome}


def _recommendation(viewer: Viewer, offer: OfferRow) -> dict[str, Any] | None:
    step = recommendation_step(viewer, offer)
    if step is None:
        return None
    return {
        "subcontract_id": step.record.id,
        "delivered": step.delivered,
        "allowed": step.allowed,
        "message": str(recommendation_message(step)),
        "url": external_url("subcontracts.show", record_id=step.record.id) + "#recommend",
    }


def response_json(response: ResponseRow) -> dict[str, Any]:
    return OfferResponse.of(
        response,
        responder=_person(response.responder),
        message=response.message or "",
    )


def _move(event) -> dict[str, Any]:
    return {"from": event.from_status, "to": event.to_status,
            "by_profile_id": event.by_profile_id, "at": event.at}  # fmt: skip


def subcontract_json(record: SubcontractRow) -> dict[str, Any]:
    return Subcontract.of(
        record,
        description=record.description or "",
        client=_party(record.client),
        subcontractor=_party(record.subcontractor),
        history=[_move(e) for e in record.events],
        url=external_url("subcontracts.show", record_id=record.id),
    )


# Offers -------------------------------------------------------------------------------------


@bp.get("/offers")
@operation.paged("listOffers", query=OfferQuery, ok=(OfferList, "A page of offers."))
def offers(query: OfferQuery):
    """Visible offers, most recent first."""
    filters = OfferFilters(**query.model_dump())
    return paged(
        partial(search_offers, current_user, filters),
        lambda offer: with_distance(offer_json(offer), offer, filters.place),
    )


@bp.post("/offers")
@operation.create("createOffer", body=OfferInput, ok=(Offer, "The offer."))
def post_offer(body: OfferInput):
    """Post an offer (verified members)."""
    offer = create_offer(require_user(), body)
    return _created(offer_json(offer, []), url_for("api.offer", offer_id=offer.id))


@bp.get("/offers/<int:offer_id>")
@operation.read("getOffer", ok=(Offer, "The offer."))
def offer(offer_id: int):
    """One offer, with the responses the caller may see."""
    found = get_offer(current_user, offer_id)
    return offer_json(found, visible_responses(current_user, found), current_user)


@bp.post("/offers/<int:offer_id>/responses")
@operation.act("respondToOffer", body=OfferResponseInput, ok=(201, OfferResponse, "The response."))
def post_response(offer_id: int, body: OfferResponseInput):
    """Answer an offer with a message and a price; 409 if not open."""
    user = require_user()
    response = respond(user, get_offer(user, offer_id), body)
    return _created(response_json(response), url_for("api.offer", offer_id=offer_id))


@bp.post("/offers/<int:offer_id>/responses/<int:response_id>/accept")
@operation.act(
    "acceptOfferResponse",
    body=AcceptInput,
    body_required=False,
    ok=(201, Subcontract, "The proposed subcontract."),
)
def accept(offer_id: int, response_id: int, body: AcceptInput):
    """The owner accepts a response: a subcontract is proposed to its author and the offer becomes
    filled; 409 if not open.
    """
    user = require_user()
    record = accept_response(user, get_offer(user, offer_id), response_id, body)
    return _created(subcontract_json(record), url_for("api.subcontract", record_id=record.id))


@bp.post("/offers/<int:offer_id>/outcome")
@operation.act("tellReplacementOutcome", body=OutcomeInput, ok=(Offer, "The offer."))
def post_outcome(offer_id: int, body: OutcomeInput):
    """A replacement's requester or chosen replacement says whether it went well, once, from
    the period's last day; 409 before it, or when already said."""
    user = require_user()
    found = record_outcome(user, get_offer(user, offer_id), body)
    return offer_json(found, visible_responses(user, found), user)


# Subcontract records ------------------------------------------------------------------------


@bp.get("/subcontracts")
@operation.paged(
    "listSubcontracts", query=SubcontractQuery, ok=(SubcontractList, "A page of records.")
)
def subcontracts(query: SubcontractQuery):
    """Records one is party to (all of one's CAE for its managers)."""
    records = subcontracts_of(require_user(), query.role, query.status)
    return paged(partial(paginate, records), subcontract_json)


@bp.post("/subcontracts")
@operation.write(
    "createSubcontract",
    body=SubcontractInput,
    ok=(201, Subcontract, "The proposed record."),
    errors=(400, 401, 403, 409, 422, 429),
)
def post_subcontract(body: SubcontractInput):
    """Propose a record; the caller is the client, the subcontractor accepts."""
    record = propose_subcontract(require_user(), body)
    return _created(subcontract_json(record), url_for("api.subcontract", record_id=record.id))


@bp.get("/subcontracts/<int:record_id>")
@operation.read("getSubcontract", ok=(Subcontract, "The record."))
def subcontract(record_id: int):
    """One record (parties, their CAEs' managers and admins; 404 otherwise)."""
    return subcontract_json(get_subcontract(require_user(), record_id))


@bp.post("/subcontracts/<int:record_id>/transition")
@operation.act(
    "moveSubcontract",
    body=TransitionInput,
    ok=(Subcontract, "The moved record."),
    errors=(400, 401, 404, 409, 422, 429),
)
def move_subcontract(record_id: int, body: TransitionInput):
    """Move the record: the subcontractor accepts, declines, starts, delivers and invoices; the
    client confirms payment; either cancels before work starts.

    Internal work (both parties in one CAE) is not invoiced: after delivery the managers of that
    CAE move it to transferred. An invoice record moves to invoiced with its `invoice_number`
    (422 without it).
    """
    user = require_user()
    record = get_subcontract(user, record_id)
    return subcontract_json(transition(user, record, body.to, body.invoice_number))


# A CAE's figures ----------------------------------------------------------------------------


@bp.get("/caes/<int:cae_id>/stats")
@operation.read(
    "getCaeStats", query=PeriodQuery, ok=(CaeStats, "The figures."), errors=(401, 403, 404, 422)
)
def cae_stats(cae_id: int, query: PeriodQuery):
    """A CAE's figures over a period (its managers and admins).

    Subcontract figures count the records with a party in this CAE, except declined and cancelled
    ones; a flow goes from the client's CAE to the subcontractor's CAE (internal flows included).
    Internal transfers, sales to other CAEs (this CAE's members were the subcontractors) and
    purchases from them (its members were the clients) are kept apart.
    """
    figures = cae_figures(require_user(), cae_id, query.start, query.end, parties=False)
    return CaeStats.of(
        figures,
        collectives=figures.others["collectives"],
        tenders=figures.others["tenders"],
        subcontracts={
            "count": len(figures.records),
            "amount_cents": figures.amount_cents,
            "internal_amount_cents": figures.internal_amount_cents,
            "cross_cae_amount_cents": figures.cross_cae_amount_cents,
            "internal_transfer_cents": figures.internal_transfer_cents,
            "sales_to_other_caes_cents": figures.sales_cents,
            "purchases_from_other_caes_cents": figures.purchases_cents,
        },
        flows=figures.flows(),
        start=query.start,
        end=query.end,
    )


@bp.get("/caes/<int:cae_id>/subcontracts.csv")
@operation.read(
    "getCaeLedgerCsv",
    query=PeriodQuery,
    content_type="text/csv",
    ok=({"type": "string"}, "The CSV file."),
    errors=(401, 403, 404, 422),
)
def cae_ledger_csv(cae_id: int, query: PeriodQuery):
    """The CAE's subcontracting ledger for its accounting (same records as the figures): UTF-8 with
    BOM, ';' separator, decimal comma.

    Each line says its kind and direction (sale, purchase or internal transfer), the invoice's
    number and date, the VAT regime and mention, and both CAEs' SIREN.
    """
    figures = cae_figures(require_user(), cae_id, query.start, query.end)
    name = f"sous-traitances-cae-{cae_id}.csv"
    return Response(
        ledger_csv(figures).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def _created(body: dict[str, Any], location: str):
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response
