"""Account settings: name and language, password change, personal API tokens (HTML)."""

from __future__ import annotations

import re

import pytest
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import func, select

from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.operations import create_api_token, user_from_api_token
from marketplace.actors import SYSTEM
from marketplace.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "Ruche-Solidaire-2027"


def t(msgid: str, **values) -> str:
    return str(escape(gettext(msgid, **values)))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/compte"),
        ("post", "/compte"),
        ("post", "/compte/mot-de-passe"),
        ("get", "/compte/jetons"),
        ("post", "/compte/jetons"),
        ("post", "/compte/jetons/1/revoquer"),
    ],
)
def test_account_pages_need_a_signed_in_person(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_settings_show_account_details(client, make_cae, make_user, login):
    cae = make_cae(name="Coopaname")
    login(make_user(cae, email="ana@example.org", role="manager"))
    page = client.get("/compte").get_data(as_text=True)
    assert "ana@example.org" in page
    assert "Coopaname" in page
    assert t("CAE manager") in page
    assert t("verified") in page


def test_settings_show_pending_membership(client, make_user, login):
    login(make_user(verified=False))
    page = client.get("/compte").get_data(as_text=True)
    assert t("awaiting verification") in page


def test_settings_change_name_and_language(client, make_user, login):
    user = make_user(first_name="Camille")
    login(user)
    page = client.get("/compte").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert t("My account") in page

    response = client.post(
        "/compte", data={"first_name": "  Camille-Rose ", "last_name": "Dupré", "locale": "en"}
    )
    assert response.status_code == 302
    saved = db.session.get(User, user.id)
    assert (saved.first_name, saved.last_name, saved.locale) == ("Camille-Rose", "Dupré", "en")
    page = client.get("/compte").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "My account" in page and "Your settings are saved." in page

    client.post("/compte", data={"first_name": "Camille", "last_name": "Dupré", "locale": "fr"})
    page = client.get("/compte").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert db.session.get(User, user.id).locale == "fr"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": "", "last_name": "Dupré", "locale": "fr"}, "first_name"),
        ({"first_name": "Camille", "last_name": "x" * 81, "locale": "fr"}, "last_name"),
        ({"first_name": "Camille", "last_name": "Dupré", "locale": "de"}, "locale"),
    ],
)
def test_settings_bad_input_writes_nothing(client, make_user, login, data, field):
    user = make_user(first_name="Camille", last_name="Martin")
    login(user)
    response = client.post("/compte", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    saved = db.session.get(User, user.id)
    assert (saved.first_name, saved.last_name, saved.locale) == ("Camille", "Martin", None)


# Password change ----------------------------------------------------------------------------


def test_password_change_needs_the_current_password(client, make_user, login):
    user = make_user()
    login(user)
    old_hash = user.password_hash
    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": "Pas-Le-Bon-2027",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="current_password-error"' in page
    assert t("The current password is not correct.") in page
    assert db.session.get(User, user.id).password_hash == old_hash


@pytest.mark.parametrize(
    ("password", "confirm", "field"),
    [("court", "court", "password"), (NEW_PASSWORD, "Autre-2027-xyz", "password_confirm")],
)
def test_password_change_checks_the_new_one(client, make_user, login, password, confirm, field):
    user = make_user()
    login(user)
    old_hash = user.password_hash
    response = client.post(
        "/compte/mot-de-passe",
        data={"current_password": PASSWORD, "password": password, "password_confirm": confirm},
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == old_hash


def test_password_change_keeps_this_session_and_ends_the_others(app, client, make_user, login):
    user = make_user()
    login(user)
    other = login(user, the_client=app.test_client())
    assert other.get("/compte").status_code == 200

    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200  # still signed in here
    assert other.get("/compte").status_code == 302  # signed out there
    fresh = app.test_client()
    assert (
        fresh.post("/connexion", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_password_change_renews_the_remember_cookie(app, client, make_user):
    user = make_user()
    client.post("/connexion", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    old_cookie = client.get_cookie("remember_token").value
    client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    new_cookie = client.get_cookie("remember_token")
    assert new_cookie is not None and new_cookie.value != old_cookie
    # A browser holding only the new remember cookie is still recognised.
    browser = app.test_client()
    browser.set_cookie("remember_token", new_cookie.value, domain="localhost")
    assert browser.get("/compte").status_code == 200
    stale = app.test_client()
    stale.set_cookie("remember_token", old_cookie, domain="localhost")
    assert stale.get("/compte").status_code == 302


# API tokens ---------------------------------------------------------------------------------


def test_token_is_shown_once_and_authenticates(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post("/compte/jetons", data={"name": "Mon tableur"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = re.search(r'<p class="token-box"[^>]*>(ess_[^<]+)</p>', page)
    assert match, page
    clear = match.group(1)
    assert t("Copy it now: it will not be shown again.") in page
    assert user_from_api_token(clear).id == user.id

    listing = client.get("/compte/jetons").get_data(as_text=True)
    assert "Mon tableur" in listing
    assert clear not in listing
    assert clear[:10] in listing  # the prefix helps to recognise it
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert clear not in token.token_hash


def test_token_name_too_long_is_refused(client, make_user, login):
    login(make_user())
    response = client.post("/compte/jetons", data={"name": "x" * 81})
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


def test_token_can_be_revoked(client, make_user, login):
    user = make_user()
    login(user)
    token, clear = create_api_token(SYSTEM, user, "Script")
    db.session.commit()
    token_id = token.id
    response = client.post(f"/compte/jetons/{token_id}/revoquer")
    assert response.status_code == 302
    assert user_from_api_token(clear) is None
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    page = client.get("/compte/jetons").get_data(as_text=True)
    assert f"/compte/jetons/{token_id}/revoquer" not in page


def test_someone_elses_token_cannot_be_revoked(client, make_user, login):
    owner = make_user()
    token, clear = create_api_token(SYSTEM, owner, "Le sien")
    db.session.commit()
    token_id = token.id
    login(make_user())
    assert client.post(f"/compte/jetons/{token_id}/revoquer").status_code == 404
    assert client.post("/compte/jetons/999999/revoquer").status_code == 404
    assert db.session.get(ApiToken, token_id).revoked_at is None
    assert user_from_api_token(clear).id == owner.id
    assert "Le sien" not in client.get("/compte/jetons").get_data(as_text=True)
