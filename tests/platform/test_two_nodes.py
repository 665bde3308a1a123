"""Several nodes on one PostgreSQL database, each with its own index folder following the shared
change log: what one node writes, the others find after `flask search sync` (or on their next
search, through ensure_fresh)."""

from __future__ import annotations

import os

import pytest

from marketplace import create_app
from marketplace.extensions import db
from marketplace.search import register_search_cli

pytestmark = pytest.mark.skipif(
    "postgresql" not in os.environ.get("MARKETPLACE_TEST_DATABASE_URL", ""),
    reason="needs real PostgreSQL: several nodes share one database (SQLite is one file per node)",
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def nodes(app_config, tmp_path):
    """nodes(name, **config) → another node; its connections are closed at the end."""
    made = []

    def make(name: str, **config):
        other = node(app_config, tmp_path, name, **config)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def node(app_config, tmp_path, name: str, **config):
    """Another application on the same database with its own index, its index built now."""
    other = create_app({**app_config, "INDEX_DIR": str(tmp_path / f"index-{name}"), **config})
    with other.app_context():
        if "search" not in other.cli.commands:
            register_search_cli(other)
        result = other.test_cli_runner().invoke(args=["search", "sync"])
        assert result.exit_code == 0, result.output
        assert "Index créé" in result.output
    return other


def found(other, path: str, headers: dict, key: str) -> list:
    with other.app_context():
        response = other.test_client().get(path, headers=headers)
        assert response.status_code == 200, response.get_json()
        items = [item[key] for item in response.get_json()["items"]]
        db.session.remove()
    return items


def sync(other) -> str:
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["search", "sync"])
        db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def test_a_change_on_one_node_is_found_on_the_others(app, client, nodes, make_user, api_token):
    writer = make_user(audience="public", headline="Tapissière", password=None)
    reader = make_user(audience="network", password=None)
    h_writer, h_reader = bearer(api_token(writer)), bearer(api_token(reader))
    profile_id = writer.profile.id
    db.session.remove()
    # Node B only follows the log when told (cron's `flask search sync`); node C also catches up
    # before each search (ensure_fresh, the default).
    b = nodes("b", SEARCH_SYNC_ON_SEARCH=False)
    c = nodes("c")

    # Three changes made through node A (the `app` fixture).
    update = {"headline": "Ébéniste marqueteuse", "skills": [{"name": "Marqueterie", "level": 4}]}
    assert client.patch("/api/v1/me/profile", json=update, headers=h_writer).status_code == 200
    collective = {
        "name": "Collectif des marqueteurs",
        "description": "Marqueterie et restauration de meubles anciens",
        "sector": "Artisanat d'art",
        "region": "Auvergne-Rhône-Alpes",
        "audience": "public",
        "join_policy": "open",
    }
    made = client.post("/api/v1/collectives", json=collective, headers=h_writer)
    assert made.status_code == 201, made.get_json()
    offer = {
        "title": "Renfort en marqueterie pour deux jours",
        "description": "Restauration d'une commode Louis XV.",
        "skills": ["Marqueterie"],
        "city": "Lyon",
        "department": "69",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-03",
        "budget_cents": 80000,
        "audience": "network",
    }
    posted = client.post("/api/v1/offers", json=offer, headers=h_writer)
    assert posted.status_code == 201, posted.get_json()
    db.session.remove()

    profiles = "/api/v1/profiles?q=marqueterie"
    collectives = "/api/v1/collectives?q=marqueterie"
    offers = "/api/v1/offers?q=marqueterie"
    # Node A's own index followed its commits.
    assert found(app, profiles, {}, "id") == [profile_id]

    # Node B has not synced: its index still holds the old state.
    assert found(b, profiles, {}, "id") == []
    assert found(b, collectives, {}, "id") == []
    assert found(b, offers, h_reader, "id") == []
    assert "changement(s) appliqué(s)" in sync(b)
    assert found(b, profiles, {}, "id") == [profile_id]
    assert found(b, collectives, {}, "id") == [made.get_json()["id"]]
    assert found(b, offers, h_reader, "id") == [posted.get_json()["id"]]
    assert sync(b).startswith("0 changement(s) appliqué(s)")  # idempotent

    # Node C catches up by itself before searching.
    assert found(c, profiles, {}, "id") == [profile_id]
    assert found(c, collectives, {}, "id") == [made.get_json()["id"]]
    assert found(c, offers, h_reader, "id") == [posted.get_json()["id"]]

    # And the old words are gone from every index.
    for other in (app, b, c):
        assert found(other, "/api/v1/profiles?q=tapissiere", {}, "id") == []
