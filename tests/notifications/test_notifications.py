"""Notifications: who is told what, the bell, reading, e-mail settings and the daily digest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.notifications.operations import set_email_mode
from marketplace.timeutil import utcnow


def _texts(user) -> list[str]:
    rows = db.session.scalars(
        select(Notification.text).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return list(rows)


def _collective(creator, **fields):
    data = {"name": "Numérique solidaire", "join_policy": "request", **fields}
    collective = ops.create_collective(creator, data)
    db.session.commit()
    return collective


def test_collective_events_notify_the_right_people(app, make_user, outbox):
    coordinator, asker = make_user(first_name="Léa"), make_user(first_name="Yann")
    guest = make_user()
    collective = _collective(coordinator)
    request = ops.join(asker, collective, "Bonjour")["request"]
    db.session.commit()
    told = _texts(coordinator)[-1]
    assert told.startswith("Yann") and "demande à rejoindre" in told
    ops.decide_request(coordinator, request, approve=True)
    ops.invite(coordinator, collective, guest)
    db.session.commit()
    assert "acceptée" in _texts(asker)[-1]
    assert "vous invite" in _texts(guest)[-1]
    decision = dec.open_decision(
        coordinator,
        collective,
        {"title": "Nouveau site", "closes_at": (utcnow() + timedelta(hours=1)).isoformat()},
    )
    db.session.commit()
    assert "Nouvelle proposition" in _texts(asker)[-1]
    assert not any("Nouvelle proposition" in t for t in _texts(coordinator))  # not to oneself
    dec.vote(asker, decision, "yes")
    decision.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert dec.close_due() == 1
    db.session.commit()
    assert "Vote clos" in _texts(asker)[-1] and "adoptée" in _texts(asker)[-1]
    assert dec.close_due() == 0
    mails = outbox()
    assert any(
        to == coordinator.email and "demande à rejoindre" in subject for to, subject, _body in mails
    )
    assert any(to == guest.email and "/collectifs/" in body for to, _s, body in mails)


def test_bell_list_marks_as_read(client, login, make_user):
    coordinator, asker = make_user(), make_user()
    collective = _collective(coordinator)
    ops.join(asker, collective)
    db.session.commit()
    login(coordinator)
    home = client.get("/").get_data(as_text=True)
    assert "1 non lue" in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "demande à rejoindre" in page
    assert client.post("/notifications/lues").status_code == 302
    assert "aucune non lue" in client.get("/").get_data(as_text=True)


def test_reading_one_opens_its_page(client, login, make_user):
    coordinator, asker = make_user(), make_user()
    collective = _collective(coordinator)
    ops.join(asker, collective)
    db.session.commit()
    notification = db.session.scalar(select(Notification))
    login(asker)
    assert client.post(f"/notifications/{notification.id}/lue").status_code == 404  # not theirs
    login(coordinator)
    response = client.post(f"/notifications/{notification.id}/lue")
    assert response.status_code == 302
    assert f"/collectifs/{collective.id}" in response.headers["Location"]


def test_the_bell_costs_one_query(client, count_queries, login, make_user):
    user = make_user()
    login(user)
    with count_queries() as statements:
        client.get("/")
    assert sum("FROM notifications" in s for s in statements) == 1


def test_settings_never_and_daily_digest(app, client, login, make_user, outbox):
    coordinator, daily, never = make_user(), make_user(), make_user()
    login(daily)
    assert client.post("/notifications/reglages", data={"email": "daily"}).status_code == 302
    assert client.post("/notifications/reglages", data={"email": "sometimes"}).status_code == 422
    set_email_mode(never, "never")
    db.session.commit()
    for person in (daily, never):
        ops.invite(coordinator, _collective(coordinator, name=f"Collectif {person.id}"), person)
    db.session.commit()
    assert [to for to, _s, _b in outbox()] == []
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 résumé" in result.output
    mails = outbox()
    assert [to for to, _s, _b in mails] == [daily.email]
    assert "résumé" in mails[0][1] and "vous invite" in mails[0][2]
    result = runner.invoke(args=["notify", "digest"])
    assert "0 résumé" in result.output and len(outbox()) == 1


def test_nothing_is_sent_when_the_request_fails(client, login, make_user, outbox):
    coordinator = make_user()
    collective = _collective(coordinator)
    asker = make_user()
    login(asker)
    client.post(f"/collectifs/{collective.id}/rejoindre", data={"message": "x" * 2000})
    assert outbox() == [] and db.session.scalar(select(Notification)) is None


def test_close_due_command(app, make_user):
    coordinator = make_user()
    collective = _collective(coordinator)
    decision = dec.open_decision(
        coordinator,
        collective,
        {"title": "T", "closes_at": (utcnow() + timedelta(hours=1)).isoformat()},
    )
    decision.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["collectives", "close-due"])
    assert result.exit_code == 0 and "1 vote(s) clos" in result.output


def test_the_api_lists_and_reads_notifications(client, api_token, make_user):
    coordinator, asker = make_user(), make_user()
    collective = _collective(coordinator)
    ops.join(asker, collective)
    db.session.commit()
    headers = {"Authorization": f"Bearer {api_token(coordinator)}"}
    body = client.get("/api/v1/me/notifications", headers=headers).get_json()
    assert body["total"] == 1 and body["unread"] == 1
    item = body["items"][0]
    assert item["kind"] == "collective.join_request" and item["read_at"] is None
    assert item["url"].endswith(f"/collectifs/{collective.id}#demandes")
    other = {"Authorization": f"Bearer {api_token(asker)}"}
    marked = client.post("/api/v1/me/notifications/read", json={"id": item["id"]}, headers=other)
    assert marked.get_json()["marked"] == 0  # not theirs
    response = client.post("/api/v1/me/notifications/read", headers=headers)
    assert response.get_json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/me/notifications").status_code == 401
    doc = client.get("/api/v1/openapi.json").get_json()
    assert set(doc["components"]["schemas"]["Notification"]["properties"]) == set(item)
