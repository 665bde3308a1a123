"""OpenAPI path of the personal data export (merged into openapi.py)."""

from __future__ import annotations

from typing import Any


def schemas() -> dict[str, Any]:
    return {
        "PersonalData": {
            "type": "object",
            "description": "exported_at, account, then one list of rows per table naming the "
            "caller or their profile (secrets such as password hashes are never included).",
            "properties": {
                "exported_at": {"type": "string", "format": "date-time"},
                "account": {"type": "object"},
            },
            "required": ["exported_at", "account"],
            "additionalProperties": {"type": "array", "items": {"type": "object"}},
        }
    }


def paths() -> dict[str, Any]:
    from marketplace.blueprints.api import openapi as h

    return {
        "/me/export": {
            "get": {
                "operationId": "exportMyData",
                "summary": "Download every piece of data about the caller (GDPR).",
                "tags": ["profiles"],
                "responses": {
                    "200": h._ok("PersonalData", "The caller's data."),
                    **h._errors(401),
                },
            }
        }
    }
