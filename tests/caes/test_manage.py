"""Management pages: CAE managers verify or refuse memberships; admins also manage roles."""

from __future__ import annotations

import pytest
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import func, select

from marketplace.accounts.models import MembershipEvent, User
from marketplace.extensions import db
from tests.conftest import PASSWORD

ROLES = (
    "anonymous",
    "pending",
    "member_same",
    "member_other",
    "manager_same",
    "manager_other",
    "admin",
)


def t(msgid: str, **values) -> str:
    return str(escape(gettext(msgid, **values)))


@pytest.fixture
def world(make_cae, make_user):
    """Two CAEs, one person of each role, and a pending person of CAE A to decide about."""
    cae_a = make_cae(name="Coopérative Alpha", department="69")
    cae_b = make_cae(name="Coopérative Bêta", department="35")
    people = {
        "pending": make_user(cae_a, verified=False, first_name="Paul"),
        "member_same": make_user(cae_a, first_name="Sam"),
        "member_other": make_user(cae_b, first_name="Olga"),
        "manager_same": make_user(cae_a, role="manager", first_name="Maëlle", last_name="Gérant"),
        "manager_other": make_user(cae_b, role="manager", first_name="Marc"),
        "admin": make_user(None, role="admin", first_name="Ada"),
        "target": make_user(cae_a, verified=False, first_name="Théo", last_name="Candidat"),
    }
    return {"a": cae_a, "b": cae_b, **people}


@pytest.fixture
def as_role(client, login, world):
    def sign_in(role: str):
        if role != "anonymous":
            login(world[role])
        return client

    return sign_in


def _expect(role: str, ok: int, *, other_manager: int, managers: int | None = None) -> int:
    if role == "anonymous":
        return 302
    if role in ("pending", "member_same", "member_other"):
        return 403
    if role == "manager_other":
        return other_manager
    if role == "manager_same":
        return managers or ok
    return ok


@pytest.mark.parametrize("role", ROLES)
def test_dashboard(role, as_role, world):
    response = as_role(role).get("/gestion")
    assert response.status_code == _expect(role, 200, other_manager=200)
    if role == "anonymous":
        assert "/connexion" in response.headers["Location"]
    if response.status_code == 200:
        page = response.get_data(as_text=True)
        if role == "admin":
            assert "Coopérative Alpha" in page and "Coopérative Bêta" in page
        elif role == "manager_same":
            assert "Coopérative Alpha" in page and "Coopérative Bêta" not in page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["membres", "historique"])
def test_cae_pages_by_role(role, page, as_role, world):
    response = as_role(role).get(f"/gestion/caes/{world['a'].id}/{page}")
    assert response.status_code == _expect(role, 200, other_manager=404)
    if role == "anonymous":
        assert "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_accounts_page_is_for_admins(role, as_role):
    response = as_role(role).get("/gestion/comptes")
    assert response.status_code == _expect(role, 200, other_manager=403, managers=403)


@pytest.mark.parametrize("role", ROLES)
def test_decision_by_role(role, as_role, world, outbox):
    target_id = world["target"].id
    response = as_role(role).post(
        f"/gestion/membres/{target_id}/decision", data={"decision": "verified"}
    )
    assert response.status_code == _expect(role, 302, other_manager=404)
    membership = db.session.get(User, target_id).membership
    if role in ("manager_same", "admin"):
        assert membership == "verified"
        assert [to for to, _s, _b in outbox()] == [world["target"].email]
    else:
        assert membership == "pending"
        assert outbox() == []


@pytest.mark.parametrize("role", ROLES)
def test_role_change_by_role(role, as_role, world):
    target_id = world["member_same"].id
    response = as_role(role).post(f"/gestion/comptes/{target_id}/role", data={"role": "manager"})
    assert response.status_code == _expect(role, 302, other_manager=403, managers=403)
    expected = "manager" if role == "admin" else "member"
    assert db.session.get(User, target_id).role == expected


