"""Who sees which profile, on its page, in the list (and its count) and on the home page."""

from __future__ import annotations

import re

import pytest

from marketplace.accounts.models import User
from marketplace.extensions import db

ROLES = ("anonymous", "pending", "other_cae", "same_cae", "owner", "manager", "other_manager",
         "admin")  # fmt: skip
AUDIENCES = ("cae", "network", "public")

#: role → the audiences of a (vouched) owner's profile that this role may open.
SEES = {
    "anonymous": {"public"},
    "pending": {"public"},  # a pending member of the owner's own CAE
    "other_cae": {"network", "public"},
    "same_cae": {"cae", "network", "public"},
    "owner": {"cae", "network", "public"},
    "manager": {"cae", "network", "public"},
    "other_manager": {"network", "public"},
    "admin": {"cae", "network", "public"},
}


VIEWERS = {
    "pending": ("a", {"verified": False}),
    "other_cae": ("b", {}),
    "same_cae": ("a", {}),
    "manager": ("a", {"role": "manager"}),
    "other_manager": ("b", {"role": "manager"}),
    "admin": (None, {"role": "admin"}),
}


class World:
    """Two CAEs, and the people of each role created on demand (hashing passwords is slow)."""

    def __init__(self, make_cae, make_user):
        self.a = make_cae("CAE Alpha")
        self.b = make_cae("CAE Beta", department="35")
        self._make_user = make_user
        self._people: dict[str, User] = {}

    def person(self, role: str) -> User:
        if role not in self._people:
            cae_name, options = VIEWERS[role]
            cae = {"a": self.a, "b": self.b, None: None}[cae_name]
            self._people[role] = self._make_user(cae, first_name=role.title(), **options)
        return self._people[role]


@pytest.fixture
def world(make_cae, make_user) -> World:
    return World(make_cae, make_user)


def sign_in(client, login, world, role, owner) -> None:
    if role == "anonymous":
        return
    login(owner if role == "owner" else world.person(role))


def owner_of(make_user, world, role, **profile):
    password = {} if role == "owner" else {"password": None}
    return make_user(world.a, first_name="Owner", last_name="Zed", **password, **profile)


def names_on(page: str) -> set[str]:
    return set(re.findall(r'<h3 class="card-title"><a href="/profils/\d+">([^<]+)</a>', page))


def total_on(page: str) -> int:
    return int(re.search(r'data-total="(\d+)"', page)[1])


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("role", ROLES)
def test_profile_page_per_role_and_audience(client, login, make_user, world, role, audience):
    owner = owner_of(make_user, world, role, headline="Charpentière", audience=audience)
    sign_in(client, login, world, role, owner)
    response = client.get(f"/profils/{owner.profile.id}")
    visible = audience in SEES[role]
    assert response.status_code == (200 if visible else 404)
    page = response.get_data(as_text=True)
    assert ("Charpentière" in page) is visible
    # the list and its count agree with the page
    listing = client.get("/profils?q=zed").get_data(as_text=True)
    assert ("Owner Zed" in names_on(listing)) is visible
    assert total_on(listing) == (1 if visible else 0)
    # the home page's recent profiles too
    home = client.get("/").get_data(as_text=True)
    assert ("Owner Zed" in home) is visible
    # the audience and the edit link are for the owner (audience for the CAE's managers too)
    if visible:
        assert ('href="/profils/moi"' in page.split("</header>", 1)[1]) is (role == "owner")


@pytest.mark.parametrize("role", ROLES)
def test_unverified_owner_public_profile_is_hidden_from_others(
    client, login, make_user, world, role
):
    owner = owner_of(make_user, world, role, verified=False, audience="public")
    sign_in(client, login, world, role, owner)
    visible = role in ("owner", "manager", "admin")
    assert client.get(f"/profils/{owner.profile.id}").status_code == (200 if visible else 404)
    listing = client.get("/profils?q=zed").get_data(as_text=True)
    assert ("Owner Zed" in names_on(listing)) is visible
    assert total_on(listing) == (1 if visible else 0)


def test_refused_or_closed_owner_is_hidden(client, login, make_user, world):
    owner = owner_of(make_user, world, "anonymous", audience="public")
    pid = owner.profile.id
    assert client.get(f"/profils/{pid}").status_code == 200
    db.session.get(User, owner.id).is_active = False
    db.session.commit()
    assert client.get(f"/profils/{pid}").status_code == 404
    assert "Owner Zed" not in client.get("/profils").get_data(as_text=True)


def test_absent_profile_is_404(client):
    assert client.get("/profils/999999").status_code == 404


def test_cae_profile_of_a_is_absent_everywhere_for_a_member_of_b(client, login, make_user, world):
    secret = make_user(
        world.a, password=None, first_name="Secret", last_name="Alpha", headline="Interne",
        skills=[{"name": "Maçonnerie", "level": 4}], department="69", audience="cae",
    )  # fmt: skip
    make_user(world.a, password=None, first_name="Open", last_name="Alpha", audience="network")
    login(world.person("other_cae"))
    assert client.get(f"/profils/{secret.profile.id}").status_code == 404
    for url in (
        "/profils",
        "/profils?skill=maconnerie",
        "/profils?q=secret",
        f"/profils?cae={world.a.id}",
        "/profils?department=69",
        "/",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "Secret Alpha" not in page, url
        assert "Interne" not in page, url
    listing = client.get(f"/profils?cae={world.a.id}").get_data(as_text=True)
    assert names_on(listing) == {"Open Alpha"}
    assert total_on(listing) == len(names_on(listing))
    assert total_on(client.get("/profils?skill=maconnerie").get_data(as_text=True)) == 0


def test_list_total_counts_only_visible_profiles(app, login, make_user, world):
    for audience in AUDIENCES:
        make_user(world.a, last_name=f"Zed{audience}", audience=audience, password=None)
    make_user(world.a, verified=False, last_name="Zedpending", audience="public", password=None)
    expected = {
        None: {"public"},
        "pending": {"public"},
        "other_cae": {"network", "public"},
        "same_cae": {"cae", "network", "public"},
    }
    for role, audiences in expected.items():
        client = app.test_client()
        if role:
            login(world.person(role), the_client=client)
        listing = client.get("/profils?q=zed").get_data(as_text=True)
        assert names_on(listing) == {f"Camille Zed{a}" for a in audiences}, role
        assert total_on(listing) == len(audiences), role
