"""API v1: profiles (list, filters, facets, visibility), GET /me and PATCH /me/profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.extensions import db
from marketplace.profiles.models import Profile
from tests import typography

PROFILE_KEYS = {
    "id", "display_name", "headline", "bio", "cae", "status", "status_proposed", "city",
    "department", "region",
    "skills", "certifications", "languages", "availability", "available_from",
    "daily_rate_cents", "audience", "updated_at", "url", "photo_url", "availability_periods",
    "references", "certification_details", "verified_references", "recommendations",
}  # fmt: skip
LIST_ITEM_KEYS = PROFILE_KEYS | {"score", "highlights", "distance_km"}
ME_KEYS = {
    "id", "email", "first_name", "last_name", "display_name", "role", "cae", "membership",
    "locale", "profile",
}  # fmt: skip


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def listing(client, query: str = "", headers=None) -> dict:
    response = client.get(f"/api/v1/profiles{query}", headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(body: dict) -> set[int]:
    return {item["id"] for item in body["items"]}


# Shapes --------------------------------------------------------------------------------------


def test_profile_shape(client, make_cae, make_user):
    cae = make_cae("Coop Rhône", department="69")
    user = make_user(
        cae,
        first_name="Léa",
        last_name="Dupont",
        status="associate",
        audience="public",
        headline="Thermicienne",
        bio="Audits et rénovation.",
        city="Lyon",
        department="69",
        skills=[{"name": "Audit thermique", "level": 3}, {"name": "Rénovation", "level": 4}],
        certifications=["RGE", "Qualiopi"],
        languages=["Français", "Anglais"],
        availability="partial",
        available_from="2030-12-01",
        daily_rate_cents=45000,
    )
    response = client.get(f"/api/v1/profiles/{user.profile.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == PROFILE_KEYS
    updated_at = body.pop("updated_at")
    assert datetime.fromisoformat(updated_at).utcoffset() == timedelta(0)
    assert body == {
        "id": user.profile.id,
        "display_name": "Léa Dupont",
        "headline": "Thermicienne",
        "bio": "Audits et rénovation.",
        "cae": {"id": cae.id, "name": "Coop Rhône"},
        "status": "associate",
        "status_proposed": None,
        "city": "Lyon",
        "department": "69",
        "region": "Auvergne-Rhône-Alpes",
        "skills": [{"name": "Rénovation", "level": 4}, {"name": "Audit thermique", "level": 3}],
        "certifications": ["Qualiopi", "RGE"],
        "certification_details": [
            {"name": "Qualiopi", "valid_until": None, "expired": False},
            {"name": "RGE", "valid_until": None, "expired": False},
        ],
        "languages": ["Français", "Anglais"],
        "availability": "partial",
        "available_from": "2030-12-01",
        "daily_rate_cents": 45000,
        "audience": "public",
        "url": f"http://localhost/profils/{user.profile.id}",
        "photo_url": None,
        "availability_periods": [],
        "references": [],
        "verified_references": [],
        "recommendations": [],
    }


def test_list_shape_and_facets(client, make_cae, make_user):
    cae = make_cae("Coop Rhône")
    make_user(cae, audience="public", department="69", skills=[{"name": "Menuiserie", "level": 2}])
    body = listing(client)
    assert set(body) == {"items", "total", "page", "per_page", "facets"}
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    (item,) = body["items"]
    assert set(item) == LIST_ITEM_KEYS
    assert item["score"] is None and item["highlights"] == {}
    region = "Auvergne-Rhône-Alpes"
    assert body["facets"] == {
        "region": [{"value": region, "label": region, "count": 1}],
        "department": [{"value": "69", "label": "Rhône (69)", "count": 1}],
        "cae": [{"value": cae.id, "label": "Coop Rhône", "count": 1}],
        "skill": [{"value": "Menuiserie", "label": "Menuiserie", "count": 1}],
        "status": [{"value": "employee", "label": "entrepreneur·e salarié·e (CESA)", "count": 1}],
        "availability": [{"value": "available", "label": "disponible", "count": 1}],
    }


def test_query_results_are_ranked_with_score_and_highlights(client, make_user):
    expert = make_user(
        audience="public",
        first_name="Inès",
        skills=[{"name": "Rénovation énergétique", "level": 4}],
        bio="Chantiers <b>anciens</b> et rénovation.",
    )
    mention = make_user(
        audience="public", first_name="Marc", bio="Je cherche des partenaires en rénovation."
    )
    make_user(audience="public", first_name="Zoé", skills=[{"name": "Graphisme", "level": 3}])
    body = listing(client, "?q=renovations")
    assert [i["id"] for i in body["items"]] == [expert.profile.id, mention.profile.id]
    assert body["total"] == 2
    first, second = body["items"]
    assert first["score"] > second["score"] > 0
    assert first["highlights"]["skills"] == "<mark>Rénovation</mark> énergétique"
    assert "&lt;b&gt;anciens&lt;/b&gt;" in first["highlights"]["bio"]
    assert "<mark>rénovation</mark>" in second["highlights"]["bio"]
    assert {f["value"]: f["count"] for f in body["facets"]["skill"]} == {
        "Rénovation énergétique": 1
    }


@pytest.mark.parametrize(
    "q", ["renovation energetique", "RÉNOVATION", "rénovations", "renovation energetiqe"]
)
def test_query_folds_accents_plurals_and_typos(client, make_user, q):
    person = make_user(audience="public", skills=[{"name": "Rénovation énergétique", "level": 3}])
    make_user(audience="public", skills=[{"name": "Plomberie", "level": 3}])
    assert ids(listing(client, f"?q={q}")) == {person.profile.id}


@pytest.mark.parametrize("q", ['"(AND * ?', "NOT OR AND", "*", "é" * 1300, "a) OR (b"])
def test_hostile_queries_answer_a_list(client, make_user, q):
    make_user(audience="public", skills=[{"name": "Plomberie", "level": 3}])
    response = client.get("/api/v1/profiles", query_string={"q": q})
    assert response.status_code == 200
    assert set(response.get_json()) == {"items", "total", "page", "per_page", "facets"}


def test_list_is_most_recently_updated_first(client, make_user):
    users = [make_user(audience="public") for _ in range(3)]
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for offset, user in zip((2, 0, 1), users, strict=True):
        user.profile.updated_at = base + timedelta(days=offset)
    db.session.commit()
    body = listing(client)
    assert [i["id"] for i in body["items"]] == [users[0].profile.id, users[2].profile.id,
                                                 users[1].profile.id]  # fmt: skip


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def directory(make_cae, make_user):
    lyon, rennes = make_cae("Coop Lyon", department="69"), make_cae("Coop Rennes", department="35")
    people = {
        "lea": make_user(
            lyon, first_name="Léa", audience="public", department="69", status="employee",
            availability="available", headline="Rénovation de maisons anciennes",
            skills=[{"name": "Rénovation énergétique", "level": 4}],
        ),
        "paul": make_user(
            lyon, first_name="Paul", audience="public", department="01", status="associate",
            availability="partial", skills=[{"name": "Développement web", "level": 3}],
            certifications=["Qualiopi"],
        ),
        "yann": make_user(
            rennes, first_name="Yann", audience="public", department="29",
            status="project_holder", availability="unavailable",
            skills=[{"name": "renovation energetique", "level": 2}, {"name": "Web", "level": 1}],
        ),
    }  # fmt: skip
    return {"lyon": lyon, "rennes": rennes, **{k: v.profile.id for k, v in people.items()}}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?skill=RENOVATION ÉNERGÉTIQUE", {"lea", "yann"}),
        ("?skill=Inconnue", set()),
        ("?department=69", {"lea"}),
        ("?department=1", {"paul"}),
        ("?region=Auvergne-Rhône-Alpes", {"lea", "paul"}),
        ("?region=bretagne", {"yann"}),
        ("?status=associate", {"paul"}),
        ("?availability=unavailable", {"yann"}),
        ("?skill=renovation energetique&region=Bretagne", {"yann"}),
        ("?department=&status=", {"lea", "paul", "yann"}),
        ("?q=renov", {"lea", "yann"}),
        ("?q=ANCIENNES maisons", {"lea"}),
        ("?q=qualiopi", {"paul"}),
        ("?q=paul", {"paul"}),
        ("?q=zzz", set()),
    ],
)
def test_filters(client, directory, query, expected):
    body = listing(client, query)
    assert ids(body) == {directory[name] for name in expected}
    assert body["total"] == len(expected)


def test_filter_by_cae(client, directory):
    body = listing(client, f"?cae={directory['rennes'].id}")
    assert ids(body) == {directory["yann"]}
    assert listing(client, "?cae=999999")["items"] == []


def test_facets_count_the_filtered_set(client, directory):
    facets = listing(client, "?skill=renovation energetique")["facets"]
    assert [(f["value"], f["count"]) for f in facets["region"]] == [
        ("Auvergne-Rhône-Alpes", 1),
        ("Bretagne", 1),
    ]
    assert {f["value"]: f["count"] for f in facets["skill"]} == {
        "Rénovation énergétique": 2,
        "Web": 1,
    }
    assert {f["label"]: f["count"] for f in facets["cae"]} == {"Coop Lyon": 1, "Coop Rennes": 1}


def test_invalid_filters_are_422_with_fields(client, directory):
    response = client.get(
        "/api/v1/profiles?status=boss&availability=soon&department=99&region=Atlantide&cae=abc"
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Certains filtres ne sont pas valides."
    assert set(error["fields"]) == {"status", "availability", "department", "region", "cae"}
    assert error["fields"]["region"] == ["Région inconnue."]
    assert error["fields"]["cae"] == [
        typography.fr("Attendu : l’identifiant d’une CAE (un nombre entier).")
    ]


# Visibility ----------------------------------------------------------------------------------


@pytest.fixture
def world(make_cae, make_user):
    """Profiles of every audience in CAE A, and readers of every kind."""
    cae_a, cae_b = make_cae("CAE A"), make_cae("CAE B")
    w = {
        "public": make_user(cae_a, audience="public", skills=[{"name": "Commun", "level": 2}]),
        "network": make_user(cae_a, audience="network", skills=[{"name": "Commun", "level": 2}]),
        "cae": make_user(
            cae_a,
            audience="cae",
            department="2B",
            skills=[{"name": "Commun", "level": 2}, {"name": "Confidentiel", "level": 3}],
        ),
        "unvouched": make_user(cae_a, verified=False, audience="public"),
        # Readers (their own profiles are audience 'cae' too)
        "pending_a": make_user(cae_a, verified=False, audience="cae"),
        "member_a": make_user(cae_a, audience="cae"),
        "member_b": make_user(cae_b, audience="cae"),
        "manager_a": make_user(cae_a, role="manager", audience="cae"),
        "admin": make_user(None, role="admin", audience="cae"),
    }
    return {"cae_a": cae_a, "cae_b": cae_b, **w}


def pid(world, name: str) -> int:
    return world[name].profile.id


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        (None, {"public"}),
        ("pending_a", {"public", "pending_a"}),
        ("member_b", {"public", "network", "member_b"}),
        ("member_a", {"public", "network", "cae", "member_a", "manager_a"}),
        (
            "manager_a",
            {"public", "network", "cae", "unvouched", "pending_a", "member_a", "manager_a"},
        ),
    ],
)
def test_visibility_through_the_api(client, api_token, world, reader, expected):
    headers = bearer(api_token(world[reader])) if reader else {}
    body = listing(client, "?per_page=100", headers)
    assert ids(body) == {pid(world, name) for name in expected}
    assert body["total"] == len(expected)
    hidden = {"public", "network", "cae", "unvouched"} - expected
    for name in hidden:
        response = client.get(f"/api/v1/profiles/{pid(world, name)}", headers=headers)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    for name in expected:
        response = client.get(f"/api/v1/profiles/{pid(world, name)}", headers=headers)
        assert response.status_code == 200


def test_admin_sees_everything(client, api_token, world):
    body = listing(client, "?per_page=100", bearer(api_token(world["admin"])))
    assert body["total"] == 9


def test_cae_profile_leaves_no_trace_for_another_cae(client, api_token, world):
    headers = bearer(api_token(world["member_b"]))
    body = listing(client, "?per_page=100", headers)
    assert pid(world, "cae") not in ids(body)
    facets = body["facets"]
    assert {f["value"] for f in facets["skill"]} == {"Commun"}
    assert {f["value"]: f["count"] for f in facets["skill"]} == {"Commun": 2}
    assert "2B" not in {f["value"] for f in facets["department"]}
    assert "Corse" not in {f["value"] for f in facets["region"]}
    cae_counts = {f["value"]: f["count"] for f in facets["cae"]}
    assert cae_counts[world["cae_a"].id] == 2
    assert listing(client, "?skill=Confidentiel", headers)["total"] == 0
    assert listing(client, "?q=confidentiel", headers)["total"] == 0
    hidden = client.get(f"/api/v1/profiles/{pid(world, 'cae')}", headers=headers)
    absent = client.get("/api/v1/profiles/987654", headers=headers)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.get_json() == absent.get_json()


def test_session_reader_gets_the_same_visibility(app, login, world):
    same = login(world["member_a"], the_client=app.test_client())
    assert same.get(f"/api/v1/profiles/{pid(world, 'cae')}").status_code == 200
    assert pid(world, "cae") in ids(listing(same, "?per_page=100"))
    other = login(world["member_b"], the_client=app.test_client())
    assert other.get(f"/api/v1/profiles/{pid(world, 'cae')}").status_code == 404
    assert pid(world, "cae") not in ids(listing(other, "?per_page=100"))


# GET /me -------------------------------------------------------------------------------------


def test_me(client, api_token, make_cae, make_user):
    cae = make_cae("Coop Me")
    user = make_user(cae, verified=False, first_name="Inès", last_name="Roux", headline="Hello")
    body = client.get("/api/v1/me", headers=bearer(api_token(user))).get_json()
    assert set(body) == ME_KEYS
    assert body["id"] == user.id and body["email"] == user.email
    assert body["role"] == "member"
    assert body["cae"] == {"id": cae.id, "name": "Coop Me"}
    assert body["membership"] == "pending"
    assert body["display_name"] == "Inès Roux"
    assert set(body["profile"]) == PROFILE_KEYS
    assert body["profile"]["id"] == user.profile.id
    assert body["profile"]["headline"] == "Hello"


def test_me_of_an_admin_without_cae(client, api_token, make_user):
    admin = make_user(None, role="admin")
    body = client.get("/api/v1/me", headers=bearer(api_token(admin))).get_json()
    assert body["role"] == "admin" and body["cae"] is None and body["membership"] == "verified"
    assert body["profile"]["cae"] is None


# PATCH /me/profile ---------------------------------------------------------------------------


def test_patch_profile(client, api_token, make_user):
    user = make_user(skills=[{"name": "Ancienne", "level": 1}])
    headers = bearer(api_token(user))
    response = client.patch(
        "/api/v1/me/profile",
        json={
            "headline": "  Menuisière   agenceuse ",
            "department": "2a",
            "skills": [{"name": "Menuiserie", "level": 4}, {"name": "Agencement", "level": "3"}],
            "certifications": ["RGE"],
            "languages": ["Français"],
            "daily_rate_cents": 38000,
            "available_from": "2027-01-15",
            "availability": "partial",
            "audience": "public",
            "status": "associate",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == PROFILE_KEYS
    assert body["headline"] == "Menuisière agenceuse"
    assert (body["department"], body["region"]) == ("2A", "Corse")
    assert body["skills"] == [
        {"name": "Menuiserie", "level": 4},
        {"name": "Agencement", "level": 3},
    ]
    assert body["certifications"] == ["RGE"] and body["languages"] == ["Français"]
    assert body["daily_rate_cents"] == 38000 and body["available_from"] == "2027-01-15"
    # The status is a contract the CAE holds: the member's change is a proposal, and `status`
    # stays the confirmed one until a manager of the CAE confirms it.
    assert (body["availability"], body["audience"], body["status"]) == (
        "partial",
        "public",
        "employee",
    )
    assert body["status_proposed"] == "associate"
    # Stored: GET /me and the public list agree; skills replaced the old list.
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["profile"]["skills"] == body["skills"]
    assert listing(client)["items"][0]["id"] == user.profile.id

    response = client.patch(
        "/api/v1/me/profile", json={"skills": [], "daily_rate_cents": None}, headers=headers
    )
    assert response.get_json()["skills"] == []
    assert response.get_json()["daily_rate_cents"] is None
    assert response.get_json()["headline"] == "Menuisière agenceuse"  # untouched


def test_patch_profile_bad_input_writes_nothing(client, api_token, make_user):
    user = make_user(headline="Avant", audience="network", skills=[{"name": "Garde", "level": 2}])
    headers = bearer(api_token(user))
    before = client.get("/api/v1/me", headers=headers).get_json()["profile"]
    response = client.patch(
        "/api/v1/me/profile",
        json={
            "headline": "Après",
            "status": "boss",
            "audience": "everyone",
            "department": "99",
            "daily_rate_cents": -5,
            "available_from": "demain",
            "skills": [{"name": "Menuiserie", "level": 9}],
            "email": "pirate@example.org",
        },
        headers=headers,
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {
        "status",
        "audience",
        "department",
        "daily_rate_cents",
        "available_from",
        "skills",
        "email",
    }
    for messages in error["fields"].values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    after = client.get("/api/v1/me", headers=headers).get_json()["profile"]
    assert after == before
    from marketplace.skills.models import Skill

    assert db.session.scalar(db.select(Skill).where(Skill.key == "menuiserie")) is None


@pytest.mark.parametrize(
    "payload",
    [
        {"headline": "x" * 161},
        {"skills": "Menuiserie"},
        {"skills": [{"level": 2}]},
        {"daily_rate_cents": "300"},
        {"daily_rate_cents": 10_000_001},
        {"id": 5},
        {"updated_at": "2020-01-01T00:00:00+00:00"},
    ],
)
def test_patch_profile_rejects_each_bad_field(client, api_token, make_user, payload):
    user = make_user(headline="Avant")
    response = client.patch("/api/v1/me/profile", json=payload, headers=bearer(api_token(user)))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == set(payload)
    db.session.expire_all()
    assert db.session.get(Profile, user.profile.id).headline == "Avant"


# Queries -------------------------------------------------------------------------------------


def _rich_profiles(make_cae, make_user, n: int) -> None:
    for i in range(n):
        make_user(
            make_cae(),
            audience="public",
            department="69",
            skills=[{"name": f"Compétence {i}", "level": 3}, {"name": "Commune", "level": 2}],
            certifications=[f"Certif {i}"],
            languages=["Français", "Anglais"],
        )


@pytest.mark.parametrize("path", ["/api/v1/profiles?per_page=100", "/api/v1/caes?per_page=100"])
def test_lists_make_a_constant_number_of_queries(client, count_queries, make_cae, make_user, path):
    _rich_profiles(make_cae, make_user, 2)
    db.session.remove()
    with count_queries() as few:
        assert client.get(path).status_code == 200
    _rich_profiles(make_cae, make_user, 12)
    db.session.remove()
    with count_queries() as many:
        body = client.get(path).get_json()
    assert body["total"] == 14
    assert many.count == few.count
