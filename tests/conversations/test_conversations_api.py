"""Conversations through the API, as the contract says: who may write to whom, who may read,
unread counts, blocks and reports."""

from __future__ import annotations

import pytest
from tender_helpers import bearer

from marketplace.conversations.models import Message, Participant
from marketplace.extensions import db


@pytest.fixture
def people(make_cae, make_user, api_token):
    a, b, c = make_cae("Coop A"), make_cae("Coop B"), make_cae("Coop C")
    people = {
        "dora": make_user(c, first_name="Dora"),
        "alice": make_user(a, first_name="Alice"),
        "bruno": make_user(b, first_name="Bruno"),
        "carla": make_user(b, first_name="Carla"),
        "hidden": make_user(b, first_name="Hélène", audience="cae"),
        "pending": make_user(a, first_name="Paul", verified=False),
        "manager_a": make_user(a, first_name="Maud", role="manager"),
        "manager_b": make_user(b, first_name="Marc", role="manager"),
        "admin": make_user(role="admin", first_name="Ada"),
    }
    tokens = {name: api_token(user) for name, user in people.items()}
    return people, tokens


def _start(client, token, to, body="Bonjour, parlons du chantier.", **extra):
    payload = {"to_profile_id": to.profile.id, "subject": "Chantier", "body": body, **extra}
    return client.post("/api/v1/conversations", json=payload, headers=bearer(token))


def test_start_read_reply_and_unread_counts(client, people):
    users, tokens = people
    alice, bruno = users["alice"], users["bruno"]
    response = _start(client, tokens["alice"], bruno)
    assert response.status_code == 201, response.get_data(as_text=True)
    conversation = response.get_json()
    assert conversation["subject"] == "Chantier"
    assert conversation["about"] is None
    names = {p["display_name"] for p in conversation["participants"]}
    assert names == {alice.display_name, bruno.display_name}
    assert {p["cae"]["name"] for p in conversation["participants"]} == {"Coop A", "Coop B"}
    assert conversation["unread"] == 0
    assert [m["body"] for m in conversation["messages"]] == ["Bonjour, parlons du chantier."]
    assert conversation["messages"][0]["author_profile_id"] == alice.profile.id

    inbox = client.get("/api/v1/conversations", headers=bearer(tokens["bruno"])).get_json()
    assert inbox["total"] == 1
    assert inbox["unread_total"] == 1
    assert inbox["items"][0]["unread"] == 1
    assert "messages" not in inbox["items"][0]

    cid = conversation["id"]
    read = client.get(f"/api/v1/conversations/{cid}", headers=bearer(tokens["bruno"]))
    assert read.status_code == 200
    assert read.get_json()["unread"] == 0
    inbox = client.get("/api/v1/conversations", headers=bearer(tokens["bruno"])).get_json()
    assert inbox["unread_total"] == 0

    answer = client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"body": "Avec plaisir"},
        headers=bearer(tokens["bruno"]),
    )
    assert answer.status_code == 201
    assert answer.get_json()["author_profile_id"] == bruno.profile.id
    inbox = client.get("/api/v1/conversations", headers=bearer(tokens["alice"])).get_json()
    assert inbox["unread_total"] == 1
    thread = client.get(f"/api/v1/conversations/{cid}", headers=bearer(tokens["alice"]))
    assert [m["body"] for m in thread.get_json()["messages"]] == [
        "Bonjour, parlons du chantier.",
        "Avec plaisir",
    ]


def test_inbox_is_latest_first(client, people):
    users, tokens = people
    first = _start(client, tokens["alice"], users["bruno"]).get_json()["id"]
    second = _start(client, tokens["alice"], users["carla"]).get_json()["id"]
    inbox = client.get("/api/v1/conversations", headers=bearer(tokens["alice"])).get_json()
    assert [c["id"] for c in inbox["items"]] == [second, first]
    client.post(
        f"/api/v1/conversations/{first}/messages",
        json={"body": "Encore moi"},
        headers=bearer(tokens["alice"]),
    )
    inbox = client.get("/api/v1/conversations", headers=bearer(tokens["alice"])).get_json()
    assert [c["id"] for c in inbox["items"]] == [first, second]


def test_hidden_recipient_is_404_pending_sender_403_empty_body_422(client, people):
    users, tokens = people
    assert _start(client, tokens["alice"], users["hidden"]).status_code == 404
    assert _start(client, tokens["pending"], users["bruno"]).status_code == 403
    empty = _start(client, tokens["alice"], users["bruno"], body="  \n ")
    assert empty.status_code == 422
    assert "body" in empty.get_json()["error"]["fields"]
    too_long = _start(client, tokens["alice"], users["bruno"], body="x" * 5001)
    assert too_long.status_code == 422
    unknown = client.post(
        "/api/v1/conversations",
        json={"to_profile_id": 2_000_000, "subject": "", "body": "Bonjour"},
        headers=bearer(tokens["alice"]),
    )
    assert unknown.status_code == 404
    assert db.session.query(Message).count() == 0


