"""GET /healthz: what a load balancer asks each node before sending it traffic."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from marketplace.extensions import db
from marketplace.search.indexer import get_indexer


def test_a_node_with_its_index_is_healthy(client, make_user):
    make_user()
    get_indexer().sync()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["index"] == "ok"
    assert body["index_position"] >= 1  # the account's changes were applied
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session for a probe


def test_a_node_without_index_is_not_ready(app, client):
    assert not get_indexer().exists()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "index": "missing"}


def test_a_database_that_does_not_answer_is_a_503_not_a_trace(client, make_user, monkeypatch):
    make_user()
    get_indexer().sync()

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == "unavailable"
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_database_that_refuses_writes_is_a_503(app, app_config, database_url, make_user):
    """A read-only database answers SELECT 1 but no write: the node must leave the rotation."""
    from marketplace import create_app

    make_user()
    get_indexer().sync()
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        config = {**app_config, "DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"}
    else:
        options = {"options": "-c default_transaction_read_only=on"}
        config = {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": options}}
    read_only = create_app(config)
    response = read_only.test_client().get("/healthz")
    with read_only.app_context():
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == "read_only"
    assert body["index"] == "ok"


def test_the_write_check_keeps_nothing(client, make_user):
    from sqlalchemy import func, select

    from marketplace.health import HealthProbe

    make_user()
    get_indexer().sync()
    for _ in range(2):  # the same id each time: nothing is left behind
        assert client.get("/healthz").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(HealthProbe)) == 0
