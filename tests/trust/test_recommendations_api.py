"""Recommendations through the API: after delivery, one per author and record, shown on the
profile of the person recommended with who wrote it and on which work, hidden and shown again
by that person only; never before delivery, never by anyone else."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.trust.models import Recommendation
from tests.typography import fr

WORDS = "Travail soigné, délais tenus : je recommande Sami sans hésiter."


def recommend(client, record_id: int, headers: dict, body: str = WORDS):
    url = f"/api/v1/subcontracts/{record_id}/recommendation"
    return client.post(url, json={"body": body}, headers=headers)


def profile_of(client, people, who: str, reader: str) -> dict:
    profile_id = people["users"][who].profile.id
    answer = client.get(f"/api/v1/profiles/{profile_id}", headers=people["h"][reader])
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_client_recommends_subcontractor_after_delivery(client, people, delivered):
    h, users = people["h"], people["users"]
    record_id = delivered()

    answer = recommend(client, record_id, h["client"])

    assert answer.status_code == 201, answer.get_json()
    rec = answer.get_json()
    assert rec["author"] == {"profile_id": users["client"].profile.id,
                             "display_name": users["client"].display_name}  # fmt: skip
    assert rec["work"] == {"type": "subcontract", "id": record_id, "title": "Pose de VMC"}
    assert rec["body"] == WORDS and rec["hidden"] is False
    shown = profile_of(client, people, "sub", "stranger")["recommendations"]
    assert [r["id"] for r in shown] == [rec["id"]]
    assert shown[0]["author"]["display_name"] == users["client"].display_name
    # The other way round, too: the subcontractor recommends the client.
    back = client.post(
        f"/api/v1/subcontracts/{record_id}/recommendation",
        json={"body": "Un client clair et réactif."},
        headers=h["sub"],
    )
    assert back.status_code == 201
    assert len(profile_of(client, people, "client", "stranger")["recommendations"]) == 1


def test_one_per_author_and_record_and_only_after_delivery(client, people, delivered):
    h = people["h"]
    early = delivered("in_progress")
    answer = client.post(
        f"/api/v1/subcontracts/{early}/recommendation", json={"body": WORDS}, headers=h["client"]
    )
    assert answer.status_code == 409
    assert "livré" in answer.get_json()["error"]["message"]

    paid = delivered("paid", title="Audit thermique")
    url = f"/api/v1/subcontracts/{paid}/recommendation"
    assert client.post(url, json={"body": WORDS}, headers=h["client"]).status_code == 201
    again = client.post(url, json={"body": "Encore !"}, headers=h["client"])
    assert again.status_code == 409
    assert db.session.query(Recommendation).count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("stranger", 404), ("colleague", 404), ("lyon_manager", 403), ("pending", 404)],
)
def test_only_the_parties_may_recommend(client, people, delivered, who, status):
    record_id = delivered()
    answer = client.post(
        f"/api/v1/subcontracts/{record_id}/recommendation",
        json={"body": WORDS},
        headers=people["h"][who],
    )
    assert answer.status_code == status
    assert db.session.query(Recommendation).count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [({"body": "   "}, "body"), ({"body": "x" * 1001}, "body"), ({}, "body"),
     ({"body": WORDS, "stars": 5}, "stars")],
)  # fmt: skip
def test_bad_recommendations_are_422_in_french(client, people, delivered, body, field):
    record_id = delivered()
    answer = client.post(
        f"/api/v1/subcontracts/{record_id}/recommendation", json=body, headers=people["h"]["client"]
    )
    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]


def test_the_person_recommended_hides_and_shows_it_again(client, people, delivered):
    h = people["h"]
    record_id = delivered()
    rec = recommend(client, record_id, h["client"]).get_json()
    url = f"/api/v1/me/recommendations/{rec['id']}"

    # Only the person recommended: the author and others get 404.
    assert client.patch(url, json={"hidden": True}, headers=h["client"]).status_code == 404
    assert client.patch(url, json={"hidden": True}, headers=h["stranger"]).status_code == 404
    for junk in ({"hidden": "yes"}, {"hidden": None}, {}):
        assert client.patch(url, json=junk, headers=h["sub"]).status_code == 422

    hidden = client.patch(url, json={"hidden": True}, headers=h["sub"])
    assert hidden.status_code == 200 and hidden.get_json()["hidden"] is True
    assert profile_of(client, people, "sub", "stranger")["recommendations"] == []
    mine = client.get("/api/v1/me", headers=h["sub"]).get_json()["profile"]["recommendations"]
    assert [r["hidden"] for r in mine] == [True]

    assert client.patch(url, json={"hidden": False}, headers=h["sub"]).status_code == 200
    assert len(profile_of(client, people, "sub", "stranger")["recommendations"]) == 1


def test_an_author_the_reader_may_not_see_is_someone_from_their_cae(
    client, people, delivered, make_user
):
    h, users = people["h"], people["users"]
    users["client"].profile.audience = "cae"
    db.session.commit()
    record_id = delivered()
    recommend(client, record_id, h["client"])
    shown = profile_of(client, people, "sub", "stranger")["recommendations"][0]
    assert shown["author"] == {"profile_id": None, "display_name": "une personne de Coop Lyon"}
    assert users["client"].display_name not in str(shown)


def test_recommendations_are_in_the_export_and_go_with_the_account(client, people, delivered):
    h, users = people["h"], people["users"]
    record_id = delivered()
    for who in ("client", "sub"):
        client.post(
            f"/api/v1/subcontracts/{record_id}/recommendation",
            json={"body": f"Mot de {who}"},
            headers=h[who],
        )
    export = client.get("/api/v1/me/export", headers=h["sub"]).get_json()
    bodies = sorted(r["body"] for r in export["recommendations"])
    assert bodies == ["Mot de client", "Mot de sub"]  # written and received

    from marketplace.accounts.deletion import delete_account
    from tests.conftest import PASSWORD

    user = db.session.get(type(users["client"]), users["client"].id)
    delete_account(user, user, PASSWORD)
    db.session.commit()
    assert db.session.query(Recommendation).count() == 0
    assert profile_of(client, people, "sub", "stranger")["recommendations"] == []


def test_the_person_recommended_is_told(client, people, delivered):
    h = people["h"]
    record_id = delivered()
    rec = recommend(client, record_id, h["client"]).get_json()
    notes = client.get("/api/v1/me/notifications", headers=h["sub"]).get_json()["items"]
    told = [n for n in notes if n["kind"] == "recommendation.received"]
    assert len(told) == 1
    name = people["users"]["client"].display_name
    assert told[0]["text"] == fr(f"{name} vous recommande pour « Pose de VMC ».")
    assert told[0]["url"].endswith(f"#recommendation-{rec['id']}")
