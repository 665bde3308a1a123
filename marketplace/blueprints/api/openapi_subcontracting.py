"""OpenAPI paths and schemas of subcontracting: offers, subcontract records, a CAE's figures.

Merged into the document by openapi.py.
"""

from __future__ import annotations

from typing import Any

from marketplace.blueprints.api.openapi_common import (
    ID,
    ID_OUT,
    OPTIONAL_DATE,
    distinct_items,
    filter_enum,
    nullable,
    path_id,
)
from marketplace.profiles.models import ProfileStatus
from marketplace.subcontracting.models import (
    MAX_AMOUNT_CENTS,
    OfferStatus,
    ResponseStatus,
    SubcontractStatus,
    VatRate,
)
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


def _ok(schema: str, description: str, status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {JSON: {"schema": _ref(schema)}}}}


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
    return {str(c): {"$ref": f"#/components/responses/{names[c]}"} for c in codes}


def _path(name: str) -> dict[str, Any]:
    return path_id(name)


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _body(schema: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {JSON: {"schema": _ref(schema)}}}


PAGE = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]
CENTS = {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT_CENTS}
DATE = {"type": "string", "format": "date"}
PERIOD = [
    _query("from", "First day of the period (inclusive).", DATE),
    _query("to", "Last day of the period (inclusive).", DATE),
]
WRITE = {"security": [{"bearerAuth": []}]}
PERSON = _object({"profile_id": ID_OUT, "display_name": {"type": "string"}})
PARTY = _object(
    {
        "profile_id": ID_OUT,
        "display_name": {"type": "string"},
        "cae": _nullable(_ref("CaeRef")),
    }
)

OFFER_WRITABLE = {
    "title": {"type": "string", "minLength": 1, "maxLength": 160},
    "description": {"type": "string", "maxLength": 5000},
    "skills": distinct_items({"type": "string", "maxLength": 120}, 20),
    "city": {"type": "string", "maxLength": 120},
    "department": _nullable({"type": "string", "examples": ["69", "2A", "974"]}),
    "starts_on": _nullable(DATE),
    "ends_on": _nullable({**DATE, "description": "On or after starts_on."}),
    "budget_cents": _nullable({"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT_CENTS}),
    "audience": {"type": "string", "enum": list(Audience.values()), "default": "network"},
}
#: What POST /offers accepts: the fields as shown, null for an empty text, date or list, and the
#: skills also as one string of names separated by ";". Any other field answers 422.
OFFER_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title"],
    "properties": {
        **OFFER_WRITABLE,
        "description": _nullable(OFFER_WRITABLE["description"]),
        "skills": {
            "oneOf": [
                OFFER_WRITABLE["skills"],
                {"type": "string", "description": "Names separated by ';'."},
                {"type": "null"},
            ]
        },
        "city": _nullable(OFFER_WRITABLE["city"]),
        "starts_on": OPTIONAL_DATE,
        "ends_on": {**OPTIONAL_DATE, "description": "On or after starts_on."},
        "audience": _nullable(OFFER_WRITABLE["audience"]),
    },
}
#: A French VAT rate: "20", "20.0", 20, 5.5…
VAT_RATE_INPUT = {
    "oneOf": [
        {"type": "string", "enum": ["20", "10", "5.5", "2.1", "0", *VatRate.values(), ""]},
        {"type": "number", "enum": [20, 10, 5.5, 2.1, 0]},
        {"type": "null"},
    ],
    "default": "20.0",
    "description": "Null or an empty string: 20.0.",
}
RESPONSE = _object(
    {
        "id": ID_OUT,
        "offer_id": ID_OUT,
        "responder": PERSON,
        "message": {"type": "string"},
        "price_cents": CENTS,
        "status": {"type": "string", "enum": list(ResponseStatus.values())},
        "created_at": {"type": "string", "format": "date-time"},
    }
)
OFFER = _object(
    {
        "id": ID_OUT,
        **OFFER_WRITABLE,
        "status": {"type": "string", "enum": list(OfferStatus.values())},
        "owner": PERSON,
        "created_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "format": "uri", "description": "The HTML page."},
        "responses": {
            "type": "array",
            "items": _ref("OfferResponse"),
            "description": "Only in GET /offers/{id} and POST /offers: every response for the "
            "owner, one's own response for a responder.",
        },
    },
    [
        "id",
        "title",
        "description",
        "skills",
        "city",
        "department",
        "starts_on",
        "ends_on",
        "budget_cents",
        "audience",
        "status",
        "owner",
        "url",
    ],
)
SUBCONTRACT = _object(
    {
        "id": ID_OUT,
        "title": {"type": "string"},
        "description": {"type": "string"},
        "client": PARTY,
        "subcontractor": PARTY,
        "client_cae_id": _nullable(ID_OUT),
        "subcontractor_cae_id": _nullable(ID_OUT),
        "amount_cents": {**CENTS, "description": "Excluding VAT; frozen once accepted."},
        "vat_rate": {"type": "string", "enum": list(VatRate.values())},
        "vat_cents": {"type": "integer", "description": "VAT, rounded half up to the cent."},
        "total_cents": {"type": "integer", "description": "Including VAT."},
        "starts_on": _nullable(DATE),
        "ends_on": _nullable(DATE),
        "cross_cae": {"type": "boolean"},
        "offer_id": _nullable(ID_OUT),
        "tender_id": _nullable(ID_OUT),
        "supersedes_id": _nullable(
            {"type": "integer", "description": "The earlier version this one replaces."}
        ),
        "status": {"type": "string", "enum": list(SubcontractStatus.values())},
        "history": {
            "type": "array",
            "items": _object(
                {
                    "from": _nullable({"type": "string", "enum": list(SubcontractStatus.values())}),
                    "to": {"type": "string", "enum": list(SubcontractStatus.values())},
                    "by_profile_id": _nullable(ID_OUT),
                    "at": {"type": "string", "format": "date-time"},
                }
            ),
        },
        "url": {"type": "string", "format": "uri"},
    }
)


def _list(item: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        }
    )


