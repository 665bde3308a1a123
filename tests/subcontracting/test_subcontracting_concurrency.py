"""Two clicks accepting two responses of one offer at once: one subcontract, offer filled once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.subcontracting.models import Offer, OfferResponse, Subcontract
from marketplace.subcontracting.operations import accept_response, create_offer, respond


@pytest.fixture
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set MARKETPLACE_TEST_DATABASE_URL)")


def test_two_acceptances_at_once_make_one_subcontract(app, postgres_only, people):
    u = people["users"]
    offer = create_offer(u["client"], {"title": "Renfort", "audience": "network"})
    first = respond(u["sub"], offer, {"message": "A", "price_cents": 1000})
    second = respond(u["stranger"], offer, {"message": "B", "price_cents": 2000})
    db.session.commit()
    owner_id, offer_id, response_ids = u["client"].id, offer.id, (first.id, second.id)

    both_read = threading.Barrier(2, timeout=10)
    results: list[str] = []

    def click(response_id: int) -> None:
        with app.app_context():
            owner = db.session.get(User, owner_id)
            seen = db.session.get(Offer, offer_id)
            assert seen.status == "open"
            both_read.wait()  # both saw an open offer before either accepts
            try:
                accept_response(owner, seen, response_id)
                threading.Event().wait(0.3)  # hold the lock a moment
                db.session.commit()
                results.append("accepted")
            except Conflict:
                db.session.rollback()
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click, args=(rid,)) for rid in response_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == ["accepted", "conflict"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Subcontract.id))) == 1
    assert db.session.get(Offer, offer_id).status == "filled"
    statuses = sorted(db.session.scalars(select(OfferResponse.status)))
    assert statuses == ["accepted", "not_retained"]


def test_the_same_answer_sent_twice_at_once_is_recorded_once(app, postgres_only, people):
    u = people["users"]
    offer = create_offer(u["client"], {"title": "Renfort", "audience": "network"})
    db.session.commit()
    responder_id, offer_id = u["sub"].id, offer.id
    both_read = threading.Barrier(2, timeout=10)
    results: list[str] = []

    def send() -> None:
        with app.app_context():
            responder = db.session.get(User, responder_id)
            seen = db.session.get(Offer, offer_id)
            both_read.wait()
            try:
                respond(responder, seen, {"message": "Dispo", "price_cents": 900})
                threading.Event().wait(0.3)
                db.session.commit()
                results.append("sent")
            except Conflict:
                db.session.rollback()
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == ["conflict", "sent"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(OfferResponse.id))) == 1


def test_an_answer_sent_while_the_offer_is_filled_is_refused_or_not_retained(
    app, postgres_only, people
):
    """An answer and an acceptance at once: the late answer is a 409, never left pending."""
    u = people["users"]
    offer = create_offer(u["client"], {"title": "Dernière place", "audience": "network"})
    chosen = respond(u["sub"], offer, {"message": "A", "price_cents": 1000})
    db.session.commit()
    owner_id, late_id, offer_id, chosen_id = u["client"].id, u["stranger"].id, offer.id, chosen.id
    both_read = threading.Barrier(2, timeout=10)
    results: dict[str, str] = {}

    def act(name: str) -> None:
        with app.app_context():
            seen = db.session.get(Offer, offer_id)
            assert seen.status == "open"
            both_read.wait()
            try:
                if name == "accept":
                    accept_response(db.session.get(User, owner_id), seen, chosen_id)
                    threading.Event().wait(0.3)
                else:
                    respond(db.session.get(User, late_id), seen, {"message": "B",
                                                                  "price_cents": 900})  # fmt: skip
                db.session.commit()
                results[name] = "ok"
            except Conflict:
                db.session.rollback()
                results[name] = "conflict"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(n,)) for n in ("accept", "respond")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results["accept"] == "ok"
    db.session.expire_all()
    assert db.session.get(Offer, offer_id).status == "filled"
    statuses = sorted(db.session.scalars(select(OfferResponse.status)))
    expected = ["accepted"] if results["respond"] == "conflict" else ["accepted", "not_retained"]
    assert statuses == expected
    assert db.session.scalar(select(func.count(Subcontract.id))) == 1
