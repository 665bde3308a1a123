"""References a member writes: through PATCH /me/profile and the edit page, shown on the profile
(never with amounts), refused with French messages when wrong, removed with the account."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.profiles.models import Profile, ProfileReference
from marketplace.timeutil import to_paris, utcnow
from tests.conftest import PASSWORD

THIS_YEAR = to_paris(utcnow()).year

SCHOOL = {
    "title": "Rénovation thermique d’une école",
    "client_type": "public",
    "year": THIS_YEAR - 1,
    "description": "Audit, isolation des combles\net suivi de chantier.",
    "link": "https://example.org/ecole",
}


def patch(client, token: str, body: dict):
    return client.patch(
        "/api/v1/me/profile", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_references_are_written_in_order_and_read_back(client, make_user, api_token):
    user = make_user(audience="public")
    token = api_token(user)
    shop = {"title": "  Agencement d’une boutique ", "client_type": "company", "year": 2019}

    response = patch(client, token, {"references": [SCHOOL, shop]})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["references"] == [
        SCHOOL,
        {"title": "Agencement d’une boutique", "client_type": "company", "year": 2019,
         "description": "", "link": None},
    ]  # fmt: skip
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert "Rénovation thermique d’une école" in page
    assert "acheteur public" in page and "écrite par la personne" in page
    assert 'href="https://example.org/ecole" rel="nofollow noopener noreferrer ugc"' in page

    assert patch(client, token, {"references": []}).get_json()["references"] == []
    assert db.session.query(ProfileReference).count() == 0


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ({**SCHOOL, "year": THIS_YEAR + 1},
         "L’année d’une référence est comprise entre 1950 et cette année."),
        ({**SCHOOL, "year": "2020"},
         "L’année d’une référence est comprise entre 1950 et cette année."),
        ({**SCHOOL, "title": "   "}, "Chaque référence demande un titre."),
        ({**SCHOOL, "client_type": "ministère"},
         "Le client d’une référence est public, company, association ou individual."),
        ({**SCHOOL, "link": "javascript:alert(1)"},
         "Le lien d’une référence doit commencer par https:// ou http://."),
        ({**SCHOOL, "amount_cents": 100_000},
         "Donnez chaque référence sous la forme {title, client_type, year, description, link}."),
    ],
    ids=["future", "year-text", "no-title", "client", "link", "amount"],
)  # fmt: skip
def test_a_wrong_reference_gets_a_french_422(client, make_user, api_token, reference, message):
    user = make_user()
    response = patch(client, api_token(user), {"references": [reference]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"references": [message]}


def test_the_edit_page_writes_the_references(client, make_user, login):
    user = make_user()
    login(user)
    page = client.get("/profils/moi").get_data(as_text=True)
    assert 'name="references-0-title"' in page

    form = {
        "headline": "Menuisière", "status": "employee", "availability": "available",
        "audience": "network",
        "references-0-title": "Escalier en chêne", "references-0-client_type": "individual",
        "references-0-year": str(THIS_YEAR), "references-0-description": "Sur mesure",
        "references-0-link": "",
    }  # fmt: skip
    response = client.post("/profils/moi", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    refs = db.session.get(Profile, user.profile.id).references
    assert [(r.title, r.client_type, r.year, r.link) for r in refs] == [
        ("Escalier en chêne", "individual", THIS_YEAR, None)
    ]

    form["references-0-year"] = "l’an dernier"
    refused = client.post("/profils/moi", data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "L’année d’une référence est comprise entre 1950 et cette année." in html
    assert "l’an dernier" in html  # what was typed is kept


def test_references_go_with_the_account_and_are_in_the_export(client, make_user, api_token, login):
    user = make_user()
    token = api_token(user)
    patch(client, token, {"references": [SCHOOL]})
    export = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"})
    assert export.get_json()["profile_references"][0]["title"] == SCHOOL["title"]
    login(user)
    assert client.post("/compte/supprimer", data={"password": PASSWORD}).status_code == 302
    assert db.session.query(ProfileReference).count() == 0
