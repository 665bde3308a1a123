"""After a replacement: the side who said it went well is led to recommend the other on the
record the replacement produced; and the list of offers filtered by kind (API and page)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from marketplace.collectives.membership import join
from marketplace.collectives.operations import create_collective
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.notifications.operations import set_email_mode
from marketplace.profiles.availability import today


def _day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def ask(client, headers, starts: int = -5, ends: int = -1, **fields):
    body = {
        "kind": "replacement",
        "title": "Remplacement : chantiers d’isolation pendant mon arrêt",
        "skills": ["Isolation thermique"],
        "city": "Lyon",
        "department": "69",
        "starts_on": _day(starts),
        "ends_on": _day(ends),
        "audience": "network",
        **fields,
    }
    response = client.post("/api/v1/offers", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def chosen(client, h, offer, who="colleague"):
    """The replacement asked by the client, answered by ``who``, accepted: the record."""
    url = f"/api/v1/offers/{offer['id']}/responses"
    answer = client.post(url, json={"message": "Ok", "price_cents": 40000}, headers=h[who])
    accepted = client.post(f"{url}/{answer.get_json()['id']}/accept", headers=h["client"])
    assert accepted.status_code == 201, accepted.get_json()
    return accepted.get_json()


def move(client, h, record, *statuses, who="colleague"):
    for to in statuses:
        moved = client.post(
            f"/api/v1/subcontracts/{record['id']}/transition", json={"to": to}, headers=h[who]
        )
        assert moved.status_code == 200, moved.get_json()


def test_went_well_leads_to_the_recommendation_once_delivered(client, people):
    h = people["h"]
    offer = ask(client, h["client"])
    record = chosen(client, h, offer)
    outcome = f"/api/v1/offers/{offer['id']}/outcome"

    said = client.post(outcome, json={"went_well": True}, headers=h["client"]).get_json()
    lead = said["recommendation"]
    # The record is only proposed: not yet, and the requester is told what happens next.
    assert lead["subcontract_id"] == record["id"]
    assert lead["delivered"] is False and lead["allowed"] is False
    assert "pas encore livré" in lead["message"]
    assert lead["url"].endswith(f"/sous-traitances/{record['id']}#recommend")

    # The replacement has not said anything yet: nothing leads them.
    theirs = client.get(f"/api/v1/offers/{offer['id']}", headers=h["colleague"]).get_json()
    assert theirs["recommendation"] is None

    move(client, h, record, "accepted", "in_progress", "delivered")
    lead = client.get(f"/api/v1/offers/{offer['id']}", headers=h["client"]).get_json()
    assert lead["recommendation"]["delivered"] is True
    assert lead["recommendation"]["allowed"] is True
    written = client.post(
        f"/api/v1/subcontracts/{record['id']}/recommendation",
        json={"body": "Très bon remplacement, clients ravis."},
        headers=h["client"],
    )
    assert written.status_code == 201, written.get_json()
    lead = client.get(f"/api/v1/offers/{offer['id']}", headers=h["client"]).get_json()
    assert lead["recommendation"]["allowed"] is False
    assert "avez recommandé" in lead["recommendation"]["message"]


def test_the_replacement_is_led_too_and_a_bad_outcome_leads_nowhere(client, people):
    h = people["h"]
    offer = ask(client, h["client"])
    record = chosen(client, h, offer)
    outcome = f"/api/v1/offers/{offer['id']}/outcome"
    said = client.post(outcome, json={"went_well": True}, headers=h["colleague"]).get_json()
    # Not delivered: the replacement is told to mark it delivered.
    assert "marquez-la" in said["recommendation"]["message"].lower()
    move(client, h, record, "accepted", "in_progress", "delivered")
    lead = client.get(f"/api/v1/offers/{offer['id']}", headers=h["colleague"]).get_json()
    assert lead["recommendation"]["allowed"] is True

    bad = client.post(outcome, json={"went_well": False}, headers=h["client"]).get_json()
    assert bad["recommendation"] is None
    # Nobody else sees the lead, and the list never carries it.
    other = client.get(f"/api/v1/offers/{offer['id']}", headers=h["stranger"]).get_json()
    assert other["recommendation"] is None
    listed = client.get("/api/v1/offers?status=filled", headers=h["colleague"]).get_json()
    assert listed["items"] and all(o["recommendation"] is None for o in listed["items"])


def test_the_offer_page_links_to_the_recommendation_form(client, people, login):
    h = people["h"]
    offer = ask(client, h["client"])
    record = chosen(client, h, offer)
    login(people["users"]["client"])
    sent = client.post(f"/offres/{offer['id']}/bilan", data={"went_well": "yes"})
    assert sent.status_code == 302
    page = client.get(f"/offres/{offer['id']}").get_data(as_text=True)
    assert 'id="recommend-next"' in page
    assert "pas encore livré" in page
    assert f'href="/sous-traitances/{record["id"]}"' in page

    move(client, h, record, "accepted", "in_progress", "delivered")
    page = client.get(f"/offres/{offer['id']}").get_data(as_text=True)
    assert f'href="/sous-traitances/{record["id"]}#recommend"' in page
    assert "Rédiger une recommandation" in page
    record_page = client.get(f"/sous-traitances/{record['id']}").get_data(as_text=True)
    assert 'id="recommend"' in record_page


def test_offers_filtered_by_kind_in_the_api_and_the_page(client, people, login):
    h = people["h"]
    replacement = ask(client, h["client"], starts=10, ends=12)
    need = client.post(
        "/api/v1/offers",
        json={"title": "Besoin d’un coup de main en isolation", "skills": ["Isolation thermique"]},
        headers=h["client"],
    ).get_json()

    def ids(query: str) -> set[int]:
        answer = client.get(f"/api/v1/offers{query}", headers=h["stranger"])
        assert answer.status_code == 200, answer.get_json()
        return {o["id"] for o in answer.get_json()["items"]}

    assert ids("?kind=replacement") == {replacement["id"]}
    assert ids("?kind=need") == {need["id"]}
    assert ids("") == {replacement["id"], need["id"]}
    assert ids("?kind=") == {replacement["id"], need["id"]}
    # With words, through the index, the filter holds too.
    assert ids("?kind=replacement&q=isolation") == {replacement["id"]}
    assert ids("?kind=need&q=isolation") == {need["id"]}
    wrong = client.get("/api/v1/offers?kind=remplacement", headers=h["stranger"])
    assert wrong.status_code == 422
    assert "kind" in wrong.get_json()["error"]["fields"]

    login(people["users"]["stranger"])
    page = client.get("/offres?kind=replacement").get_data(as_text=True)
    assert f'/offres/{replacement["id"]}"' in page and f'/offres/{need["id"]}"' not in page
    page = client.get("/offres?kind=need").get_data(as_text=True)
    assert f'/offres/{need["id"]}"' in page and f'/offres/{replacement["id"]}"' not in page
    assert 'name="kind"' in page
    # An unknown kind filters nothing (like the other selects of the page).
    page = client.get("/offres?kind=autre").get_data(as_text=True)
    assert f'/offres/{need["id"]}"' in page and f'/offres/{replacement["id"]}"' in page


def test_the_first_circle_is_told_in_one_statement(client, people, make_user, outbox):
    """However many people the first circle holds, their notifications are one INSERT and
    their e-mails another (an urgent request e-mails even the daily digest at once)."""
    users = people["users"]
    collective = create_collective(users["client"], {"name": "Relais", "join_policy": "open"})
    members = [make_user(people["caes"]["paris"], audience="network") for _ in range(4)]
    for member in members:
        join(member, collective)
    set_email_mode(members[0], "daily")
    db.session.commit()
    statements: list[str] = []
    listen = lambda *a: statements.append(" ".join(a[2].split()))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        ask(client, people["h"]["client"], starts=1, ends=3)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    inserts = [s for s in statements if s.startswith("INSERT INTO notifications")]
    mails = [s for s in statements if s.startswith("INSERT INTO outbox_messages")]
    assert len(inserts) == 1 and len(mails) == 1
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "replacement.urgent")
    ).all()
    assert set(told) == {m.id for m in members}
    assert {m[0] for m in outbox()} >= {m.email for m in members}


def test_an_outcome_without_a_choice_is_refused_in_words(client, people, login):
    h = people["h"]
    offer = ask(client, h["client"])
    chosen(client, h, offer)
    login(people["users"]["client"])
    sent = client.post(f"/offres/{offer['id']}/bilan", data={"went_well": "maybe"})
    assert sent.status_code == 422
    page = sent.get_data(as_text=True)
    assert "Dites si le remplacement s’est bien passé" in page
    assert "expiré" not in page
