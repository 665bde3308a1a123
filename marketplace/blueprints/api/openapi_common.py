"""Pieces shared by the OpenAPI modules: ids and the nullable form of a schema."""

from __future__ import annotations

from typing import Any

from marketplace import ids

#: The largest id the database holds (marketplace.ids: the id columns are SQL INTEGER); ids
#: beyond answer 404 in a path and 422 in a body.
MAX_ID = ids.MAX_ID

#: An id sent by the client (a path segment or a field of a body).
ID: dict[str, Any] = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}

#: An id in a response.
ID_OUT: dict[str, Any] = {"type": "integer", "format": "int64", "minimum": 1}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or null (OpenAPI 3.1: a list of types when the schema has a type)."""
    if "type" in schema and isinstance(schema["type"], str) and "enum" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        return {**schema, "type": [schema["type"], "null"], "enum": [*schema["enum"], None]}
    return {"oneOf": [schema, {"type": "null"}]}


def path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


#: A date that may also be cleared with null or an empty string.
OPTIONAL_DATE: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "maxLength": 0},
        {"type": "null"},
    ],
    "description": "YYYY-MM-DD; null or an empty string clears it.",
}

#: The ?cae= filter: a CAE id of at most 12 digits (422 otherwise).
CAE_FILTER: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999}


def filter_enum(values: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """A query filter taking one of these values; an empty value is the filter left out."""
    return {"type": "string", "enum": [*values, ""]}


def distinct_items(items: dict[str, Any], limit: int, what: str = "names") -> dict[str, Any]:
    """A list counted after empty and repeated entries are dropped (so no maxItems)."""
    return {
        "type": "array",
        "items": items,
        "description": f"At most {limit} distinct {what}; empty and repeated entries are "
        "dropped before counting (422 beyond).",
    }