@pytest.mark.parametrize("reader", ["carla", "dora", "manager_a", "manager_b", "admin", "pending"])
def test_only_participants_read_a_conversation(client, people, reader, login):
    """Alice (CAE A) writes to Bruno (CAE B): a member of either CAE or of a third one, the
    managers of both CAEs and an administrator get 404, in the API and in the pages, as for
    any hidden object; their inbox does not list it."""
    users, tokens = people
    started = _start(client, tokens["alice"], users["bruno"], body="Le devis secret")
    cid = started.get_json()["id"]
    message_id = started.get_json()["messages"][0]["id"]
    headers = bearer(tokens[reader])
    assert client.get(f"/api/v1/conversations/{cid}", headers=headers).status_code == 404
    reply = client.post(
        f"/api/v1/conversations/{cid}/messages", json={"body": "Coucou"}, headers=headers
    )
    assert reply.status_code == 404
    assert client.post(f"/api/v1/conversations/{cid}/block", headers=headers).status_code == 404
    report = client.post(
        f"/api/v1/conversations/{cid}/report",
        json={"message_id": message_id, "reason": "spam"},
        headers=headers,
    )
    assert report.status_code == 404
    inbox = client.get("/api/v1/conversations", headers=headers).get_json()
    assert inbox["total"] == 0

    login(users[reader])
    page = client.get(f"/messages/{cid}")
    assert page.status_code == 404
    assert "Le devis secret" not in page.get_data(as_text=True)
    for action in ("", "/bloquer", f"/signaler/{message_id}"):
        posted = client.post(f"/messages/{cid}{action}", data={"body": "Coucou", "reason": "x"})
        assert posted.status_code == 404, action
    assert "Le devis secret" not in client.get("/messages").get_data(as_text=True)
    assert db.session.query(Message).filter_by(conversation_id=cid).count() == 1


def test_reading_without_a_token_is_refused(client, people):
    users, tokens = people
    cid = _start(client, tokens["alice"], users["bruno"]).get_json()["id"]
    assert client.get(f"/api/v1/conversations/{cid}").status_code in (401, 404)
    assert client.get("/api/v1/conversations").status_code == 401


def test_block_stops_the_other_participants_messages(client, people):
    users, tokens = people
    cid = _start(client, tokens["alice"], users["bruno"]).get_json()["id"]
    blocked = client.post(f"/api/v1/conversations/{cid}/block", headers=bearer(tokens["bruno"]))
    assert blocked.status_code == 200
    assert blocked.get_json() == {"state": "blocked"}
    again = client.post(f"/api/v1/conversations/{cid}/block", headers=bearer(tokens["bruno"]))
    assert again.status_code == 200
    refused = client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"body": "Tu es là ?"},
        headers=bearer(tokens["alice"]),
    )
    assert refused.status_code == 403
    assert _start(client, tokens["alice"], users["bruno"]).status_code == 403
    # The one who blocked may still write.
    mine = client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"body": "Je préfère arrêter."},
        headers=bearer(tokens["bruno"]),
    )
    assert mine.status_code == 201
    client.post(f"/api/v1/conversations/{cid}/unblock", headers=bearer(tokens["bruno"]))
    ok = client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"body": "Merci"},
        headers=bearer(tokens["alice"]),
    )
    assert ok.status_code == 201


def test_report_tells_the_admins_who_see_that_message_only(client, people, login):
    users, tokens = people
    first = _start(client, tokens["alice"], users["bruno"], body="Premier message, anodin.")
    cid = first.get_json()["id"]
    bad = client.post(
        f"/api/v1/conversations/{cid}/messages",
        json={"body": "Message injurieux"},
        headers=bearer(tokens["alice"]),
    ).get_json()
    report = client.post(
        f"/api/v1/conversations/{cid}/report",
        json={"message_id": bad["id"], "reason": "Insultes"},
        headers=bearer(tokens["bruno"]),
    )
    assert report.status_code == 201
    assert report.get_json()["state"] == "open"
    own = client.post(
        f"/api/v1/conversations/{cid}/report",
        json={"message_id": bad["id"], "reason": "?"},
        headers=bearer(tokens["alice"]),
    )
    assert own.status_code == 422
    notes = client.get("/api/v1/me/notifications", headers=bearer(tokens["admin"])).get_json()
    assert [n["kind"] for n in notes["items"]] == ["message.report"]

    login(users["admin"])
    page = client.get("/messages/signalements")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Message injurieux" in html and "Insultes" in html
    assert "Premier message, anodin." not in html
    assert client.get(f"/messages/{cid}").status_code == 404
    assert (
        client.get(f"/api/v1/conversations/{cid}", headers=bearer(tokens["admin"])).status_code
        == 404
    )


def test_reports_page_is_for_admins_only(client, people, login):
    users, _tokens = people
    login(users["manager_a"])
    assert client.get("/messages/signalements").status_code == 403


def test_about_an_object_must_be_visible(client, people):
    users, tokens = people
    about = {"type": "profile", "id": users["hidden"].profile.id}
    hidden = _start(client, tokens["alice"], users["bruno"], about=about)
    assert hidden.status_code == 422
    about = {"type": "profile", "id": users["carla"].profile.id}
    ok = _start(client, tokens["alice"], users["bruno"], about=about)
    assert ok.status_code == 201
    assert ok.get_json()["about"] == {
        "type": "profile",
        "id": users["carla"].profile.id,
        "lot": None,
    }


def test_unread_counter_counts_in_the_database(client, people):
    users, tokens = people
    cid = _start(client, tokens["alice"], users["bruno"]).get_json()["id"]
    for n in range(3):
        client.post(
            f"/api/v1/conversations/{cid}/messages",
            json={"body": f"Message {n}"},
            headers=bearer(tokens["alice"]),
        )
    row = db.session.query(Participant).filter_by(user_id=users["bruno"].id).one()
    assert row.unread == 4
