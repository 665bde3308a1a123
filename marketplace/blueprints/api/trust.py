"""Recommendations after a delivered subcontract, and the parties' consent to show their work on
the profiles as verified by Essaim."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.spec import operations_for
from marketplace.subcontracting.records import get_subcontract, party_of
from marketplace.tenders.operations import get_tender
from marketplace.trust.models import Recommendation as RecommendationRow
from marketplace.trust.models import ReferenceConsent
from marketplace.trust.operations import (
    consent_by,
    consent_of,
    recommend,
    set_recommendation_hidden,
    set_subcontract_consent,
    set_tender_consent,
)
from marketplace.trust.queries import person
from marketplace.trust.schemas import (
    Consent,
    ConsentInput,
    Recommendation,
    RecommendationInput,
    RecommendationVisibility,
)

operation = operations_for("profiles", write_limit="30 per minute")


def recommendation_json(rec: RecommendationRow) -> dict[str, Any]:
    who = person(require_user(), rec.author)
    return Recommendation.out(
        id=rec.id,
        author={"profile_id": who.profile_id, "display_name": who.display_name},
        work={"type": "subcontract", "id": rec.subcontract_id, "title": rec.subcontract.title},
        body=rec.body,
        hidden=rec.hidden,
        created_at=rec.created_at,
    )


def _consent_json(mine: ReferenceConsent | None, theirs: ReferenceConsent | None) -> Any:
    return Consent.out(
        show=mine is not None,
        show_amount=bool(mine and mine.show_amount),
        counterpart_agrees=theirs is not None,
        shown=mine is not None and theirs is not None,
    )


@bp.post("/subcontracts/<int:record_id>/recommendation")
@operation.write(
    "recommendForSubcontract",
    body=RecommendationInput,
    ok=(201, Recommendation, "The recommendation."),
    errors=(400, 401, 403, 404, 409, 422, 429),
)
def post_recommendation(record_id: int, body: RecommendationInput) -> Any:
    """A party of a delivered (or invoiced, paid, transferred) record recommends the other
    party, in a few words; one per author and record (409 for a second, or before delivery)."""
    user = require_user()
    rec = recommend(user, get_subcontract(user, record_id), body)
    response = jsonify(recommendation_json(rec))
    response.status_code = 201
    response.headers["Location"] = url_for("api.profile", profile_id=rec.recommended_profile_id)
    return response


@bp.patch("/me/recommendations/<int:recommendation_id>")
@operation.write(
    "updateMyRecommendation",
    body=RecommendationVisibility,  # whole: `hidden` is the one writable field, and required
    ok=(200, Recommendation, "The recommendation."),
    errors=(400, 401, 404, 422, 429),
)
def patch_recommendation(recommendation_id: int, body: RecommendationVisibility) -> Any:
    """The person recommended hides a recommendation from their profile (`hidden: true`) or
    shows it again; 404 for anyone else."""
    rec = set_recommendation_hidden(require_user(), recommendation_id, body.hidden)
    return recommendation_json(rec)


@bp.put("/subcontracts/<int:record_id>/reference")
@operation.act(
    "putSubcontractReferenceConsent",
    body=ConsentInput,
    ok=(Consent, "The caller's consent and the other party's."),
)
def put_subcontract_consent(record_id: int, body: ConsentInput) -> Any:
    """A party agrees (`show`) to show the delivered work on both profiles as verified by
    Essaim, and whether the amount may be shown (`show_amount`): it appears once both agreed,
    the amount only when both allowed it. 409 for a declined or cancelled record."""
    user = require_user()
    record = get_subcontract(user, record_id)
    set_subcontract_consent(user, record, body)
    party = party_of(user, record)
    other = record.subcontractor_profile_id if party == "client" else record.client_profile_id
    return _consent_json(
        consent_of(user, subcontract_id=record.id),
        consent_by(other, subcontract_id=record.id),
    )


@bp.put("/tenders/<int:tender_id>/reference")
@operation.act(
    "putTenderReferenceConsent",
    body=ConsentInput,
    ok=(Consent, "The caller's consent and the owner's (for the owner: their own)."),
)
def put_tender_consent(tender_id: int, body: ConsentInput) -> Any:
    """A member of a won tender's team agrees to show it on their profile as verified by
    Essaim; it appears once the tender's owner agreed too (the share only when both allowed
    it). 409 when the tender is not won."""
    user = require_user()
    tender = get_tender(user, tender_id)
    set_tender_consent(user, tender, body)
    return _consent_json(
        consent_of(user, tender_id=tender.id),
        consent_by(tender.owner_profile_id, tender_id=tender.id),
    )
