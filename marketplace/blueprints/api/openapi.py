"""The live OpenAPI 3.1 description of the API (a test keeps it true to the routes)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from marketplace.blueprints.api import spec
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.openapi_common import (
    nullable,
)
from marketplace.blueprints.api.pagination import MAX_PAGE, MAX_PER_PAGE_ASKED
from marketplace.blueprints.api.spec import operation

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_nullable = nullable


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def _list_of(item: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = {
        "items": {"type": "array", "items": _ref(item)},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
    }
    properties.update(extra or {})
    return _object(properties)


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _errors(*codes: int) -> dict[str, Any]:
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        422: "Invalid",
        429: "RateLimited",
    }
    return {str(code): {"$ref": f"#/components/responses/{names[code]}"} for code in codes}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}  # fmt: skip


SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {"type": "string", "examples": ["not_found", "invalid"]},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
                ["code", "message"],
            )
        }
    ),
}


def _error_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": _ref("Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


RESPONSES = {
    "BadRequest": _error_response("Malformed request (body, JSON or query string)."),
    "Unauthorized": _error_response(
        "No token for a write, or a bad or revoked token.",
        {"WWW-Authenticate": {"schema": {"type": "string"}}},
    ),
    "Forbidden": _error_response("Not allowed."),
    "NotFound": _error_response("Absent, or not visible to you."),
    "Conflict": _error_response("The state of the object does not allow it."),
    "Invalid": _error_response("Invalid fields (see error.fields)."),
    "RateLimited": _error_response(
        "Too many requests.",
        {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    ),
    "TooLarge": _error_response("The request body is over the size limit (5 MB)."),
}


def _with_body_limits(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation that takes a body may answer 413 (the app's MAX_CONTENT_LENGTH)."""
    for item in paths.values():
        for op in item.values():
            if "requestBody" in op:
                op["responses"].setdefault("413", {"$ref": "#/components/responses/TooLarge"})
    return paths


PARAMETERS = {
    "page": _query(
        "page",
        "Page number, from 1.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    ),
    "per_page": _query(
        "per_page",
        "Items per page; values above 100 are lowered to 100.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE_ASKED, "default": 20},
    ),
}
PAGE_PARAMETERS = [
    {"$ref": "#/components/parameters/page"},
    {"$ref": "#/components/parameters/per_page"},
]

#: The operations not declared yet, by path (their modules add them below).
PATHS: dict[str, Any] = {}


def document() -> dict[str, Any]:
    """The OpenAPI document: generated from the declared operations and the domains' schemas;
    the operations not declared yet keep their hand-written description until they are."""
    old = _hand_written()
    doc = spec.document(old["info"], old["tags"])
    for path, item in old["paths"].items():
        for method, op in item.items():
            doc["paths"].setdefault(path, {}).setdefault(method, op)
    doc["paths"] = dict(sorted(doc["paths"].items()))
    for name, schema in old["components"]["schemas"].items():
        doc["components"]["schemas"].setdefault(name, schema)
    return doc


def _hand_written() -> dict[str, Any]:
    declared = {(path, method) for path, method, _n, _o in spec.declared_operations()}
    paths = {
        path: {m: op for m, op in item.items() if (path, m) not in declared}
        for path, item in PATHS.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Essaim API",
            "version": "1.0.0",
            "description": "The marketplace of the entrepreneurs of French CAEs. JSON in and out; "
            "errors are {error: {code, message, fields}}; lists are "
            "{items, total, page, per_page}; money in integer cents excluding VAT.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {}],
        "tags": [
            {"name": "reference", "description": "CAEs and skills."},
            {"name": "profiles", "description": "Skill profiles and the caller."},
            {"name": "collectives", "description": "Collectives, membership and decisions."},
            {"name": "notifications", "description": "The caller's notifications."},
            {"name": "tenders", "description": "Joint tenders, applications and teams."},
            {"name": "subcontracting", "description": "Offers, subcontract records, CAE figures."},
            {"name": "meta", "description": "This description."},
        ],
        "paths": _with_body_limits({p: item for p, item in paths.items() if item}),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token from the account settings or `users token`. "
                    "Without it, the browser session works for GET requests only.",
                }
            },
            "schemas": SCHEMAS,
            "responses": RESPONSES,
            "parameters": PARAMETERS,
        },
    }


@bp.get("/openapi.json")
@operation(
    "getOpenApi",
    "This description.",
    tag="meta",
    security=[],
    ok=(200, {"type": "object"}, "The OpenAPI 3.1 document."),
)
def openapi_json() -> Any:
    return jsonify(document())
