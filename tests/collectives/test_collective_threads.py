"""A collective that talks: threads, replies, mentions, follow and mute, through the API and the
pages, with the collective's visibility (hidden: 404) and membership rules (non-members: 403)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.collectives import operations as ops
from marketplace.collectives import threads as th
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.notifications.operations import set_email_mode


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def kinds_of(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id, Notification.kind.like("collective.%"))
            .order_by(Notification.id)
        )
    )


@pytest.fixture
def world(make_cae, make_user):
    """A network collective of Coop Alpha: Léa coordinates, Marc and Inès are members."""
    alpha, beta = make_cae("Coop Alpha"), make_cae("Coop Beta")
    lea = make_user(alpha, first_name="Léa", last_name="Roux", audience="network")
    collective = ops.create_collective(
        lea,
        {"name": "Rénovateurs du Rhône", "audience": "network", "join_policy": "open"},
    )
    marc = make_user(beta, first_name="Marc", last_name="Blanc", audience="network")
    ines = make_user(alpha, first_name="Inès", last_name="Éloi", audience="network")
    ops.join(marc, collective)
    ops.join(ines, collective)
    db.session.commit()
    outsider = make_user(beta, first_name="Omar", last_name="Dehors", audience="network")
    return {"collective": collective, "lea": lea, "marc": marc, "ines": ines, "out": outsider}


def test_threads_and_posts_through_the_api(client, api_token, world):
    cid = world["collective"].id
    lea = bearer(api_token(world["lea"]))
    answer = client.post(
        f"/api/v1/collectives/{cid}/threads",
        json={"title": "Évolution de la RE2020", "body": "Qui a lu le nouveau guide ?"},
        headers=lea,
    )
    assert answer.status_code == 201, answer.get_json()
    thread = answer.get_json()
    assert thread["title"] == "Évolution de la RE2020"
    assert thread["body"] == "Qui a lu le nouveau guide ?"
    assert thread["post_count"] == 1 and thread["following"] == "follow"
    assert thread["author"]["display_name"] == "Léa Roux"
    assert thread["url"].endswith(f"/collectifs/{cid}/discussions/{thread['id']}")
    tid = thread["id"]

    marc = bearer(api_token(world["marc"]))
    reply = client.post(
        f"/api/v1/collectives/{cid}/threads/{tid}/posts",
        json={"body": "Moi, il change le calcul du Bbio."},
        headers=marc,
    )
    assert reply.status_code == 201
    assert reply.get_json()["author"]["display_name"] == "Marc Blanc"

    listed = client.get(f"/api/v1/collectives/{cid}/threads", headers=marc).get_json()
    assert listed["total"] == 1 and listed["items"][0]["post_count"] == 2
    assert listed["items"][0]["following"] == "follow"  # Marc took part
    got = client.get(f"/api/v1/collectives/{cid}/threads/{tid}", headers=marc).get_json()
    assert got["id"] == tid and got["post_count"] == 2
    posts = client.get(f"/api/v1/collectives/{cid}/threads/{tid}/posts", headers=lea).get_json()
    assert [p["body"] for p in posts["items"]] == [
        "Qui a lu le nouveau guide ?",
        "Moi, il change le calcul du Bbio.",
    ]
    assert posts["total"] == 2 and posts["page"] == 1


def test_empty_or_missing_fields_are_422(client, api_token, world):
    cid = world["collective"].id
    lea = bearer(api_token(world["lea"]))
    answer = client.post(f"/api/v1/collectives/{cid}/threads", json={"title": " "}, headers=lea)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"title", "body"}
    thread = th.open_thread(world["lea"], world["collective"], {"title": "Sujet", "body": "Oui"})
    db.session.commit()
    url = f"/api/v1/collectives/{cid}/threads/{thread.id}/posts"
    assert client.post(url, json={"body": ""}, headers=lea).status_code == 422


def test_visibility_and_membership(client, api_token, make_cae, make_user, world):
    collective = world["collective"]
    thread = th.open_thread(world["lea"], collective, {"title": "Outils", "body": "Lesquels ?"})
    db.session.commit()
    base = f"/api/v1/collectives/{collective.id}/threads"
    # A verified outsider sees the network collective: reads, but does not write.
    out = bearer(api_token(world["out"]))
    assert client.get(base, headers=out).status_code == 200
    assert client.get(f"{base}/{thread.id}/posts", headers=out).status_code == 200
    assert client.post(base, json={"title": "A", "body": "B"}, headers=out).status_code == 403
    post = client.post(f"{base}/{thread.id}/posts", json={"body": "Moi"}, headers=out)
    assert post.status_code == 403
    follow = client.post(f"{base}/{thread.id}/follow", json={"mode": "follow"}, headers=out)
    assert follow.status_code == 403
    # A pending account does not see a network collective: 404.
    pending = bearer(api_token(make_user(make_cae(), verified=False)))
    assert client.get(base, headers=pending).status_code == 404
    # A collective for one CAE is hidden from the others: 404 everywhere.
    private = ops.create_collective(world["ines"], {"name": "Entre nous", "audience": "cae"})
    secret = th.open_thread(world["ines"], private, {"title": "Caché", "body": "Chut"})
    db.session.commit()
    hidden = f"/api/v1/collectives/{private.id}/threads"
    assert client.get(hidden, headers=out).status_code == 404
    assert client.get(f"{hidden}/{secret.id}", headers=out).status_code == 404
    assert client.post(hidden, json={"title": "A", "body": "B"}, headers=out).status_code == 404
    # A thread of another collective is not found through this one.
    assert (
        client.get(f"{base}/{secret.id}", headers=bearer(api_token(world["ines"]))).status_code
        == 404
    )


def test_a_pending_member_cannot_write(client, api_token, make_cae, make_user, world):
    collective = world["collective"]
    collective.audience = "public"
    marc = world["marc"]
    marc.membership = "pending"
    db.session.commit()
    answer = client.post(
        f"/api/v1/collectives/{collective.id}/threads",
        json={"title": "Titre", "body": "Texte"},
        headers=bearer(api_token(marc)),
    )
    assert answer.status_code == 403


def test_who_is_told(world):
    collective, lea, marc, ines = (world[k] for k in ("collective", "lea", "marc", "ines"))
    thread = th.open_thread(lea, collective, {"title": "Logiciels", "body": "Lequel ?"})
    db.session.commit()
    # A new thread tells every member but its author.
    assert kinds_of(lea) == []
    assert kinds_of(marc) == ["collective.thread"] and kinds_of(ines) == ["collective.thread"]
    # A reply tells the followers (the author of the thread), not the other members.
    th.reply(marc, thread, {"body": "Pléiades"})
    db.session.commit()
    assert kinds_of(lea) == ["collective.reply"]
    assert kinds_of(ines) == ["collective.thread"]
    # Inès follows; Léa mutes: the next reply tells Inès and Marc (who took part), not Léa.
    th.set_follow(ines, thread, "follow")
    th.set_follow(lea, thread, "mute")
    db.session.commit()
    th.reply(world["lea"], thread, {"body": "Merci"})  # her own reply tells others only
    db.session.commit()
    assert kinds_of(marc)[-1] == "collective.reply" and kinds_of(ines)[-1] == "collective.reply"
    th.reply(marc, thread, {"body": "Et vous ?"})
    db.session.commit()
    assert kinds_of(lea) == ["collective.reply"]  # muted since
    # A mention reaches a member even when muted, once, with its own wording.
    th.reply(ines, thread, {"body": "Qu'en pense @lea roux ? Et @Marc Blanc"})
    db.session.commit()
    assert kinds_of(lea) == ["collective.reply", "collective.mention"]
    assert kinds_of(marc)[-1] == "collective.mention"
    assert kinds_of(marc).count("collective.mention") == 1
    text = db.session.scalar(
        select(Notification.text).where(
            Notification.user_id == lea.id, Notification.kind == "collective.mention"
        )
    )
    assert "Inès Éloi" in text and "Logiciels" in text


def test_mentions_match_whole_names_of_members_only(world):
    members = [world["lea"], world["marc"]]
    assert th.mentioned(members, "Bonjour @Léa Roux !") == [world["lea"]]
    assert th.mentioned(members, "Bonjour @Léa Rouxel") == []
    assert th.mentioned(members, "Pas de mention: Léa Roux") == []


def test_a_new_thread_is_mailed_through_the_outbox(outbox, world):
    set_email_mode(world["ines"], "never")
    db.session.commit()
    th.open_thread(world["lea"], world["collective"], {"title": "RE2020", "body": "Lisez"})
    db.session.commit()
    mails = outbox()
    recipients = {to for to, _subject, _body in mails}
    assert world["marc"].email in recipients
    assert world["ines"].email not in recipients and world["lea"].email not in recipients
    body = next(b for to, _s, b in mails if to == world["marc"].email)
    assert "RE2020" in body and "/discussions/" in body


def test_pages_journey(client, login, world):
    collective = world["collective"]
    login(world["marc"])
    page = client.get(f"/collectifs/{collective.id}/discussions")
    assert page.status_code == 200 and 'name="title"' in page.get_data(as_text=True)
    # A form with a missing body comes back with 422 and keeps the title typed.
    bad = client.post(
        f"/collectifs/{collective.id}/discussions", data={"title": "Quel logiciel ?", "body": ""}
    )
    assert bad.status_code == 422 and "Quel logiciel ?" in bad.get_data(as_text=True)
    made = client.post(
        f"/collectifs/{collective.id}/discussions",
        data={"title": "Quel logiciel de simulation ?", "body": "Pour la STD."},
    )
    assert made.status_code == 302
    thread_url = made.headers["Location"]
    shown = client.get(thread_url).get_data(as_text=True)
    assert "Quel logiciel de simulation ?" in shown and "Pour la STD." in shown
    answer = client.post(f"{thread_url}/reponses", data={"body": "Pléiades, @Léa Roux ?"})
    assert answer.status_code == 302 and "#post-" in answer.headers["Location"]
    assert client.post(f"{thread_url}/suivi", data={"mode": "mute"}).status_code == 302
    assert "collective.mention" in kinds_of(world["lea"])
    # The collective's page shows the latest threads.
    home = client.get(f"/collectifs/{collective.id}").get_data(as_text=True)
    assert "Quel logiciel de simulation ?" in home


def test_non_members_read_but_do_not_write_on_the_pages(client, login, world):
    collective = world["collective"]
    thread = th.open_thread(world["lea"], collective, {"title": "Normes", "body": "À lire"})
    db.session.commit()
    url = f"/collectifs/{collective.id}/discussions/{thread.id}"
    login(world["out"])
    page = client.get(url)
    assert page.status_code == 200 and "À lire" in page.get_data(as_text=True)
    assert 'name="body"' not in page.get_data(as_text=True)
    assert client.post(f"{url}/reponses", data={"body": "Moi"}).status_code == 403
    assert client.post(f"{url}/suivi", data={"mode": "follow"}).status_code == 403


def test_anonymous_reads_the_threads_of_a_public_collective_only(client, world):
    collective = world["collective"]
    thread = th.open_thread(world["lea"], collective, {"title": "Normes", "body": "À lire"})
    db.session.commit()
    url = f"/collectifs/{collective.id}/discussions/{thread.id}"
    assert client.get(url).status_code == 404  # network: signed-in members of a CAE only
    collective.audience = "public"
    db.session.commit()
    assert client.get(url).status_code == 200


def test_the_thread_pages_take_a_constant_number_of_queries(client, count_queries, login, world):
    collective, lea = world["collective"], world["lea"]
    thread = th.open_thread(lea, collective, {"title": "Premier", "body": "Texte"})
    db.session.commit()
    login(lea)

    def count(url: str) -> int:
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        return seen.count

    urls = [
        f"/collectifs/{collective.id}/discussions",
        f"/collectifs/{collective.id}/discussions/{thread.id}",
    ]
    before = [count(u) for u in urls]
    for i, person in enumerate((world["marc"], world["ines"]) * 3):
        th.open_thread(person, collective, {"title": f"Sujet {i}", "body": "Texte"})
        th.reply(person, thread, {"body": f"Réponse {i}"})
    db.session.commit()
    assert [count(u) for u in urls] == before


def test_a_deleted_account_leaves_its_posts_unsigned(client, api_token, world):
    from marketplace.accounts.deletion import delete_account
    from marketplace.collectives.models import ThreadFollow
    from tests.conftest import PASSWORD

    marc = world["marc"]
    thread = th.open_thread(marc, world["collective"], {"title": "Outils", "body": "Lesquels ?"})
    db.session.commit()
    delete_account(marc, marc, PASSWORD)
    db.session.commit()
    follows = select(ThreadFollow.id).where(ThreadFollow.user_id == marc.id)
    assert db.session.scalars(follows).all() == []
    url = f"/api/v1/collectives/{world['collective'].id}/threads/{thread.id}/posts"
    post = client.get(url, headers=bearer(api_token(world["lea"]))).get_json()["items"][0]
    assert post["body"] == "Lesquels ?"
    assert post["author"]["hidden"] is True and post["author"]["display_name"] is None
