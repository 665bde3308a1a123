"""With CSRF protection on (as in production), every collective form carries its token."""

from __future__ import annotations

import pytest

from marketplace.collectives import operations as ops
from marketplace.extensions import db


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_forms_carry_a_csrf_token_and_posts_without_it_are_refused(client, login, make_user):
    user = make_user()
    collective = ops.create_collective(user, {"name": "Avec jeton", "join_policy": "open"})
    db.session.commit()
    page = client.get("/connexion").get_data(as_text=True)
    token = (
        page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        if ('name="csrf_token" type="hidden" value="' in page)
        else page.split('name="csrf_token" value="')[1].split('"')[0]
    )
    data = {"email": user.email, "password": "Abeilles-Coop-2026", "csrf_token": token}
    response = client.post("/connexion", data=data)
    assert response.status_code == 302
    for url in (
        f"/collectifs/{collective.id}",
        "/collectifs/nouveau",
        "/notifications",
        "/notifications/reglages",
    ):
        html = client.get(url).get_data(as_text=True)
        forms = html.count('method="post"')
        assert forms and html.count('name="csrf_token"') >= forms, url
    assert client.post(f"/collectifs/{collective.id}/quitter").status_code == 400
    assert client.post("/notifications/lues").status_code == 400
