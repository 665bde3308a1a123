"""Collectives in HTML: the list, the page, the forms, roles, visibility and votes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.collectives.models import Collective, Decision, JoinRequest
from marketplace.extensions import db
from marketplace.timeutil import utcnow
from tests import typography


def _collective(creator, **fields) -> Collective:
    data = {
        "name": "Rénovateurs du Rhône",
        "description": "Méthodes et appels d'offres",
        "sector": "Rénovation énergétique",
        "region": "Auvergne-Rhône-Alpes",
        "audience": "network",
        "join_policy": "request",
        **fields,
    }
    collective = ops.create_collective(creator, data)
    db.session.commit()
    return collective


def test_journey_through_the_pages(client, login, make_cae, make_user, app):
    lyon, nantes = make_cae("Coop Lyon"), make_cae("Coop Nantes")
    creator = make_user(
        lyon,
        first_name="Léa",
        audience="network",
        skills=[{"name": "Audit énergétique", "level": 4}],
    )
    asker = make_user(
        nantes, first_name="Yann", audience="network", skills=[{"name": "Isolation", "level": 3}]
    )
    guest = make_user(
        lyon,
        first_name="Awa",
        audience="network",
        skills=[{"name": "Audit énergétique", "level": 2}],
    )

    login(creator)
    response = client.post(
        "/collectifs/nouveau",
        data={
            "name": "Rénovateurs",
            "description": "Ensemble",
            "sector": "Rénovation",
            "region": "Bretagne",
            "audience": "network",
            "join_policy": "request",
        },
    )
    assert response.status_code == 302
    collective = db.session.scalar(select(Collective))
    url = f"/collectifs/{collective.id}"
    assert response.headers["Location"].endswith(url)
    client.post("/deconnexion")

    other = app.test_client()
    login(asker, the_client=other)
    page = other.get(url)
    assert page.status_code == 200 and "Demander à rejoindre" in page.get_data(as_text=True)
    assert other.post(f"{url}/rejoindre", data={"message": "Bonjour !"}).status_code == 302
    assert "attend la réponse" in other.get(url).get_data(as_text=True)

    login(creator)
    page = client.get(url).get_data(as_text=True)
    assert "Bonjour !" in page and "Yann" in page
    request_id = db.session.scalar(select(JoinRequest.id))
    response = client.post(f"{url}/demandes/{request_id}", data={"approve": "Accepter"})
    assert response.status_code == 302
    response = client.post(f"{url}/invitations", data={"invitee": guest.email})
    assert response.status_code == 302, response.get_data(as_text=True)

    third = app.test_client()
    login(guest, the_client=third)
    page = third.get(url).get_data(as_text=True)
    assert "Vous êtes invité" in page
    invitation_id = ops.pending_invitations(collective)[0].id
    third.post(f"{url}/invitations/{invitation_id}", data={"accept": "Accepter l'invitation"})

    page = client.get(url).get_data(as_text=True)
    assert "Coop Lyon" in page and "Coop Nantes" in page
    assert "Audit énergétique" in page and "(2 membres)" in page and "Isolation" in page

    closes = (utcnow() + timedelta(days=2)).astimezone(dec.PARIS).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"{url}/decisions", data={"title": "Charte commune", "closes_at": closes}
    )
    assert response.status_code == 302
    decision = db.session.scalar(select(Decision))
    durl = f"{url}/decisions/{decision.id}"
    client.post(f"{durl}/vote", data={"choice": "yes"})
    other.post(f"{durl}/vote", data={"choice": "no"})
    other.post(f"{durl}/vote", data={"choice": "yes"})
    third.post(f"{durl}/vote", data={"choice": "abstain"})
    page = client.get(durl).get_data(as_text=True)
    assert "3 membres sur 3 ont voté" in page
    assert "Résultats" not in page  # shown once closed

    decision.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(durl).get_data(as_text=True)
    assert "Résultats" in page and "adoptée" in page
    assert '<dd data-choice="yes">2</dd>' in page and '<dd data-choice="abstain">1</dd>' in page
    late = other.post(f"{durl}/vote", data={"choice": "no"})
    assert late.status_code == 409
    assert "Ce vote est clos" in late.get_data(as_text=True)
    assert "Vote clos" in client.get(url).get_data(as_text=True)  # in the activity


def test_bad_input_keeps_what_was_typed(client, login, make_user):
    user = make_user()
    login(user)
    response = client.post(
        "/collectifs/nouveau",
        data={
            "name": "",
            "description": "Ce que j'ai écrit",
            "audience": "network",
            "join_policy": "open",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ce que j&#39;ai écrit" in page or "Ce que j'ai écrit" in page
    assert "Donnez un nom au collectif" in page
    collective = _collective(user)
    response = client.post(
        f"/collectifs/{collective.id}/decisions",
        data={"title": "Mon titre", "closes_at": "2000-01-01T10:00"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Mon titre"' in page and "dans le futur" in page


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("anonymous", False),
        ("pending", False),
        ("other_cae", False),
        ("same_cae", True),
        ("manager", True),
        ("admin", True),
    ],
)
def test_cae_collective_pages_and_list(client, login, make_cae, make_user, viewer, visible):
    home, elsewhere = make_cae(), make_cae()
    collective = _collective(make_user(home), audience="cae", name="Collectif interne")
    people = {
        "pending": make_user(home, verified=False),
        "other_cae": make_user(elsewhere),
        "same_cae": make_user(home),
        "manager": make_user(home, role="manager"),
        "admin": make_user(role="admin"),
    }
    if viewer != "anonymous":
        login(people[viewer])
    assert client.get(f"/collectifs/{collective.id}").status_code == (200 if visible else 404)
    assert ("Collectif interne" in client.get("/collectifs").get_data(as_text=True)) is visible
    response = client.post(f"/collectifs/{collective.id}/rejoindre")
    if viewer != "anonymous" and not visible:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_only_coordinators_decide_invite_remove_and_propose(client, login, make_user, role):
    creator, member, outsider = make_user(), make_user(), make_user()
    collective = _collective(creator, join_policy="open")
    ops.join(member, collective)
    asker = make_user()
    ops.join(asker, _collective(creator, name="Sur demande"))
    db.session.commit()
    login(member if role == "member" else outsider)
    url = f"/collectifs/{collective.id}"
    assert client.get(f"{url}/modifier").status_code == 403
    assert client.post(f"{url}/membres/{creator.id}/retirer").status_code == 403
    assert client.post(f"{url}/invitations", data={"invitee": asker.email}).status_code == 403
    closes = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    proposal = {"title": "X", "closes_at": closes}
    assert client.post(f"{url}/decisions", data=proposal).status_code == 403
    assert "Ouvrir le vote" not in client.get(url).get_data(as_text=True)


def test_the_page_takes_a_constant_number_of_queries(
    client, count_queries, login, make_cae, make_user
):
    creator = make_user(skills=[{"name": "Plomberie", "level": 3}], audience="network")
    collective = _collective(creator, join_policy="open")
    login(creator)

    def queries_for_page() -> int:
        with count_queries() as seen:
            assert client.get(f"/collectifs/{collective.id}").status_code == 200
        return seen.count

    few = queries_for_page()
    for i in range(6):
        person = make_user(
            make_cae(), audience="network", skills=[{"name": f"Métier {i}", "level": 2}]
        )
        ops.join(person, collective)
    db.session.commit()
    assert queries_for_page() == few


def test_competences_skip_profiles_hidden_from_the_reader(client, login, make_cae, make_user):
    home, elsewhere = make_cae(), make_cae()
    creator = make_user(home, audience="network", skills=[{"name": "Charpente", "level": 3}])
    secret = make_user(elsewhere, audience="cae", skills=[{"name": "Secret", "level": 3}])
    collective = _collective(creator, join_policy="open")
    ops.join(secret, collective)
    db.session.commit()
    login(make_user(home))
    page = client.get(f"/collectifs/{collective.id}").get_data(as_text=True)
    assert "Charpente" in page and "Secret" not in page


def test_the_list_filters(client, make_cae, make_user):
    creator = make_user(make_cae("Coop Sud"))
    _collective(
        creator, name="Formation Sud", sector="Formation", region="Occitanie", audience="public"
    )
    _collective(make_user(), name="Studio web", sector="Numérique", region=None, audience="public")
    page = client.get("/collectifs?sector=Formation").get_data(as_text=True)
    assert "Formation Sud" in page and "Studio web" not in page
    page = client.get("/collectifs?q=studio").get_data(as_text=True)
    assert "Studio web" in page and "Formation Sud" not in page
    page = client.get(f"/collectifs?cae={creator.cae_id}").get_data(as_text=True)
    assert "Formation Sud" in page and "Studio web" not in page


def test_coordinator_edits_and_cannot_narrow_to_one_cae_with_outsiders(
    client, login, make_cae, make_user
):
    home, elsewhere = make_cae(), make_cae()
    creator = make_user(home)
    collective = _collective(creator, join_policy="open")
    ops.join(make_user(elsewhere), collective)
    db.session.commit()
    login(creator)
    url = f"/collectifs/{collective.id}/modifier"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Rénovateurs du Rhône"' in page
    data = {
        "name": "Rénovateurs",
        "description": "Texte tapé",
        "sector": "Rénovation",
        "region": "",
        "audience": "cae",
        "join_policy": "open",
    }
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Texte tapé" in page and typography.fr("d'autres CAE") in page
    response = client.post(url, data={**data, "audience": "public"})
    assert response.status_code == 302
    db.session.refresh(collective)
    assert (collective.name, collective.audience, collective.region) == (
        "Rénovateurs",
        "public",
        None,
    )


def test_roles_removal_withdrawal_and_declining(client, login, make_user):
    creator, member, asker, guest = make_user(), make_user(), make_user(), make_user()
    collective = _collective(creator, join_policy="request")
    request = ops.join(member, collective)["request"]
    ops.decide_request(creator, request, approve=True)
    ops.join(asker, collective)
    ops.invite(creator, collective, guest)
    db.session.commit()
    url = f"/collectifs/{collective.id}"

    login(creator)
    # refused: the only coordinator
    assert client.post(f"{url}/quitter", data={"confirmed": "1"}).status_code == 302
    assert ops.membership_of(collective, creator) is not None
    client.post(f"{url}/membres/{member.id}/role", data={"role": "coordinator"})
    assert ops.is_coordinator(collective, member)
    client.post(f"{url}/membres/{member.id}/retirer")
    assert ops.membership_of(collective, member) is None
    page = client.get(url).get_data(as_text=True)
    assert "Historique des demandes" in page and "par " + creator.display_name in page

    login(asker)
    assert client.post(f"{url}/demande/retirer").status_code == 302
    assert db.session.get(JoinRequest, 2).state == "cancelled"
    login(guest)
    invitation = ops.pending_invitations(collective)[0]
    client.post(f"{url}/invitations/{invitation.id}", data={"decline": "Refuser"})
    db.session.refresh(invitation)
    assert invitation.state == "declined" and ops.membership_of(collective, guest) is None
    again = client.post(f"{url}/invitations/{invitation.id}", data={"accept": "x"})
    assert again.status_code == 302
    assert ops.membership_of(collective, guest) is None  # already answered: nothing changes


def test_unverified_person_cannot_create(client, login, make_user):
    login(make_user(verified=False))
    response = client.post(
        "/collectifs/nouveau", data={"name": "Essai", "audience": "public", "join_policy": "open"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Collective)) is None


def test_invite_from_a_profile_page(client, login, make_cae, make_user):
    creator = make_user(make_cae())
    guest = make_user(make_cae(), audience="network")
    collective = _collective(creator)
    login(creator)
    page = client.get(f"/profils/{guest.profile.id}").get_data(as_text=True)
    assert typography.fr("Inviter dans « Rénovateurs du Rhône »") in page
    response = client.post(
        "/collectifs/inviter", data={"collective_id": collective.id, "profile_id": guest.profile.id}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/profils/{guest.profile.id}")
    assert [i.user_id for i in ops.pending_invitations(collective)] == [guest.id]
    again = client.post(
        "/collectifs/inviter", data={"collective_id": collective.id, "profile_id": guest.profile.id}
    )
    assert again.status_code == 302  # already invited: a message, nothing more
    assert len(ops.pending_invitations(collective)) == 1
    login(guest)
    assert "Inviter dans" not in client.get(f"/profils/{creator.profile.id}").get_data(as_text=True)


def test_coordinator_cancels_an_invitation(client, login, make_user):
    creator, guest = make_user(), make_user()
    collective = _collective(creator)
    invitation = ops.invite(creator, collective, guest)
    db.session.commit()
    url = f"/collectifs/{collective.id}/invitations/{invitation.id}/annuler"
    login(guest)
    assert client.post(url).status_code == 403
    login(creator)
    assert typography.fr("Annuler l'invitation") in client.get(
        f"/collectifs/{collective.id}"
    ).get_data(as_text=True)
    assert client.post(url).status_code == 302
    db.session.refresh(invitation)
    assert invitation.state == "cancelled"


def test_the_page_has_unique_ids_and_one_h1(client, login, make_user):
    import re
    from collections import Counter

    creator = make_user()
    collective = _collective(creator)
    for _ in range(2):
        ops.join(make_user(), collective, "Bonjour")
        ops.invite(creator, collective, make_user())
    db.session.commit()
    login(creator)
    page = client.get(f"/collectifs/{collective.id}").get_data(as_text=True)
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert page.count("<h1") == 1
    for label in re.findall(r'<label for="([^"]+)"', page):
        assert label in ids, label


def test_a_profile_shows_the_visible_collectives_of_the_person(client, login, make_cae, make_user):
    home, elsewhere = make_cae(), make_cae()
    person = make_user(home, audience="network")
    _collective(person, name="Collectif ouvert", audience="network")
    _collective(person, name="Collectif interne", audience="cae")
    login(make_user(elsewhere))
    page = client.get(f"/profils/{person.profile.id}").get_data(as_text=True)
    assert "Collectif ouvert" in page and "Collectif interne" not in page
    login(make_user(home))
    page = client.get(f"/profils/{person.profile.id}").get_data(as_text=True)
    assert "Collectif ouvert" in page and "Collectif interne" in page


def test_invite_and_join_errors_keep_what_was_typed(client, login, make_user):
    creator, asker = make_user(), make_user()
    collective = _collective(creator)
    login(creator)
    url = f"/collectifs/{collective.id}"
    response = client.post(
        f"{url}/invitations", data={"invitee": "personne@example.org", "message": "Viens !"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="personne@example.org"' in page and "Viens !" in page
    assert "Personne ne peut être invité·e" in page
    login(asker)
    response = client.post(f"{url}/rejoindre", data={"message": "long " * 300})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "1000 caractères au maximum" in page and "long long" in page
