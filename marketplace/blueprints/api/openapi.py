"""The live OpenAPI 3.1 description of the API (a test keeps it true to the routes)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from marketplace.blueprints.api import openapi_subcontracting, spec
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.openapi_common import (
    CAE_FILTER,
    ID_OUT,
    OPTIONAL_DATE,
    distinct_items,
    filter_enum,
    nullable,
    path_id,
)
from marketplace.blueprints.api.pagination import MAX_PAGE, MAX_PER_PAGE_ASKED
from marketplace.geo import DEPARTMENT_CODES, REGIONS
from marketplace.profiles.models import Availability, ProfileStatus
from marketplace.visibility import Audience

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


FACET = _object(
    {"value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}},
    ["value", "count"],
)

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
    "CaeRef": _object({"id": ID_OUT, "name": {"type": "string"}}),
    "Cae": _object(
        {
            "id": ID_OUT,
            "name": {"type": "string"},
            "city": {"type": "string"},
            "department": {"type": "string", "examples": ["69", "2A", "974"]},
            "region": _nullable({"type": "string"}),
            "website": _nullable({"type": "string", "format": "uri"}),
            "member_count": {"type": "integer", "description": "Verified, active members."},
        }
    ),
    "Skill": _object(
        {
            "id": ID_OUT,
            "name": {"type": "string"},
            "profile_count": {
                "type": "integer",
                "description": "Profiles visible to the reader that declare this skill.",
            },
        }
    ),
    "ProfileSkill": _object(
        {"name": {"type": "string"}, "level": {"type": "integer", "minimum": 1, "maximum": 4}}
    ),
    "Profile": _object(
        {
            "id": ID_OUT,
            "display_name": {"type": "string"},
            "headline": {"type": "string", "maxLength": 160},
            "bio": {"type": "string", "maxLength": 5000},
            "cae": _nullable(_ref("CaeRef")),
            "status": {"type": "string", "enum": list(ProfileStatus.values())},
            "city": {"type": "string", "maxLength": 120},
            "department": _nullable({"type": "string", "enum": list(DEPARTMENT_CODES)}),
            "region": _nullable({"type": "string"}),
            "skills": {"type": "array", "items": _ref("ProfileSkill")},
            "certifications": {"type": "array", "items": {"type": "string"}},
            "languages": {"type": "array", "items": {"type": "string"}},
            "availability": filter_enum(Availability.values()),
            "available_from": _nullable({"type": "string", "format": "date"}),
            "daily_rate_cents": _nullable({"type": "integer", "minimum": 0, "maximum": 1000000}),
            "audience": {"type": "string", "enum": list(Audience.values())},
            "updated_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri", "description": "The HTML page."},
        }
    ),
    "ProfileListItem": {
        "allOf": [
            _ref("Profile"),
            _object(
                {
                    "score": _nullable(
                        {"type": "number", "description": "Relevance with q (null without)."}
                    ),
                    "highlights": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "field → HTML-escaped excerpt with <mark> around matches.",
                    },
                }
            ),
        ]
    },
    "ProfileUpdate": {
        "type": "object",
        "description": "Any subset of the writable fields; skills replaces the whole list.",
        "additionalProperties": False,
        "properties": {
            "headline": _nullable({"type": "string", "maxLength": 160}),
            "bio": _nullable({"type": "string", "maxLength": 5000}),
            "status": {"type": "string", "enum": list(ProfileStatus.values())},
            "city": _nullable({"type": "string", "maxLength": 120}),
            "department": _nullable({"type": "string", "examples": ["69", "2A", "974"]}),
            "skills": distinct_items(_ref("ProfileSkill"), 40, "competences"),
            "certifications": distinct_items({"type": "string", "maxLength": 120}, 20),
            "languages": distinct_items({"type": "string", "maxLength": 120}, 10),
            "availability": filter_enum(Availability.values()),
            "available_from": OPTIONAL_DATE,
            "daily_rate_cents": _nullable({"type": "integer", "minimum": 0, "maximum": 1000000}),
            "audience": {"type": "string", "enum": list(Audience.values())},
        },
    },
    "Me": _object(
        {
            "id": ID_OUT,
            "email": {"type": "string", "format": "email"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "display_name": {"type": "string"},
            "role": {"type": "string", "enum": ["member", "manager", "admin"]},
            "cae": _nullable(_ref("CaeRef")),
            "membership": {"type": "string", "enum": ["pending", "verified", "refused"]},
            "locale": _nullable({"type": "string"}),
            "profile": _nullable(_ref("Profile")),
        }
    ),
    "Facet": FACET,
    "CaeFacet": _object(
        {"value": {"type": "integer"}, "label": {"type": "string"}, "count": {"type": "integer"}}
    ),
    "CaeList": _list_of("Cae"),
    "SkillList": _list_of("Skill"),
    "ProfileList": _list_of(
        "ProfileListItem",
        {
            "facets": _object(
                {
                    "region": {"type": "array", "items": _ref("Facet")},
                    "department": {"type": "array", "items": _ref("Facet")},
                    "cae": {"type": "array", "items": _ref("CaeFacet")},
                    "skill": {"type": "array", "items": _ref("Facet")},
                    "status": {"type": "array", "items": _ref("Facet")},
                    "availability": {"type": "array", "items": _ref("Facet")},
                },
                ["region", "department", "cae", "skill"],
            )
        },
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
        for operation in item.values():
            if "requestBody" in operation:
                operation["responses"].setdefault(
                    "413", {"$ref": "#/components/responses/TooLarge"}
                )
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

PROFILE_FILTERS = [
    _query(
        "q",
        "Words to find in competences, headline, bio, certifications and names.",
        {"type": "string"},
    ),
    _query("skill", "A competence, by name (case and accents ignored).", {"type": "string"}),
    _query("department", "French department code.", {"type": "string", "examples": ["69"]}),
    _query("region", "Region name.", filter_enum(REGIONS)),
    _query("cae", "CAE id.", CAE_FILTER),
    _query("status", "Status in the CAE.", filter_enum(ProfileStatus.values())),
    _query("availability", "Availability.", filter_enum(Availability.values())),
]

PATHS: dict[str, Any] = {
    "/caes": {
        "get": {
            "operationId": "listCaes",
            "summary": "The CAE directory, by name.",
            "tags": ["reference"],
            "parameters": PAGE_PARAMETERS,
            "responses": {"200": _ok("CaeList", "A page of CAEs."), **_errors(400, 401)},
        }
    },
    "/skills": {
        "get": {
            "operationId": "listSkills",
            "summary": "Skills autocomplete (prefix, case- and accent-insensitive).",
            "description": "Counts only the profiles the reader may see; skills declared on no "
            "visible profile are not listed.",
            "tags": ["reference"],
            "parameters": [
                _query("q", "Prefix to complete.", {"type": "string"}),
                *PAGE_PARAMETERS,
            ],
            "responses": {"200": _ok("SkillList", "A page of skills."), **_errors(400, 401)},
        }
    },
    "/profiles": {
        "get": {
            "operationId": "listProfiles",
            "summary": "Full-text search of visible profiles (best first), or without q the "
            "most recently updated first; with facets counted over the visible matches.",
            "tags": ["profiles"],
            "parameters": [*PROFILE_FILTERS, *PAGE_PARAMETERS],
            "responses": {
                "200": _ok("ProfileList", "A page of profiles."),
                **_errors(400, 401, 422),
            },
        }
    },
    "/profiles/{profile_id}": {
        "get": {
            "operationId": "getProfile",
            "summary": "One profile (404 when absent or not visible to you).",
            "tags": ["profiles"],
            "parameters": [path_id("profile_id")],
            "responses": {"200": _ok("Profile", "The profile."), **_errors(401, 404)},
        }
    },
    "/me": {
        "get": {
            "operationId": "getMe",
            "summary": "The caller's account, membership and profile.",
            "tags": ["profiles"],
            "responses": {"200": _ok("Me", "The caller."), **_errors(401)},
        }
    },
    "/me/profile": {
        "patch": {
            "operationId": "updateMyProfile",
            "summary": "Change any writable field of one's profile (skills replaces the list).",
            "tags": ["profiles"],
            "security": [{"bearerAuth": []}],
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": _ref("ProfileUpdate")}},
            },
            "responses": {
                "200": _ok("Profile", "The updated profile."),
                **_errors(400, 401, 403, 404, 422, 429),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This description.",
            "tags": ["meta"],
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {JSON: {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


from marketplace.blueprints.api import openapi_trust  # noqa: E402

SCHEMAS.update(openapi_trust.schemas())
PATHS.update(openapi_trust.paths())


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
        for path, item in {**PATHS, **openapi_subcontracting.PATHS}.items()
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
            openapi_subcontracting.TAG,
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
            "schemas": {**SCHEMAS, **openapi_subcontracting.SCHEMAS},
            "responses": RESPONSES,
            "parameters": PARAMETERS,
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
