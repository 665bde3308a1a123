"""API v1: reference data (GET /caes, GET /skills) and pagination."""

from __future__ import annotations

import pytest

from marketplace.extensions import db

CAE_KEYS = {"id", "name", "city", "department", "region", "website", "siren", "member_count"}
SKILL_KEYS = {"id", "name", "profile_count"}
PAGE_KEYS = {"items", "total", "page", "per_page"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# GET /caes -----------------------------------------------------------------------------------


def test_caes_shape_order_and_member_counts(client, make_cae, make_user):
    zeta = make_cae("Zeta Coop", department="2A", city="Ajaccio")
    alpha = make_cae(
        "Alpha Coop", department="974", city="Saint-Denis", website="https://alpha.example"
    )
    make_user(zeta)
    make_user(zeta)
    make_user(zeta, verified=False)  # pending: not counted
    closed = make_user(zeta)
    closed.is_active = False  # closed account: not counted
    db.session.commit()

    response = client.get("/api/v1/caes")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == PAGE_KEYS
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert [item["name"] for item in body["items"]] == ["Alpha Coop", "Zeta Coop"]
    for item in body["items"]:
        assert set(item) == CAE_KEYS
    first, second = body["items"]
    assert first == {
        "id": alpha.id,
        "name": "Alpha Coop",
        "city": "Saint-Denis",
        "department": "974",
        "region": "La Réunion",
        "website": "https://alpha.example",
        "siren": None,
        "member_count": 0,
    }
    assert second["id"] == zeta.id
    assert second["region"] == "Corse"
    assert second["website"] is None
    assert second["member_count"] == 2


def test_caes_are_paginated(client, make_cae):
    for i in range(25):
        make_cae(f"CAE {i:02d}")
    body = client.get("/api/v1/caes").get_json()
    assert (len(body["items"]), body["total"], body["page"], body["per_page"]) == (20, 25, 1, 20)
    body = client.get("/api/v1/caes?page=2").get_json()
    assert [c["name"] for c in body["items"]] == [f"CAE {i:02d}" for i in range(20, 25)]
    body = client.get("/api/v1/caes?page=3&per_page=10").get_json()
    assert (len(body["items"]), body["page"], body["per_page"]) == (5, 3, 10)
    body = client.get("/api/v1/caes?page=9").get_json()
    assert body["items"] == [] and body["total"] == 25


def test_per_page_above_the_maximum_is_lowered_to_100(client, make_cae):
    make_cae()
    body = client.get("/api/v1/caes?per_page=500").get_json()
    assert body["per_page"] == 100
    assert client.get("/api/v1/caes?per_page=100").get_json()["per_page"] == 100


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=99999999999999999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=-5", "per_page"),
        ("per_page=vingt", "per_page"),
        ("page=²", "page"),
    ],
)
def test_bad_pagination_is_400(client, query, field):
    for path in ("/api/v1/caes", "/api/v1/skills", "/api/v1/profiles"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        error = response.get_json()["error"]
        assert error["code"] == "bad_request"
        assert error["message"] == "Paramètres de pagination invalides."
        assert list(error["fields"]) == [field]


# GET /skills ---------------------------------------------------------------------------------


@pytest.fixture
def skill_world(make_cae, make_user):
    """Skills on profiles of several audiences, in two CAEs."""
    cae_a, cae_b = make_cae("CAE A"), make_cae("CAE B")
    make_user(
        cae_a,
        audience="public",
        skills=[{"name": "Rénovation énergétique", "level": 4}, {"name": "Menuiserie", "level": 2}],
    )
    make_user(
        cae_a,
        audience="cae",
        skills=[{"name": "renovation energetique", "level": 3}, {"name": "Secret", "level": 1}],
    )
    make_user(cae_a, audience="network", skills=[{"name": "Réseaux informatiques", "level": 3}])
    make_user(cae_a, verified=False, audience="public", skills=[{"name": "Pending", "level": 2}])
    return {
        "a": make_user(cae_a, audience="cae"),
        "b": make_user(cae_b, audience="cae"),
        "pending": make_user(cae_a, verified=False, audience="cae"),
    }


def skills_seen(client, headers=None, query="") -> dict[str, int]:
    response = client.get(f"/api/v1/skills{query}", headers=headers or {})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == PAGE_KEYS
    for item in body["items"]:
        assert set(item) == SKILL_KEYS
    assert body["total"] == len(body["items"])
    return {item["name"]: item["profile_count"] for item in body["items"]}


def test_skills_count_only_visible_profiles(client, api_token, skill_world):
    assert skills_seen(client) == {"Rénovation énergétique": 1, "Menuiserie": 1}
    pending = bearer(api_token(skill_world["pending"]))
    assert skills_seen(client, pending) == {"Rénovation énergétique": 1, "Menuiserie": 1}
    other_cae = bearer(api_token(skill_world["b"]))
    assert skills_seen(client, other_cae) == {
        "Rénovation énergétique": 1,
        "Menuiserie": 1,
        "Réseaux informatiques": 1,
    }
    same_cae = bearer(api_token(skill_world["a"]))
    assert skills_seen(client, same_cae) == {
        "Rénovation énergétique": 2,
        "Menuiserie": 1,
        "Réseaux informatiques": 1,
        "Secret": 1,
    }


@pytest.mark.parametrize("who", [None, "pending", "a", "b"])
@pytest.mark.parametrize("query", ["", "?q=ré", "?q=secret"])
def test_skills_counted_in_the_database_when_the_index_is_absent(
    client, api_token, skill_world, monkeypatch, who, query
):
    """The index answers the counts; without one the database does, with the same figures."""
    from marketplace.blueprints.api import reference

    headers = bearer(api_token(skill_world[who])) if who else None
    from_index = skills_seen(client, headers, query)
    monkeypatch.setattr(reference, "visible_skill_counts", lambda _viewer: None)
    assert skills_seen(client, headers, query) == from_index


@pytest.mark.parametrize("query", ["reno", "RÉNO", "Réno", "  rénov ", "ener"])
def test_skills_prefix_is_accent_and_case_insensitive(client, api_token, skill_world, query):
    same_cae = bearer(api_token(skill_world["a"]))
    assert skills_seen(client, same_cae, f"?q={query}") == {"Rénovation énergétique": 2}


def test_skills_prefix_matches_the_start_only(client, api_token, skill_world):
    same_cae = bearer(api_token(skill_world["a"]))
    assert skills_seen(client, same_cae, "?q=vation") == {}
    assert skills_seen(client, same_cae, "?q=ré") == {
        "Rénovation énergétique": 2,
        "Réseaux informatiques": 1,
    }
    assert skills_seen(client, same_cae, "?q=%25") == skills_seen(client, same_cae)


def test_skills_are_ordered_by_count_and_paginated(client, api_token, skill_world):
    same_cae = bearer(api_token(skill_world["a"]))
    body = client.get("/api/v1/skills?per_page=2", headers=same_cae).get_json()
    assert body["total"] == 4 and body["per_page"] == 2
    assert body["items"][0]["name"] == "Rénovation énergétique"
    second = client.get("/api/v1/skills?per_page=2&page=2", headers=same_cae).get_json()
    names = [i["name"] for i in body["items"] + second["items"]]
    assert sorted(names) == [
        "Menuiserie",
        "Rénovation énergétique",
        "Réseaux informatiques",
        "Secret",
    ]
