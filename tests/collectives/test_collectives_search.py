"""Collectives as a search document type: words, filters, competences and visibility."""

from __future__ import annotations

import pytest

from marketplace.collectives import operations as ops
from marketplace.extensions import db


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _collective(creator, **fields):
    data = {"name": "Collectif", "join_policy": "open", "audience": "network", **fields}
    collective = ops.create_collective(creator, data)
    db.session.commit()
    return collective


def _found(client, query: str, headers=None) -> set[int]:
    response = client.get(f"/api/v1/collectives?{query}", headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def test_words_find_names_sectors_and_member_competences(client, make_user):
    creator = make_user(audience="network", skills=[{"name": "Charpente bois", "level": 4}])
    reno = _collective(
        creator, name="Rénovateurs du Rhône", sector="Rénovation énergétique", audience="public"
    )
    web = _collective(make_user(), name="Studio web", sector="Numérique", audience="public")
    reader = make_user()
    joiner = make_user(audience="public", skills=[{"name": "Isolation thermique", "level": 3}])
    ops.join(joiner, reno)
    db.session.commit()
    assert _found(client, "q=renovateurs") == {reno.id}
    assert _found(client, "q=rénovation") == {reno.id}  # sector, stemmed and folded
    assert _found(client, "q=numerique") == {web.id}
    assert _found(client, "q=isolation") == {reno.id}  # a public member's competence
    # A network profile's competence is not shown to anonymous readers of a public collective.
    assert _found(client, "q=charpente") == set()
    client.post("/connexion", data={"email": reader.email, "password": "Abeilles-Coop-2026"})
    page = client.get("/collectifs?q=studio").get_data(as_text=True)
    assert "Studio web" in page and "Rénovateurs" not in page


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [("other_cae", False), ("same_cae", True), ("anonymous", False), ("pending", False)],
)
def test_search_never_shows_a_hidden_collective(
    client, api_token, make_cae, make_user, viewer, visible
):
    home, elsewhere = make_cae(), make_cae()
    collective = _collective(make_user(home), name="Atelier confidentiel", audience="cae")
    people = {
        "other_cae": make_user(elsewhere),
        "same_cae": make_user(home),
        "pending": make_user(home, verified=False),
        "anonymous": None,
    }
    person = people[viewer]
    headers = bearer(api_token(person)) if person is not None else {}
    assert (collective.id in _found(client, "q=confidentiel", headers)) is visible
    assert (collective.id in _found(client, f"q=atelier&cae={home.id}", headers)) is visible
    if person is not None:
        client.post("/connexion", data={"email": person.email, "password": "Abeilles-Coop-2026"})
    page = client.get("/collectifs?q=confidentiel").get_data(as_text=True)
    assert ("Atelier confidentiel" in page) is visible


def test_filters_with_words(client, make_cae, make_user):
    lyon, brest = make_cae("Coop Lyon"), make_cae("Coop Brest", department="29")
    one = _collective(
        make_user(lyon),
        name="Formation bretonne",
        sector="Formation",
        region="Bretagne",
        audience="public",
    )
    two = _collective(
        make_user(brest),
        name="Formation lyonnaise",
        sector="Formation",
        region="Auvergne-Rhône-Alpes",
        audience="public",
    )
    assert _found(client, "q=formation") == {one.id, two.id}
    assert _found(client, "q=formation&region=Bretagne") == {one.id}
    assert _found(client, f"q=formation&cae={brest.id}") == {two.id}
    assert _found(client, "q=formation&sector=formation") == {one.id, two.id}
    assert _found(client, "q=formation&sector=inconnu") == set()


def test_a_change_reaches_the_index(client, make_user):
    creator = make_user()
    collective = _collective(creator, name="Ancien nom", audience="public")
    assert _found(client, "q=ancien") == {collective.id}
    ops.update_collective(creator, collective, {"name": "Nouveau départ"})
    db.session.commit()
    assert _found(client, "q=ancien") == set()
    assert _found(client, "q=depart") == {collective.id}
    ops.update_collective(creator, collective, {"audience": "network"})
    db.session.commit()
    assert _found(client, "q=depart") == set()  # anonymous no longer sees it
