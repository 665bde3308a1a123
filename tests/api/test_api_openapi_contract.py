"""The generated OpenAPI document keeps every path, method, parameter, field and status of the
description the API was published with (tests/data/openapi_baseline.json).

Shapes are compared, not spelling: a ``$ref`` is followed, ``anyOf``/``oneOf``/type lists are
the same union, and descriptions, examples and titles are free to differ. A field or status may be
added (the contract allows it) but never dropped, renamed or retyped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

BASELINE = Path(__file__).parent.parent / "data" / "openapi_baseline.json"
KEPT = ("type", "enum", "maxLength", "minLength", "minimum", "maximum", "format", "const")


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _members(doc: dict[str, Any], node: Any) -> list[Any]:
    """The alternatives of a union, flattened (a type list counts as one per type)."""
    node = _resolve(doc, node)
    if not isinstance(node, dict):
        return [node]
    for key in ("anyOf", "oneOf"):
        if key in node:
            out = []
            for sub in node[key]:
                out.extend(_members(doc, sub))
            return out
    if isinstance(node.get("type"), list):
        out = []
        for kind in node["type"]:
            single = {**node, "type": kind}
            if kind == "null":
                single = {"type": "null"}
            elif "enum" in node:
                single["enum"] = [v for v in node["enum"] if v is not None]
            out.append(single)
        return out
    return [node]


def shape(doc: dict[str, Any], node: Any) -> Any:
    """A comparable form of a JSON Schema: what a client can rely on."""
    members = _members(doc, node)
    if len(members) > 1:
        return ("union", tuple(sorted({repr(shape(doc, m)) for m in members})))
    node = members[0]
    if not isinstance(node, dict):
        return repr(node)
    if node.get("type") == "object" or "properties" in node:
        props = node.get("properties", {})
        return (
            "object",
            tuple(sorted((name, repr(shape(doc, sub))) for name, sub in props.items())),
            tuple(sorted(node.get("required", []))),
            repr(shape(doc, node["additionalProperties"]))
            if isinstance(node.get("additionalProperties"), dict)
            else None,
        )
    if node.get("type") == "array":
        return ("array", repr(shape(doc, node.get("items", {}))))
    kept = {key: node[key] for key in KEPT if key in node}
    if "enum" in kept:
        kept["enum"] = sorted(v for v in kept["enum"] if v is not None)
    return tuple(sorted((k, repr(v)) for k, v in kept.items()))


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }


def _parameters(doc: dict[str, Any], op: dict[str, Any]) -> dict[tuple[str, str], Any]:
    out = {}
    for param in op.get("parameters", []):
        param = _resolve(doc, param)
        out[(param["in"], param["name"])] = (
            param.get("required", False),
            shape(doc, param["schema"]),
        )
    return out


def _responses(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for status, response in op["responses"].items():
        if "$ref" in response:
            out[status] = response["$ref"]
            continue
        out[status] = {
            kind: shape(doc, body.get("schema", {}))
            for kind, body in response.get("content", {}).items()
        }
    return out


def _body(doc: dict[str, Any], op: dict[str, Any]) -> Any:
    body = op.get("requestBody")
    if body is None:
        return None
    content = body["content"]
    return body.get("required", False), {
        kind: shape(doc, c["schema"]) for kind, c in content.items()
    }


@pytest.fixture
def documents(app):
    with app.test_request_context():
        from marketplace.blueprints.api.openapi import document

        return json.loads(BASELINE.read_text()), document()


def test_every_operation_of_the_baseline_is_kept(documents):
    before, after = documents
    assert set(_operations(before)) <= set(_operations(after))


@pytest.mark.parametrize(
    "key", sorted(_operations(json.loads(BASELINE.read_text()))), ids=lambda k: f"{k[1]} {k[0]}"
)
def test_operation_keeps_its_contract(documents, key):
    before, after = documents
    old, new = _operations(before)[key], _operations(after)[key]
    assert new["operationId"] == old["operationId"]
    assert new.get("security") == old.get("security")
    assert new.get("tags") == old.get("tags")
    assert _parameters(after, new) == _parameters(before, old)
    assert _body(after, new) == _body(before, old)
    assert _responses(after, new) == _responses(before, old)