SCHEMAS: dict[str, Any] = {
    "Offer": OFFER,
    "OfferInput": OFFER_INPUT,
    "OfferList": _list("Offer"),
    "OfferResponse": RESPONSE,
    "OfferResponseInput": {
        **_object(
            {"message": _nullable({"type": "string", "maxLength": 3000}), "price_cents": CENTS},
            ["price_cents"],
        ),
        "additionalProperties": False,
    },
    "AcceptInput": {**_object({"vat_rate": VAT_RATE_INPUT}, []), "additionalProperties": False},
    "Subcontract": SUBCONTRACT,
    "SubcontractList": _list("Subcontract"),
    "SubcontractInput": {
        **_object(
            {
                "title": {"type": "string", "minLength": 1, "maxLength": 160},
                "description": _nullable({"type": "string", "maxLength": 5000}),
                "subcontractor_profile_id": ID,
                "client_profile_id": _nullable(
                    {**ID, "description": "The caller's own profile (the client is the caller)."}
                ),
                "amount_cents": CENTS,
                "vat_rate": VAT_RATE_INPUT,
                "starts_on": OPTIONAL_DATE,
                "ends_on": OPTIONAL_DATE,
                "tender_id": _nullable(ID),
                "supersedes_id": _nullable(ID),
            },
            ["title", "subcontractor_profile_id", "amount_cents"],
        ),
        "additionalProperties": False,
    },
    "TransitionInput": _object(
        {"to": {"type": "string", "enum": list(SubcontractStatus.values())}}
    ),
    "CaeStats": _object(
        {
            "members": {"type": "integer"},
            "verified_members": {"type": "integer"},
            "profiles_by_status": _object({s: {"type": "integer"} for s in ProfileStatus.values()}),
            "collectives": {"type": "integer"},
            "tenders": _object({k: {"type": "integer"} for k in ("open", "won", "lost")}),
            "subcontracts": _object(
                {
                    k: {"type": "integer"}
                    for k in (
                        "count",
                        "amount_cents",
                        "internal_amount_cents",
                        "cross_cae_amount_cents",
                    )
                }
            ),
            "flows": {
                "type": "array",
                "items": _object(
                    {
                        "from_cae_id": _nullable(ID_OUT),
                        "to_cae_id": _nullable(ID_OUT),
                        "count": {"type": "integer"},
                        "amount_cents": {"type": "integer"},
                    }
                ),
            },
            "from": _nullable(DATE),
            "to": _nullable(DATE),
        }
    ),
}

OFFER_FILTERS = [
    _query("q", "Words of the title, description, city or competences.", {"type": "string"}),
    _query("skill", "A competence, by name (case and accents ignored).", {"type": "string"}),
    _query("department", "French department code.", {"type": "string"}),
    _query(
        "status",
        "open, filled or closed (all when absent).",
        filter_enum(OfferStatus.values()),
    ),
]

