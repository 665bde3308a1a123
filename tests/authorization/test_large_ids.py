"""Ids beyond the id columns (INTEGER: 2^31 and more) name nothing: 404 in paths, 422 in bodies.

PostgreSQL casts id parameters to INTEGER and fails from 2^31; SQLite overflows from 2^63.

Every route of the URL map with an ``<int:…>`` in its path, every method, anonymous and signed
in; query strings that carry ids or page numbers; every id field of the API's bodies.
"""

from __future__ import annotations

import re

import pytest
from authz_world import client_as, world_in
from test_authorization_matrix import CELLS, bodies, url_for_cell

HUGE = [str(2**31), str(2**63), "99999999999999999999", "9" * 400]
ID_ROUTES = [cell for cell in CELLS if "<int:" in cell[2]]


@pytest.fixture(scope="module")
def world_app(database_url, tmp_path_factory):
    with world_in(database_url, tmp_path_factory.mktemp("ids")) as app_and_world:
        yield app_and_world


def _is_json_error(response) -> bool:
    body = response.get_json(silent=True) or {}
    error = body.get("error") or {}
    return isinstance(error.get("code"), str) and isinstance(error.get("message"), str)


def test_the_sweep_covers_the_routes_with_ids():
    assert len(ID_ROUTES) > 60
    assert any(rule.startswith("/api/") for _m, _e, rule in ID_ROUTES)


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize("role", ["anonymous", "owner"])
def test_a_huge_id_in_a_path_is_not_found(world_app, role, huge):
    app, world = world_app
    wrong = []
    for method, endpoint, rule in ID_ROUTES:
        url = url_for_cell(world, endpoint, re.sub(r"<int:\w+>", huge, rule, count=1))
        api = url.startswith("/api/")
        client, headers = client_as(app, world, role, api)
        body = bodies(world).get(endpoint, {})
        kwargs = {} if method == "GET" else ({"json": body} if api else {"data": body})
        response = client.open(url, method=method, headers=headers, **kwargs)
        if response.status_code != 404 or (api and not _is_json_error(response)):
            wrong.append(f"{method} {rule}: {response.status_code}")
    assert not wrong, wrong


QUERY_NAMES = ["cae", "lot", "skill", "page", "per_page", "profil", "remplace", "collective", "id"]
GET_ROUTES = [cell for cell in CELLS if cell[0] == "GET"]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_huge_numbers_in_query_strings_never_break_a_page(world_app, name):
    app, world = world_app
    wrong = []
    for _method, endpoint, rule in GET_ROUTES:
        url = url_for_cell(world, endpoint, rule)
        api = url.startswith("/api/")
        client, headers = client_as(app, world, "owner", api)
        for huge in (HUGE[0], HUGE[1], "-" + HUGE[2], "²", "9" * 5000):
            response = client.get(url, query_string={name: huge}, headers=headers)
            if response.status_code >= 500 or (
                api and response.status_code >= 400 and not _is_json_error(response)
            ):
                wrong.append(f"{url}?{name}={huge[:12]}…: {response.status_code}")
    assert not wrong, wrong


BAD_IDS = [2**31, 2**63, 10**30, -(2**63) - 1, -1, 0]


def _body_cases(world) -> list[tuple[str, str, str, str, dict, list]]:
    """(role, method, url, field, valid body, path to the id inside the body)."""
    ids, sub = world.ids, world.users["sub"]
    tender, lot, collective = ids["tender_id"], ids["lot_id"], ids["collective_id"]
    subcontract = bodies(world)["api.post_subcontract"]
    apply = {"lot_ids": [lot], "role": "cotraitant"}
    cases = [
        ("owner", "POST", "/api/v1/subcontracts", "subcontractor_profile_id", subcontract, []),
        ("owner", "POST", "/api/v1/subcontracts", "tender_id", subcontract, []),
        ("owner", "POST", "/api/v1/subcontracts", "offer_id", subcontract, []),
        ("owner", "POST", "/api/v1/subcontracts", "supersedes_id", subcontract, []),
        ("same_cae", "POST", f"/api/v1/tenders/{tender}/applications", "lot_ids", apply, [0]),
        ("owner", "POST", "/api/v1/tenders", "collective_id", bodies(world)["api.post_tender"], []),
        ("owner", "PATCH", f"/api/v1/tenders/{tender}", "collective_id", {}, []),
        ("owner", "PATCH", f"/api/v1/tenders/{tender}", "lead_profile_id", {}, []),
        ("coordinator", "POST", f"/api/v1/collectives/{collective}/invitations",
         "invitee_profile_id", {"invitee_profile_id": sub.profile.id}, []),
        ("owner", "POST", "/api/v1/me/notifications/read", "id", {}, []),
    ]  # fmt: skip
    return cases