def test_manager_verifies_a_pending_person_end_to_end(app, client, login, world, make_user, outbox):
    """The pending person sees network profiles once the manager of their CAE vouched for them."""
    make_user(world["b"], first_name="Nina", headline="Charpentière bois", audience="network")
    person = world["target"]
    person_client = app.test_client()
    login(person, the_client=person_client)
    before = person_client.get(f"/caes/{world['b'].id}").get_data(as_text=True)
    assert "Charpentière bois" not in before
    assert "Charpentière bois" not in person_client.get("/profils").get_data(as_text=True)

    manager = world["manager_same"]
    login(manager)
    listing = client.get(f"/gestion/caes/{world['a'].id}/membres").get_data(as_text=True)
    assert person.email in listing
    assert world["member_same"].email not in listing  # verified people are on another tab
    response = client.post(
        f"/gestion/membres/{person.id}/decision",
        data={"decision": "verified", "note": "Contrat CESA signé", "next": "/gestion"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/gestion")

    person = db.session.get(User, person.id)
    assert person.membership == "verified"
    event = db.session.scalars(
        select(MembershipEvent)
        .where(MembershipEvent.user_id == person.id)
        .order_by(MembershipEvent.id.desc())
    ).first()
    assert (event.from_state, event.to_state) == ("pending", "verified")
    assert event.actor_id == manager.id
    assert event.note == "Contrat CESA signé"
    assert event.cae_id == world["a"].id
    mails = outbox()
    assert len(mails) == 1
    assert mails[0][0] == person.email
    assert "Coopérative Alpha" in mails[0][1]

    after = person_client.get(f"/caes/{world['b'].id}").get_data(as_text=True)
    assert "Charpentière bois" in after
    assert "Charpentière bois" in person_client.get("/profils").get_data(as_text=True)

    page = client.get(f"/gestion/caes/{world['a'].id}/historique").get_data(as_text=True)
    assert "Contrat CESA signé" in page
    assert manager.display_name in page
    assert "Théo Candidat" in page


def test_refuse_flow(client, login, world, outbox):
    login(world["admin"])
    person = world["target"]
    url = f"/gestion/membres/{person.id}/decision"
    data = {"decision": "refused", "note": "Inconnu·e de l’équipe"}
    asked = client.post(url, data=data).get_data(as_text=True)  # without JavaScript: a page
    assert "Refuser l’adhésion de" in asked and 'name="confirmed" value="1"' in asked
    assert db.session.get(User, person.id).membership == "pending"
    response = client.post(url, data=dict(data, confirmed="1"))
    assert response.status_code == 302
    assert f"/gestion/caes/{world['a'].id}/membres" in response.headers["Location"]
    assert db.session.get(User, person.id).membership == "refused"
    event = db.session.scalars(
        select(MembershipEvent).where(MembershipEvent.to_state == "refused")
    ).one()
    assert event.actor_id == world["admin"].id
    assert [to for to, _s, _b in outbox()] == [person.email]
    refused = client.get(f"/gestion/caes/{world['a'].id}/membres?etat=refused")
    assert person.email in refused.get_data(as_text=True)


@pytest.mark.parametrize("decision", ["", "admin", "pending", "VERIFIED"])
def test_invalid_decision_writes_nothing(decision, client, login, world, outbox):
    login(world["manager_same"])
    events_before = db.session.scalar(select(func.count(MembershipEvent.id)))
    response = client.post(
        f"/gestion/membres/{world['target'].id}/decision", data={"decision": decision}
    )
    assert response.status_code == 422
    assert t("Choose to verify or to refuse the membership.") in response.get_data(as_text=True)
    assert db.session.get(User, world["target"].id).membership == "pending"
    assert db.session.scalar(select(func.count(MembershipEvent.id))) == events_before
    assert outbox() == []


def test_too_long_note_writes_nothing(client, login, world):
    login(world["manager_same"])
    response = client.post(
        f"/gestion/membres/{world['target'].id}/decision",
        data={"decision": "verified", "note": "x" * 501},
    )
    assert response.status_code == 422
    assert db.session.get(User, world["target"].id).membership == "pending"


def test_impossible_transition_is_a_conflict(client, login, world, outbox):
    login(world["manager_same"])
    response = client.post(
        f"/gestion/membres/{world['member_same'].id}/decision", data={"decision": "verified"}
    )
    assert response.status_code == 409
    assert t("This membership cannot move to that state.") in response.get_data(as_text=True)
    assert outbox() == []


def test_manager_cannot_decide_about_themselves(client, login, world):
    manager = world["manager_same"]
    login(manager)
    page = client.get(f"/gestion/caes/{world['a'].id}/membres?etat=verified")
    assert f'/gestion/membres/{manager.id}/decision"' not in page.get_data(as_text=True)
    response = client.post(f"/gestion/membres/{manager.id}/decision", data={"decision": "refused"})
    assert response.status_code == 403
    assert db.session.get(User, manager.id).membership == "verified"


def test_unknown_person_or_cae_is_404(client, login, world):
    login(world["admin"])
    assert client.get("/gestion/caes/999999/membres").status_code == 404
    assert client.get("/gestion/caes/999999/historique").status_code == 404
    response = client.post("/gestion/membres/999999/decision", data={"decision": "verified"})
    assert response.status_code == 404
    # an administrator has no CAE: nobody decides about their membership
    response = client.post(
        f"/gestion/membres/{world['admin'].id}/decision", data={"decision": "refused"}
    )
    assert response.status_code == 404


def test_members_list_shows_people_and_paginates(client, login, world, make_user):
    for i in range(22):
        make_user(world["a"], verified=False, first_name=f"Attente{i:02d}")
    login(world["manager_same"])
    first = client.get(f"/gestion/caes/{world['a'].id}/membres").get_data(as_text=True)
    second = client.get(f"/gestion/caes/{world['a'].id}/membres?page=2").get_data(as_text=True)
    # 24 pending people (Paul, Théo and 22 more) over two pages of 20, oldest requests first
    assert "Paul" in first and "Attente00" in first
    assert "Attente21" in second and "Attente00" not in second
    assert first.count("/decision") == 20
    assert second.count("/decision") == 4
    assert world["target"].email in first
    assert t("awaiting verification") in first
    assert 'name="csrf_token"' in first
    bogus = client.get(f"/gestion/caes/{world['a'].id}/membres?etat=nonsense")
    assert bogus.status_code == 200  # an unknown tab falls back to the pending requests


def test_dashboard_counts_pending_requests(client, login, world, make_user):
    make_user(world["b"], verified=False)
    login(world["admin"])
    page = client.get("/gestion").get_data(as_text=True)
    # Alpha: Paul and Théo pending; Bêta: one pending
    assert f'href="/gestion/caes/{world["a"].id}/membres?etat=pending">2</a>' in page
    assert f'href="/gestion/caes/{world["b"].id}/membres?etat=pending">1</a>' in page
    client.post("/deconnexion")
    login(world["manager_same"])
    page = client.get("/gestion").get_data(as_text=True)
    assert "(2)" in page


def test_accounts_search_and_role_change(client, login, world):
    login(world["admin"])
    page = client.get("/gestion/comptes?q=gérant").get_data(as_text=True)
    assert world["manager_same"].email in page
    assert world["member_same"].email not in page
    page = client.get("/gestion/comptes?q=" + world["member_other"].email).get_data(as_text=True)
    assert world["member_other"].email in page
    assert world["manager_same"].email not in page
    assert client.get("/gestion/comptes?q=zzzz").status_code == 200

    response = client.post(
        f"/gestion/comptes/{world['member_other'].id}/role",
        data={"role": "manager", "next": "/gestion/comptes?q=olga"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/gestion/comptes?q=olga")
    assert db.session.get(User, world["member_other"].id).role == "manager"


def test_bad_role_changes_write_nothing(client, login, world):
    admin = world["admin"]
    login(admin)
    response = client.post(f"/gestion/comptes/{world['member_same'].id}/role", data={"role": "x"})
    assert response.status_code == 422
    assert t("Choose a role from the list.") in response.get_data(as_text=True)
    assert db.session.get(User, world["member_same"].id).role == "member"
    # an administrator without a CAE cannot become a CAE manager
    other_admin_id = world["admin"].id
    response = client.post(f"/gestion/comptes/{other_admin_id}/role", data={"role": "manager"})
    assert response.status_code in (409, 422)
    assert db.session.get(User, other_admin_id).role == "admin"
    assert client.post("/gestion/comptes/999999/role", data={"role": "admin"}).status_code == 404


def test_history_loads_actors_without_a_query_per_row(
    app, client, count_queries, login, world, make_user
):
    people = [make_user(world["a"], verified=False) for _ in range(8)]
    login(world["manager_same"])
    for person in people:
        client.post(f"/gestion/membres/{person.id}/decision", data={"decision": "verified"})
    with count_queries() as statements:
        page = client.get(f"/gestion/caes/{world['a'].id}/historique").get_data(as_text=True)
    assert page.count(world["manager_same"].display_name) >= 8
    assert len(statements) < 10, statements


def test_decide_needs_csrf_when_enabled(app_config, world):
    import re

    from marketplace import create_app

    target_id = world["target"].id
    email = world["manager_same"].email
    members_path = f"/gestion/caes/{world['a'].id}/membres"
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})

    def token_in(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    client = app.test_client()
    token = token_in(client.get("/connexion").get_data(as_text=True))
    signed_in = client.post(
        "/connexion", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    decide = f"/gestion/membres/{target_id}/decision"
    response = client.post(decide, data={"decision": "verified"})
    assert response.status_code in (400, 422)
    assert db.session.get(User, target_id).membership == "pending"

    token = token_in(client.get(members_path).get_data(as_text=True))
    response = client.post(decide, data={"decision": "verified", "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target_id).membership == "verified"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
