"""The tender page's bounded read of suggestions (tender_suggestions: the best ranked holdings
first, stopped once nobody unread can change the result) gives what the full computation gives
(suggestions_by_lot and complete_team read every holder), on generated federations; so do the
API's pages (suggestion_page), for every page, lot and viewer, in as many statements whatever
the number of candidates; and the ranks they read follow every change of a profile, a
competence or an account."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Anonymous, User
from marketplace.blueprints.api.tenders import suggestion_json
from marketplace.extensions import db
from marketplace.profiles import ranking
from marketplace.profiles.models import Profile, ProfileSkill
from marketplace.profiles.ranking import rank_of
from marketplace.tenders import bounded
from marketplace.tenders.bounded import tender_suggestions
from marketplace.tenders.operations import apply, create_tender, decide
from marketplace.tenders.suggestions import complete_team, suggestions, suggestions_by_lot
from marketplace.timeutil import utcnow

SKILLS = ["Électricité", "Domotique", "Isolation thermique", "Plomberie", "Menuiserie"]
#: (city, department): with a city, nearness is in km from the tender's place (Lyon).
PLACES = [
    ("Lyon", "69"),
    ("Villeurbanne", "69"),
    ("Vienne", "38"),
    ("Grenoble", "38"),
    ("Saint-Étienne", "42"),
    ("Mâcon", "71"),
    ("Marseille", "13"),
    (None, "69"),
    (None, "38"),
    (None, "13"),
    (None, "974"),
    (None, None),
]


def _people(rng: random.Random, caes: list, make_user, n: int) -> list[User]:
    today = utcnow().date()
    people = []
    for _i in range(n):
        skills = rng.sample(SKILLS, rng.randint(1, 4))
        profile: dict = {
            "skills": [{"name": name, "level": rng.randint(1, 4)} for name in skills],
            "availability": rng.choice(["available", "available", "partial", "unavailable"]),
            "audience": rng.choice(["public", "network", "network", "cae"]),
        }
        city, department = rng.choice(PLACES)
        if department:
            profile["department"] = department
        if city:
            profile["city"] = city
        if rng.random() < 0.2:
            start = today + timedelta(days=rng.randint(0, 40))
            profile["availability_periods"] = [
                {
                    "starts_on": start.isoformat(),
                    "ends_on": (start + timedelta(days=rng.randint(0, 40))).isoformat(),
                    "kind": rng.choice(["unavailable", "part_time"]),
                }
            ]
        people.append(
            make_user(
                rng.choice(caes),
                first_name=rng.choice(["Alex", "Camille", "Sam", "Dominique"]),
                last_name=rng.choice(["Martin", "Durand", "Petit"]) + str(rng.randint(1, 3)),
                verified=rng.random() > 0.1,
                **profile,
            )
        )
    for user in rng.sample(people, n // 12):
        user.is_active = False  # closed accounts (an ORM change: the change log follows it)
    db.session.commit()
    return people


def _same(viewer, tender, limit: int) -> None:
    db.session.expire_all()
    by_lot, cover = tender_suggestions(viewer, tender, limit)
    expected = suggestions_by_lot(viewer, tender, limit)
    assert by_lot.keys() == expected.keys()
    for lot_id, ranked in expected.items():
        got = by_lot[lot_id]
        assert [(s.candidate.profile_id, s.score) for s in got] == [
            (s.candidate.profile_id, s.score) for s in ranked
        ]
        assert [(s.matched, s.missing, s.lot_ids) for s in got] == [
            (s.matched, s.missing, s.lot_ids) for s in ranked
        ]
        assert [s.candidate.cae_name for s in got] == [s.candidate.cae_name for s in ranked]
    full = complete_team(viewer, tender)
    assert [(s.candidate.profile_id, s.matched, s.lot_ids) for s in cover.people] == [
        (s.candidate.profile_id, s.matched, s.lot_ids) for s in full.people
    ]
    assert (cover.uncovered, cover.covered_by_team) == (full.uncovered, full.covered_by_team)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bounded_read_gives_the_full_ranking_and_cover(app, make_cae, make_user, seed):
    rng = random.Random(seed)
    caes = [make_cae(f"Coop {i}", department=d) for i, d in enumerate(["69", "13", "75"])]
    people = _people(rng, caes, make_user, 90)
    owner = make_user(caes[0], department="69")
    for audience in ("network", "cae"):
        tender = _tender(owner, rng, audience)
        for limit in (1, 3, 8):
            _same(owner, tender, limit)
    # With a team: its members leave the suggestions, the competences it holds leave the cover.
    joined = next(u for u in people if u.is_active and u.membership == "verified")
    application = apply(joined, tender, {"lot_ids": [tender.lots[0].id], "role": "cotraitant"})
    decide(owner, application, True, 0)
    db.session.commit()
    _same(owner, tender, 3)
    _same(joined, tender, 3)  # a team member sees the suggestions too


def _tender(owner, rng: random.Random, audience: str):
    lots = [
        {"number": k + 1, "title": f"Lot {k + 1}", "skills": rng.sample(SKILLS, rng.randint(1, 3))}
        for k in range(3)
    ]
    tender = create_tender(
        owner,
        {
            "title": "Rénovation de la médiathèque",
            "buyer": {"name": "Ville de Lyon", "kind": "public"},
            "deadline": utcnow() + timedelta(days=rng.randint(2, 20)),
            "department": "69",
            "city": "Lyon",
            "estimated_amount_cents": 5_000_000,
            "audience": audience,
            "lots": lots,
        },
    )
    db.session.commit()
    return tender


def _same_pages(client, viewer, headers: dict, tender, per_page: int) -> None:
    """Every page of the API's suggestions, for all lots and each lot, is the slice of the full
    computation (suggestions() over every candidate), with its total."""
    db.session.expire_all()
    tender = db.session.get(type(tender), tender.id)
    for lot in [None, *tender.lots]:
        expected, total = suggestions(viewer, tender, lot)
        assert total == len(expected)
        query = f"&lot={lot.id}" if lot is not None else ""
        items: list = []
        for page in range(1, total // per_page + 3):
            response = client.get(
                f"/api/v1/tenders/{tender.id}/suggestions?page={page}&per_page={per_page}{query}",
                headers=headers,
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            body = response.get_json()
            assert body["total"] == total
            start = (page - 1) * per_page
            assert body["items"] == [
                suggestion_json(s) for s in expected[start : start + per_page]
            ], (lot and lot.id, page)
            items += body["items"]
        assert len(items) == total


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize("full_read_share", [1.0, None])
def test_the_api_pages_give_the_full_ranking_to_every_viewer(
    client, make_cae, make_user, api_token, monkeypatch, seed, full_read_share
):
    """With a share of 1.0, every page is read bounded (none falls back to reading everyone),
    and with a first read of the page's people alone, a second read is often needed; without,
    the pages ending beyond rank 10 are read whole."""
    if full_read_share is not None:
        monkeypatch.setattr(bounded, "FULL_READ_SHARE", full_read_share)
        monkeypatch.setattr(bounded, "FIRST_READ", 1)
    else:
        monkeypatch.setattr(bounded, "FULL_READ_FROM", 10)
    rng = random.Random(seed)
    caes = [make_cae(f"Coop {i}", department=d) for i, d in enumerate(["69", "13", "75"])]
    people = _people(rng, caes, make_user, 80)
    owner = make_user(caes[0], department="69")
    viewers = [
        owner,
        make_user(caes[1]),  # a verified member of another CAE
        make_user(caes[1], role="manager"),  # sees their CAE's people whatever the audience
        make_user(role="admin"),
        make_user(caes[2], verified=False),  # sees public profiles only
    ]
    tokens = [{"Authorization": f"Bearer {api_token(viewer)}"} for viewer in viewers]
    for audience in ("public", "network", "cae"):
        tender = _tender(owner, rng, audience)
        for viewer, headers in zip(viewers, tokens, strict=True):
            response = client.get(f"/api/v1/tenders/{tender.id}/suggestions", headers=headers)
            if response.status_code == 404:
                continue  # a tender this viewer may not open
            viewer = db.session.get(User, viewer.id)
            _same_pages(client, viewer, headers, tender, rng.choice([3, 7]))
        if audience == "public":
            _same_pages(client, Anonymous(), {}, tender, 5)
    # With a team: its members leave the suggestions.
    joined = next(u for u in people if u.is_active and u.membership == "verified")
    application = apply(joined, tender, {"lot_ids": [tender.lots[0].id], "role": "cotraitant"})
    decide(owner, application, True, 0)
    db.session.commit()
    _same_pages(client, owner, tokens[0], tender, 4)


def test_the_api_pages_send_as_many_statements_for_any_number_of_candidates(
    client, make_cae, make_user, api_token, count_queries
):
    """The groups' count, at most two reads of four statements, the CAEs' names: the same
    bound for 0, 20 and 120 candidates, on the first page and far down the list."""
    rng = random.Random(7)
    caes = [make_cae(f"Coop {i}", department=d) for i, d in enumerate(["69", "13"])]
    owner = make_user(caes[0], department="69")
    tender = _tender(owner, rng, "network")
    headers = {"Authorization": f"Bearer {api_token(owner)}"}

    def statements(query: str) -> int:
        url = f"/api/v1/tenders/{tender.id}/suggestions?{query}"
        client.get(url, headers=headers)  # warm
        with count_queries() as seen:
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        return seen.count

    queries = ["", "per_page=3", "per_page=3&page=4", f"lot={tender.lots[0].id}"]
    none = {query: statements(query) for query in queries}
    for n in (20, 100):
        _people(rng, caes, make_user, n)
        for query in queries:
            assert statements(query) <= none[query] + 2 * 4 + 1, (n, query)


def _ranks_follow_the_profiles() -> None:
    rows = db.session.execute(
        select(
            ProfileSkill.suggestion_rank,
            ProfileSkill.level,
            Profile.availability,
            User.is_active,
            User.membership,
        )
        .join(Profile, Profile.id == ProfileSkill.profile_id)
        .join(User, User.id == Profile.user_id)
    ).all()
    assert rows
    for rank, level, availability, active, membership in rows:
        assert rank == rank_of(level, availability, active and membership == "verified")


def test_ranks_follow_profiles_competences_and_accounts(
    client, login, api_token, make_cae, make_user
):
    cae = make_cae()
    manager = make_user(cae, role="manager")
    person = make_user(
        cae, verified=False, skills=[{"name": "Plomberie", "level": 2}], availability="partial"
    )
    _ranks_follow_the_profiles()
    login(manager)
    response = client.post(f"/gestion/membres/{person.id}/decision", data={"decision": "verified"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).membership == "verified"
    _ranks_follow_the_profiles()
    response = client.patch(
        "/api/v1/me/profile",
        json={"availability": "available", "skills": [{"name": "Plomberie", "level": 4}]},
        headers={"Authorization": f"Bearer {api_token(person)}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    holding = db.session.scalars(
        select(ProfileSkill).where(ProfileSkill.profile_id == person.profile.id)
    ).one()
    assert holding.suggestion_rank == 12  # 4 × 2 (available) + level 4
    _ranks_follow_the_profiles()


def test_ranks_are_recomputed_by_chunks_of_profiles(app, make_cae, make_user, monkeypatch):
    """A members import logs every profile at once: the ranks are recomputed chunk by chunk
    (SQLite takes at most 32,766 parameters a statement), none left out."""
    cae = make_cae()
    people = [
        make_user(cae, skills=[{"name": "Plomberie", "level": 1 + i % 4}], availability="available")
        for i in range(5)
    ]
    ids = [p.profile.id for p in people]
    db.session.execute(
        ProfileSkill.__table__.update().values(suggestion_rank=0)  # type: ignore[attr-defined]
    )
    monkeypatch.setattr(ranking, "CHUNK", 2)
    assert ranking.refresh(db.session.connection(), ids) == 5
    db.session.expire_all()
    _ranks_follow_the_profiles()


def test_a_refresh_writes_only_the_ranks_that_change(app, make_cae, make_user):
    """The same file imported again logs every profile: a holding whose rank is already right
    is not written again (on PostgreSQL each written row is a new version of it)."""
    cae = make_cae()
    people = [
        make_user(cae, skills=[{"name": "Plomberie", "level": 2}], availability="available")
        for _ in range(3)
    ]
    ids = [p.profile.id for p in people]
    connection = db.session.connection()
    assert ranking.refresh(connection, ids) == 0
    people[0].profile.availability = "unavailable"
    db.session.flush()  # the change log's listener recomputes that profile's rank
    assert ranking.refresh(connection, ids) == 0
    db.session.execute(
        ProfileSkill.__table__.update().values(suggestion_rank=0)  # type: ignore[attr-defined]
    )
    assert ranking.refresh(connection, ids) == 3
    assert ranking.refresh(connection) == 0
    db.session.expire_all()
    _ranks_follow_the_profiles()
