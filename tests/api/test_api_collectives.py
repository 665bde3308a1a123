"""API v1: collectives, membership and one-person-one-vote decisions (the contract's shapes)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.collectives import operations as ops
from marketplace.collectives.models import Decision
from marketplace.extensions import db
from marketplace.timeutil import utcnow

COLLECTIVE_KEYS = {
    "id",
    "name",
    "description",
    "sector",
    "region",
    "audience",
    "join_policy",
    "members",
    "skills",
    "caes",
    "url",
}
DECISION_KEYS = {"status", "tally", "voters", "members"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(client, api_token):
    """api(user) → a small caller: api(user).post(path, json) returning the response."""

    class Caller:
        def __init__(self, user):
            self.headers = bearer(api_token(user)) if user is not None else {}

        def get(self, path):
            return client.get(f"/api/v1{path}", headers=self.headers)

        def post(self, path, json=None):
            return client.post(f"/api/v1{path}", json=json, headers=self.headers)

        def patch(self, path, json=None):
            return client.patch(f"/api/v1{path}", json=json, headers=self.headers)

        def delete(self, path):
            return client.delete(f"/api/v1{path}", headers=self.headers)

    return Caller


def _create(caller, **fields):
    data = {
        "name": "Rénovation globale",
        "description": "Audits et travaux",
        "sector": "Rénovation énergétique",
        "region": "Auvergne-Rhône-Alpes",
        "audience": "network",
        "join_policy": "request",
        **fields,
    }
    response = caller.post("/collectives", data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _later(hours: int = 2) -> str:
    return (utcnow() + timedelta(hours=hours)).isoformat()


def test_done_when_journey(api, make_cae, make_user):
    """Create; members of two CAEs join by request and by invitation; vote; close; competences."""
    lyon, nantes, lille = make_cae("Coop Lyon"), make_cae("Coop Nantes"), make_cae("Coop Lille")
    creator = make_user(
        lyon,
        first_name="Léa",
        audience="network",
        skills=[{"name": "Audit énergétique", "level": 4}],
    )
    asker = make_user(
        nantes,
        first_name="Yann",
        audience="network",
        skills=[{"name": "Audit énergétique", "level": 3}, {"name": "Isolation", "level": 4}],
    )
    guest = make_user(
        lille, first_name="Awa", audience="network", skills=[{"name": "Menuiserie", "level": 2}]
    )
    c, a, g = api(creator), api(asker), api(guest)

    body = _create(c)
    assert set(body) >= COLLECTIVE_KEYS
    cid = body["id"]
    assert body["members"] == [
        {
            **body["members"][0],
            "profile_id": creator.profile.id,
            "role": "coordinator",
            "cae": {"id": lyon.id, "name": "Coop Lyon"},
        }
    ]

    joined = a.post(f"/collectives/{cid}/join", {"message": "Je fais des audits."})
    assert joined.status_code == 200
    assert joined.get_json()["state"] == "pending"
    rid = joined.get_json()["request_id"]
    assert a.post(f"/collectives/{cid}/join").status_code == 409  # pending already
    assert (
        a.post(f"/collectives/{cid}/requests/{rid}/decision", {"approve": True}).status_code == 403
    )
    decided = c.post(f"/collectives/{cid}/requests/{rid}/decision", {"approve": True})
    assert decided.status_code == 200 and decided.get_json()["state"] == "approved"
    assert (
        c.post(f"/collectives/{cid}/requests/{rid}/decision", {"approve": True}).status_code == 409
    )
    assert a.post(f"/collectives/{cid}/join").status_code == 409  # member already

    invited = c.post(f"/collectives/{cid}/invitations", {"invitee_profile_id": guest.profile.id})
    assert invited.status_code == 201
    iid = invited.get_json()["id"]
    answer = g.post(f"/collectives/{cid}/invitations/{iid}/response", {"accept": True})
    assert answer.status_code == 200 and answer.get_json()["state"] == "accepted"

    body = c.get(f"/collectives/{cid}").get_json()
    assert {m["profile_id"] for m in body["members"]} == {
        creator.profile.id,
        asker.profile.id,
        guest.profile.id,
    }
    assert {cae["name"] for cae in body["caes"]} == {"Coop Lyon", "Coop Nantes", "Coop Lille"}
    assert body["skills"][0] == "Audit énergétique"  # held by two members
    assert set(body["skills"]) == {"Audit énergétique", "Isolation", "Menuiserie"}

    proposal = c.post(
        f"/collectives/{cid}/decisions",
        {"title": "Répondre à l'appel d'offres", "closes_at": _later()},
    )
    assert proposal.status_code == 201
    did = proposal.get_json()["id"]
    for caller, choice in ((c, "yes"), (a, "no"), (a, "yes"), (g, "abstain")):
        assert (
            caller.post(f"/collectives/{cid}/decisions/{did}/vote", {"choice": choice}).status_code
            == 200
        )
    open_body = c.get(f"/collectives/{cid}/decisions/{did}").get_json()
    assert set(open_body) >= DECISION_KEYS
    assert open_body["status"] == "open" and open_body["voters"] == 3 and open_body["members"] == 3

    decision = db.session.get(Decision, did)
    decision.closes_at = utcnow() - timedelta(seconds=1)  # time passes
    db.session.commit()
    closed = c.get(f"/collectives/{cid}/decisions/{did}").get_json()
    assert closed["status"] == "closed"
    assert closed["tally"] == {"yes": 2, "no": 0, "abstain": 1}
    assert (closed["voters"], closed["members"]) == (3, 3)
    assert closed["outcome"] == "adopted"
    late = a.post(f"/collectives/{cid}/decisions/{did}/vote", {"choice": "no"})
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "deadline_passed"


def test_open_join_and_invitation_only(api, make_user):
    creator, other = make_user(), make_user()
    open_id = _create(api(creator), join_policy="open")["id"]
    assert api(other).post(f"/collectives/{open_id}/join").get_json() == {"state": "member"}
    closed_id = _create(api(creator), name="Sur invitation", join_policy="invitation")["id"]
    assert api(other).post(f"/collectives/{closed_id}/join").status_code == 403


def test_last_coordinator_cannot_leave_while_others_remain(api, make_user):
    creator, other = make_user(), make_user()
    cid = _create(api(creator), join_policy="open")["id"]
    api(other).post(f"/collectives/{cid}/join")
    response = api(creator).post(f"/collectives/{cid}/leave")
    assert response.status_code == 409
    assert api(other).post(f"/collectives/{cid}/leave").get_json() == {"state": "left"}
    assert api(creator).post(f"/collectives/{cid}/leave").status_code == 200  # alone: may go
    assert api(other).post(f"/collectives/{cid}/leave").status_code == 409  # not a member


def test_only_coordinators_patch_propose_and_remove(api, make_user):
    creator, member = make_user(), make_user()
    cid = _create(api(creator), join_policy="open")["id"]
    api(member).post(f"/collectives/{cid}/join")
    m = api(member)
    assert m.patch(f"/collectives/{cid}", {"name": "Autre nom"}).status_code == 403
    assert (
        m.post(f"/collectives/{cid}/decisions", {"title": "X", "closes_at": _later()}).status_code
        == 403
    )
    assert m.delete(f"/collectives/{cid}/members/{creator.profile.id}").status_code == 403
    patched = api(creator).patch(f"/collectives/{cid}", {"description": "Nouveau"})
    assert patched.status_code == 200 and patched.get_json()["description"] == "Nouveau"
    removed = api(creator).delete(f"/collectives/{cid}/members/{member.profile.id}")
    assert removed.status_code == 200
    assert len(api(creator).get(f"/collectives/{cid}").get_json()["members"]) == 1


def test_non_members_cannot_vote(api, make_user):
    creator, outsider = make_user(), make_user()
    cid = _create(api(creator))["id"]
    did = (
        api(creator)
        .post(f"/collectives/{cid}/decisions", {"title": "Budget", "closes_at": _later()})
        .get_json()["id"]
    )
    response = api(outsider).post(f"/collectives/{cid}/decisions/{did}/vote", {"choice": "yes"})
    assert response.status_code == 403


def test_bad_input_answers_422_with_fields(api, make_user):
    creator = make_user()
    c = api(creator)
    response = c.post(
        "/collectives",
        {
            "name": "",
            "audience": "everyone",
            "region": "Mars",
            "join_policy": "maybe",
            "colour": "red",
        },
    )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) >= {"name", "audience", "region", "join_policy", "colour"}
    cid = _create(c)["id"]
    bad = c.post(f"/collectives/{cid}/decisions", {"title": "", "closes_at": "hier"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) >= {"title", "closes_at"}
    past = c.post(
        f"/collectives/{cid}/decisions",
        {"title": "T", "closes_at": (utcnow() - timedelta(hours=1)).isoformat()},
    )
    assert past.status_code == 422
    did = c.post(f"/collectives/{cid}/decisions", {"title": "T", "closes_at": _later()}).get_json()[
        "id"
    ]
    vote = c.post(f"/collectives/{cid}/decisions/{did}/vote", {"choice": "peut-être"})
    assert vote.status_code == 422 and "choice" in vote.get_json()["error"]["fields"]
    assert c.post("/collectives", None).status_code == 400
    assert api(None).post("/collectives", {"name": "Sans jeton"}).status_code == 401


def test_unverified_people_cannot_create_or_join(api, make_user):
    pending = make_user(verified=False)
    assert api(pending).post("/collectives", {"name": "Essai"}).status_code == 403


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("anonymous", False),
        ("pending", False),
        ("other_cae", False),
        ("same_cae", True),
        ("manager", True),
        ("admin", True),
    ],
)
def test_a_cae_collective_is_invisible_to_other_caes(api, make_cae, make_user, viewer, visible):
    home, elsewhere = make_cae(), make_cae()
    creator = make_user(home)
    cid = _create(api(creator), audience="cae", join_policy="open")["id"]
    people = {
        "anonymous": None,
        "pending": make_user(home, verified=False),
        "other_cae": make_user(elsewhere),
        "same_cae": make_user(home),
        "manager": make_user(home, role="manager"),
        "admin": make_user(role="admin"),
    }
    caller = api(people[viewer])
    assert (caller.get(f"/collectives/{cid}").status_code == 200) is visible
    listed = {item["id"] for item in caller.get("/collectives").get_json()["items"]}
    assert (cid in listed) is visible
    if viewer not in ("anonymous",) and not visible:
        assert caller.post(f"/collectives/{cid}/join").status_code == 404


def test_a_cae_collective_cannot_invite_other_caes(api, make_cae, make_user):
    home, elsewhere = make_cae(), make_cae()
    creator, outsider = make_user(home), make_user(elsewhere, audience="network")
    cid = _create(api(creator), audience="cae")["id"]
    response = api(creator).post(
        f"/collectives/{cid}/invitations", {"invitee_profile_id": outsider.profile.id}
    )
    assert response.status_code == 422
    assert "invitee_profile_id" in response.get_json()["error"]["fields"]


def test_list_filters(api, make_cae, make_user):
    lyon, brest = make_cae("Coop Lyon"), make_cae("Coop Brest", department="29")
    a, b = make_user(lyon), make_user(brest)
    one = _create(api(a), name="Formateurs associés", sector="Formation", region="Bretagne")["id"]
    two = _create(api(b), name="Studio numérique", sector="Numérique", region=None)["id"]
    reader = api(make_user(lyon))

    def ids(query):
        response = reader.get(f"/collectives{query}")
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert ids("") == {one, two}
    assert ids("?sector=formation") == {one}
    assert ids("?region=Bretagne") == {one}
    assert ids(f"?cae={brest.id}") == {two}
    assert ids("?q=numerique") == {two}
    assert reader.get("/collectives?region=Atlantide").status_code == 422
    assert reader.get("/collectives?cae=abc").status_code == 422


def test_collective_schema_matches(api, client, make_user):
    doc = client.get("/api/v1/openapi.json").get_json()
    creator = make_user()
    c = api(creator)
    body = _create(c)
    assert set(doc["components"]["schemas"]["Collective"]["properties"]) == set(body)
    did = c.post(
        f"/collectives/{body['id']}/decisions", {"title": "T", "closes_at": _later()}
    ).get_json()
    assert set(doc["components"]["schemas"]["Decision"]["properties"]) == set(did)


@pytest.mark.parametrize("query", ["", "?q=collectif"])
def test_the_list_makes_no_query_per_collective(client, count_queries, make_cae, make_user, query):
    def collective_with_members(n: int) -> None:
        creator = make_user(
            make_cae(), audience="public", skills=[{"name": "Menuiserie", "level": 2}]
        )
        collective = ops.create_collective(
            creator, {"name": f"Collectif {n}", "audience": "public", "join_policy": "open"}
        )
        for _ in range(n):
            ops.join(make_user(make_cae()), collective)
        db.session.commit()

    def statements() -> int:
        with count_queries() as seen:
            assert client.get(f"/api/v1/collectives{query}").status_code == 200
        return seen.count

    collective_with_members(1)
    few = statements()
    for n in range(2, 6):
        collective_with_members(n)
    assert statements() == few


def test_long_texts_with_ligatures_fit(api, make_user):
    body = _create(api(make_user()), name="œ" * 120, sector="Œuvre " + "œ" * 74)
    assert len(body["sector"]) == 80
    listed = api(None).get("/collectives?sector=" + body["sector"])
    assert listed.status_code == 200


def test_the_answer_to_a_request_must_be_text(api, make_user, make_cae):
    """An answer that is not text is refused, even a falsy one (found by the schemathesis run)."""
    cae = make_cae("Coop Lyon")
    c, a = api(make_user(cae)), api(make_user(cae))
    cid = _create(c)["id"]
    rid = a.post(f"/collectives/{cid}/join").get_json()["request_id"]
    for answer in ({}, [], 0, False, {"text": "oui"}):
        bad = c.post(
            f"/collectives/{cid}/requests/{rid}/decision", {"approve": True, "answer": answer}
        )
        assert bad.status_code == 422, answer
        assert set(bad.get_json()["error"]["fields"]) == {"answer"}
    decided = c.post(
        f"/collectives/{cid}/requests/{rid}/decision", {"approve": True, "answer": None}
    )
    assert decided.status_code == 200 and decided.get_json()["answer"] == ""
