"""API v1: the OpenAPI description is well formed and describes exactly the routes that exist."""

from __future__ import annotations

import re

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method.lower(), path))
    return found


def _described(doc) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in doc["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(doc, ref: str):
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved {ref}"
        node = node[part]
    return node


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": "/api/v1"}]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    for name in ("Error", "Cae", "Skill", "Profile", "Me", "ProfileList", "CaeList", "SkillList"):
        assert name in doc["components"]["schemas"], name
    for name in ("Unauthorized", "Forbidden", "NotFound", "Conflict", "Invalid", "RateLimited"):
        assert name in doc["components"]["responses"], name
    assert "Retry-After" in doc["components"]["responses"]["RateLimited"]["headers"]


def test_every_route_is_described_and_nothing_else(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    routes, described = _routes(app), _described(doc)
    assert routes, "no API routes found"
    assert routes - described == set(), "routes missing from the OpenAPI document"
    assert described - routes == set(), "described operations that do not exist"


def test_every_operation_is_complete(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation_ids = []
    for path, item in doc["paths"].items():
        assert path.startswith("/"), path
        path_params = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            assert method in HTTP_METHODS, (path, method)
            assert operation["responses"], (path, method)
            assert any(code.startswith("2") for code in operation["responses"]), (path, method)
            operation_ids.append(operation["operationId"])
            declared = {
                p["name"]
                for p in operation.get("parameters", [])
                if "name" in p and p.get("in") == "path"
            }
            assert declared == path_params, (path, method)
            for param in operation.get("parameters", []):
                assert "$ref" in param or {"name", "in", "schema"} <= set(param), param
    assert len(operation_ids) == len(set(operation_ids))


def test_every_reference_resolves(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    refs = set(_refs(doc))
    assert refs
    for ref in refs:
        _resolve(doc, ref)


def test_profile_schema_matches_what_the_api_returns(client, make_user):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    user = make_user(audience="public", skills=[{"name": "Menuiserie", "level": 2}])
    profile = client.get(f"/api/v1/profiles/{user.profile.id}").get_json()
    assert set(schemas["Profile"]["properties"]) == set(profile)
    assert set(schemas["Profile"]["required"]) == set(profile)
    listing = client.get("/api/v1/profiles").get_json()
    assert set(schemas["ProfileList"]["properties"]) == set(listing)
    caes = client.get("/api/v1/caes").get_json()
    assert set(schemas["Cae"]["properties"]) == set(caes["items"][0])
    error = client.get("/api/v1/me").get_json()
    assert set(schemas["Error"]["properties"]) == set(error)
    skills = client.get("/api/v1/skills").get_json()
    assert set(schemas["Skill"]["properties"]) == set(skills["items"][0])


def test_me_schema_matches_what_the_api_returns(client, make_user, api_token):
    doc = client.get("/api/v1/openapi.json").get_json()
    user = make_user()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token(user)}"})
    assert set(doc["components"]["schemas"]["Me"]["properties"]) == set(me.get_json())
