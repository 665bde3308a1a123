"""Conversations in the pages: the « Contacter » buttons, writing, the inbox, the thread, the
header's count, safe links, e-mails through the outbox, deletion and export."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tender_helpers import bearer, post, two_lots

from marketplace.conversations import operations as ops
from marketplace.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def pair(make_cae, make_user):
    a, b = make_cae("Coop A"), make_cae("Coop B")
    alice = make_user(a, first_name="Alice", skills=[{"name": "Plomberie", "level": 4}])
    bruno = make_user(b, first_name="Bruno", skills=[{"name": "Plomberie", "level": 3}])
    return alice, bruno


def _write(client, profile, body="Bonjour, êtes-vous disponible ?", subject="Chantier", **args):
    return client.post(
        "/messages/nouveau",
        query_string={"profil": profile.id, **args},
        data={"subject": subject, "body": body},
    )


def test_profile_has_a_contact_button_and_the_message_reaches_the_inbox(client, login, pair):
    alice, bruno = pair
    login(alice)
    page = client.get(f"/profils/{bruno.profile.id}").get_data(as_text=True)
    assert f"/messages/nouveau?profil={bruno.profile.id}" in page
    form = client.get(f"/messages/nouveau?profil={bruno.profile.id}")
    assert form.status_code == 200
    response = _write(client, bruno)
    assert response.status_code == 303
    thread = client.get(response.headers["Location"])
    assert "êtes-vous disponible" in thread.get_data(as_text=True)

    client.post("/deconnexion")
    login(bruno)
    home = client.get("/messages").get_data(as_text=True)
    assert "Alice" in home and "conversation-unread" in home
    client.get(response.headers["Location"])
    assert "conversation-unread" not in client.get("/messages").get_data(as_text=True)


def test_empty_reply_keeps_the_page_with_422(client, login, pair):
    alice, bruno = pair
    login(alice)
    location = _write(client, bruno).headers["Location"]
    too_long = client.post(location, data={"body": "é" * 5001})
    assert too_long.status_code == 422
    assert "é" * 5001 in too_long.get_data(as_text=True)  # what was typed is kept
    assert client.post(location, data={"body": "   "}).status_code == 422
    assert client.post(location, data={"body": "Merci"}).status_code == 303


def test_text_only_links_made_clickable_safely(client, login, pair):
    alice, bruno = pair
    login(alice)
    body = "<script>alert(1)</script> voir https://exemple.fr/devis?a=1&b=2. et javascript:alert(2)"
    location = _write(client, bruno, body=body).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert (
        '<a href="https://exemple.fr/devis?a=1&amp;b=2" rel="nofollow noopener noreferrer ugc">'
        in html
    )
    assert 'href="javascript' not in html


def test_hidden_profile_cannot_be_contacted(client, login, make_cae, make_user, pair):
    alice, _bruno = pair
    hidden = make_user(make_cae("Coop C"), first_name="Hélène", audience="cae")
    login(alice)
    assert client.get(f"/messages/nouveau?profil={hidden.profile.id}").status_code == 404
    assert _write(client, hidden).status_code == 404


def test_pending_account_cannot_write(client, login, make_user, pair):
    alice, bruno = pair
    pending = make_user(bruno.cae, first_name="Paul", verified=False)
    login(pending)
    assert _write(client, alice).status_code in (403, 404)


def test_new_message_is_notified_and_mailed_with_an_excerpt_only(client, login, pair, outbox):
    alice, bruno = pair
    login(alice)
    long_body = "Bonjour Bruno. " + "Un détail confidentiel du chantier. " * 20 + "FIN-DU-MESSAGE"
    _write(client, bruno, body=long_body)
    mails = [m for m in outbox() if m[0] == bruno.email]
    assert len(mails) == 1
    _to, subject, text = mails[0]
    assert "Alice" in subject or "Alice" in text
    assert "FIN-DU-MESSAGE" not in text and "FIN-DU-MESSAGE" not in subject
    assert "/messages/" in text


def test_daily_digest_setting_keeps_the_message_for_the_digest(client, login, pair, outbox):
    from marketplace.notifications.operations import set_email_mode

    alice, bruno = pair
    set_email_mode(bruno, "daily")
    db.session.commit()
    login(alice)
    _write(client, bruno)
    assert [m for m in outbox() if m[0] == bruno.email] == []


def test_header_unread_count_is_one_query(app, client, login, pair, count_queries):
    from flask_login import login_user

    alice, bruno = pair
    login(alice)
    _write(client, bruno)
    with app.test_request_context():
        login_user(db.session.get(type(bruno), bruno.id))
        from flask_login import current_user

        with count_queries() as seen:
            assert ops.unread_total(current_user) == 1
        assert seen.count == 1
        with count_queries() as seen:
            assert ops.header_counts(current_user) == (1, 1)  # the bell and the messages
        assert seen.count == 1


def test_inbox_and_thread_have_no_query_per_row(app, client, login, make_user, pair, count_queries):
    alice, _bruno = pair
    others = [make_user(first_name=f"P{n}") for n in range(2)]
    login(alice)
    for person in others:
        _write(client, person)
    client.get("/messages")
    with count_queries() as few:
        client.get("/messages")
    for n in range(3):
        others.append(make_user(first_name=f"Q{n}"))
        _write(client, others[-1])
    with count_queries() as more:
        client.get("/messages")
    assert more.count == few.count


def test_deleted_account_leaves_the_other_party_a_copy(client, login, pair):
    from marketplace.accounts.deletion import delete_account

    alice, bruno = pair
    login(alice)
    location = _write(client, bruno, body="Message d'Alice").headers["Location"]
    client.post("/deconnexion")
    delete_account(alice, alice, PASSWORD)
    db.session.commit()
    login(bruno)
    html = client.get(location).get_data(as_text=True)
    assert "Message d&#39;Alice" in html or "Message d'Alice" in html
    assert "Compte supprimé" in html
    refused = client.post(location, data={"body": "Tu es là ?"})
    assert refused.status_code == 409


def test_export_includes_ones_conversations(client, login, pair, api_token):
    alice, bruno = pair
    login(alice)
    _write(client, bruno, body="Question pour Bruno")
    client.post("/deconnexion")
    login(bruno)
    data = client.get("/compte/donnees").get_json()
    threads = data["conversations"]
    assert threads[0]["messages"][0]["body"] == "Question pour Bruno"
    assert threads[0]["messages"][0]["author"] == alice.display_name


def test_new_conversations_are_rate_limited(app_config, make_cae, make_user, login):
    from marketplace import create_app

    app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "CONVERSATIONS_NEW_LIMIT": "2 per hour"}
    )
    try:
        with app.app_context():
            alice = make_user(first_name="Alice")
            people = [make_user(first_name=f"R{n}") for n in range(3)]
            client = app.test_client()
            login(alice, the_client=client)
            codes = [_write(client, p).status_code for p in people]
    finally:
        with app.app_context():  # its connections end here, not at garbage collection
            db.session.remove()
            db.engine.dispose()
    assert codes == [303, 303, 429]


def test_a_conversation_about_a_tender_lot_says_so_and_links_back(client, login, pair, api_token):
    alice, bruno = pair
    tender = post(client, api_token(alice), two_lots())
    client.get("/deconnexion")
    login(bruno)
    location = _write(client, alice, subject="", sujet=f"tender:{tender['id']}", lot=2)
    assert location.status_code == 303, location.get_data(as_text=True)[:500]
    html = client.get(location.headers["Location"]).get_data(as_text=True)
    assert f'href="/appels-d-offres/{tender["id"]}"' in html
    assert "lot 2" in html and "l’appel d’offres" in html
    inbox = client.get("/api/v1/conversations", headers=bearer(api_token(bruno))).get_json()
    assert inbox["items"][0]["about"] == {"type": "tender", "id": tender["id"], "lot": 2}
    assert inbox["items"][0]["subject"] == tender["title"]


def test_block_and_report_from_the_thread(client, login, make_user, pair):
    alice, bruno = pair
    admin = make_user(role="admin", first_name="Ada")
    login(alice)
    location = _write(client, bruno, body="Bonjour").headers["Location"]
    client.post("/deconnexion")
    login(bruno)
    conversation_id = int(location.rsplit("/", 1)[1])
    message_id = ops.messages_of(ops.get_conversation(bruno, conversation_id))[0].id
    reported = client.post(f"{location}/signaler/{message_id}", data={"reason": "Démarchage"})
    assert reported.status_code == 303
    assert client.post(f"{location}/bloquer").status_code == 303
    assert "Accepter de nouveau" in client.get(location).get_data(as_text=True)
    client.post("/deconnexion")
    login(alice)
    refused = client.post(location, data={"body": "Encore moi"})
    assert refused.status_code == 303  # back to the thread, with the reason
    assert "n’accepte pas vos messages" in client.get(location).get_data(as_text=True)
    client.post("/deconnexion")
    login(admin)
    page = client.get("/messages/signalements").get_data(as_text=True)
    assert "Démarchage" in page
    report_id = int(page.split('action="/messages/signalements/')[1].split('"')[0])
    assert client.post(f"/messages/signalements/{report_id}").status_code == 303
    again = client.post(f"/messages/signalements/{report_id}")
    assert again.status_code == 303
    assert "Démarchage" not in client.get("/messages/signalements").get_data(as_text=True)
    assert "Démarchage" in client.get("/messages/signalements?etat=closed").get_data(as_text=True)


def test_profile_list_offers_contact_and_collective_invitation(client, login, pair):
    from marketplace.collectives import operations as co

    alice, bruno = pair
    co.create_collective(alice, {"name": "Plombiers associés", "join_policy": "invitation"})
    db.session.commit()
    login(alice)
    page = client.get("/profils").get_data(as_text=True)
    assert f"/messages/nouveau?profil={bruno.profile.id}" in page
    assert f"/messages/nouveau?profil={alice.profile.id}" not in page  # not to oneself
    profile_page = client.get(f"/profils/{bruno.profile.id}").get_data(as_text=True)
    assert (
        "Inviter dans « Plombiers associés »" in profile_page
        or "Plombiers associés" in profile_page
    )


def test_search_results_offer_contact_and_collective_invitation(client, login, pair):
    from marketplace.collectives import operations as co

    alice, bruno = pair
    co.create_collective(alice, {"name": "Plombiers associés", "join_policy": "invitation"})
    db.session.commit()
    login(alice)
    page = client.get("/recherche?q=plomberie").get_data(as_text=True)
    assert f"/messages/nouveau?profil={bruno.profile.id}" in page
    assert f'name="profile_id" value="{bruno.profile.id}"' in page
    assert f'name="profile_id" value="{alice.profile.id}"' not in page


def test_thread_has_no_query_per_message(app, client, login, pair, count_queries, api_token):
    """A thread page costs the same statements with 2 messages or 12 from both people, and
    reading it again writes nothing (the read marker is already on the latest message)."""
    alice, bruno = pair
    login(alice)
    started = _write(client, bruno.profile)
    thread = started.headers["Location"]
    client.get(thread)
    with count_queries() as few:
        assert client.get(thread).status_code == 200
    api = bearer(api_token(bruno))
    conversation_id = int(thread.rstrip("/").split("/")[-1])
    for n in range(5):
        client.post(thread, data={"body": f"Message {n} d'Alice"})
        client.post(
            f"/api/v1/conversations/{conversation_id}/messages",
            json={"body": f"Réponse {n} de Bruno https://exemple.org/{n}"},
            headers=api,
        )
    client.get(thread)
    with count_queries() as more:
        page = client.get(thread).get_data(as_text=True)
    assert more.count == few.count
    assert not [s for s in more if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert page.count('class="message-body"') == 11
    assert '<a href="https://exemple.org/4" rel="nofollow noopener noreferrer ugc">' in page


def test_thread_shows_its_latest_page_and_earlier_ones_by_keyset(
    app, client, login, pair, monkeypatch
):
    from marketplace.blueprints import conversations as pages
    from marketplace.conversations.models import Participant

    monkeypatch.setattr(pages, "THREAD_PAGE", 5)
    alice, bruno = pair
    login(bruno)
    thread = _write(client, alice.profile, body="Message 0").headers["Location"]
    for n in range(1, 12):
        client.post(thread, data={"body": f"Message {n}"})
    client.post("/deconnexion")
    login(alice)
    latest = client.get(thread).get_data(as_text=True)
    assert [n for n in range(12) if f"Message {n}<" in latest] == [7, 8, 9, 10, 11]
    marker = db.session.scalar(select(Participant).where(Participant.user_id == alice.id))
    assert marker.unread == 0 and marker.last_read_message_id is not None
    earlier = latest.split('href="')[1:]
    link = next(h.split('"')[0] for h in earlier if "avant=" in h).replace("&amp;", "&")
    before = client.get(link).get_data(as_text=True)
    assert [n for n in range(12) if f"Message {n}<" in before] == [2, 3, 4, 5, 6]
