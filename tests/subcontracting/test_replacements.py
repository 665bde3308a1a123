"""Replacement requests: offers of kind replacement, through the API (the first circle told at
once, the network through matching ranked by availability, the choice, the period taken, the
record, and each side's outcome)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from marketplace.actors import SYSTEM
from marketplace.alerts.matching import run_jobs
from marketplace.collectives.membership import join
from marketplace.collectives.operations import create_collective
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.notifications.operations import set_email_mode
from marketplace.profiles.availability import today
from marketplace.profiles.operations import update_profile
from marketplace.subcontracting import models as offer_models
from marketplace.subcontracting.models import Offer, paris_midnight
from tests.subcontracting.conftest import auth


def _day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def ask(client, headers, starts: int = 1, ends: int = 5, **fields):
    body = {
        "kind": "replacement",
        "title": "Remplacement : chantiers d’isolation pendant mon arrêt",
        "description": "Deux chantiers en cours chez des particuliers.",
        "skills": ["Isolation thermique"],
        "city": "Lyon",
        "department": "69",
        "starts_on": _day(starts),
        "ends_on": _day(ends),
        "workload": "3 jours par semaine",
        "client_contact": True,
        "audience": "network",
        **fields,
    }
    return client.post("/api/v1/offers", json=body, headers=headers)


def kinds_of(user) -> list[str]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    return [n.kind for n in rows]


@pytest.fixture
def circle(people, make_user, api_token):
    """The requester (Claire, Lyon) in a collective with Sami (Nantes); Lou (Lyon) holds the
    competence; Nina (Lyon) does not; Paul (Paris) holds it but is in neither circle."""
    users = people["users"]
    caes = people["caes"]
    requester, sami, lou = users["client"], users["sub"], users["colleague"]
    update_profile(SYSTEM, lou.profile, {"skills": [{"name": "Isolation thermique", "level": 3}]})
    nina = make_user(caes["lyon"], first_name="Nina", audience="network")
    paul = make_user(
        caes["paris"],
        first_name="Paul",
        audience="network",
        skills=[{"name": "Isolation thermique", "level": 4}],
        department="69",
        city="Lyon",
    )
    collective = create_collective(
        requester, {"name": "Rénovation en réseau", "join_policy": "open"}
    )
    join(sami, collective)
    set_email_mode(sami, "daily")
    db.session.commit()
    h = dict(people["h"])
    h["nina"] = auth(api_token(nina))
    h["paul"] = auth(api_token(paul))
    return {**users, "nina": nina, "paul": paul, "h": h}


def test_a_replacement_needs_its_period(client, people):
    response = ask(client, people["h"]["client"], starts_on=None, ends_on=None)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"starts_on", "ends_on"}
    # A need for a hand keeps its dates optional.
    need = ask(client, people["h"]["client"], kind="need", starts_on=None, ends_on=None)
    assert need.status_code == 201
    assert need.get_json()["kind"] == "need"
    assert need.get_json()["urgent"] is False
    assert need.get_json()["outcome"] is None


def test_an_urgent_request_reaches_the_first_circle_at_once(client, circle, outbox, login):
    response = ask(client, circle["h"]["client"], starts=1)
    assert response.status_code == 201, response.get_json()
    offer = response.get_json()
    assert offer["kind"] == "replacement"
    assert offer["urgent"] is True
    assert offer["workload"] == "3 jours par semaine"
    assert offer["client_contact"] is True
    assert offer["outcome"] == {"owner": None, "replacement": None}

    # The collective's member (another CAE) and the CAE's member holding the competence.
    assert kinds_of(circle["sub"]) == ["replacement.urgent"]
    assert kinds_of(circle["colleague"]) == ["replacement.urgent"]
    assert kinds_of(circle["nina"]) == []  # same CAE, not the competence
    assert kinds_of(circle["client"]) == []
    # Sami chose the daily digest: an urgent request is e-mailed at once all the same.
    mails = [m for m in outbox() if m[0] == circle["sub"].email]
    assert len(mails) == 1
    assert "Remplacement urgent" in mails[0][1] or "Urgent" in mails[0][1]

    listed = client.get("/api/v1/offers", headers=circle["h"]["stranger"]).get_json()
    assert [o["urgent"] for o in listed["items"] if o["id"] == offer["id"]] == [True]
    login(circle["stranger"])
    listing = client.get("/offres").get_data(as_text=True)
    assert "badge-urgent" in listing
    page = client.get(f"/offres/{offer['id']}")
    assert page.status_code == 200
    assert "badge-urgent" in page.get_data(as_text=True)
    assert "3 jours par semaine" in page.get_data(as_text=True)


def test_a_later_request_is_not_urgent(client, circle):
    response = ask(client, circle["h"]["client"], starts=10, ends=20)
    assert response.get_json()["urgent"] is False
    assert kinds_of(circle["sub"]) == ["replacement.asked"]


def test_urgent_is_counted_in_hours(app, circle, monkeypatch):
    """Monday 8:30 in Paris: Thursday 0:00 is within 72 hours, Friday is not."""
    monday = datetime(2026, 12, 7, 7, 30, tzinfo=paris_midnight(date(2026, 12, 7)).tzinfo)
    monkeypatch.setattr(offer_models, "utcnow", lambda: monday)
    offer = Offer(kind="replacement", starts_on=date(2026, 12, 10), ends_on=date(2026, 12, 11))
    assert offer.urgent is True
    offer.starts_on = date(2026, 12, 11)
    assert offer.urgent is False
    offer.starts_on, offer.ends_on = date(2026, 12, 1), date(2026, 12, 6)  # already over
    assert offer.urgent is False
    assert (
        Offer(kind="need", starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 8)).urgent is False
    )


def test_the_network_hears_after_the_circle_best_available_first(client, circle, make_user):
    lyon_far = make_user(
        circle["paul"].cae,
        first_name="Zoé",
        audience="network",
        skills=[{"name": "Isolation thermique", "level": 4}],
        department="69",
        city="Lyon",
        availability_periods=[
            {"starts_on": _day(0), "ends_on": _day(30), "kind": "unavailable", "note": ""}
        ],
    )
    offer = ask(client, circle["h"]["client"], starts=1).get_json()
    run_jobs()
    db.session.expire_all()
    # Paul (available, another CAE) is suggested; the circle is not told twice.
    assert kinds_of(circle["paul"]) == ["suggested_match"]
    assert kinds_of(circle["colleague"]) == ["replacement.urgent"]
    paul_text = db.session.scalar(
        select(Notification.text).where(Notification.user_id == circle["paul"].id)
    )
    assert "Urgent" in paul_text and offer["title"] in paul_text
    # Ranked: the available one before the unavailable one.
    from marketplace.subcontracting.replacements import ranked

    row = db.session.get(Offer, offer["id"])
    order = [p.user_id for p, _a, _km in ranked(row, [lyon_far.profile, circle["paul"].profile])]
    assert order == [circle["paul"].id, lyon_far.id]


def test_chosen_inside_one_cae_internal_work_and_period_taken(client, circle):
    h = circle["h"]
    offer = ask(client, h["client"], starts=1, ends=5).get_json()
    url = f"/api/v1/offers/{offer['id']}/responses"
    answer = client.post(
        url, json={"message": "Je prends", "price_cents": 90000}, headers=h["colleague"]
    )
    assert answer.status_code == 201
    other = client.post(url, json={"message": "Moi aussi", "price_cents": 80000}, headers=h["sub"])
    assert other.status_code == 201
    accepted = client.post(f"{url}/{answer.get_json()['id']}/accept", headers=h["client"])
    assert accepted.status_code == 201, accepted.get_json()
    record = accepted.get_json()
    assert record["kind"] == "internal"
    assert record["vat_rate"] is None
    assert record["amount_cents"] == 90000
    assert record["offer_id"] == offer["id"]
    assert record["starts_on"] == _day(1)

    profile = client.get(
        f"/api/v1/profiles/{circle['colleague'].profile.id}", headers=h["client"]
    ).get_json()
    periods = profile["availability_periods"]
    assert [(p["starts_on"], p["ends_on"], p["kind"]) for p in periods] == [
        (_day(1), _day(5), "unavailable")
    ]
    again = client.post(f"{url}/{other.get_json()['id']}/accept", headers=h["client"])
    assert again.status_code == 409


def test_chosen_in_another_cae_an_invoice(client, circle):
    h = circle["h"]
    offer = ask(client, h["client"], starts=1, ends=5).get_json()
    url = f"/api/v1/offers/{offer['id']}/responses"
    answer = client.post(url, json={"message": "Dispo", "price_cents": 50000}, headers=h["sub"])
    accepted = client.post(
        f"{url}/{answer.get_json()['id']}/accept",
        json={"vat_regime": "standard", "vat_rate": "20"},
        headers=h["client"],
    )
    assert accepted.status_code == 201, accepted.get_json()
    assert accepted.get_json()["kind"] == "invoice"


def test_each_side_says_how_it_went_once_after_the_period(client, circle):
    h = circle["h"]
    offer = ask(client, h["client"], starts=-5, ends=-1).get_json()
    outcome = f"/api/v1/offers/{offer['id']}/outcome"
    assert client.post(outcome, json={"went_well": True}, headers=h["client"]).status_code == 409
    url = f"/api/v1/offers/{offer['id']}/responses"
    answer = client.post(url, json={"message": "Ok", "price_cents": 40000}, headers=h["colleague"])
    client.post(f"{url}/{answer.get_json()['id']}/accept", headers=h["client"])

    said = client.post(outcome, json={"went_well": True}, headers=h["client"])
    assert said.status_code == 200, said.get_json()
    assert said.get_json()["outcome"] == {"owner": True, "replacement": None}
    twice = client.post(outcome, json={"went_well": False}, headers=h["client"])
    assert twice.status_code == 409
    theirs = client.post(outcome, json={"went_well": False}, headers=h["colleague"])
    assert theirs.get_json()["outcome"] == {"owner": True, "replacement": False}
    assert client.post(outcome, json={"went_well": True}, headers=h["sub"]).status_code == 403
    bad = client.post(outcome, json={"went_well": "oui"}, headers=h["colleague"])
    assert bad.status_code == 422


def test_outcome_waits_for_the_last_day(client, circle):
    h = circle["h"]
    offer = ask(client, h["client"], starts=1, ends=5).get_json()
    url = f"/api/v1/offers/{offer['id']}/responses"
    answer = client.post(url, json={"message": "Ok", "price_cents": 40000}, headers=h["colleague"])
    client.post(f"{url}/{answer.get_json()['id']}/accept", headers=h["client"])
    early = client.post(
        f"/api/v1/offers/{offer['id']}/outcome", json={"went_well": True}, headers=h["colleague"]
    )
    assert early.status_code == 409
    assert "dernier jour" in early.get_json()["error"]["message"]


def test_an_urgent_request_tells_a_daily_alert_at_once(client, circle, make_user, api_token):
    reader = make_user(circle["paul"].cae, first_name="Rémi", audience="network")
    headers = auth(api_token(reader))
    alert = {"kind": "offers", "q": "isolation", "frequency": "daily"}
    assert client.post("/api/v1/me/alerts", json=alert, headers=headers).status_code == 201
    later = ask(client, circle["h"]["client"], starts=10, ends=12).get_json()
    urgent = ask(client, circle["h"]["client"], starts=1, ends=2).get_json()
    run_jobs()
    db.session.expire_all()
    texts = db.session.scalars(
        select(Notification.text).where(
            Notification.user_id == reader.id, Notification.kind == "alert_match"
        )
    ).all()
    # The urgent one at once (saying so); the other waits for the daily digest.
    assert len(texts) == 1
    assert "Urgent" in texts[0] and urgent["title"] in texts[0]
    assert later["urgent"] is False
