"""One winner per race: the same state change sent six times at once to gunicorn's worker
processes is made once; every other request answers 409 (never 500, never a second record).

The server runs on the test database (SQLite file, or PostgreSQL with
MARKETPLACE_TEST_DATABASE_URL), so the processes race on the same rows as production would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import race_server
from sqlalchemy import func, select, update
from tender_helpers import sign

from marketplace.accounts.models import MembershipEvent, User
from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as collectives
from marketplace.collectives.models import (
    CollectiveEvent,
    CollectiveMember,
    Decision,
    Invitation,
    JoinRequest,
    Vote,
)
from marketplace.extensions import db
from marketplace.subcontracting.models import Offer, Subcontract, SubcontractEvent
from marketplace.subcontracting.operations import create_offer, respond
from marketplace.subcontracting.records import propose_subcontract
from marketplace.tenders.models import TenderApplication, TenderEvent, TenderMember
from marketplace.timeutil import utcnow

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not race_server.GUNICORN.exists(), reason="gunicorn is not installed"),
]
TIMES = 6
PASSWORD = "Abeilles-Coop-2026"  # the password make_user gives (tests/conftest.py)


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    running = race_server.start(database_url, tmp_path_factory.mktemp("race-server"), workers=3)
    yield running
    race_server.stop(running)


@pytest.fixture
def people(app, server, make_cae, make_user, api_token):
    """Two CAEs, four verified members with tokens already used once (as in daily use)."""
    lyon, nantes = make_cae("Coop Lyon"), make_cae("Coop Nantes", "44", "Nantes")
    users = {
        "owner": make_user(lyon, first_name="Olga", audience="network"),
        "other": make_user(nantes, first_name="Sami", audience="network"),
        "third": make_user(nantes, first_name="Théo", audience="network"),
        "fourth": make_user(lyon, first_name="Inès", audience="network"),
    }
    headers = {}
    for name, user in users.items():
        headers[name] = {"Authorization": f"Bearer {api_token(user)}"}
        assert server.request("GET", "/api/v1/me", headers=headers[name]).status == 200
    ids = {name: user.id for name, user in users.items()}
    return {"ids": ids, "h": headers}


def persons(people) -> dict[str, User]:
    """The people of the fixture, read in the current session."""
    return {name: db.session.get(User, i) for name, i in people["ids"].items()}


def api(method: str, path: str, headers: dict, body=None) -> dict:
    call = {"method": method, "path": "/api/v1" + path, "headers": headers}
    if body is not None:
        call["body"] = body
    return call


def count(stmt) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def settle() -> None:
    """Commit what the test prepared and hold no connection while the workers race."""
    db.session.commit()
    db.session.remove()


def statuses(answers) -> list[int]:
    return sorted(a.status for a in answers)


def one_winner(answers, ok: int = 200) -> None:
    codes = statuses(answers)
    assert codes == [ok] + [409] * (len(answers) - 1), [(a.status, a.body[:300]) for a in answers]
    for answer in answers:
        if answer.status == 409 and answer.headers.get("Content-Type") == "application/json":
            assert answer.json()["error"]["code"] in ("conflict", "invalid_transition")


# Subcontracting ------------------------------------------------------------------------------


def _offer_with_responses(people) -> tuple[int, list[int]]:
    u = persons(people)
    offer = create_offer(u["owner"], {"title": "Renfort plâtrerie", "audience": "network"})
    responses = [
        respond(u[name], offer, {"message": "Dispo", "price_cents": 1000 + i})
        for i, name in enumerate(("other", "third", "fourth"))
    ]
    ids = offer.id, [r.id for r in responses]
    settle()
    return ids


def test_accepting_responses_at_once_makes_one_subcontract(server, people):
    offer_id, response_ids = _offer_with_responses(people)
    owner = people["h"]["owner"]
    paths = [f"/offers/{offer_id}/responses/{response_ids[i % 3]}/accept" for i in range(TIMES)]
    calls = [api("POST", path, owner) for path in paths]
    answers = server.at_once(calls)
    codes = statuses(answers)
    assert codes.count(409) == TIMES - 1 and len(set(codes) - {409}) == 1, codes
    assert count(select(Subcontract.id).where(Subcontract.offer_id == offer_id)) == 1
    assert db.session.get(Offer, offer_id).status == "filled"


def test_accepting_through_the_page_at_once_makes_one_subcontract(server, people):
    offer_id, response_ids = _offer_with_responses(people)
    email = persons(people)["owner"].email
    session = server.browser_session(email, PASSWORD)
    page = server.request("GET", f"/offres/{offer_id}", headers=session)
    assert page.status == 200
    token = race_server.csrf_token(page)
    calls = [
        {
            "method": "POST",
            "path": f"/offres/{offer_id}/reponses/{response_ids[0]}/accepter",
            "form": {"csrf_token": token, "vat_rate": "20.0"},
            "headers": session,
        }
        for _ in range(TIMES)
    ]
    answers = server.at_once(calls)
    assert statuses(answers) == [302] + [409] * (TIMES - 1), [a.status for a in answers]
    assert count(select(Subcontract.id).where(Subcontract.offer_id == offer_id)) == 1


def test_moving_a_record_at_once_makes_one_move(server, people):
    u, h = persons(people), people["h"]
    record = propose_subcontract(
        u["owner"],
        {
            "title": "Pose",
            "amount_cents": 50_000,
            "subcontractor_profile_id": u["other"].profile.id,
        },
    )
    record_id = record.id
    settle()
    path = f"/subcontracts/{record_id}/transition"
    calls = [api("POST", path, h["other"], {"to": "accepted"}) for _ in range(3)]
    calls += [api("POST", path, h["other"], {"to": "declined"}) for _ in range(3)]
    one_winner(server.at_once(calls))
    moves = select(SubcontractEvent.id).where(
        SubcontractEvent.subcontract_id == record_id, SubcontractEvent.from_status == "proposed"
    )
    assert count(moves) == 1


def test_deciding_a_membership_at_once_decides_once(server, people, make_user):
    """Managers of a CAE (or one double-clicking) verify a newcomer at once: one decision."""
    lyon = persons(people)["owner"].cae
    newcomer = make_user(lyon, verified=False, first_name="Nour")
    manager = make_user(lyon, role="manager", first_name="Gaëlle")
    newcomer_id = newcomer.id
    session = server.browser_session(manager.email, PASSWORD)
    page = server.request("GET", f"/gestion/caes/{lyon.id}/membres", headers=session)
    assert page.status == 200
    token = race_server.csrf_token(page)
    calls = [
        {
            "method": "POST",
            "path": f"/gestion/membres/{newcomer_id}/decision",
            "form": {"csrf_token": token, "decision": "verified", "note": ""},
            "headers": session,
        }
        for _ in range(TIMES)
    ]
    answers = server.at_once(calls)
    assert statuses(answers) == [302] + [409] * (TIMES - 1), [a.status for a in answers]
    moves = select(MembershipEvent.id).where(
        MembershipEvent.user_id == newcomer_id, MembershipEvent.from_state == "pending"
    )
    assert count(moves) == 1


# Tenders -------------------------------------------------------------------------------------


def _tender(server, people) -> dict:
    body = {
        "title": "Rénovation de l'école",
        "buyer": {"name": "Ville de Lyon", "kind": "public"},
        "deadline": (utcnow() + timedelta(days=10)).isoformat(),
        "estimated_amount_cents": 1_000_000,
        "audience": "network",
        "lots": [{"number": 1, "title": "Isolation", "skills": ["Isolation"]}],
    }
    made = server.request("POST", "/api/v1/tenders", body=body, headers=people["h"]["owner"])
    assert made.status == 201, made.body[:500]
    return made.json()


def test_moving_a_tender_at_once_makes_one_move(server, people):
    """won and lost sent at once: one move from submitted. PATCH is idempotent (a status equal
    to the current one changes nothing and answers 200), so every 200 shows the stored status."""
    tender = _tender(server, people)
    path, h = f"/tenders/{tender['id']}", people["h"]["owner"]
    for status in ("team_formed", "submitted"):
        if status == "submitted":
            sign(tender["id"])  # the CAE approved the team
        moved = server.request("PATCH", "/api/v1" + path, body={"status": status}, headers=h)
        assert moved.status == 200, moved.body[:300]
    calls = [api("PATCH", path, h, {"status": "won"}) for _ in range(3)]
    calls += [api("PATCH", path, h, {"status": "lost"}) for _ in range(3)]
    answers = server.at_once(calls)
    assert set(statuses(answers)) == {200, 409}, [(a.status, a.body[:200]) for a in answers]
    moves = select(TenderEvent.to_state).where(
        TenderEvent.tender_id == tender["id"],
        TenderEvent.application_id.is_(None),
        TenderEvent.from_state == "submitted",
    )
    assert count(moves) == 1
    final = db.session.scalar(moves)
    assert {a.json()["status"] for a in answers if a.status == 200} == {final}


def test_deciding_an_application_at_once_decides_once(server, people):
    tender = _tender(server, people)
    applied = server.request(
        "POST",
        f"/api/v1/tenders/{tender['id']}/applications",
        body={"lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
        headers=people["h"]["other"],
    )
    assert applied.status == 201, applied.body[:500]
    path, h = f"/tenders/{tender['id']}/applications/{applied.json()['id']}/decision", people["h"]
    calls = [api("POST", path, h["owner"], {"accept": True, "share_cents": 1000}) for _ in range(3)]
    calls += [api("POST", path, h["owner"], {"accept": False}) for _ in range(3)]
    one_winner(server.at_once(calls))
    state = db.session.get(TenderApplication, applied.json()["id"]).state
    members = count(select(TenderMember.id).where(TenderMember.tender_id == tender["id"]))
    assert members == (2 if state == "accepted" else 1)
    decided = select(TenderEvent.id).where(
        TenderEvent.application_id == applied.json()["id"], TenderEvent.from_state == "pending"
    )
    assert count(decided) == 1


# Collectives ---------------------------------------------------------------------------------


def _collective(people, policy: str) -> int:
    made = collectives.create_collective(
        persons(people)["owner"], {"name": f"Collectif {policy}", "join_policy": policy}
    )
    made_id = made.id
    settle()
    return made_id


def test_joining_an_open_collective_at_once_makes_one_membership(server, people):
    cid = _collective(people, "open")
    other_id = people["ids"]["other"]
    answers = server.at_once(
        [api("POST", f"/collectives/{cid}/join", people["h"]["other"]) for _ in range(TIMES)]
    )
    one_winner(answers)
    members = select(CollectiveMember.id).where(
        CollectiveMember.collective_id == cid, CollectiveMember.user_id == other_id
    )
    assert count(members) == 1


def test_deciding_a_join_request_at_once_decides_once(server, people):
    cid = _collective(people, "request")
    asked = server.request(
        "POST", f"/api/v1/collectives/{cid}/join", body={}, headers=people["h"]["other"]
    )
    assert asked.status == 200, asked.body[:500]
    rid = asked.json()["request_id"]
    path, h = f"/collectives/{cid}/requests/{rid}/decision", people["h"]["owner"]
    calls = [api("POST", path, h, {"approve": True}) for _ in range(3)]
    calls += [api("POST", path, h, {"approve": False}) for _ in range(3)]
    one_winner(server.at_once(calls))
    state = db.session.get(JoinRequest, rid).state
    assert count(select(CollectiveEvent.id).where(CollectiveEvent.request_id == rid)) == 2
    members = select(CollectiveMember.id).where(CollectiveMember.collective_id == cid)
    assert count(members) == (2 if state == "approved" else 1)


def test_answering_an_invitation_at_once_answers_once(server, people):
    cid = _collective(people, "invitation")
    u = persons(people)
    collective = collectives.get_collective(u["owner"], cid)
    invitation_id = collectives.invite(u["owner"], collective, u["other"]).id
    settle()
    path, h = f"/collectives/{cid}/invitations/{invitation_id}/response", people["h"]["other"]
    calls = [api("POST", path, h, {"accept": True}) for _ in range(3)]
    calls += [api("POST", path, h, {"accept": False}) for _ in range(3)]
    one_winner(server.at_once(calls))
    events = select(CollectiveEvent.id).where(
        CollectiveEvent.invitation_id == invitation_id, CollectiveEvent.from_state == "pending"
    )
    assert count(events) == 1
    state = db.session.get(Invitation, invitation_id).state
    members = select(CollectiveMember.id).where(CollectiveMember.collective_id == cid)
    assert count(members) == (2 if state == "accepted" else 1)


def _decision(people) -> tuple[int, int]:
    cid = _collective(people, "open")
    u = persons(people)
    collective = collectives.get_collective(u["owner"], cid)
    collectives.join(u["other"], collective)
    decision = dec.open_decision(
        u["owner"],
        collective,
        {
            "title": "Achat d'un échafaudage",
            "closes_at": (utcnow() + timedelta(days=2)).isoformat(),
        },
    )
    decision_id = decision.id
    settle()
    return cid, decision_id


def test_voting_at_once_keeps_one_vote_per_person(server, people):
    cid, did = _decision(people)
    path, h = f"/collectives/{cid}/decisions/{did}/vote", people["h"]["other"]
    choices = ["yes", "no", "abstain", "yes", "no", "abstain"]
    answers = server.at_once([api("POST", path, h, {"choice": c}) for c in choices])
    assert statuses(answers) == [200] * TIMES, [(a.status, a.body[:200]) for a in answers]
    assert count(select(Vote.id).where(Vote.decision_id == did)) == 1


def test_closing_a_decision_at_once_closes_it_once(server, people):
    cid, did = _decision(people)
    db.session.execute(
        update(Decision).where(Decision.id == did).values(closes_at=utcnow() - timedelta(minutes=1))
    )
    settle()
    path = f"/collectives/{cid}/decisions/{did}"
    answers = server.at_once([api("GET", path, people["h"]["other"]) for _ in range(TIMES)])
    assert statuses(answers) == [200] * TIMES, [(a.status, a.body[:200]) for a in answers]
    assert all(a.json()["status"] == "closed" for a in answers)
    closed = select(CollectiveEvent.id).where(
        CollectiveEvent.decision_id == did, CollectiveEvent.kind == "decision_closed"
    )
    assert count(closed) == 1


# The worst interleaving, forced: processes that all read before any writes ----------------------


def _in_processes(app_config, action: str, moves: list[tuple]) -> list[str]:
    """Run race_workers.move in one spawned process per move; their outcomes, sorted."""
    import multiprocessing

    import race_workers

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(moves), timeout=60), context.Queue()
    processes = [
        context.Process(target=race_workers.move, args=(app_config, action, m, barrier, results))
        for m in moves
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(30)
    return sorted(outcomes)


def test_acceptances_that_all_saw_an_open_offer_make_one_subcontract(app, app_config, people):
    offer_id, response_ids = _offer_with_responses(people)
    owner = people["ids"]["owner"]
    moves = [(owner, offer_id, response_id) for response_id in response_ids]
    assert _in_processes(app_config, "accept", moves) == ["conflict"] * 2 + ["ok"]
    assert count(select(Subcontract.id).where(Subcontract.offer_id == offer_id)) == 1


def test_moves_that_all_saw_a_proposed_record_make_one_move(app, app_config, people):
    u = persons(people)
    record = propose_subcontract(
        u["owner"],
        {
            "title": "Pose",
            "amount_cents": 50_000,
            "subcontractor_profile_id": u["other"].profile.id,
        },
    )
    record_id, sub = record.id, u["other"].id
    settle()
    moves = [(sub, record_id, to) for to in ("accepted", "declined", "accepted")]
    assert _in_processes(app_config, "transition", moves) == ["conflict"] * 2 + ["ok"]
    moved = select(SubcontractEvent.id).where(
        SubcontractEvent.subcontract_id == record_id, SubcontractEvent.from_status == "proposed"
    )
    assert count(moved) == 1


def test_tender_moves_that_all_saw_it_open_make_one_move(app, app_config, server, people):
    tender = _tender(server, people)
    owner = people["ids"]["owner"]
    moves = [(owner, tender["id"], to) for to in ("team_formed", "cancelled", "team_formed")]
    assert _in_processes(app_config, "tender", moves) == ["conflict"] * 2 + ["ok"]
    moved = select(TenderEvent.id).where(
        TenderEvent.tender_id == tender["id"], TenderEvent.from_state == "open"
    )
    assert count(moved) == 1


def test_decisions_that_all_saw_a_pending_application_decide_once(app, app_config, server, people):
    tender = _tender(server, people)
    applied = server.request(
        "POST",
        f"/api/v1/tenders/{tender['id']}/applications",
        body={"lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
        headers=people["h"]["other"],
    )
    assert applied.status == 201, applied.body[:500]
    owner, aid = people["ids"]["owner"], applied.json()["id"]
    moves = [(owner, aid, accept) for accept in (True, False, True)]
    assert _in_processes(app_config, "application", moves) == ["conflict"] * 2 + ["ok"]
    decided = select(TenderEvent.id).where(
        TenderEvent.application_id == aid, TenderEvent.from_state == "pending"
    )
    assert count(decided) == 1


def test_answers_that_all_saw_a_pending_request_answer_once(app, app_config, server, people):
    cid = _collective(people, "request")
    asked = server.request(
        "POST", f"/api/v1/collectives/{cid}/join", body={}, headers=people["h"]["other"]
    )
    rid = asked.json()["request_id"]
    moves = [(people["ids"]["owner"], rid, approve) for approve in (True, False, True)]
    assert _in_processes(app_config, "request", moves) == ["conflict"] * 2 + ["ok"]
    answered = select(CollectiveEvent.id).where(
        CollectiveEvent.request_id == rid, CollectiveEvent.from_state == "pending"
    )
    assert count(answered) == 1
