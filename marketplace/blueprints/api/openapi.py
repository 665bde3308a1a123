"""The live OpenAPI 3.1 description of the API, generated from the declared operations and the
domains' schemas (blueprints/api/spec.py); nothing here describes a path by hand."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from marketplace.blueprints.api import spec
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.spec import operations_for

operation = operations_for("meta")

INFO = {
    "title": "Essaim API",
    "version": "1.0.0",
    "description": "The marketplace of the entrepreneurs of French CAEs. JSON in and out; "
    "errors are {error: {code, message, fields}}; lists are "
    "{items, total, page, per_page}; money in integer cents excluding VAT.",
}
TAGS = [
    {"name": "reference", "description": "CAEs and skills."},
    {"name": "profiles", "description": "Skill profiles and the caller."},
    {"name": "collectives", "description": "Collectives, membership and decisions."},
    {"name": "notifications", "description": "The caller's notifications."},
    {"name": "alerts", "description": "The caller's alerts and opportunities."},
    {"name": "tenders", "description": "Joint tenders, applications and teams."},
    {"name": "subcontracting", "description": "Offers, subcontract records, CAE figures."},
    {"name": "approvals", "description": "The CAE's sign-off: approvals and statuses."},
    {"name": "meta", "description": "This description."},
]


def document() -> dict[str, Any]:
    """The OpenAPI document of the running app (every /api/v1 route must be declared), built
    once per app: it depends only on the routes and the schemas (about 100 ms to build)."""
    built = current_app.extensions.get("openapi_document")
    if built is None:
        built = current_app.extensions["openapi_document"] = spec.document(INFO, TAGS)
    return built


@bp.get("/openapi.json")
@operation("getOpenApi", security=[], ok=(200, {"type": "object"}, "The OpenAPI 3.1 document."))
def openapi_json() -> Any:
    """This description."""
    return jsonify(document())
