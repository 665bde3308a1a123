"""A collective's member list never names a person whose profile the reader may not see: such a
member is "une personne de <CAE>", without name, link or profile id, on the page, in its
activity, in the API (collective and search results) and in the search index."""

from __future__ import annotations

import pytest

from marketplace.collectives import operations as ops
from marketplace.extensions import db

SECRET = "Zoéprivée"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(make_cae, make_user):
    """A public collective of Coop Alpha with a member whose profile is for her CAE only."""
    alpha, beta = make_cae("Coop Alpha"), make_cae("Coop Beta")
    creator = make_user(alpha, first_name="Léa", last_name="Ouverte", audience="public")
    collective = ops.create_collective(
        creator,
        {
            "name": "Rénovateurs solidaires",
            "sector": "Rénovation énergétique",
            "audience": "public",
            "join_policy": "open",
        },
    )
    db.session.commit()
    hidden = make_user(alpha, first_name="Zoé", last_name=SECRET, audience="cae")
    ops.join(hidden, collective)
    db.session.commit()
    return {
        "collective": collective,
        "creator": creator,
        "hidden": hidden,
        "anonymous": None,
        "other_cae": make_user(beta, audience="network"),
        "same_cae": make_user(alpha, audience="network"),
        "alpha": alpha,
    }


READERS = [("anonymous", False), ("other_cae", False), ("same_cae", True)]


def _as(client, login, world, reader):
    if world[reader] is not None:
        login(world[reader])


@pytest.mark.parametrize(("reader", "sees"), READERS)
def test_the_page_names_only_members_the_reader_may_see(client, login, world, reader, sees):
    _as(client, login, world, reader)
    html = client.get(f"/collectifs/{world['collective'].id}").get_data(as_text=True)
    hidden_profile = f"/profils/{world['hidden'].profile.id}"
    assert "Léa Ouverte" in html
    assert (SECRET in html) is sees
    assert (hidden_profile in html) is sees
    # Shown as a person of her CAE, in the list and in the activity feed.
    assert ("une personne de Coop Alpha" in html) is not sees
    assert ("une personne de Coop Alpha a rejoint le collectif" in html) is not sees


@pytest.mark.parametrize(("reader", "sees"), READERS)
def test_the_api_nulls_who_the_reader_may_not_see(client, api_token, world, reader, sees):
    headers = bearer(api_token(world[reader])) if world[reader] is not None else {}
    cid = world["collective"].id
    for body in (
        client.get(f"/api/v1/collectives/{cid}", headers=headers).get_json(),
        client.get("/api/v1/collectives?q=rénovateurs", headers=headers).get_json()["items"][0],
        client.get("/api/v1/collectives", headers=headers).get_json()["items"][0],
    ):
        assert body["id"] == cid
        text = str(body)
        assert (SECRET in text) is sees
        members = {m["role"]: m for m in body["members"] if m["role"] == "coordinator"}
        assert members["coordinator"]["display_name"] == "Léa Ouverte"
        member = next(m for m in body["members"] if m["role"] == "member")
        assert member["cae"] == {"id": world["alpha"].id, "name": "Coop Alpha"}
        if sees:
            assert member["hidden"] is False
            assert member["profile_id"] == world["hidden"].profile.id
            assert member["display_name"] == f"Zoé {SECRET}"
        else:
            assert member["hidden"] is True
            assert member["profile_id"] is None and member["display_name"] is None


@pytest.mark.parametrize(("reader", "sees"), READERS)
def test_search_never_finds_a_collective_by_a_member_name(client, login, world, reader, sees):
    _as(client, login, world, reader)
    found = client.get(f"/api/v1/collectives?q={SECRET}").get_json()
    assert found["total"] == 0 and found["items"] == []
    page = client.get(f"/collectifs?q={SECRET}").get_data(as_text=True)
    assert "Rénovateurs solidaires" not in page  # (the page echoes the words typed)
    listing = client.get("/collectifs?q=rénovateurs").get_data(as_text=True)
    assert "Rénovateurs solidaires" in listing and SECRET not in listing


def test_a_coordinator_of_another_cae_manages_a_member_without_seeing_her_name(
    client, login, make_user, world
):
    """The same rule holds for coordinators; they still change roles and remove members
    (the page's forms go by account, not by profile)."""
    collective, hidden = world["collective"], world["hidden"]
    beta_coordinator = world["other_cae"]
    ops.join(beta_coordinator, collective)
    db.session.commit()
    ops.set_role(world["creator"], collective, beta_coordinator, "coordinator")
    db.session.commit()
    login(beta_coordinator)
    html = client.get(f"/collectifs/{collective.id}").get_data(as_text=True)
    assert SECRET not in html and "une personne de Coop Alpha" in html
    remove = f"/collectifs/{collective.id}/membres/{hidden.id}/retirer"
    assert remove in html
    assert client.post(remove).status_code == 302
    after = client.get(f"/api/v1/collectives/{collective.id}").get_json()
    assert len(after["members"]) == 2 and all(not m["hidden"] for m in after["members"])
