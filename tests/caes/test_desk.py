"""The support team's desk (/gestion): what awaits a CAE's managers, bulk verification, the
notice of a new sign-up, where a manager lands after signing in."""

from __future__ import annotations

import os
import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import MembershipEvent, User
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.notifications.models import Notification
from marketplace.timeutil import utcnow
from tests.conftest import PASSWORD


@pytest.fixture
def world(make_cae, make_user):
    alpha = make_cae(name="Coopérative Alpha", department="69")
    beta = make_cae(name="Coopérative Bêta", department="35")
    return {
        "a": alpha,
        "b": beta,
        "manager": make_user(alpha, role="manager", first_name="Maëlle"),
        "manager2": make_user(alpha, role="manager", first_name="Mona"),
        "manager_b": make_user(beta, role="manager", first_name="Marc"),
        "member": make_user(alpha, first_name="Sam"),
        "admin": make_user(None, role="admin", first_name="Ada"),
        "p1": make_user(alpha, verified=False, first_name="Paul", last_name="Premier"),
        "p2": make_user(alpha, verified=False, first_name="Pia", last_name="Seconde"),
        "p_b": make_user(beta, verified=False, first_name="Pierre", last_name="Bêta"),
    }


def membership(user) -> str:
    return db.session.scalar(select(User.membership).where(User.id == user.id))


def test_a_manager_sees_what_awaits_the_cae(client, login, world):
    login(world["manager"])
    response = client.get("/gestion")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for section in ("desk-pending", "desk-approvals", "desk-statuses", "desk-deadlines"):
        assert f'id="{section}"' in page
    assert 'id="desk-month"' in page
    assert f'name="people" value="{world["p1"].id}"' in page
    assert f'name="people" value="{world["p2"].id}"' in page
    assert f'value="{world["p_b"].id}"' not in page  # another CAE's request
    assert 'id="desk-failed"' not in page  # failed e-mails: administrators only
    assert 'name="csrf_token"' in page


def test_an_admin_sees_every_cae_and_the_failed_emails(client, login, world):
    db.session.add(
        OutboxMessage(
            recipient="lost@example.org",
            subject="Perdu",
            body="",
            message_id="<lost@example.org>",
            status="failed",
            last_error="550 mailbox unavailable",
        )
    )
    db.session.commit()
    login(world["admin"])
    page = client.get("/gestion").get_data(as_text=True)
    assert 'id="desk-failed"' in page and "lost@example.org" in page
    assert "550 mailbox unavailable" in page
    assert f'value="{world["p1"].id}"' in page and f'value="{world["p_b"].id}"' in page
    assert 'id="desk-statuses"' not in page  # one CAE's sections once chosen
    one = client.get(f"/gestion?cae={world['b'].id}").get_data(as_text=True)
    assert 'id="desk-statuses"' in one and f'value="{world["p_b"].id}"' in one
    assert f'value="{world["p1"].id}"' not in one


def test_another_cae_cannot_be_chosen_by_a_manager(client, login, world):
    login(world["manager_b"])
    page = client.get(f"/gestion?cae={world['a'].id}").get_data(as_text=True)
    assert "Coopérative Alpha" not in page  # a manager always sees their own CAE
    assert f'value="{world["p_b"].id}"' in page


@pytest.mark.parametrize("who", ["member", "p1"])
def test_members_do_not_have_a_desk(client, login, world, who):
    login(world[who])
    assert client.get("/gestion").status_code == 403
    answer = client.post("/gestion/membres/verifier", data={"people": [world["p2"].id]})
    assert answer.status_code == 403
    assert membership(world["p2"]) == "pending"


def test_bulk_verification_verifies_the_ticked_people_and_tells_them(client, login, world):
    login(world["manager"])
    answer = client.post(
        "/gestion/membres/verifier",
        data={"people": [world["p1"].id, world["p2"].id], "note": "CESA signés"},
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/gestion")
    assert membership(world["p1"]) == membership(world["p2"]) == "verified"
    events = db.session.scalars(
        select(MembershipEvent).where(MembershipEvent.to_state == "verified",
                                      MembershipEvent.from_state == "pending")
    ).all()  # fmt: skip
    assert sorted(e.user_id for e in events) == sorted([world["p1"].id, world["p2"].id])
    assert all(e.note == "CESA signés" and e.actor_id == world["manager"].id for e in events)
    sent = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert world["p1"].email in sent and world["p2"].email in sent
    page = client.get("/gestion").get_data(as_text=True)
    assert "2 adhésions sont vérifiées." in page


def test_bulk_verification_is_all_or_nothing(client, login, world):
    """One of the ticked people was decided by another manager first: nothing moves (409)."""
    login(world["manager"])
    other = client.application.test_client()
    login(world["manager2"], the_client=other)
    other.post(
        f"/gestion/membres/{world['p2'].id}/decision",
        data={"decision": "refused", "note": "", "confirmed": "1"},
    )
    assert membership(world["p2"]) == "refused"
    answer = client.post(
        "/gestion/membres/verifier", data={"people": [world["p1"].id, world["p2"].id]}
    )
    assert answer.status_code == 409
    assert "un·e autre gestionnaire" in answer.get_data(as_text=True) or "recharger" in (
        answer.get_data(as_text=True)
    )
    assert membership(world["p1"]) == "pending"


def test_bulk_verification_refuses_other_caes_and_empty_choices(client, login, world):
    login(world["manager"])
    answer = client.post(
        "/gestion/membres/verifier", data={"people": [world["p1"].id, world["p_b"].id]}
    )
    assert answer.status_code == 404  # another CAE's person does not exist for this manager
    assert membership(world["p1"]) == membership(world["p_b"]) == "pending"
    empty = client.post("/gestion/membres/verifier", data={"note": "rien"})
    assert empty.status_code == 422
    text = empty.get_data(as_text=True)
    assert "Cochez au moins une personne" in text
    assert 'value="rien"' in text  # what was typed stays
    junk = client.post("/gestion/membres/verifier", data={"people": ["abc"]})
    assert junk.status_code == 422
    # Beyond the id columns' range (PostgreSQL's INTEGER): refused in words, not a 500.
    for huge in ("2147483648", "9" * 120):
        answer = client.post("/gestion/membres/verifier", data={"people": [huge]})
        assert answer.status_code == 422
        assert "Cochez dans la liste les personnes à vérifier" in answer.get_data(as_text=True)


def test_bulk_verification_needs_the_csrf_token(app, client, world, monkeypatch):
    page = client.get("/connexion").get_data(as_text=True)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/connexion",
        data={"email": world["manager"].email, "password": PASSWORD, "csrf_token": token[1]},
    )
    answer = client.post("/gestion/membres/verifier", data={"people": [world["p1"].id]})
    assert answer.status_code in (400, 422)
    assert membership(world["p1"]) == "pending"
    page = client.get("/gestion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = client.post(
        "/gestion/membres/verifier", data={"people": [world["p1"].id], "csrf_token": token[1]}
    )
    assert answer.status_code == 302
    assert membership(world["p1"]) == "verified"


