"""CSRF on every state-changing form of the URL map.

Posted without its token, each is refused (400) and nothing changes in the database.
"""

from __future__ import annotations

import pytest
from authz_world import build_world, empty_tables, make_world_app
from sqlalchemy import func, select
from test_authorization_matrix import CELLS, bodies, url_for_cell

from marketplace.extensions import db

FORM_WRITES = [c for c in CELLS if c[0] != "GET" and not c[2].startswith("/api/")]


@pytest.fixture(scope="module")
def csrf_world(database_url, tmp_path_factory):
    """The matrix world on an app that commits and checks CSRF tokens, as in production."""
    app = make_world_app(database_url, tmp_path_factory.mktemp("csrf"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = build_world()
        db.session.commit()
        yield app, world
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def fingerprint() -> dict[str, int]:
    db.session.rollback()
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t))
              for t in db.metadata.sorted_tables}  # fmt: skip
    db.session.rollback()  # no transaction left open between requests
    return counts


def test_every_form_write_is_covered():
    assert len(FORM_WRITES) > 40


@pytest.mark.parametrize("role", ["owner", "coordinator", "manager"])
@pytest.mark.parametrize(
    ("method", "endpoint", "rule"), FORM_WRITES, ids=[c[1] for c in FORM_WRITES]
)
def test_a_form_posted_without_its_token_is_refused(csrf_world, role, method, endpoint, rule):
    app, world = csrf_world
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = world.users[role].get_id()
        session["_fresh"] = True
    before = fingerprint()
    response = client.open(
        url_for_cell(world, endpoint, rule), method=method, data=bodies(world).get(endpoint, {})
    )
    assert response.status_code == 400
    assert fingerprint() == before


def test_api_writes_need_a_token_not_a_session(csrf_world):
    """A browser session cannot write through the API (no CSRF there, so no cookie auth)."""
    app, world = csrf_world
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = world.users["owner"].get_id()
    before = fingerprint()
    response = client.patch("/api/v1/me/profile", json={"headline": "Piraté"})
    assert response.status_code in (401, 403)
    assert fingerprint() == before
