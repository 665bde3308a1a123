"""Subcontracting: offers and their responses, subcontract records, a CAE's figures and ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.blueprints.api.auth import rate_limit_key, require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.errors import ApiError
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.profiles import json_object
from marketplace.blueprints.api.serializers import iso_date, iso_datetime
from marketplace.errors import ValidationError
from marketplace.extensions import limiter
from marketplace.geo import normalize_department
from marketplace.links import external_url
from marketplace.pagination import paginate
from marketplace.subcontracting.figures import cae_figures, ledger_csv
from marketplace.subcontracting.models import (
    Offer,
    OfferResponse,
    Subcontract,
    SubcontractStatus,
)
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
from marketplace.text import clean

WRITE_LIMIT = "60 per minute"


def _party(profile) -> dict[str, Any]:
    user = profile.user
    return {
        "profile_id": profile.id,
        "display_name": user.display_name,
        "cae": {"id": user.cae.id, "name": user.cae.name} if user.cae else None,
    }


def offer_json(offer: Offer, responses: list[OfferResponse] | None = None) -> dict[str, Any]:
    body = {
        "id": offer.id,
        "title": offer.title,
        "description": offer.description or "",
        "skills": offer.skill_names,
        "city": offer.city or "",
        "department": offer.department,
        "starts_on": iso_date(offer.starts_on),
        "ends_on": iso_date(offer.ends_on),
        "budget_cents": offer.budget_cents,
        "audience": offer.audience,
        "status": offer.status,
        "owner": {"profile_id": offer.owner.id, "display_name": offer.owner.display_name},
        "created_at": iso_datetime(offer.created_at),
        "url": external_url("offers.show", offer_id=offer.id),
    }
    if responses is not None:
        body["responses"] = [response_json(r) for r in responses]
    return body


def response_json(response: OfferResponse) -> dict[str, Any]:
    return {
        "id": response.id,
        "offer_id": response.offer_id,
        "responder": {
            "profile_id": response.responder.id,
            "display_name": response.responder.display_name,
        },
        "message": response.message or "",
        "price_cents": response.price_cents,
        "status": response.status,
        "created_at": iso_datetime(response.created_at),
    }


def subcontract_json(record: Subcontract) -> dict[str, Any]:
    return {
        "id": record.id,
        "title": record.title,
        "description": record.description or "",
        "client": _party(record.client),
        "subcontractor": _party(record.subcontractor),
        "client_cae_id": record.client_cae_id,
        "subcontractor_cae_id": record.subcontractor_cae_id,
        "amount_cents": record.amount_cents,
        "vat_rate": record.vat_rate,
        "vat_cents": record.vat_cents,
        "total_cents": record.total_cents,
        "starts_on": iso_date(record.starts_on),
        "ends_on": iso_date(record.ends_on),
        "cross_cae": record.cross_cae,
        "offer_id": record.offer_id,
        "tender_id": record.tender_id,
        "supersedes_id": record.supersedes_id,
        "status": record.status,
        "history": [
            {
                "from": e.from_status,
                "to": e.to_status,
                "by_profile_id": e.by_profile_id,
                "at": iso_datetime(e.at),
            }
            for e in record.events
        ],
        "url": external_url("subcontracts.show", record_id=record.id),
    }


def _arg(name: str) -> str | None:
    return clean(request.args.get(name))[:200] or None


# Offers -------------------------------------------------------------------------------------


@bp.get("/offers")
def offers():
    filters = OfferFilters(q=_arg("q"), skill=_arg("skill"), status=None)
    if department := _arg("department"):
        filters.department = normalize_department(department)
        if filters.department is None:
            raise ValidationError(
                _("Some filters are not valid."),
                {"department": [_("Unknown French department code (e.g. 69, 2A, 974).")]},
            )
    if status := _arg("status"):
        if status not in ("open", "filled", "closed"):
            raise ValidationError(
                _("Some filters are not valid."),
                {"status": [_("Choose one of: %(values)s.", values="open, filled, closed")]},
            )
        filters.status = status
    page, per_page = page_args()
    items, total = search_offers(current_user, filters, page, per_page)
    return jsonify(page_body(items, total, page, per_page, offer_json))


@bp.post("/offers")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def post_offer():
    offer = create_offer(require_user(), json_object())
    return _created(offer_json(offer, []), url_for("api.offer", offer_id=offer.id))


@bp.get("/offers/<int:offer_id>")
def offer(offer_id: int):
    found = get_offer(current_user, offer_id)
    return jsonify(offer_json(found, visible_responses(current_user, found)))


@bp.post("/offers/<int:offer_id>/responses")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def post_response(offer_id: int):
    user = require_user()
    response = respond(user, get_offer(user, offer_id), json_object())
    return _created(response_json(response), url_for("api.offer", offer_id=offer_id))


@bp.post("/offers/<int:offer_id>/responses/<int:response_id>/accept")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def accept(offer_id: int, response_id: int):
    user = require_user()
    body = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", _("The request body must be a JSON object."))
    record = accept_response(user, get_offer(user, offer_id), response_id, body)
    return _created(subcontract_json(record), url_for("api.subcontract", record_id=record.id))


# Subcontract records ------------------------------------------------------------------------


@bp.get("/subcontracts")
def subcontracts():
    user = require_user()
    fields: dict[str, list[str]] = {}
    role = _arg("role")
    if role and role not in ("client", "subcontractor"):
        fields["role"] = [_("Choose one of: %(values)s.", values="client, subcontractor")]
    status = _arg("status")
    if status and status not in SubcontractStatus.values():
        fields["status"] = [
            _("Choose one of: %(values)s.", values=", ".join(SubcontractStatus.values()))
        ]
    if fields:
        raise ValidationError(_("Some filters are not valid."), fields)
    page, per_page = page_args()
    items, total = paginate(subcontracts_of(user, role, status), page, per_page)
    return jsonify(page_body(items, total, page, per_page, subcontract_json))


@bp.post("/subcontracts")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def post_subcontract():
    record = propose_subcontract(require_user(), json_object())
    return _created(subcontract_json(record), url_for("api.subcontract", record_id=record.id))


@bp.get("/subcontracts/<int:record_id>")
def subcontract(record_id: int):
    return jsonify(subcontract_json(get_subcontract(require_user(), record_id)))


@bp.post("/subcontracts/<int:record_id>/transition")
@limiter.limit(WRITE_LIMIT, key_func=rate_limit_key)
def move_subcontract(record_id: int):
    user = require_user()
    record = get_subcontract(user, record_id)
    data = json_object()
    return jsonify(subcontract_json(transition(user, record, data.get("to"))))


# A CAE's figures ----------------------------------------------------------------------------


def period_args() -> tuple[date | None, date | None]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both optional and inclusive; 422 when malformed."""
    fields: dict[str, list[str]] = {}
    values: list[date | None] = []
    for name in ("from", "to"):
        raw = _arg(name)
        try:
            values.append(date.fromisoformat(raw) if raw else None)
        except ValueError:
            fields[name] = [_("Expected a date (YYYY-MM-DD).")]
            values.append(None)
    start, end = values
    if start and end and end < start:
        fields["to"] = [_("The end date cannot be before the start date.")]
    if fields:
        raise ValidationError(_("Some filters are not valid."), fields)
    return start, end


@bp.get("/caes/<int:cae_id>/stats")
def cae_stats(cae_id: int):
    start, end = period_args()
    figures = cae_figures(require_user(), cae_id, start, end, parties=False)
    body = figures.as_json()
    body["from"], body["to"] = iso_date(start), iso_date(end)
    return jsonify(body)


@bp.get("/caes/<int:cae_id>/subcontracts.csv")
def cae_ledger_csv(cae_id: int):
    start, end = period_args()
    figures = cae_figures(require_user(), cae_id, start, end)
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