def test_the_desk_costs_the_same_queries_whatever_the_number_of_rows(
    client, login, world, make_user, count_queries
):
    login(world["manager"])
    client.get("/gestion")
    with count_queries() as few:
        assert client.get("/gestion").status_code == 200
    for i in range(25):
        make_user(world["a"], verified=False, first_name=f"Nouvelle{i}")
        member = make_user(world["a"], status="employee")
        member.profile.cesa_started_on = date(2023, 1, 1 + i)  # associé·e due in 2026
        member.profile.status_proposed = "associate"
        member.profile.status_proposed_at = utcnow()
    db.session.commit()
    with count_queries() as many:
        page = client.get("/gestion")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.count('name="people"') == 27
    assert text.count('href="/profils/') >= 20  # statuses to confirm and deadlines listed
    assert many.count == few.count, many[few.count :]


def test_a_sign_up_tells_the_managers_of_the_cae_once(client, world):
    answer = client.post(
        "/inscription",
        data={
            "email": "nina@example.org",
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "cae": world["a"].id,
            "status": "employee",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    notices = db.session.scalars(
        select(Notification).where(Notification.kind == "membership.requested")
    ).all()
    assert sorted(n.user_id for n in notices) == sorted([world["manager"].id, world["manager2"].id])
    assert all("Nina Nouvelle" in n.text for n in notices)
    mails = db.session.scalars(
        select(OutboxMessage.recipient).where(OutboxMessage.subject.contains("Nina Nouvelle"))
    ).all()
    assert sorted(mails) == sorted([world["manager"].email, world["manager2"].email])
    nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    assert nina.membership == "pending"
    assert db.session.scalar(select(func.count(Notification.id))) == 2  # once, managers only


@pytest.mark.parametrize(("who", "landing"), [("manager", "/gestion"), ("admin", "/gestion"),
                                               ("member", "/")])  # fmt: skip
def test_managers_land_on_their_desk_after_signing_in(client, world, who, landing):
    answer = client.post("/connexion", data={"email": world[who].email, "password": PASSWORD})
    assert answer.status_code == 302
    assert answer.headers["Location"].removeprefix("http://localhost") == landing
    wanted = client.application.test_client()
    answer = wanted.post(
        "/connexion",
        data={"email": world[who].email, "password": PASSWORD, "next": "/profils"},
    )
    assert answer.headers["Location"].endswith("/profils")  # a given next still wins


def test_the_members_tabs_are_tabs(client, login, world):
    login(world["manager"])
    page = client.get(f"/gestion/caes/{world['a'].id}/membres?etat=verified").get_data(as_text=True)
    nav = re.search(r'<nav class="tabs".*?</nav>', page, re.S)
    assert nav is not None
    tabs = re.findall(r"<a [^>]*>", nav[0])
    assert len(tabs) == 4
    current = [t for t in tabs if 'aria-current="page"' in t]
    assert len(current) == 1 and "etat=verified" in current[0]


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("MARKETPLACE_TEST_DATABASE_URL", ""),
    reason="needs real PostgreSQL: two bulk verifications in concurrent transactions",
)
def test_two_managers_verifying_the_same_people_at_once_make_one_verification(app, world):
    """Both tick the same two people and submit at the same moment: one form wins, the other
    gets 409, and each person has one membership event."""
    clients = []
    for manager in (world["manager"], world["manager2"]):
        c = app.test_client()
        c.post("/connexion", data={"email": manager.email, "password": PASSWORD})
        clients.append(c)
    people = [world["p1"].id, world["p2"].id]
    codes: list[int] = []
    barrier = threading.Barrier(2)

    def run(c) -> None:
        barrier.wait()
        codes.append(c.post("/gestion/membres/verifier", data={"people": people}).status_code)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [302, 409]
    events = db.session.scalars(
        select(MembershipEvent.user_id).where(MembershipEvent.to_state == "verified",
                                              MembershipEvent.from_state == "pending")
    ).all()  # fmt: skip
    assert sorted(events) == sorted(people)
