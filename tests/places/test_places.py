"""Places: communes resolved offline, `near` + `radius_km` on the lists, place words in q."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.places.gazetteer import distance_km, resolve, suggest
from marketplace.profiles.models import Profile


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "typed, name, department",
    [
        ("Lyon", "Lyon", "69"),
        ("lyon", "Lyon", "69"),
        ("69003", "Lyon", "69"),
        ("Saint-Étienne", "Saint-Étienne", "42"),
        ("saint etienne", "Saint-Étienne", "42"),
        ("St-Etienne", "Saint-Étienne", "42"),
        ("SAINT ÉTIENNE", "Saint-Étienne", "42"),
        ("44000", "Nantes", "44"),
        ("75011", "Paris", "75"),
        ("Saint-Denis (974)", "Saint-Denis", "974"),
        ("97400", "Saint-Denis", "974"),
        ("Ivry-sur-Seine", "Ivry-sur-Seine", None),
    ],
)
def test_a_commune_resolves_by_name_or_postcode(typed, name, department):
    place = resolve(typed)
    assert place is not None and place.name == name
    if department:
        assert place.department == department


def test_unknown_places_and_suggestions():
    assert resolve("Lyonn") is None
    assert resolve("") is None
    assert resolve("99999") is None
    assert "Lyon" in suggest("Lyonn")
    assert suggest("69999")[0] == "Lyon"  # a postcode: its department's largest towns


def test_distances():
    lyon, etienne = resolve("Lyon"), resolve("Saint-Étienne")
    km = distance_km(lyon.latitude, lyon.longitude, etienne.latitude, etienne.longitude)
    assert 45 < km < 55


@pytest.fixture
def world(make_cae, make_user, api_token):
    cae = make_cae("Coop Rhône")
    people = {
        "lyon": make_user(
            cae,
            first_name="Lou",
            city="Lyon",
            department="69",
            headline="Formatrice en management",
            certifications=["Qualiopi"],
            skills=[{"name": "Formation", "level": 3}],
        ),
        "villeurbanne": make_user(
            cae,
            first_name="Val",
            city="Villeurbanne",
            department="69",
            headline="Formatrice bureautique",
            certifications=["Qualiopi"],
        ),
        "etienne": make_user(
            cae,
            first_name="Éti",
            city="Saint-Étienne",
            department="42",
            headline="Formatrice en comptabilité",
            certifications=["Qualiopi"],
        ),
        "toulouse": make_user(
            cae,
            first_name="Tou",
            city="Toulouse",
            department="31",
            headline="Formatrice qualiopi, formations à Lyon et ailleurs",
            certifications=["Qualiopi"],
        ),
        "ivry": make_user(
            cae,
            first_name="Ivy",
            city="Ivry-sur-Seine",
            department="94",
            headline="Formatrice",
            certifications=["Qualiopi"],
        ),
        "nowhere": make_user(cae, first_name="Nul", headline="Formatrice"),
    }
    reader = make_user(cae, first_name="Reader")
    return {"people": people, "token": api_token(reader)}


def names(body) -> list[str]:
    return [item["display_name"].split()[0] for item in body["items"]]


def test_coordinates_are_kept_on_write(world):
    lyon = world["people"]["lyon"].profile
    assert lyon.latitude == pytest.approx(45.749, abs=0.01)
    assert world["people"]["nowhere"].profile.latitude is None
    lyon.city = "Saint-Étienne"
    lyon.department = "42"
    db.session.commit()
    assert db.session.get(Profile, lyon.id).latitude == pytest.approx(45.434, abs=0.01)


@pytest.mark.parametrize("near", ["Lyon", "lyon", "69003", "LYON"])
def test_profiles_near_a_commune(client, world, near):
    body = client.get(f"/api/v1/profiles?near={near}", headers=bearer(world["token"])).get_json()
    assert sorted(names(body)) == ["Lou", "Val"]
    assert body["total"] == 2
    distances = {i["display_name"].split()[0]: i["distance_km"] for i in body["items"]}
    assert distances["Lou"] == 0.0
    assert 0 < distances["Val"] < 10
    wider = client.get(
        f"/api/v1/profiles?near={near}&radius_km=60", headers=bearer(world["token"])
    ).get_json()
    assert sorted(names(wider)) == ["Lou", "Val", "Éti"]


def test_near_with_words_and_facets(client, world):
    body = client.get(
        "/api/v1/profiles?near=Saint-Etienne&radius_km=70&q=formatrice",
        headers=bearer(world["token"]),
    ).get_json()
    assert sorted(names(body)) == ["Lou", "Val", "Éti"]
    assert {f["value"] for f in body["facets"]["department"]} == {"69", "42"}


def test_an_unknown_place_is_422_with_suggestions(client, world):
    response = client.get("/api/v1/profiles?near=Lyonn", headers=bearer(world["token"]))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "Lyon" in error["fields"]["near"]
    assert "Lyonn" in error["fields"]["near"][0]
    bad_radius = client.get(
        "/api/v1/profiles?near=Lyon&radius_km=0", headers=bearer(world["token"])
    )
    assert bad_radius.status_code == 422
    assert "radius_km" in bad_radius.get_json()["error"]["fields"]


def test_a_place_word_ranks_what_is_near_first(client, world):
    body = client.get(
        "/api/v1/profiles?q=formatrice qualiopi lyon", headers=bearer(world["token"])
    ).get_json()
    first_two = names(body)[:2]
    assert sorted(first_two) == ["Lou", "Val"]
    assert set(names(body)) >= {"Tou", "Ivy", "Éti"}  # the others still come, after
    assert body["items"][0]["distance_km"] is not None


def test_offers_tenders_and_collectives_near(client, make_user, api_token, world):
    token = world["token"]
    offer = {
        "title": "Plombier·e pour une semaine",
        "description": "Salle de bains.",
        "skills": ["Plomberie"],
        "city": "Villeurbanne",
        "department": "69",
        "starts_on": "2027-03-02",
        "ends_on": "2027-03-04",
        "budget_cents": 150000,
        "audience": "network",
    }
    assert client.post("/api/v1/offers", json=offer, headers=bearer(token)).status_code == 201
    far = {**offer, "city": "Brest", "department": "29", "title": "Plombier·e à Brest"}
    assert client.post("/api/v1/offers", json=far, headers=bearer(token)).status_code == 201
    body = client.get("/api/v1/offers?near=Lyon", headers=bearer(token)).get_json()
    assert [i["title"] for i in body["items"]] == ["Plombier·e pour une semaine"]
    assert 0 < body["items"][0]["distance_km"] < 10
    worded = client.get("/api/v1/offers?near=Lyon&q=plombier", headers=bearer(token)).get_json()
    assert [i["title"] for i in worded["items"]] == ["Plombier·e pour une semaine"]
    ranked = client.get("/api/v1/offers?q=plombier brest", headers=bearer(token)).get_json()
    assert ranked["items"][0]["title"] == "Plombier·e à Brest"
    assert (
        client.get("/api/v1/offers?near=Nulle-Part-Ici", headers=bearer(token)).status_code == 422
    )

    from tender_helpers import two_lots

    tender = client.post("/api/v1/tenders", json=two_lots(), headers=bearer(token))
    assert tender.status_code == 201, tender.get_json()
    near = client.get("/api/v1/tenders?near=Villeurbanne", headers=bearer(token)).get_json()
    assert [t["id"] for t in near["items"]] == [tender.get_json()["id"]]
    assert near["items"][0]["distance_km"] < 10
    assert client.get("/api/v1/tenders?near=Brest", headers=bearer(token)).get_json()["total"] == 0

    made = client.post(
        "/api/v1/collectives",
        json={
            "name": "Formatrices du Rhône",
            "description": "Entraide",
            "sector": "Formation",
            "audience": "network",
            "join_policy": "open",
        },
        headers=bearer(token),
    )
    assert made.status_code == 201, made.get_json()
    # The reader has no city: the collective lies where its members are, nowhere yet.
    assert (
        client.get("/api/v1/collectives?near=Lyon", headers=bearer(token)).get_json()["total"] == 0
    )
    lou = world["people"]["lyon"]
    joined = client.post(
        f"/api/v1/collectives/{made.get_json()['id']}/join", headers=bearer(api_token(lou))
    )
    assert joined.status_code in (200, 201), joined.get_json()
    body = client.get("/api/v1/collectives?near=Lyon", headers=bearer(token)).get_json()
    assert [c["name"] for c in body["items"]] == ["Formatrices du Rhône"]
    assert body["items"][0]["distance_km"] == 0.0


def test_tender_suggestions_weigh_kilometres_not_departments(
    client, make_cae, make_user, api_token
):
    from tender_helpers import two_lots

    coop = make_cae("Coop Rhône")
    owner = make_user(coop, first_name="Olga", city="Lyon", department="69")
    for first, city, department in (("Tara", "Tarare", "69"), ("Vivi", "Vienne", "38")):
        make_user(
            coop,
            first_name=first,
            city=city,
            department=department,
            skills=[{"name": "Menuiserie", "level": 3}],
        )
    token = api_token(owner)
    tender = client.post("/api/v1/tenders", json=two_lots(), headers=bearer(token)).get_json()
    lot = tender["lots"][1]["id"]
    body = client.get(
        f"/api/v1/tenders/{tender['id']}/suggestions?lot={lot}", headers=bearer(token)
    ).get_json()
    # Vienne (Isère, about 27 km) is nearer to Lyon than Tarare (Rhône, about 40 km).
    assert [i["display_name"].split()[0] for i in body["items"]] == ["Vivi", "Tara"]


def test_formatrice_qualiopi_lyon_puts_lyon_area_trainers_holding_qualiopi_first(
    client, make_cae, make_user, api_token
):
    """The issue's own query: the trainers of the Lyon area who hold Qualiopi come first; the
    trainers of La Réunion, Ivry and Toulouse (even those who write « Lyon ») come after, as do
    a Lyon trainer without Qualiopi and a Lyon plumber who holds it."""
    cae = make_cae("Coop Formation")
    trainers = (
        ("Lou", "Lyon", "69", "Formatrice en management d'équipe", ["Qualiopi"]),
        ("Val", "Villeurbanne", "69", "Formatrice bureautique et numérique", ["Qualiopi"]),
        ("Vénus", "Vénissieux", "69", "Formatrice en prévention des risques", ["Qualiopi"]),
        ("Sans", "Lyon", "69", "Formatrice en anglais des affaires", []),
        ("Run", "Saint-Denis", "974", "Formatrice qualiopi, sessions à Lyon", ["Qualiopi"]),
        ("Ivy", "Ivry-sur-Seine", "94", "Formatrice qualiopi, intervient à Lyon", ["Qualiopi"]),
        ("Tou", "Toulouse", "31", "Formatrice certifiée Qualiopi", ["Qualiopi"]),
        ("Plo", "Lyon", "69", "Plombier chauffagiste", ["Qualiopi"]),
    )
    for first, city, department, headline, certifications in trainers:
        make_user(cae, first_name=first, city=city, department=department, headline=headline,
                  certifications=certifications, audience="network")  # fmt: skip
    token = api_token(make_user(make_cae("Coop Lecteurs"), first_name="Reader"))
    for q in ("formatrice qualiopi lyon", "Formatrice Qualiopi Lyon", "lyon formatrice qualiopi"):
        body = client.get("/api/v1/profiles", query_string={"q": q}, headers=bearer(token))
        items = body.get_json()["items"]
        order = names(body.get_json())
        assert sorted(order[:3]) == ["Lou", "Val", "Vénus"], (q, order)
        for item in items[:3]:
            assert item["distance_km"] <= 30 and "Qualiopi" in item["certifications"]
        assert {"Run", "Ivy", "Tou"} <= set(order[3:])  # still found, after
        if "Sans" in order:
            assert order.index("Sans") > 2
        if "Plo" in order:
            assert order.index("Plo") > 2
