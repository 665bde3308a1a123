"""One person, one vote: repeated and concurrent votes count once (the database enforces it)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.collectives.models import Decision, Vote
from marketplace.extensions import db
from marketplace.timeutil import utcnow


def _setup(make_user, members: int = 1):
    creator = make_user()
    collective = ops.create_collective(
        creator, {"name": "Coopérative de vote", "join_policy": "open"}
    )
    people = [creator]
    for _ in range(members - 1):
        person = make_user()
        ops.join(person, collective)
        people.append(person)
    decision = dec.open_decision(
        creator,
        collective,
        {"title": "Adopter la charte", "closes_at": (utcnow() + timedelta(hours=1)).isoformat()},
    )
    db.session.commit()
    return collective, decision, people


def _votes(decision_id: int) -> int:
    return db.session.scalar(select(func.count(Vote.id)).where(Vote.decision_id == decision_id))


def test_voting_again_replaces_the_vote(app, make_user):
    _collective, decision, (person,) = _setup(make_user)
    for choice in ("yes", "yes", "no", "abstain", "no"):
        dec.vote(person, decision, choice)
        db.session.commit()
    assert _votes(decision.id) == 1
    assert dec.results(decision).tally == {"yes": 0, "no": 1, "abstain": 0}


def test_the_database_refuses_a_second_row(app, make_user):
    _collective, decision, (person,) = _setup(make_user)
    db.session.add_all(
        [
            Vote(decision_id=decision.id, user_id=person.id, choice="yes"),
            Vote(decision_id=decision.id, user_id=person.id, choice="no"),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_leaving_withdraws_votes_still_open(app, make_user):
    collective, decision, (_creator, member) = _setup(make_user, 2)
    dec.vote(member, decision, "no")
    ops.leave(member, collective)
    db.session.commit()
    assert dec.results(decision).tally == {"yes": 0, "no": 0, "abstain": 0}


def test_quorum_and_turnout(app, make_user):
    _collective, decision, people = _setup(make_user, 4)
    decision.quorum_percent = 75
    for person, choice in zip(people[:2], ("yes", "yes"), strict=True):
        dec.vote(person, decision, choice)
    decision.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert dec.ensure_closed(decision) is True
    assert dec.ensure_closed(decision) is False  # recorded once
    res = dec.results(decision)
    assert (res.voters, res.members, res.turnout_percent) == (2, 4, 50)
    assert res.outcome == "no_quorum"


def _in_threads(app, jobs) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        with app.app_context():
            try:
                job(barrier)
                db.session.commit()
            except BaseException as error:  # reported to the test
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def _needs_postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (MARKETPLACE_TEST_DATABASE_URL): SQLite serialises writers")


def test_concurrent_votes_of_one_person_count_once(app, make_user):
    _needs_postgresql(app)
    _collective, decision, (person,) = _setup(make_user)
    user_id, decision_id = person.id, decision.id
    db.session.remove()

    def job(choice):
        def vote(barrier):
            user = db.session.get(User, user_id)
            found = db.session.get(Decision, decision_id)
            barrier.wait()
            dec.vote(user, found, choice)

        return vote

    for _round in range(3):
        errors = _in_threads(app, [job(c) for c in ("yes", "no", "abstain", "yes", "no", "no")])
        assert errors == []
        assert _votes(decision_id) == 1
    tally = dec.results(db.session.get(Decision, decision_id)).tally
    assert sum(tally.values()) == 1


def test_concurrent_votes_of_many_people_all_count(app, make_user):
    _needs_postgresql(app)
    _collective, decision, people = _setup(make_user, 6)
    ids, decision_id = [p.id for p in people], decision.id
    db.session.remove()

    def job(user_id):
        def vote(barrier):
            user = db.session.get(User, user_id)
            found = db.session.get(Decision, decision_id)
            barrier.wait()
            dec.vote(user, found, "yes")

        return vote

    errors = _in_threads(app, [job(i) for i in ids + ids])  # everybody clicks twice
    assert errors == []
    res = dec.results(db.session.get(Decision, decision_id))
    assert res.tally == {"yes": 6, "no": 0, "abstain": 0} and res.voters == 6


@pytest.mark.parametrize("policy", ["open", "request"])
def test_a_double_click_on_join_counts_once(app, make_user, policy):
    _needs_postgresql(app)
    from marketplace.collectives.models import Collective, CollectiveMember, JoinRequest
    from marketplace.errors import Conflict

    creator, person = make_user(), make_user()
    collective = ops.create_collective(creator, {"name": "Double clic", "join_policy": policy})
    db.session.commit()
    collective_id, user_id = collective.id, person.id
    db.session.remove()

    def job(barrier):
        user = db.session.get(User, user_id)
        found = db.session.get(Collective, collective_id)
        barrier.wait()
        ops.join(user, found, "Bonjour")

    errors = _in_threads(app, [job] * 4)
    assert errors and all(isinstance(e, Conflict) for e in errors)
    model = CollectiveMember if policy == "open" else JoinRequest
    rows = db.session.scalar(
        select(func.count(model.id)).where(
            model.collective_id == collective_id, model.user_id == user_id
        )
    )
    assert rows == 1