PATHS: dict[str, Any] = {
    "/offers": {
        "get": {
            "operationId": "listOffers",
            "summary": "Visible offers, most recent first.",
            "tags": ["subcontracting"],
            "parameters": [*OFFER_FILTERS, *PAGE],
            "responses": {**_ok("OfferList", "A page of offers."), **_errors(400, 401, 422)},
        },
        "post": {
            "operationId": "createOffer",
            "summary": "Post an offer (verified members).",
            "tags": ["subcontracting"],
            **WRITE,
            "requestBody": _body("OfferInput"),
            "responses": {**_ok("Offer", "The offer.", "201"), **_errors(400, 401, 403, 422, 429)},
        },
    },
    "/offers/{offer_id}": {
        "get": {
            "operationId": "getOffer",
            "summary": "One offer, with the responses the caller may see.",
            "tags": ["subcontracting"],
            "parameters": [_path("offer_id")],
            "responses": {**_ok("Offer", "The offer."), **_errors(401, 404)},
        }
    },
    "/offers/{offer_id}/responses": {
        "post": {
            "operationId": "respondToOffer",
            "summary": "Answer an offer with a message and a price; 409 if not open.",
            "tags": ["subcontracting"],
            **WRITE,
            "parameters": [_path("offer_id")],
            "requestBody": _body("OfferResponseInput"),
            "responses": {
                **_ok("OfferResponse", "The response.", "201"),
                **_errors(400, 401, 403, 404, 409, 422, 429),
            },
        }
    },
    "/offers/{offer_id}/responses/{response_id}/accept": {
        "post": {
            "operationId": "acceptOfferResponse",
            "summary": "The owner accepts a response: a subcontract is proposed to its author "
            "and the offer becomes filled; 409 if not open.",
            "tags": ["subcontracting"],
            **WRITE,
            "parameters": [_path("offer_id"), _path("response_id")],
            "requestBody": _body("AcceptInput", required=False),
            "responses": {
                **_ok("Subcontract", "The proposed subcontract.", "201"),
                **_errors(400, 401, 403, 404, 409, 422, 429),
            },
        }
    },
    "/subcontracts": {
        "get": {
            "operationId": "listSubcontracts",
            "summary": "Records one is party to (all of one's CAE for its managers).",
            "tags": ["subcontracting"],
            "parameters": [
                _query(
                    "role",
                    "Only as client or as subcontractor.",
                    filter_enum(["client", "subcontractor"]),
                ),
                _query(
                    "status",
                    "Only this status.",
                    filter_enum(SubcontractStatus.values()),
                ),
                *PAGE,
            ],
            "responses": {**_ok("SubcontractList", "A page of records."), **_errors(400, 401, 422)},
        },
        "post": {
            "operationId": "createSubcontract",
            "summary": "Propose a record; the caller is the client, the subcontractor accepts.",
            "tags": ["subcontracting"],
            **WRITE,
            "requestBody": _body("SubcontractInput"),
            "responses": {
                **_ok("Subcontract", "The proposed record.", "201"),
                **_errors(400, 401, 403, 409, 422, 429),
            },
        },
    },
    "/subcontracts/{record_id}": {
        "get": {
            "operationId": "getSubcontract",
            "summary": "One record (parties, their CAEs' managers and admins; 404 otherwise).",
            "tags": ["subcontracting"],
            "parameters": [_path("record_id")],
            "responses": {**_ok("Subcontract", "The record."), **_errors(401, 404)},
        }
    },
    "/subcontracts/{record_id}/transition": {
        "post": {
            "operationId": "moveSubcontract",
            "summary": "Move the record: the subcontractor accepts, declines, starts, delivers "
            "and invoices; the client confirms payment; either cancels before work starts.",
            "tags": ["subcontracting"],
            **WRITE,
            "parameters": [_path("record_id")],
            "requestBody": _body("TransitionInput"),
            "responses": {
                **_ok("Subcontract", "The moved record."),
                **_errors(400, 401, 404, 409, 422, 429),
            },
        }
    },
    "/caes/{cae_id}/stats": {
        "get": {
            "operationId": "getCaeStats",
            "summary": "A CAE's figures over a period (its managers and admins).",
            "description": "Subcontract figures count the records with a party in this CAE, "
            "except declined and cancelled ones; a flow goes from the client's CAE to the "
            "subcontractor's CAE (internal flows included).",
            "tags": ["subcontracting"],
            "parameters": [_path("cae_id"), *PERIOD],
            "responses": {**_ok("CaeStats", "The figures."), **_errors(401, 403, 404, 422)},
        }
    },
    "/caes/{cae_id}/subcontracts.csv": {
        "get": {
            "operationId": "getCaeLedgerCsv",
            "summary": "The CAE's subcontracting ledger for its accounting (same records as "
            "the figures): UTF-8 with BOM, ';' separator, decimal comma.",
            "tags": ["subcontracting"],
            "parameters": [_path("cae_id"), *PERIOD],
            "responses": {
                "200": {
                    "description": "The CSV file.",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **_errors(401, 403, 404, 422),
            },
        }
    },
}
TAG = {"name": "subcontracting", "description": "Offers, subcontract records, CAE figures."}
