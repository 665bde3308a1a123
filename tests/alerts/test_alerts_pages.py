"""The pages: near on the lists, "Create an alert" from the results, /alertes, "Pour vous"."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from marketplace.alerts.models import Alert
from marketplace.extensions import db


@pytest.fixture
def people(make_cae, make_user):
    coop = make_cae("Coop Rhône")
    return {
        "me": make_user(
            coop,
            first_name="Mia",
            city="Lyon",
            department="69",
            skills=[{"name": "Plomberie", "level": 3}],
        ),
        "near": make_user(
            coop, first_name="Noé", city="Villeurbanne", department="69", headline="Plombier"
        ),
        "far": make_user(
            coop, first_name="Fab", city="Brest", department="29", headline="Plombier"
        ),
    }


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/profils", "/offres", "/appels-d-offres"])
def test_lists_take_a_place_and_offer_an_alert(client, login, people, path):
    login(people["me"])
    page = client.get(f"{path}?near=Lyon&radius_km=20")
    assert page.status_code == 200
    body = text(page)
    assert 'name="near"' in body and 'value="Lyon"' in body
    assert "Créer une alerte" in body
    unknown = client.get(f"{path}?near=Lyonn")
    assert unknown.status_code == 422
    assert "Lyon" in text(unknown) and "Lyonn" in text(unknown)


def test_profiles_near_show_their_distance(client, login, people):
    login(people["me"])
    body = text(client.get("/profils?near=Lyon"))
    assert "Noé" in body and "Fab" not in body
    assert any(f"à {km}\u00a0km" in body for km in range(2, 7))
    worded = text(client.get("/profils?q=plombier brest"))
    assert worded.index("Fab") < worded.index("Noé")


def test_create_list_and_delete_an_alert_in_pages(client, login, people):
    login(people["me"])
    created = client.post(
        "/alertes",
        data={
            "kind": "offers",
            "q": "plomberie",
            "near": "69003",
            "radius_km": "25",
            "frequency": "daily",
        },
    )
    assert created.status_code == 302
    alert = db.session.scalars(select(Alert)).one()
    alert_id = alert.id
    assert (alert.kind, alert.near, alert.radius_km, alert.frequency) == (
        "offers",
        "Lyon",
        25,
        "daily",
    )
    page = text(client.get("/alertes"))
    assert "plomberie" in page and "Une fois par jour" in page
    bad = client.post("/alertes", data={"kind": "offers", "near": "Lyonn", "frequency": "daily"})
    assert bad.status_code == 302
    assert "Lyon" in text(client.get("/alertes"))
    assert client.post(f"/alertes/{alert_id}/supprimer").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Alert)).all() == []
    # Another's alert, or none: 404.
    assert client.post(f"/alertes/{alert_id}/supprimer").status_code == 404


def test_alerts_page_needs_sign_in(client):
    assert client.get("/alertes").status_code == 302
    assert client.post("/alertes", data={"kind": "offers"}).status_code == 302


def test_home_shows_opportunities(client, login, people, api_token):
    token = api_token(people["near"])
    offer = {
        "title": "Fuite sous évier",
        "description": "Urgent.",
        "skills": ["Plomberie"],
        "city": "Villeurbanne",
        "department": "69",
        "starts_on": "2027-03-02",
        "ends_on": "2027-03-04",
        "budget_cents": 30000,
        "audience": "network",
    }
    posted = client.post("/api/v1/offers", json=offer, headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 201
    login(people["me"])
    home = text(client.get("/"))
    assert "Pour vous" in home
    assert "Fuite sous évier" in home
    assert any(f"Plomberie, à {km}\u00a0km" in home for km in range(2, 7))
