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


#: Input objects whose validator answers 422 to a field it does not know.
CLOSED_INPUTS = (
    "ProfileUpdate",
    "CollectiveInput",
    "DecisionInput",
    "OfferInput",
    "OfferResponseInput",
    "AcceptInput",
    "SubcontractInput",
    "TenderCreate",
    "TenderUpdate",
)


def test_inputs_that_refuse_unknown_fields_are_declared_closed(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in CLOSED_INPUTS:
        assert schemas[name].get("additionalProperties") is False, name


def test_an_unknown_field_is_refused_where_the_description_says_so(client, make_user, api_token):
    headers = {"Authorization": f"Bearer {api_token(make_user())}"}
    for path, method in (
        ("/api/v1/me/profile", client.patch),
        ("/api/v1/collectives", client.post),
        ("/api/v1/offers", client.post),
        ("/api/v1/subcontracts", client.post),
        ("/api/v1/tenders", client.post),
    ):
        response = method(path, json={"not_a_field": 1}, headers=headers)
        assert response.status_code == 422, path
        assert "not_a_field" in response.get_json()["error"]["fields"], path


def test_pagination_bounds_are_the_code_s(client, make_user, api_token):
    from marketplace.blueprints.api.pagination import MAX_PAGE, MAX_PER_PAGE_ASKED

    parameters = client.get("/api/v1/openapi.json").get_json()["components"]["parameters"]
    assert parameters["page"]["schema"]["maximum"] == MAX_PAGE
    assert parameters["per_page"]["schema"]["maximum"] == MAX_PER_PAGE_ASKED
    assert client.get(f"/api/v1/caes?page={MAX_PAGE}").status_code == 200
    assert client.get(f"/api/v1/caes?page={MAX_PAGE + 1}").status_code == 400
    assert client.get(f"/api/v1/caes?per_page={MAX_PER_PAGE_ASKED}").get_json()["per_page"] == 100
    assert client.get(f"/api/v1/caes?per_page={MAX_PER_PAGE_ASKED + 1}").status_code == 400


def test_nullable_fields_are_written_as_a_list_of_types(client):
    """OpenAPI 3.1: a nullable field is {"type": [X, "null"]} (oneOf only around a $ref)."""
    doc = client.get("/api/v1/openapi.json").get_json()

    def walk(node, where):
        if isinstance(node, dict):
            one_of = node.get("oneOf")
            if one_of and {"type": "null"} in one_of and len(one_of) == 2:
                other = next(s for s in one_of if s != {"type": "null"})
                assert "$ref" in other, where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(doc, "#")
    patch = doc["components"]["schemas"]["ProfileUpdate"]["properties"]
    assert patch["headline"]["type"] == ["string", "null"]


def test_every_operation_with_a_body_declares_the_size_limit(client, make_user, api_token):
    doc = client.get("/api/v1/openapi.json").get_json()
    with_body = [
        (method, path)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert with_body
    for method, path in with_body:
        assert "413" in doc["paths"][path][method]["responses"], (method, path)
    headers = {"Authorization": f"Bearer {api_token(make_user())}"}
    huge = b'{"name": "' + b"a" * (6 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/collectives", data=huge, content_type="application/json", headers=headers
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
