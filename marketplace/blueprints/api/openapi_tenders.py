"""OpenAPI paths and schemas of the joint tenders (merged into openapi.py's document)."""

from __future__ import annotations

from typing import Any

from marketplace.blueprints.api.openapi_common import (
    ID_OUT,
    MAX_ID,
    distinct_items,
    filter_enum,
    nullable,
    path_id,
)
from marketplace.tenders.models import (
    MAX_AMOUNT_CENTS,
    ApplicationState,
    BuyerKind,
    TeamForm,
    TeamKind,
    TeamRole,
    TenderRole,
    TenderStatus,
)
from marketplace.tenders.validation import LIMITS, MAX_LOT_SKILLS, MAX_LOTS
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


def _list_of(item: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        }
    )


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
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _path(*names: str) -> list[dict[str, Any]]:
    return [path_id(n) for n in names]


def _closed_object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An object whose other fields are refused (422)."""
    return {**_object(properties, required), "additionalProperties": False}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref(schema)}}}


PAGE = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]
CENTS = {"type": "integer", "minimum": 0}
CENTS_IN = {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_CENTS}
LOT = _object(
    {
        "id": ID_OUT,
        "number": {"type": "integer", "minimum": 1},
        "title": {"type": "string"},
        "skills": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "estimated_amount_cents": _nullable(CENTS),
    }
)
LOT_INPUT = _object(
    {
        "number": {
            "type": "integer",
            "minimum": 1,
            "maximum": 999,
            "description": "Unique in the tender; by default the lot's place in the list.",
        },
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "skills": {
            **distinct_items({"type": "string"}, MAX_LOT_SKILLS),
            "minItems": 1,
        },
        "estimated_amount_cents": _nullable(CENTS_IN),
    },
    ["title", "skills"],
)
MEMBER = _object(
    {
        "profile_id": ID_OUT,
        "display_name": {"type": "string"},
        "cae": _nullable(_ref("CaeRef")),
        "role": {"type": "string", "enum": list(TeamRole.values())},
        "lot_ids": {"type": "array", "items": ID_OUT},
        "share_cents": _nullable(CENTS),
        "direct_payment": {
            "type": "boolean",
            "description": "A subcontractor from 600 € incl. VAT (share × 1.2, VAT at 20 %).",
        },
    }
)
BUYER = _object(
    {"name": {"type": "string"}, "kind": {"type": "string", "enum": list(BuyerKind.values())}}
)
BUYER_INPUT = _object(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": LIMITS["buyer_name"]},
        "kind": {"type": "string", "enum": list(BuyerKind.values()), "default": "public"},
    },
    ["name"],
)
WRITABLE = {
    "title": {"type": "string", "minLength": 1, "maxLength": LIMITS["title"]},
    "buyer": BUYER_INPUT,
    "reference": _nullable({"type": "string", "maxLength": LIMITS["reference"]}),
    "source_url": _nullable(
        {
            "type": "string",
            "maxLength": LIMITS["source_url"],
            "description": "A web address starting with http:// or https://; empty or null: none.",
        }
    ),
    "procedure": _nullable({"type": "string", "maxLength": LIMITS["procedure"]}),
    "deadline": {
        "type": "string",
        "format": "date-time",
        "description": "In the future; without an offset it is read as Europe/Paris time.",
    },
    "description": _nullable({"type": "string", "maxLength": LIMITS["description"]}),
    "city": _nullable({"type": "string", "maxLength": LIMITS["city"]}),
    "department": _nullable({"type": "string", "examples": ["69"]}),
    "estimated_amount_cents": _nullable(CENTS_IN),
    "lots": {
        "type": "array",
        "items": LOT_INPUT,
        "maxItems": MAX_LOTS,
        "description": "Given whole (by number).",
    },
    "audience": {"type": "string", "enum": list(Audience.values())},
    "collective_id": _nullable({"type": "integer", "format": "int64", "maximum": MAX_ID}),
}

SCHEMAS: dict[str, Any] = {
    "Tender": _object(
        {
            "id": ID_OUT,
            "title": {"type": "string"},
            "buyer": BUYER,
            "reference": {"type": "string"},
            "source_url": _nullable({"type": "string"}),
            "procedure": {"type": "string"},
            "deadline": {"type": "string", "format": "date-time"},
            "description": {"type": "string"},
            "city": {"type": "string"},
            "department": _nullable({"type": "string"}),
            "estimated_amount_cents": _nullable(CENTS),
            "lots": {"type": "array", "items": LOT},
            "audience": {"type": "string", "enum": list(Audience.values())},
            "status": {"type": "string", "enum": list(TenderStatus.values())},
            "owner": _object({"profile_id": ID_OUT, "display_name": {"type": "string"}}),
            "collective_id": _nullable(ID_OUT),
            "team": _object(
                {
                    "form": _nullable({"type": "string", "enum": list(TeamForm.values())}),
                    "lead_profile_id": _nullable(ID_OUT),
                    "kind": {"type": "string", "enum": list(TeamKind.values())},
                    "members": {"type": "array", "items": MEMBER},
                    "shares_total_cents": CENTS,
                }
            ),
            "updated_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
        }
    ),
    "TenderList": _list_of("Tender"),
    "TenderCreate": {
        **_object(WRITABLE, ["title", "buyer", "deadline"]),
        "additionalProperties": False,
    },
    "TenderUpdate": _closed_object(
        {
            **WRITABLE,
            "status": {
                "type": "string",
                "enum": list(TenderStatus.values()),
                "description": "Moves along the state machine; 409 otherwise.",
            },
            "form": _nullable({"type": "string", "enum": [*TeamForm.values(), ""]}),
            "lead_profile_id": {
                "type": "integer",
                "format": "int64",
                "maximum": MAX_ID,
                "description": "A cotraitant of the team.",
            },
            "team": _object(
                {
                    "form": _nullable({"type": "string", "enum": [*TeamForm.values(), ""]}),
                    "lead_profile_id": {"type": "integer", "format": "int64", "maximum": MAX_ID},
                    "members": {
                        "type": "array",
                        "description": "Lots and shares of existing members (kind, names and "
                        "roles are read-only; members join through applications).",
                        "items": _object(
                            {
                                "profile_id": {
                                    "type": "integer",
                                    "format": "int64",
                                    "maximum": MAX_ID,
                                },
                                "lot_ids": {
                                    "type": "array",
                                    "items": {"type": "integer", "format": "int64"},
                                },
                                "share_cents": _nullable({"type": "integer", "minimum": 0}),
                            },
                            ["profile_id"],
                        ),
                    },
                },
                [],
            ),
        },
        [],
    ),
    "TenderApplication": _object(
        {
            "id": ID_OUT,
            "tender_id": ID_OUT,
            "state": {"type": "string", "enum": list(ApplicationState.values())},
            "applicant": _object(
                {
                    "profile_id": ID_OUT,
                    "display_name": {"type": "string"},
                    "cae": _nullable(_ref("CaeRef")),
                }
            ),
            "applicant_profile_id": ID_OUT,
            "lot_ids": {"type": "array", "items": ID_OUT},
            "role": {"type": "string", "enum": list(TenderRole.values())},
            "message": {"type": "string"},
            "share_cents": _nullable(CENTS),
            "created_at": {"type": "string", "format": "date-time"},
            "decided_at": _nullable({"type": "string", "format": "date-time"}),
        }
    ),
    "TenderApplicationList": _list_of("TenderApplication"),
    "TenderApplicationCreate": _object(
        {
            "lot_ids": {
                "type": "array",
                "items": {"type": "integer", "format": "int64"},
                "minItems": 1,
            },
            "role": {"type": "string", "enum": list(TenderRole.values())},
            "message": _nullable({"type": "string", "maxLength": LIMITS["message"]}),
        },
        ["lot_ids", "role"],
    ),
    "TenderDecision": _object(
        {"accept": {"type": "boolean"}, "share_cents": _nullable(CENTS)}, ["accept"]
    ),
    "TenderSuggestion": _object(
        {
            "profile_id": ID_OUT,
            "display_name": {"type": "string"},
            "cae": _nullable(_ref("CaeRef")),
            "matched_skills": {"type": "array", "items": {"type": "string"}},
            "missing_skills": {"type": "array", "items": {"type": "string"}},
            "availability": {"type": "string"},
            "department": _nullable({"type": "string"}),
            "score": {"type": "number", "minimum": 0, "maximum": 100},
            "lot_ids": {"type": "array", "items": ID_OUT},
        }
    ),
    "TenderSuggestionList": _list_of("TenderSuggestion"),
}

TENDER_FILTERS = [
    _query(
        "q", "Words to find (title, lots, competences, buyer, description).", {"type": "string"}
    ),
    _query("department", "French department code.", {"type": "string"}),
    _query("skill", "A competence a lot requires.", {"type": "string"}),
    _query("status", "Status.", filter_enum(TenderStatus.values())),
    _query("deadline_after", "Deadline on or after (date or datetime).", {"type": "string"}),
    _query("deadline_before", "Deadline on or before (date or datetime).", {"type": "string"}),
]
TAG = ["tenders"]
WRITE = [{"bearerAuth": []}]

PATHS: dict[str, Any] = {
    "/tenders": {
        "get": {
            "operationId": "listTenders",
            "summary": "Visible tenders, nearest deadline first (with q: best first).",
            "tags": TAG,
            "parameters": [*TENDER_FILTERS, *PAGE],
            "responses": {"200": _ok("TenderList", "A page of tenders."), **_errors(400, 401, 422)},
        },
        "post": {
            "operationId": "createTender",
            "summary": "Post a tender; the caller is the owner, "
            "the first member of the team and its lead.",
            "tags": TAG,
            "security": WRITE,
            "requestBody": _body("TenderCreate"),
            "responses": {"201": _ok("Tender", "The tender."), **_errors(400, 401, 403, 422, 429)},
        },
    },
    "/tenders/{tender_id}": {
        "get": {
            "operationId": "getTender",
            "summary": "One tender (404 when not visible).",
            "tags": TAG,
            "parameters": _path("tender_id"),
            "responses": {"200": _ok("Tender", "The tender."), **_errors(401, 404)},
        },
        "patch": {
            "operationId": "updateTender",
            "summary": "Edit (owner): fields, lots given whole, "
            "status moves (409 when not allowed), the group's form and lead.",
            "tags": TAG,
            "security": WRITE,
            "parameters": _path("tender_id"),
            "requestBody": _body("TenderUpdate"),
            "responses": {
                "200": _ok("Tender", "The tender."),
                **_errors(400, 401, 403, 404, 409, 422, 429),
            },
        },
    },
    "/tenders/{tender_id}/applications": {
        "get": {
            "operationId": "listTenderApplications",
            "summary": "The owner sees every application; an applicant only their own.",
            "tags": TAG,
            "parameters": [*_path("tender_id"), *PAGE],
            "responses": {
                "200": _ok("TenderApplicationList", "Applications."),
                **_errors(400, 401, 404),
            },
        },
        "post": {
            "operationId": "applyToTender",
            "summary": "Apply for lots → pending; 409 after the "
            "deadline, when not open, or when already applied.",
            "tags": TAG,
            "security": WRITE,
            "parameters": _path("tender_id"),
            "requestBody": _body("TenderApplicationCreate"),
            "responses": {
                "201": _ok("TenderApplication", "The application (state pending)."),
                **_errors(400, 401, 404, 409, 422, 429),
            },
        },
    },
    "/tenders/{tender_id}/applications/{application_id}/decision": {
        "post": {
            "operationId": "decideTenderApplication",
            "summary": "The owner accepts (with a "
            "share) or declines; shares may not exceed the estimate (422).",
            "tags": TAG,
            "security": WRITE,
            "parameters": _path("tender_id", "application_id"),
            "requestBody": _body("TenderDecision"),
            "responses": {
                "200": _ok("TenderApplication", "The decided application."),
                **_errors(400, 401, 403, 404, 409, 422, 429),
            },
        },
    },
    "/tenders/{tender_id}/suggestions": {
        "get": {
            "operationId": "tenderSuggestions",
            "summary": "Visible people whose competences "
            "cover the lot's skills (or all lots'), team members left out, best first.",
            "tags": TAG,
            "parameters": [
                *_path("tender_id"),
                _query("lot", "A lot id.", {"type": "integer"}),
                *PAGE,
            ],
            "responses": {
                "200": _ok("TenderSuggestionList", "Ranked people."),
                **_errors(400, 401, 404, 422),
            },
        },
    },
    "/tenders/{tender_id}/calendar.ics": {
        "get": {
            "operationId": "tenderCalendar",
            "summary": "The deadline as an iCalendar event.",
            "tags": TAG,
            "parameters": _path("tender_id"),
            "responses": {
                "200": {
                    "description": "RFC 5545 calendar.",
                    "content": {"text/calendar": {"schema": {"type": "string"}}},
                },
                **_errors(401, 404),
            },
        },
    },
}
