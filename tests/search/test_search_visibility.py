"""Search never reveals a profile the reader may not open: not in results, totals, facets,
highlights or suggestions; the index filter agrees with marketplace.visibility."""

from __future__ import annotations

import functools
from collections import Counter

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Anonymous
from marketplace.actors import SYSTEM
from marketplace.extensions import db
from marketplace.profiles.finder import search_profiles
from marketplace.profiles.models import Profile
from marketplace.profiles.operations import ProfileFilters, update_profile
from marketplace.profiles.search import PROFILE
from marketplace.search import documents
from marketplace.search.engine import Scope
from marketplace.search.indexer import get_indexer
from marketplace.visibility import visible_profiles

VIEWERS = (
    "anonymous", "unverified_a", "member_a", "member_b", "manager_a", "manager_b", "admin",
    "hidden_owner",
)  # fmt: skip


@pytest.fixture
def world(make_user, make_cae):
    cae_a = make_cae("CAE Alpha", department="69")
    cae_b = make_cae("CAE Beta", department="13")
    make_user = functools.partial(make_user, password=None)  # hashing is slow; nobody signs in
    people = {
        "member_a": make_user(cae_a),
        "member_b": make_user(cae_b),
        "unverified_a": make_user(cae_a, verified=False),
        "manager_a": make_user(cae_a, role="manager"),
        "manager_b": make_user(cae_b, role="manager"),
        "admin": make_user(role="admin"),
    }
    skill = [{"name": "Zellige", "level": 4}]
    profiles = {
        "a_cae": make_user(cae_a, audience="cae", headline="Zelligeuse en cae", skills=skill),
        "a_network": make_user(cae_a, audience="network", headline="Zellige réseau"),
        "a_public": make_user(cae_a, audience="public", headline="Zellige public"),
        "b_cae": make_user(cae_b, audience="cae", headline="Zellige de Beta"),
        "unvouched": make_user(cae_a, verified=False, audience="public", headline="Zellige caché"),
    }
    closed = make_user(cae_a, audience="public", headline="Zellige fermé")
    closed.is_active = False
    db.session.commit()
    profiles["closed"] = closed
    people["hidden_owner"] = profiles["unvouched"]
    people["anonymous"] = Anonymous()
    return people, {k: u.profile.id for k, u in profiles.items()}, (cae_a, cae_b)


def index_visible_ids(viewer) -> set[int]:
    """Visible profiles by the index filter, computed both ways (query and set operations)."""
    indexer = get_indexer()
    indexer.sync()
    searcher = indexer.searcher()
    by_query = set(searcher.docs_for_query(documents.visibility_query(viewer)))
    scope = Scope(indexer, searcher, PROFILE)
    by_sets = scope.global_docs(scope.allowed(viewer, {})[0])
    keys = {searcher.stored_fields(n)["key"] for n in by_query}
    ids = {int(k.split(":")[1]) for k in keys if k.startswith("profile:")}
    assert by_sets == by_query  # only profiles are indexed here
    return ids


def db_visible_ids(viewer) -> set[int]:
    return set(db.session.scalars(visible_profiles(viewer).with_only_columns(Profile.id)))


@pytest.mark.parametrize("who", VIEWERS)
def test_index_filter_agrees_with_the_visibility_rule(world, who):
    people, _profiles, _caes = world
    viewer = people[who]
    assert index_visible_ids(viewer) == db_visible_ids(viewer)
    result = search_profiles(viewer, "", per_page=100)
    assert result.total == len(db_visible_ids(viewer))
    assert {h.profile.id for h in result.items} == db_visible_ids(viewer)


EXPECTED = {
    "anonymous": {"a_public"},
    "unverified_a": {"a_public"},
    "member_a": {"a_cae", "a_network", "a_public"},
    "member_b": {"a_network", "a_public", "b_cae"},
    "manager_a": {"a_cae", "a_network", "a_public", "unvouched", "closed"},
    "manager_b": {"a_network", "a_public", "b_cae"},
    "admin": {"a_cae", "a_network", "a_public", "b_cae", "unvouched", "closed"},
    "hidden_owner": {"a_public", "unvouched"},
}


@pytest.mark.parametrize("who", VIEWERS)
def test_who_finds_what(world, who):
    people, profiles, _caes = world
    found = {h.profile.id for h in search_profiles(people[who], "zellige").items}
    assert found == {profiles[name] for name in EXPECTED[who]}


