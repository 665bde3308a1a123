"""Links nobody can hijack: absolute links come from BASE_URL only; other Host headers get 400.

The test app's BASE_URL is https://essaim.example.org here, while the test client speaks to
localhost or 127.0.0.1 (both trusted by default): every link must still name BASE_URL.
"""

from __future__ import annotations

import pytest
from tender_helpers import bearer, post, two_lots

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import links_in

BASE = "https://essaim.example.org"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BASE_URL": BASE + "/"}


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# Untrusted hosts --------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["base_url", "header"])
def test_a_reset_asked_through_another_host_is_refused_and_sends_nothing(
    client, make_user, outbox, how
):
    user = make_user(email="ana@example.org")
    options = (
        {"base_url": "http://evil.example"}
        if how == "base_url"
        else {"headers": {"Host": "evil.example"}}
    )
    response = client.post("/mot-de-passe-oublie", data={"email": user.email}, **options)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ce site n’est pas accessible à cette adresse." in html
    assert "evil.example" not in html and "Traceback" not in html
    assert outbox() == []


def test_the_api_refuses_another_host_in_its_json_format(client, make_user, api_token):
    token = api_token(make_user())
    response = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token}", "Host": "evil.example:8080"}
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {"code": "bad_request", "message": "Ce site n’est pas accessible à cette adresse."}
    }


def test_every_page_refuses_another_host(client):
    for path in ("/", "/connexion", "/profils", "/healthz", "/page-qui-n-existe-pas"):
        assert client.get(path, base_url="http://evil.example").status_code == 400, path


# Links come from BASE_URL -----------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["http://localhost", "http://127.0.0.1:5000"])
def test_the_reset_link_starts_with_base_url_whatever_trusted_host_was_used(
    client, make_user, outbox, origin
):
    make_user(email="ana@example.org")
    response = client.post(
        "/mot-de-passe-oublie", data={"email": "ana@example.org"}, base_url=origin
    )
    assert response.status_code == 302
    (_to, _subject, body), *_ = outbox()
    links = links_in(body)
    assert links and all(link.startswith(BASE + "/") for link in links), links
    assert any(link.startswith(BASE + "/mot-de-passe/") for link in links)


def test_api_url_fields_and_calendar_use_base_url(client, make_cae, make_user, api_token):
    owner = make_user(make_cae(), audience="public")
    token = api_token(owner)
    headers = bearer(token)
    tender = post(client, token, two_lots())
    for origin in ("http://127.0.0.1", "http://localhost:8000"):
        me = client.get("/api/v1/me", headers=headers, base_url=origin).get_json()
        assert me["profile"]["url"] == f"{BASE}/profils/{owner.profile.id}"
        got = client.get(f"/api/v1/tenders/{tender['id']}", headers=headers, base_url=origin)
        assert got.get_json()["url"] == f"{BASE}/appels-d-offres/{tender['id']}"
        ics = client.get(
            f"/api/v1/tenders/{tender['id']}/calendar.ics", headers=headers, base_url=origin
        ).get_data(as_text=True)
        assert f"UID:tender-{tender['id']}@essaim.example.org\r\n" in ics
        assert f"URL:{BASE}/appels-d-offres/{tender['id']}\r\n" in ics
        assert "127.0.0.1" not in ics and "localhost" not in ics


def test_notification_links_use_base_url(client, make_user, api_token):
    from marketplace.collectives import operations as ops

    coordinator, asker = make_user(), make_user()
    collective = ops.create_collective(
        coordinator, {"name": "Les Bâtisseurs", "audience": "network", "join_policy": "request"}
    )
    db.session.commit()
    response = client.post(
        f"/api/v1/collectives/{collective.id}/join",
        headers=bearer(api_token(asker)),
        base_url="http://127.0.0.1",
    )
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    body = client.get(
        "/api/v1/me/notifications",
        headers=bearer(api_token(coordinator)),
        base_url="http://127.0.0.1",
    ).get_json()
    assert body["items"][0]["url"] == f"{BASE}/collectifs/{collective.id}#demandes"


# Configuration ----------------------------------------------------------------------------------


def test_production_refuses_to_start_without_base_url(app_config):
    config = {**app_config, "ENV": "production", "BASE_URL": None}
    with pytest.raises(RuntimeError, match="MARKETPLACE_BASE_URL must be set in production"):
        create_app(config)


@pytest.mark.parametrize(
    "bad", ["essaim.example.org", "ftp://essaim.example.org", "https://x/?a=1"]
)
def test_a_malformed_base_url_is_refused(app_config, bad):
    with pytest.raises(RuntimeError, match="MARKETPLACE_BASE_URL must be an http"):
        create_app({**app_config, "BASE_URL": bad})


def test_trusted_hosts_default_to_base_url_localhost_and_loopback(app_config):
    app = create_app(app_config)
    assert app.config["TRUSTED_HOSTS"] == ["essaim.example.org", "localhost", "127.0.0.1"]
    assert app.config["BASE_URL"] == BASE  # without its final slash
    _dispose(app)


def test_trusted_hosts_come_from_the_environment(app_config, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_TRUSTED_HOSTS", " Essaim.example.org , .essaim.example.org ")
    config = {k: v for k, v in app_config.items() if k != "SERVER_NAME"}
    app = create_app(config)
    assert app.config["TRUSTED_HOSTS"] == ["essaim.example.org", ".essaim.example.org"]
    client = app.test_client()
    codes = {
        origin: client.get("/connexion", base_url=origin).status_code
        for origin in ("http://localhost", BASE, "https://www.essaim.example.org")
    }
    assert codes == {"http://localhost": 400, BASE: 200, "https://www.essaim.example.org": 200}
    _dispose(app)


def test_production_refuses_memory_rate_limits_unless_told_it_runs_one_worker(
    app_config, monkeypatch
):
    production = {**app_config, "ENV": "production", "RATELIMIT_ENABLED": True}
    with pytest.raises(RuntimeError, match="MARKETPLACE_SINGLE_WORKER=1"):
        create_app(production)
    monkeypatch.setenv("MARKETPLACE_SINGLE_WORKER", "1")
    app = create_app(production)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    _dispose(app)
    monkeypatch.delenv("MARKETPLACE_SINGLE_WORKER")
    shared = create_app({**production, "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0"})
    assert shared.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    _dispose(shared)
    # Limits turned off count nothing: there is nothing to share.
    _dispose(create_app({**production, "RATELIMIT_ENABLED": False}))


def test_development_defaults_to_the_local_address(app_config):
    config = {k: v for k, v in app_config.items() if k not in ("BASE_URL", "SERVER_NAME")}
    app = create_app(config)
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    with app.test_request_context("/", base_url="http://localhost:8123"):
        from marketplace.links import external_url

        assert external_url("auth.reset", token="abc") == "http://127.0.0.1:5000/mot-de-passe/abc"
    _dispose(app)
