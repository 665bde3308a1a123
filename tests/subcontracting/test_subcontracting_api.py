"""API: offers, responses, subcontract records and their moves, through the contract's shapes."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.subcontracting.models import Subcontract


def post_offer(client, headers, **fields):
    body = {
        "title": "Un·e électricien·ne pour 3 jours à Lyon",
        "description": "Mise aux normes d'un tableau électrique.",
        "skills": ["Électricité", "Domotique"],
        "city": "Lyon",
        "department": "69",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-04",
        "budget_cents": 150000,
        "audience": "network",
        **fields,
    }
    return client.post("/api/v1/offers", json=body, headers=headers)


def test_offer_to_paid_by_the_right_people_only(client, people, outbox):
    h, users = people["h"], people["users"]
    response = post_offer(client, h["client"])
    assert response.status_code == 201, response.get_json()
    offer = response.get_json()
    assert offer["status"] == "open"
    assert offer["skills"] == ["Électricité", "Domotique"]
    assert offer["owner"] == {
        "profile_id": users["client"].profile.id,
        "display_name": users["client"].display_name,
    }
    assert set(offer) >= {
        "id",
        "title",
        "description",
        "skills",
        "city",
        "department",
        "starts_on",
        "ends_on",
        "budget_cents",
        "audience",
        "status",
        "owner",
        "url",
    }
    assert offer["created_at"] is not None  # always given (declared with a default)

    # Two answers; the owner cannot answer its own offer.
    url = f"/api/v1/offers/{offer['id']}/responses"
    mine = client.post(url, json={"message": "Dispo", "price_cents": 120000}, headers=h["sub"])
    assert mine.status_code == 201, mine.get_json()
    other = client.post(url, json={"message": "Moi", "price_cents": 99000}, headers=h["stranger"])
    assert other.status_code == 201
    assert (
        client.post(url, json={"message": "", "price_cents": 1}, headers=h["client"]).status_code
        == 409
    )
    assert (
        client.post(url, json={"message": "", "price_cents": 5}, headers=h["sub"]).status_code
        == 409
    )

    # The owner sees both responses, a responder only its own.
    seen = client.get(f"/api/v1/offers/{offer['id']}", headers=h["client"]).get_json()
    assert len(seen["responses"]) == 2
    seen = client.get(f"/api/v1/offers/{offer['id']}", headers=h["stranger"]).get_json()
    assert [r["price_cents"] for r in seen["responses"]] == [99000]

    rid = mine.get_json()["id"]
    accept_url = f"/api/v1/offers/{offer['id']}/responses/{rid}/accept"
    assert client.post(accept_url, headers=h["sub"]).status_code == 403
    accepted = client.post(accept_url, headers=h["client"])
    assert accepted.status_code == 201, accepted.get_json()
    record = accepted.get_json()
    assert record["status"] == "proposed"
    assert record["client"]["profile_id"] == users["client"].profile.id
    assert record["subcontractor"]["profile_id"] == users["sub"].profile.id
    assert record["amount_cents"] == 120000 and record["vat_rate"] == "20.0"
    assert record["cross_cae"] is True and record["offer_id"] == offer["id"]
    assert record["tender_id"] is None
    assert (
        client.get(f"/api/v1/offers/{offer['id']}", headers=h["client"]).get_json()["status"]
        == "filled"
    )
    # The offer is filled: no more answers, no second acceptance.
    assert (
        client.post(url, json={"message": "", "price_cents": 5}, headers=h["colleague"]).status_code
        == 409
    )
    second = f"/api/v1/offers/{offer['id']}/responses/{other.get_json()['id']}/accept"
    assert client.post(second, headers=h["client"]).status_code == 409
    mails = outbox()
    told = {to: subject for to, subject, _body in mails}
    bodies = {to: body for to, _subject, body in mails}
    assert "est pourvue" in bodies[users["stranger"].email]  # the other responder is told
    assert "est acceptée" in told[users["sub"].email]
    assert "a répondu" in next(s for to, s, _b in mails if to == users["client"].email)
    inbox = client.get("/api/v1/me/notifications", headers=h["stranger"]).get_json()
    assert inbox["unread"] == 1 and "est pourvue" in inbox["items"][0]["text"]
    to_sub = [body for to, _s, body in mails if to == users["sub"].email]
    assert f"http://localhost/sous-traitances/{record['id']}" in to_sub[-1]

    move = f"/api/v1/subcontracts/{record['id']}/transition"
    steps = [
        ("client", "accepted", 409),  # the client cannot accept its own proposal
        ("lyon_manager", "accepted", 409),  # managers see but do not move
        ("stranger", "accepted", 404),  # others do not even see it
        ("sub", "delivered", 409),  # out of order
        ("sub", "accepted", 200),
        ("sub", "in_progress", 200),
        ("client", "cancelled", 409),  # work has started
        ("sub", "delivered", 200),
        ("client", "invoiced", 409),
        ("sub", "invoiced", 422),  # without the invoice's number
        ("sub", "transferred", 409),  # only internal work is transferred
        ("sub", ("invoiced", "FA-2026-0042"), 200),
        ("sub", "paid", 409),  # the client confirms payment
        ("client", "paid", 200),
        ("client", "cancelled", 409),
    ]
    for who, to, status in steps:
        to, number = to if isinstance(to, tuple) else (to, None)
        body = {"to": to} if number is None else {"to": to, "invoice_number": number}
        answer = client.post(move, json=body, headers=h[who])
        assert answer.status_code == status, (who, to, answer.get_json())
        if status == 422:
            assert "invoice_number" in answer.get_json()["error"]["fields"]
    final = client.get(f"/api/v1/subcontracts/{record['id']}", headers=h["sub"]).get_json()
    assert final["status"] == "paid"
    assert final["kind"] == "invoice" and final["vat_regime"] == "standard"
    assert final["invoice_number"] == "FA-2026-0042" and final["invoice_date"]
    assert final["legal_mention"] is None
    assert [(e["from"], e["to"]) for e in final["history"]] == [
        (None, "proposed"),
        ("proposed", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "delivered"),
        ("delivered", "invoiced"),
        ("invoiced", "paid"),
    ]
    sub_id, client_id = users["sub"].profile.id, users["client"].profile.id
    assert [e["by_profile_id"] for e in final["history"]] == [client_id] + [sub_id] * 4 + [
        client_id
    ]
    assert all(e["at"].endswith("+00:00") for e in final["history"])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("client", 200),
        ("sub", 200),
        ("lyon_manager", 200),
        ("nantes_manager", 200),
        ("admin", 200),
        ("paris_manager", 404),
        ("stranger", 404),
        ("colleague", 404),
        ("pending", 404),
    ],
)
def test_only_parties_and_their_managers_see_a_record(client, people, who, status):
    h = people["h"]
    body = {
        "title": "Pose de VMC",
        "amount_cents": 50000,
        "vat_rate": "10",
        "subcontractor_profile_id": people["users"]["sub"].profile.id,
    }
    created = client.post("/api/v1/subcontracts", json=body, headers=h["client"])
    assert created.status_code == 201, created.get_json()
    record_id = created.get_json()["id"]
    assert created.get_json()["vat_rate"] == "10.0"
    assert client.get(f"/api/v1/subcontracts/{record_id}", headers=h[who]).status_code == status
    listed = client.get("/api/v1/subcontracts", headers=h[who]).get_json()
    assert (record_id in [i["id"] for i in listed["items"]]) == (status == 200)
    assert client.get(f"/api/v1/subcontracts/{record_id}").status_code == 401


def test_role_and_status_filters(client, people):
    h, users = people["h"], people["users"]
    body = {
        "title": "Audit",
        "amount_cents": 1000,
        "subcontractor_profile_id": users["sub"].profile.id,
    }
    client.post("/api/v1/subcontracts", json=body, headers=h["client"])
    as_client = client.get("/api/v1/subcontracts?role=client", headers=h["client"]).get_json()
    as_sub = client.get("/api/v1/subcontracts?role=subcontractor", headers=h["client"]).get_json()
    assert as_client["total"] == 1 and as_sub["total"] == 0
    assert client.get("/api/v1/subcontracts?status=paid", headers=h["sub"]).get_json()["total"] == 0
    assert client.get("/api/v1/subcontracts?status=nope", headers=h["sub"]).status_code == 422
    assert client.get("/api/v1/subcontracts?role=boss", headers=h["sub"]).status_code == 422


BAD_RECORDS = [
    ({"amount_cents": -100}, "amount_cents"),
    ({"amount_cents": 0}, "amount_cents"),
    ({"amount_cents": 10**12}, "amount_cents"),
    ({"amount_cents": 12.5}, "amount_cents"),
    ({"amount_cents": "100"}, "amount_cents"),
    ({"vat_rate": "19.6"}, "vat_rate"),
    ({"vat_rate": "abc"}, "vat_rate"),
    ({"vat_rate": True}, "vat_rate"),
    ({"starts_on": "2026-05-10", "ends_on": "2026-05-01"}, "ends_on"),
    ({"starts_on": "10/05/2026"}, "starts_on"),
    ({"title": ""}, "title"),
    ({"title": "x" * 161}, "title"),
    ({"subcontractor_profile_id": 999999}, "subcontractor_profile_id"),
    ({"subcontractor_profile_id": "me"}, "subcontractor_profile_id"),
    ({"status": "paid"}, "status"),
    ({"client_profile_id": 424242}, "client_profile_id"),
]


@pytest.mark.parametrize(("change", "field"), BAD_RECORDS)
def test_bad_records_are_refused_and_nothing_is_written(client, people, change, field):
    h = people["h"]
    body = {
        "title": "Pose",
        "amount_cents": 1000,
        "vat_rate": "20",
        "subcontractor_profile_id": people["users"]["sub"].profile.id,
        **change,
    }
    answer = client.post("/api/v1/subcontracts", json=body, headers=h["client"])
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["error"]["fields"]
    assert db.session.query(Subcontract).count() == 0


def test_self_subcontracting_and_pending_members_are_refused(client, people):
    h, users = people["h"], people["users"]
    body = {
        "title": "Moi",
        "amount_cents": 1000,
        "subcontractor_profile_id": users["client"].profile.id,
    }
    answer = client.post("/api/v1/subcontracts", json=body, headers=h["client"])
    assert answer.status_code == 422
    body["subcontractor_profile_id"] = users["sub"].profile.id
    assert client.post("/api/v1/subcontracts", json=body, headers=h["pending"]).status_code == 403
    assert client.post("/api/v1/subcontracts", json=body).status_code == 401
    assert client.post("/api/v1/subcontracts", data="[", headers=h["client"]).status_code == 400


def test_unknown_move_is_422_and_bad_move_409_and_nothing_changes(client, people):
    h = people["h"]
    body = {
        "title": "Pose",
        "amount_cents": 1000,
        "subcontractor_profile_id": people["users"]["sub"].profile.id,
    }
    record = client.post("/api/v1/subcontracts", json=body, headers=h["client"]).get_json()
    move = f"/api/v1/subcontracts/{record['id']}/transition"
    assert client.post(move, json={"to": "banana"}, headers=h["sub"]).status_code == 422
    conflict = client.post(move, json={"to": "paid"}, headers=h["client"])
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["code"] == "invalid_transition"
    after = client.get(f"/api/v1/subcontracts/{record['id']}", headers=h["client"]).get_json()
    assert after["status"] == "proposed" and len(after["history"]) == 1


def test_offer_bad_input_and_visibility(client, people):
    h = people["h"]
    for change, field in [
        ({"budget_cents": -1}, "budget_cents"),
        ({"title": ""}, "title"),
        ({"department": "99"}, "department"),
        ({"audience": "all"}, "audience"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"owner": 1}, "owner"),
    ]:
        answer = post_offer(client, h["client"], **change)
        assert answer.status_code == 422, change
        assert field in answer.get_json()["error"]["fields"]
    cae_only = post_offer(client, h["client"], audience="cae").get_json()
    public = post_offer(client, h["client"], audience="public", title="Plombier").get_json()
    for who, expected in [
        ("colleague", 200),
        ("sub", 404),
        ("pending", 404),
        ("lyon_manager", 200),
        ("admin", 200),
    ]:
        got = client.get(f"/api/v1/offers/{cae_only['id']}", headers=h[who])
        assert got.status_code == expected, who
    assert client.get(f"/api/v1/offers/{cae_only['id']}").status_code == 404
    assert client.get(f"/api/v1/offers/{public['id']}").status_code == 200
    anonymous = client.get("/api/v1/offers").get_json()
    assert [o["id"] for o in anonymous["items"]] == [public["id"]]
    listed = client.get("/api/v1/offers?q=plomb", headers=h["colleague"]).get_json()
    assert [o["id"] for o in listed["items"]] == [public["id"]]
    listed = client.get("/api/v1/offers?skill=electricite", headers=h["colleague"]).get_json()
    assert {o["id"] for o in listed["items"]} == {cae_only["id"], public["id"]}
    assert (
        client.get("/api/v1/offers?department=44", headers=h["colleague"]).get_json()["total"] == 0
    )
    assert client.get("/api/v1/offers?department=zz").status_code == 422
    # Responses to a hidden offer: 404, bad prices: 422.
    url = f"/api/v1/offers/{cae_only['id']}/responses"
    assert client.post(url, json={"price_cents": 100}, headers=h["sub"]).status_code == 404
    for price in (-5, 0, "12", None):
        answer = client.post(
            url, json={"message": "x", "price_cents": price}, headers=h["colleague"]
        )
        assert answer.status_code == 422, price


def test_a_new_version_replaces_an_accepted_record(client, people):
    h, users = people["h"], people["users"]
    body = {
        "title": "Pose",
        "amount_cents": 1000,
        "subcontractor_profile_id": users["sub"].profile.id,
    }
    old = client.post("/api/v1/subcontracts", json=body, headers=h["client"]).get_json()
    version = dict(body, amount_cents=1500, supersedes_id=old["id"])
    assert client.post("/api/v1/subcontracts", json=version, headers=h["client"]).status_code == 409
    move = f"/api/v1/subcontracts/{old['id']}/transition"
    assert client.post(move, json={"to": "accepted"}, headers=h["sub"]).status_code == 200
    new = client.post("/api/v1/subcontracts", json=version, headers=h["client"])
    assert new.status_code == 201, new.get_json()
    assert new.get_json()["supersedes_id"] == old["id"]
    again = client.post("/api/v1/subcontracts", json=version, headers=h["client"])
    assert again.status_code == 409
    accept_new = f"/api/v1/subcontracts/{new.get_json()['id']}/transition"
    assert client.post(accept_new, json={"to": "accepted"}, headers=h["sub"]).status_code == 200
    old_now = client.get(f"/api/v1/subcontracts/{old['id']}", headers=h["client"]).get_json()
    assert old_now["status"] == "cancelled"
    assert old_now["amount_cents"] == 1000


def test_schemas_match_what_the_api_returns(client, people):
    h = people["h"]
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    offer = post_offer(client, h["client"]).get_json()
    assert set(schemas["Offer"]["properties"]) == set(offer)
    assert set(schemas["Offer"]["required"]) <= set(offer)
    response = client.post(
        f"/api/v1/offers/{offer['id']}/responses", json={"price_cents": 10}, headers=h["sub"]
    ).get_json()
    assert set(schemas["OfferResponse"]["properties"]) == set(response)
    record = client.post(
        f"/api/v1/offers/{offer['id']}/responses/{response['id']}/accept",
        json={"vat_rate": "5.5"},
        headers=h["client"],
    ).get_json()
    assert record["vat_rate"] == "5.5"
    assert set(schemas["Subcontract"]["properties"]) == set(record)
    listed = client.get("/api/v1/offers", headers=h["sub"]).get_json()
    assert set(schemas["OfferList"]["properties"]) == set(listed)
    lyon = people["caes"]["lyon"].id
    stats = client.get(f"/api/v1/caes/{lyon}/stats", headers=h["admin"]).get_json()
    assert set(schemas["CaeStats"]["properties"]) == set(stats)
    assert set(schemas["Subcontract"]["properties"]["history"]["items"]["properties"]) == set(
        record["history"][0]
    )