def _poison(body: dict, field: str, path: list, bad: int) -> dict:
    poisoned = dict(body)
    if path:
        poisoned[field] = [bad]
    else:
        poisoned[field] = bad
    return poisoned


@pytest.mark.parametrize("bad", BAD_IDS, ids=["2^31", "2^63", "10^30", "-2^63-1", "-1", "0"])
def test_an_id_out_of_range_in_a_body_is_refused_with_its_field(world_app, bad):
    app, world = world_app
    wrong = []
    for role, method, url, field, body, path in _body_cases(world):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {world.tokens[role]}"}
        response = client.open(
            url, method=method, headers=headers, json=_poison(body, field, path, bad)
        )
        fields = ((response.get_json(silent=True) or {}).get("error") or {}).get("fields") or {}
        if response.status_code != 422 or not fields.get(field):
            wrong.append(f"{method} {url} {field}: {response.status_code} {fields}")
    assert not wrong, wrong


def test_the_field_message_is_french(world_app):
    app, world = world_app
    headers = {"Authorization": f"Bearer {world.tokens['owner']}"}
    body = {**bodies(world)["api.post_subcontract"], "subcontractor_profile_id": 2**63}
    response = app.test_client().post("/api/v1/subcontracts", headers=headers, json=body)
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"]["subcontractor_profile_id"][0]
    assert "profil" in message and "Expected" not in message


@pytest.mark.parametrize("junk", [str(2**31), str(2**63), "²", "9" * 5000])
def test_ids_and_numbers_in_forms_never_break_a_write(world_app, junk):
    """HTML forms and JSON bodies that carry ids or small numbers as text."""
    app, world = world_app
    tender, collective = world.ids["tender_id"], world.ids["collective_id"]
    forms = [
        ("coordinator", "/collectifs/inviter", {"collective_id": junk, "profile_id": "1"}),
        ("coordinator", "/collectifs/inviter", {"collective_id": collective, "profile_id": junk}),
        ("coordinator", f"/collectifs/{collective}/invitations", {"profile_id": junk}),
        ("owner", f"/appels-d-offres/{tender}/equipe", {"lead_profile_id": junk}),
        ("owner", f"/appels-d-offres/{tender}/part",
         {"profile_id": junk, "lot_ids": junk, "share": "10"}),
        ("owner", "/sous-traitances/nouvelle", {"subcontractor": junk, "title": "Pose"}),
    ]  # fmt: skip
    wrong = []
    for role, url, data in forms:
        client, _headers = client_as(app, world, role, api=False)
        response = client.post(url, data=data)
        if response.status_code >= 500:
            wrong.append(f"POST {url} {sorted(data)}: {response.status_code}")
    lot = {"number": junk, "title": "Lot", "skills": ["Menuiserie"]}
    tender_body = {**bodies(world)["api.post_tender"], "lots": [lot]}
    skills = {"skills": [{"name": "Menuiserie", "level": junk}]}
    for method, url, body in [("POST", "/api/v1/tenders", tender_body),
                              ("PATCH", "/api/v1/me/profile", skills)]:  # fmt: skip
        headers = {"Authorization": f"Bearer {world.tokens['owner']}"}
        response = app.test_client().open(url, method=method, json=body, headers=headers)
        if response.status_code != 422:
            wrong.append(f"{method} {url}: {response.status_code}")
    assert not wrong, wrong
