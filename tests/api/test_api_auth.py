"""API v1: authentication (token, session), the JSON error format and rate limits."""

from __future__ import annotations

import pytest

from marketplace import create_app
from marketplace.accounts.operations import revoke_api_token
from marketplace.extensions import db, limiter


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


# Authentication ------------------------------------------------------------------------------


def test_me_without_credentials_is_401(client):
    response = client.get("/api/v1/me")
    error = assert_error(response, 401, "unauthorized")
    assert "fields" not in error
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nope",
        "Bearer ess_not-a-real-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "ess_token-without-scheme",
        "",
    ],
)
def test_bad_authorization_header_is_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    error = assert_error(response, 401, "unauthorized")
    if header.startswith("Bearer ess_"):
        assert error["message"] == "Ce jeton d’API n’est pas valide ou a été révoqué."


def test_bad_token_is_401_even_on_public_routes(client):
    assert_error(client.get("/api/v1/caes", headers=bearer("ess_bad")), 401, "unauthorized")


def test_valid_token_identifies_the_user(client, make_user, api_token):
    user = make_user()
    response = client.get("/api/v1/me", headers=bearer(api_token(user)))
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email


def test_token_is_accepted_with_lowercase_scheme(client, make_user, api_token):
    user = make_user()
    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {api_token(user)}"})
    assert response.status_code == 200


def test_revoked_token_is_401(client, make_user, api_token):
    user = make_user()
    token = api_token(user)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    from marketplace.accounts.models import ApiToken

    record = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    revoke_api_token(user, record.id)
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=bearer(token)), 401, "unauthorized")


def test_token_of_a_closed_account_is_401(client, make_user, api_token):
    user = make_user()
    token = api_token(user)
    user.is_active = False
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=bearer(token)), 401, "unauthorized")


def test_bad_token_is_401_even_with_a_session(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/api/v1/me").status_code == 200
    assert_error(client.get("/api/v1/me", headers=bearer("ess_wrong")), 401, "unauthorized")


def test_token_wins_over_the_session(client, make_user, login, api_token):
    session_user, token_user = make_user(), make_user()
    login(session_user)
    response = client.get("/api/v1/me", headers=bearer(api_token(token_user)))
    assert response.get_json()["id"] == token_user.id


def test_session_works_for_get(client, make_user, login):
    user = make_user()
    login(user)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id


def test_session_cannot_write(client, make_user, login):
    user = make_user(headline="Avant")
    login(user)
    for method in (client.patch, client.post, client.put, client.delete):
        response = method("/api/v1/me/profile", json={"headline": "Après"})
        assert response.status_code in (401, 405)
    response = client.patch("/api/v1/me/profile", json={"headline": "Après"})
    error = assert_error(response, 401, "unauthorized")
    assert error["message"] == (
        "Envoyez un jeton d’API personnel dans l’en-tête Authorization (Bearer)."
    )
    db.session.expire_all()
    assert user.profile.headline == "Avant"


def test_anonymous_write_is_401(client):
    assert_error(client.patch("/api/v1/me/profile", json={}), 401, "unauthorized")


def test_bearer_responses_set_no_cookie(client, make_user, api_token):
    user = make_user()
    token = api_token(user)
    for response in (
        client.get("/api/v1/me", headers=bearer(token)),
        client.patch("/api/v1/me/profile", json={"city": "Lyon"}, headers=bearer(token)),
    ):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


def test_token_use_is_recorded(client, make_user, api_token):
    from marketplace.accounts.models import ApiToken

    user = make_user()
    token = api_token(user)
    client.get("/api/v1/me", headers=bearer(token))
    record = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    db.session.refresh(record)
    assert record.last_used_at is not None


def test_api_needs_no_csrf_token_with_a_bearer(app_config, make_user, api_token):
    user = make_user()
    token = api_token(user)
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    response = app.test_client().patch(
        "/api/v1/me/profile", json={"headline": "Sans CSRF"}, headers=bearer(token)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["headline"] == "Sans CSRF"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# Error format --------------------------------------------------------------------------------


def test_unknown_api_route_is_a_json_404(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_a_json_405(client):
    assert_error(client.delete("/api/v1/caes"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '"text"', "null", "", "headline=x"],
)
def test_malformed_body_is_400(client, make_user, api_token, body):
    user = make_user(headline="Inchangé")
    response = client.patch(
        "/api/v1/me/profile",
        data=body,
        content_type="application/json",
        headers=bearer(api_token(user)),
    )
    error = assert_error(response, 400, "bad_request")
    assert error["message"] == "Le corps de la requête doit être un objet JSON."
    db.session.expire_all()
    assert user.profile.headline == "Inchangé"


def test_messages_follow_the_interface_language(client):
    french = client.get("/api/v1/caes?page=0").get_json()["error"]["message"]
    client.post("/langue", data={"lang": "en", "next": "/"})
    english = client.get("/api/v1/caes?page=0").get_json()["error"]["message"]
    assert french == "Paramètres de pagination invalides."
    assert english == "Invalid pagination parameters."


# Rate limits ---------------------------------------------------------------------------------


@pytest.fixture
def limited_client(app, app_config):
    # The limiter is one object: build this app after the default one so its settings win.
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    with app.app_context():
        limiter.reset()
        yield app.test_client()
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def test_profile_writes_are_rate_limited_with_json_429(limited_client, make_user, api_token):
    user, other = make_user(), make_user()
    token = api_token(user)
    for _ in range(60):
        response = limited_client.patch(
            "/api/v1/me/profile", json={"city": "Lyon"}, headers=bearer(token)
        )
        assert response.status_code == 200
    response = limited_client.patch(
        "/api/v1/me/profile", json={"city": "Paris"}, headers=bearer(token)
    )
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 0
    db.session.expire_all()
    assert user.profile.city == "Lyon"
    # Another person (another token) is not held back.
    response = limited_client.patch(
        "/api/v1/me/profile", json={"city": "Paris"}, headers=bearer(api_token(other))
    )
    assert response.status_code == 200
