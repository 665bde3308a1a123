"""Download my data (page and API) and the privacy page."""

from __future__ import annotations

import json

from marketplace.collectives import operations as ops
from marketplace.extensions import db


def test_the_export_holds_my_rows_and_no_secret(client, make_user, api_token, login):
    me = make_user(headline="Menuisière", skills=[{"name": "Menuiserie", "level": 3}])
    other = make_user(first_name="Zoé")
    collective = ops.create_collective(me, {"name": "Mon collectif"})
    ops.create_collective(other, {"name": "Celui des autres"})
    db.session.commit()
    token = api_token(me)
    response = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["account"]["email"] == me.email
    assert data["profiles"][0]["headline"] == "Menuisière"
    assert [c["name"] for c in data["collectives"]] == ["Mon collectif"]
    assert data["collective_members"][0]["collective_id"] == collective.id
    assert data["api_tokens"][0]["name"] == "tests"
    text = json.dumps(data)
    for secret in ("password_hash", "session_token", "token_hash", me.session_token, token):
        assert secret not in text
    assert other.email not in text


def test_the_settings_page_offers_the_download(client, make_user, login):
    me = make_user()
    login(me)
    assert 'href="/compte/donnees"' in client.get("/compte").get_data(as_text=True)
    response = client.get("/compte/donnees")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_json()["account"]["id"] == me.id


def test_export_needs_a_signed_in_person(client):
    assert client.get("/api/v1/me/export").status_code == 401
    assert client.get("/compte/donnees").status_code == 302


def test_the_privacy_page_is_linked_in_the_footer(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/confidentialite"' in home
    page = client.get("/confidentialite").get_data(as_text=True)
    assert page.count("<h1") == 1 and "Confidentialité" in page