def test_other_cae_member_learns_nothing_of_a_cae_profile(world, make_user):
    people, profiles, (cae_a, _cae_b) = world
    outsider = people["member_b"]
    insider = people["member_a"]
    # The cae profile has words nobody else uses.
    owner = db.session.get(Profile, profiles["a_cae"])
    update_profile(SYSTEM, owner, {"bio": "Calligraphie ouïghoure et marqueterie byzantine."})
    db.session.commit()

    for q in (
        "ouïghoure",
        "ouighoure",
        "ouighour",
        "marqueterie byzantine",
        "byzantin",
        "calligraphi",
    ):
        result = search_profiles(outsider, q)
        assert result.items == [] and result.total == 0, q
        assert result.suggestion is None, q
        assert all(values == [] for values in result.facets.values()), q
        inside = search_profiles(insider, q)
        assert [h.profile.id for h in inside.items] == [profiles["a_cae"]], q

    # A typo close to the hidden word is not corrected towards it.
    assert search_profiles(outsider, "byzantinne").suggestion is None
    assert search_profiles(insider, "byzantinne").suggestion == "byzantine"

    # Facets over everything the outsider sees do not count the hidden profile or its skill.
    everything = search_profiles(outsider, "")
    cae_counts = {f["label"]: f["count"] for f in everything.facets["cae"]}
    visible = db.session.scalars(visible_profiles(outsider)).unique()
    assert cae_counts == Counter(p.user.cae.name for p in visible if p.user.cae)
    assert cae_counts["CAE Alpha"] == 4  # members' own profiles, a_network, a_public
    skills = {f["label"] for f in everything.facets["skill"]}
    assert "Zellige" not in skills
    assert {f["label"] for f in search_profiles(insider, "").facets["skill"]} == {"Zellige"}

    # Filtering on the hidden profile's skill or CAE reveals nothing either.
    by_skill = search_profiles(outsider, "", ProfileFilters(skill="Zellige"))
    assert by_skill.total == 0 and by_skill.items == []
    by_cae = search_profiles(outsider, "zellige", ProfileFilters(cae=cae_a.id))
    assert by_cae.total == 2


def test_highlights_only_for_what_the_reader_may_open(world):
    people, profiles, _caes = world
    result = search_profiles(people["anonymous"], "zellige")
    assert [h.profile.id for h in result.items] == [profiles["a_public"]]
    assert result.items[0].highlights["headline"] == "<mark>Zellige</mark> public"


def test_database_recheck_hides_a_profile_the_index_still_shows(app, world):
    people, profiles, _caes = world
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    get_indexer().sync_on_search = False
    profile = db.session.get(Profile, profiles["a_public"])
    update_profile(SYSTEM, profile, {"audience": "cae"})
    db.session.commit()
    result = search_profiles(people["anonymous"], "zellige")
    assert result.items == []  # the index is stale, the database decides


def test_membership_and_account_changes_reindex_the_profile(world):
    people, profiles, _caes = world
    anonymous = people["anonymous"]
    owner = db.session.scalar(select(Profile).where(Profile.id == profiles["a_public"])).user
    owner.membership = "refused"
    db.session.commit()
    assert search_profiles(anonymous, "zellige").items == []
    assert index_visible_ids(anonymous) == set()
    owner.membership = "verified"
    db.session.commit()
    assert [h.profile.id for h in search_profiles(anonymous, "zellige").items] == [
        profiles["a_public"]
    ]
    owner.first_name = "Zoé-Ouranie"
    db.session.commit()
    (hit,) = search_profiles(anonymous, "ouranie").items
    assert "<mark>Ouranie</mark>" in hit.highlights["display_name"]


def test_every_search_surface_hides_a_cae_profile_from_another_cae(
    world, client, api_token, login, make_user
):
    """Over HTTP (the page, the API list, the autocomplete), as a member of another CAE."""
    people, profiles, (cae_a, cae_b) = world
    owner = db.session.get(Profile, profiles["a_cae"])
    skills = [{"name": "Zellige", "level": 4}, {"name": "Byzantinisme", "level": 3}]
    update_profile(SYSTEM, owner, {"bio": "Marqueterie byzantine.", "skills": skills})
    db.session.commit()
    outsider = {"Authorization": f"Bearer {api_token(people['member_b'])}"}
    insider = {"Authorization": f"Bearer {api_token(people['member_a'])}"}
    for q in ("byzantine", "byzantin", "byzantinne", "marqueterie", "zelligeuse"):
        body = client.get("/api/v1/profiles", query_string={"q": q}, headers=outsider).get_json()
        assert (body["items"], body["total"]) == ([], 0), q
        assert all(values == [] for values in body["facets"].values()), q
        mine = client.get("/api/v1/profiles", query_string={"q": q}, headers=insider).get_json()
        assert [i["id"] for i in mine["items"]] == [profiles["a_cae"]], q
    skills = client.get("/api/v1/skills?q=byz", headers=outsider).get_json()
    assert skills["items"] == [] and skills["total"] == 0
    assert client.get("/api/v1/skills?q=byz", headers=insider).get_json()["total"] == 1
    filtered = client.get(
        "/api/v1/profiles", query_string={"skill": "Byzantinisme", "cae": cae_a.id},
        headers=outsider,
    ).get_json()  # fmt: skip
    assert filtered["total"] == 0
    assert client.get(f"/api/v1/profiles/{profiles['a_cae']}", headers=outsider).status_code == 404
    # The page, signed in as a member of the other CAE: nothing, not even a suggestion.
    login(make_user(cae_b))
    for q in ("byzantine", "byzantinne", "zellige byzantin", "marqueterie"):
        page = client.get("/recherche", query_string={"q": q}).get_data(as_text=True)
        page = page.replace(q, "").replace(q.replace(" ", "+"), "")
        assert "Marqueterie" not in page and "yzantin" not in page, q
        assert "Byzantinisme" not in page, q
