"""Alerts, suggested matches and opportunities, through the API, the worker and the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.alerts.matching import enqueue_matching
from marketplace.alerts.models import MatchJob, MatchNotice
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.tenders.models import Tender


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def offer_body(**fields) -> dict:
    return {
        "title": "Plombier·e pour une salle de bains",
        "description": "Remplacement d'une douche.",
        "skills": ["Plomberie"],
        "city": "Villeurbanne",
        "department": "69",
        "starts_on": "2027-03-02",
        "ends_on": "2027-03-04",
        "budget_cents": 150000,
        "audience": "network",
        **fields,
    }


def kinds_of(user) -> list[str]:
    stmt = select(Notification.kind).where(Notification.user_id == user.id)
    return sorted(db.session.scalars(stmt))


@pytest.fixture
def world(make_cae, make_user, api_token):
    coop, other = make_cae("Coop Rhône"), make_cae("Coop Loire", department="42")
    users = {
        "watcher": make_user(coop, first_name="Wanda", city="Lyon", department="69"),
        "poster": make_user(coop, first_name="Paul", city="Lyon", department="69"),
        "plumber": make_user(
            coop,
            first_name="Pia",
            city="Vénissieux",
            department="69",
            skills=[{"name": "Plomberie", "level": 3}],
        ),
        "outsider": make_user(other, first_name="Otto", city="Lyon", department="69"),
        "pending": make_user(coop, first_name="Pen", verified=False),
    }
    tokens = {name: api_token(user) for name, user in users.items()}
    return {"users": users, "tokens": tokens}


def test_alerts_are_created_listed_and_deleted(client, world):
    t = world["tokens"]
    body = {
        "kind": "offers",
        "q": "plomberie",
        "near": "lyon",
        "radius_km": 20,
        "frequency": "instant",
    }
    created = client.post("/api/v1/me/alerts", json=body, headers=bearer(t["watcher"]))
    assert created.status_code == 201, created.get_json()
    alert = created.get_json()
    assert alert["near"] == "Lyon" and alert["radius_km"] == 20 and alert["kind"] == "offers"
    assert alert["last_matches"] == []
    listed = client.get("/api/v1/me/alerts", headers=bearer(t["watcher"])).get_json()
    assert [a["id"] for a in listed["items"]] == [alert["id"]] and listed["total"] == 1
    assert client.get("/api/v1/me/alerts", headers=bearer(t["poster"])).get_json()["total"] == 0
    # Another's alert is absent to you.
    assert (
        client.delete(f"/api/v1/me/alerts/{alert['id']}", headers=bearer(t["poster"])).status_code
        == 404
    )
    deleted = client.delete(f"/api/v1/me/alerts/{alert['id']}", headers=bearer(t["watcher"]))
    assert deleted.status_code == 204
    assert client.get("/api/v1/me/alerts", headers=bearer(t["watcher"])).get_json()["total"] == 0
    assert (
        client.delete(f"/api/v1/me/alerts/{alert['id']}", headers=bearer(t["watcher"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "cats"}, "kind"),
        ({"kind": "offers", "frequency": "hourly"}, "frequency"),
        ({"kind": "offers", "near": "Lyonn"}, "near"),
        ({"kind": "offers", "radius_km": 0}, "radius_km"),
        ({"kind": "offers", "department": "999"}, "department"),
        ({"kind": "offers", "q": 12}, "q"),
    ],
)
def test_bad_alerts_are_422(client, world, body, field):
    response = client.post(
        "/api/v1/me/alerts", json=body, headers=bearer(world["tokens"]["watcher"])
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_alerts_need_a_token(client, world):
    assert client.post("/api/v1/me/alerts", json={"kind": "offers"}).status_code == 401
    assert client.get("/api/v1/me/alerts").status_code == 401
    assert client.get("/api/v1/me/opportunities").status_code == 401


def test_an_instant_alert_tells_its_owner_once_after_the_worker(
    client, world, deliver_mail, outbox
):
    t, users = world["tokens"], world["users"]
    client.post(
        "/api/v1/me/alerts",
        json={"kind": "offers", "q": "plomberie", "near": "Lyon", "frequency": "instant"},
        headers=bearer(t["watcher"]),
    )
    posted = client.post("/api/v1/offers", json=offer_body(), headers=bearer(t["poster"]))
    assert posted.status_code == 201
    # The publishing request only queued a job: nobody has been told yet.
    assert db.session.scalar(select(func.count(MatchJob.id)).where(MatchJob.status == "queued"))
    assert kinds_of(users["watcher"]) == []

    deliver_mail()  # flask jobs run --once
    assert kinds_of(users["watcher"]) == ["alert_match"]
    notice = db.session.scalars(
        select(Notification).where(Notification.user_id == users["watcher"].id)
    ).one()
    assert "Plombier·e pour une salle de bains" in notice.text
    assert (
        notice.url.endswith(f"/offres/{posted.get_json()['id']}")
        or str(posted.get_json()["id"]) in notice.url
    )
    mails = [m for m in outbox() if m[0] == users["watcher"].email]
    assert len(mails) == 1
    # The owner of the offer and people without a matching alert hear nothing by the alert.
    assert "alert_match" not in kinds_of(users["poster"])
    # Once: the same object again (a second job) tells nobody twice.
    enqueue_matching("offers", posted.get_json()["id"])
    db.session.commit()
    deliver_mail()
    assert kinds_of(users["watcher"]) == ["alert_match"]
    listed = client.get("/api/v1/me/alerts", headers=bearer(t["watcher"])).get_json()
    assert [m["title"] for m in listed["items"][0]["last_matches"]] == [
        "Plombier·e pour une salle de bains"
    ]


def test_no_alert_for_what_the_owner_may_not_see_or_does_not_match(client, world, deliver_mail):
    t, users = world["tokens"], world["users"]
    for name in ("outsider", "pending", "watcher"):
        response = client.post(
            "/api/v1/me/alerts", json={"kind": "offers", "q": "plomberie"}, headers=bearer(t[name])
        )
        assert response.status_code == 201, response.get_json()
    far = client.post(
        "/api/v1/me/alerts", json={"kind": "offers", "near": "Brest"}, headers=bearer(t["plumber"])
    )
    assert far.status_code == 201
    # For the poster's CAE only: Otto (another CAE) and Pen (not verified) may not see it.
    client.post("/api/v1/offers", json=offer_body(audience="cae"), headers=bearer(t["poster"]))
    deliver_mail()
    assert kinds_of(users["watcher"]) == ["alert_match"]
    assert kinds_of(users["outsider"]) == []
    assert kinds_of(users["pending"]) == []
    # Pia's alert is for Brest: not told by it (but she fits the offer: one suggestion).
    assert kinds_of(users["plumber"]) == ["suggested_match"]


def test_suggestions_reach_the_best_fitting_members_once_and_can_be_refused(
    client, world, deliver_mail, login
):
    t, users = world["tokens"], world["users"]
    first = client.post("/api/v1/offers", json=offer_body(), headers=bearer(t["poster"]))
    deliver_mail()
    assert kinds_of(users["plumber"]) == ["suggested_match"]
    text = db.session.scalars(
        select(Notification.text).where(Notification.user_id == users["plumber"].id)
    ).one()
    assert "Plomberie" in text and "km" in text
    assert kinds_of(users["watcher"]) == []  # no competence: nothing
    # An alert and a suggestion for the same object: one notice.
    client.post(
        "/api/v1/me/alerts", json={"kind": "offers", "q": "plomberie"}, headers=bearer(t["plumber"])
    )
    enqueue_matching("offer", first.get_json()["id"])
    db.session.commit()
    deliver_mail()
    assert kinds_of(users["plumber"]) == ["suggested_match"]
    # Opt out on the alerts page: no more suggestions.
    browser = login(users["plumber"])
    page = browser.get("/alertes")
    assert page.status_code == 200
    assert browser.post("/alertes/suggestions", data={}).status_code == 302
    client.delete("/api/v1/me/alerts/1", headers=bearer(t["plumber"]))
    for alert in client.get("/api/v1/me/alerts", headers=bearer(t["plumber"])).get_json()["items"]:
        client.delete(f"/api/v1/me/alerts/{alert['id']}", headers=bearer(t["plumber"]))
    client.post(
        "/api/v1/offers", json=offer_body(title="Autre plomberie"), headers=bearer(t["poster"])
    )
    deliver_mail()
    assert kinds_of(users["plumber"]) == ["suggested_match"]


def test_a_daily_alert_waits_for_its_digest(client, world, deliver_mail):
    t, users = world["tokens"], world["users"]
    client.post(
        "/api/v1/me/alerts",
        json={"kind": "offers", "q": "plomberie", "frequency": "daily"},
        headers=bearer(t["watcher"]),
    )
    client.post("/api/v1/offers", json=offer_body(), headers=bearer(t["poster"]))
    deliver_mail()
    # The day has not passed since the alert was made: recorded, not yet told.
    assert kinds_of(users["watcher"]) == []
    notice = db.session.scalars(select(MatchNotice).where(MatchNotice.reason == "alert")).one()
    assert notice.notified_at is None
    from datetime import timedelta

    from marketplace.alerts.models import Alert

    alert = db.session.scalars(select(Alert)).one()
    alert.created_at = alert.created_at - timedelta(days=1, minutes=1)
    db.session.commit()
    deliver_mail()
    assert kinds_of(users["watcher"]) == ["alert_digest"]
    deliver_mail()
    assert kinds_of(users["watcher"]) == ["alert_digest"]


def test_profile_and_tender_alerts(client, world, deliver_mail, make_user):
    t, users = world["tokens"], world["users"]
    client.post(
        "/api/v1/me/alerts",
        json={"kind": "profiles", "skill": "Charpente"},
        headers=bearer(t["watcher"]),
    )
    client.post(
        "/api/v1/me/alerts",
        json={"kind": "tenders", "q": "école", "near": "69003"},
        headers=bearer(t["watcher"]),
    )
    make_user(
        users["watcher"].cae,
        first_name="Charlie",
        city="Lyon",
        department="69",
        skills=[{"name": "Charpente", "level": 4}],
    )
    from tender_helpers import two_lots

    assert (
        client.post("/api/v1/tenders", json=two_lots(), headers=bearer(t["poster"])).status_code
        == 201
    )
    deliver_mail()
    assert kinds_of(users["watcher"]) == ["alert_match", "alert_match"]


def test_opportunities_fit_competences_and_area(client, world):
    t = world["tokens"]
    near = client.post("/api/v1/offers", json=offer_body(), headers=bearer(t["poster"])).get_json()
    client.post(
        "/api/v1/offers",
        json=offer_body(city="Brest", department="29", title="Loin"),
        headers=bearer(t["poster"]),
    )
    client.post(
        "/api/v1/offers",
        json=offer_body(skills=["Peinture"], title="Autre métier"),
        headers=bearer(t["poster"]),
    )
    from tender_helpers import two_lots

    lots = two_lots()
    lots["lots"][1]["skills"] = ["Plomberie", "Menuiserie"]
    tender = client.post("/api/v1/tenders", json=lots, headers=bearer(t["poster"])).get_json()
    body = client.get("/api/v1/me/opportunities", headers=bearer(t["plumber"])).get_json()
    # One competence each: the nearer first (the tender in Lyon, then the offer in Villeurbanne).
    assert [(i["type"], i["id"]) for i in body["items"]] == [
        ("tender", tender["id"]),
        ("offer", near["id"]),
    ]
    first, second = body["items"]
    assert first["distance_km"] < second["distance_km"] < 15
    assert second["matched_skills"] == ["Plomberie"]
    assert second["deadline"] is None and second["url"].startswith("http")
    assert first["deadline"] is not None
    assert (
        client.get("/api/v1/me/opportunities", headers=bearer(t["watcher"])).get_json()["total"]
        == 0
    )


def test_alert_owners_told_together_each_by_their_e_mail_setting(
    client, world, make_user, api_token, deliver_mail, outbox
):
    """The owners of the alerts an object matches are told in one batch: each gets the
    notification, and an e-mail at once, in the daily digest or never, by their own setting."""
    from marketplace.notifications.operations import set_email_mode

    coop = world["users"]["watcher"].cae
    people = {mode: make_user(coop, first_name=f"W{mode}") for mode in ("daily", "never")}
    people["immediately"] = world["users"]["watcher"]
    for mode, user in people.items():
        set_email_mode(user, mode)
    db.session.commit()
    for user in people.values():
        response = client.post(
            "/api/v1/me/alerts",
            json={"kind": "offers", "q": "plomberie", "frequency": "instant"},
            headers=bearer(api_token(user)),
        )
        assert response.status_code == 201
    outbox()
    before = len(outbox())
    posted = client.post(
        "/api/v1/offers", json=offer_body(), headers=bearer(world["tokens"]["poster"])
    )
    assert posted.status_code == 201
    deliver_mail()
    for mode, user in people.items():
        notice = db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == "alert_match"
            )
        ).one()
        assert "Plombier·e pour une salle de bains" in notice.text and "plomberie" in notice.text
        assert (notice.emailed_at is None) == (mode == "daily")  # waits for the digest
    told = db.session.scalars(
        select(MatchNotice.user_id).where(MatchNotice.object_id == posted.get_json()["id"])
    ).all()
    assert {u.id for u in people.values()} <= set(told) and len(told) == len(set(told))
    mails = [to for to, _subject, _body in outbox()[before:]]
    assert people["immediately"].email in mails
    assert people["daily"].email not in mails and people["never"].email not in mails


def test_an_alert_typed_as_a_sentence_tells_of_an_offer_that_meets_it(client, world, deliver_mail):
    t, users = world["tokens"], world["users"]
    for name, q in (
        ("watcher", "qui pourrait réparer la fuite du lavabo de notre cuisine"),
        ("outsider", "restaurer les vitraux anciens de la chapelle du village"),
    ):
        response = client.post(
            "/api/v1/me/alerts", json={"kind": "offers", "q": q}, headers=bearer(t[name])
        )
        assert response.status_code == 201, response.get_json()
    posted = client.post("/api/v1/offers", json=offer_body(), headers=bearer(t["poster"]))
    assert posted.status_code == 201
    deliver_mail()
    assert kinds_of(users["watcher"]) == ["alert_match"]  # every word was needed before
    assert kinds_of(users["outsider"]) == []


def test_a_tender_whose_lot_names_no_competence_is_suggested_by_its_words(
    client, world, deliver_mail, make_user
):
    from tender_helpers import two_lots

    t, users = world["tokens"], world["users"]
    gardener = make_user(
        users["watcher"].cae,
        first_name="Gaby",
        city="Lyon",
        department="69",
        skills=[{"name": "Entretien d'espaces verts", "level": 3}],
    )
    lot = {"number": 1, "title": "Tonte des pelouses et taille des haies", "skills": ["X"]}
    posted = client.post("/api/v1/tenders", json=two_lots(lots=[lot]), headers=bearer(t["poster"]))
    assert posted.status_code == 201
    tender = db.session.get(Tender, posted.get_json()["id"])
    tender.lots[0].skills = []  # as a public notice whose codes name no competence
    db.session.commit()
    deliver_mail()  # the worker reads the tender as it is now
    assert kinds_of(gardener) == ["suggested_match"]


def _told_of_one_offer(client, world, deliver_mail, watched: str, other: str, offer: dict):
    """The watcher's and the outsider's alerts (« offers »), then one offer: the kinds of
    notification each one gets."""
    t, users = world["tokens"], world["users"]
    for name, q in (("watcher", watched), ("outsider", other)):
        response = client.post(
            "/api/v1/me/alerts", json={"kind": "offers", "q": q}, headers=bearer(t[name])
        )
        assert response.status_code == 201, response.get_json()
    posted = client.post("/api/v1/offers", json=offer_body(**offer), headers=bearer(t["poster"]))
    assert posted.status_code == 201
    deliver_mail()
    return kinds_of(users["watcher"]), kinds_of(users["outsider"])


def test_a_part_of_a_hyphenated_word_ties_an_alert_to_no_other_trade(client, world, deliver_mail):
    """« sous-sol » is not « sol »: the concept « sol » → Carrelage does not widen it."""
    tiling = {
        "title": "Carreleur·se pour une rénovation",
        "description": "Pose de faïence dans une salle de bains.",
        "skills": ["Carrelage"],
    }
    watcher, outsider = _told_of_one_offer(
        client, world, deliver_mail, "rénovation du sous-sol", "rénovation du sol", tiling
    )
    assert watcher == []
    assert outsider == ["alert_match"]


def test_a_verb_an_alert_shares_a_stem_with_only_as_another_noun_matches_as_typed(
    client, world, deliver_mail
):
    """« donne » (donner) stems as « données »: the alert does not hear of data analysis."""
    data = {
        "title": "Analyste pour nos données de vente",
        "description": "Un tableau de bord des données de vente.",
        "skills": ["Analyse de données"],
    }
    watcher, outsider = _told_of_one_offer(
        client,
        world,
        deliver_mail,
        "le robinet ne donne plus rien",
        "analyser les données de nos ventes",
        data,
    )
    assert watcher == []
    assert outsider == ["alert_match"]


def test_a_lot_on_a_hyphenated_word_is_not_suggested_to_another_trade(
    client, world, deliver_mail, make_user
):
    """A lot « Rénovation du sous-sol » names no tiling: a tiler is not suggested for it."""
    from tender_helpers import two_lots

    t, users = world["tokens"], world["users"]
    tiler = make_user(
        users["watcher"].cae,
        first_name="Tina",
        city="Lyon",
        department="69",
        skills=[{"name": "Carrelage", "level": 3}],
    )
    told = {}
    for title in ("Rénovation du sous-sol", "Rénovation du sol"):
        lot = {"number": 1, "title": title, "skills": ["X"]}
        body = two_lots(lots=[lot], title="Travaux de la mairie")
        posted = client.post("/api/v1/tenders", json=body, headers=bearer(t["poster"]))
        assert posted.status_code == 201
        tender = db.session.get(Tender, posted.get_json()["id"])
        tender.lots[0].skills = []  # as a public notice whose codes name no competence
        db.session.commit()
        deliver_mail()
        told[title] = kinds_of(tiler)
    assert told["Rénovation du sous-sol"] == []
    assert told["Rénovation du sol"] == ["suggested_match"]
