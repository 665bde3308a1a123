"""The /recherche page, as a visitor or a member uses it."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def people(make_user, make_cae):
    cae = make_cae("Coop Énergie", department="69")
    other = make_cae("Coop Savoie", department="73")

    def person(cae, **fields):
        return make_user(cae, password=None, **fields).profile.id

    return {
        "renov": person(
            cae,
            audience="public",
            headline="Rénovation énergétique & isolation <b>écologique</b>",
            skills=[{"name": "Rénovation énergétique", "level": 4}],
            bio="J'accompagne les particuliers dans leurs projets de rénovation.",
            department="69",
            city="Lyon",
        ),
        "plumber": person(
            other,
            audience="public",
            headline="Plombier chauffagiste",
            skills=[{"name": "Plomberie", "level": 3}],
            department="73",
            availability="partial",
        ),
        "secret": person(
            cae, audience="cae", headline="Rénovation de lavoirs", bio="Projet confidentiel"
        ),
    }


def page(client, **params):
    response = client.get("/recherche", query_string=params)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_search_page_shows_highlighted_results(client, people):
    html = page(client, q="renovation")
    assert re.search(r"<title>[^<]*renovation[^<]*· Essaim</title>", html)
    assert 'name="q" value="renovation"' in html
    assert (
        "<mark>Rénovation</mark> énergétique &amp; isolation &lt;b&gt;écologique&lt;/b&gt;" in html
    )
    assert f'href="/profils/{people["renov"]}"' in html
    assert "lavoirs" not in html  # a cae profile, anonymous visitor
    assert f'/profils/{people["plumber"]}"' not in html


def test_facets_are_links_with_counts(client, people):
    html = page(client, q="")
    assert re.search(r'href="/recherche\?department=73"[^>]*>Savoie \(73\)</a> \(1\)', html)
    assert re.search(r"Coop Savoie</a> \(1\)", html)
    filtered = page(client, department="73")
    assert f'/profils/{people["plumber"]}"' in filtered
    assert f'/profils/{people["renov"]}"' not in filtered
    assert 'aria-current="true"' in filtered  # the active filter, a link that removes it
    assert "Rhône (69)" not in filtered


def test_suggestion_link_when_nothing_matches(client, people):
    html = page(client, q="plombeir chauffagiste", availability="partial")
    assert f'/profils/{people["plumber"]}"' in html  # typo tolerated
    html = page(client, q="isolatoin")
    assert "isolation" in html
    html = page(client, q="lyonn")
    suggestion = re.search(r'href="(/recherche\?[^"]*)"[^>]*><strong>([^<]*)</strong>', html)
    assert suggestion and suggestion.group(2) == "lyon"


def test_empty_state_is_helpful(client, people):
    html = page(client, q="zzzqqq")
    assert "empty-state" in html
    assert "zzzqqq" in html
    assert "/connexion" in html  # invitation to sign in to see members-only profiles


def test_pagination(client, make_user):
    for _ in range(23):
        make_user(password=None, audience="public", skills=[{"name": "Apiculture", "level": 2}])
    html = page(client, q="apiculture")
    assert "23" in html
    assert 'rel="next" href="/recherche?q=apiculture&amp;page=2"' in html
    second = page(client, q="apiculture", page=2)
    assert second.count('class="card result"') == 3
    assert 'rel="prev"' in second
    beyond = page(client, q="apiculture", page=9)
    assert "empty-state" in beyond


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"(AND OR NOT * ?'},
        {"q": "x" * 5000},
        {"q": "*"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999"},
        {"status": "bogus", "availability": "<script>", "region": "Atlantis"},
        {"cae": "1 OR 1=1", "department": "999"},
        {"skill": "x" * 1000},
        {"q": "\x00\x01é\u202e"},
    ],
)
def test_bad_input_never_fails(client, people, params):
    html = page(client, **params)
    assert "<script>" not in html.split("<body>")[1].replace("<script src", "")


def test_member_of_the_same_cae_finds_a_cae_profile(client, make_user, login, people):
    from marketplace.caes.models import Cae
    from marketplace.extensions import db

    cae = db.session.query(Cae).filter_by(name="Coop Énergie").one()
    member = make_user(cae)
    login(member)
    html = page(client, q="lavoirs")
    assert f'/profils/{people["secret"]}"' in html
    outsider_client = client.application.test_client()
    other = make_user(db.session.query(Cae).filter_by(name="Coop Savoie").one())
    login(other, the_client=outsider_client)
    html = outsider_client.get("/recherche?q=lavoirs").get_data(as_text=True)
    assert "lavoirs" in html  # echoed query only
    assert f'/profils/{people["secret"]}"' not in html
    assert "confidentiel" not in html


def test_the_page_points_to_collectives_tenders_and_offers_found(
    client, make_cae, make_user, api_token, login
):
    """The header's box searches profiles; the page also counts what else matches, visibly."""
    lyon, nantes = make_cae("Coop Lyon"), make_cae("Coop Nantes", "44", "Nantes")
    founder = make_user(lyon, audience="public")
    outsider = make_user(nantes, audience="public")
    headers = {"Authorization": f"Bearer {api_token(founder)}"}
    for name, audience in (("Zellige en réseau", "network"), ("Zellige entre nous", "cae")):
        response = client.post(
            "/api/v1/collectives",
            json={"name": name, "description": "Carreaux émaillés.", "sector": "Artisanat",
                  "audience": audience, "join_policy": "open"},
            headers=headers,
        )  # fmt: skip
        assert response.status_code == 201, response.get_json()
    login(outsider)
    page = client.get("/recherche?q=zelliges").get_data(as_text=True)
    assert "Aussi trouvé" in page
    assert "Collectifs (1)" in page and "/collectifs?q=zelliges" in page
    assert "Appels d&#39;offres (" not in page and "Offres ouvertes (" not in page
    listed = client.get("/collectifs?q=zelliges").get_data(as_text=True)
    assert "Zellige en réseau" in listed and "Zellige entre nous" not in listed
    assert "Aussi trouvé" not in client.get("/recherche?q=plomberie").get_data(as_text=True)
