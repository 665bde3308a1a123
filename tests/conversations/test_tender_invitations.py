"""Tender invitations: the owner asks a suggested person; the invitee's acceptance joins the
team on those lots, as an accepted application does."""

from __future__ import annotations

import pytest
import tender_helpers
from sqlalchemy import select
from tender_helpers import bearer, post, two_lots

from marketplace.extensions import db
from marketplace.tenders.models import TenderEvent, TenderInvitation, TenderMember

world = tender_helpers.world  # the fixture


def _invite(client, world, who="insulator", lots=None, role="cotraitant", token="owner"):  # noqa: S107 (a name, not a secret)
    tender = post(client, world["tokens"]["owner"], two_lots())
    lot_ids = lots or [tender["lots"][0]["id"]]
    response = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations",
        json={
            "profile_id": world[who].profile.id,
            "lot_ids": lot_ids,
            "role": role,
            "message": "Rejoins-nous pour l'isolation",
        },
        headers=bearer(world["tokens"][token]),
    )
    return tender, response


def test_invite_and_accept_joins_the_team(client, world):
    tender, response = _invite(client, world)
    assert response.status_code == 201, response.get_data(as_text=True)
    invitation = response.get_json()
    assert invitation["state"] == "pending"
    assert invitation["id"]

    notes = client.get(
        "/api/v1/me/notifications", headers=bearer(world["tokens"]["insulator"])
    ).get_json()
    assert notes["items"][0]["kind"] == "tender.invitation"
    assert f"/invitations/{invitation['id']}" in notes["items"][0]["url"]

    answer = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations/{invitation['id']}/response",
        json={"accept": True},
        headers=bearer(world["tokens"]["insulator"]),
    )
    assert answer.status_code == 200
    assert answer.get_json()["state"] == "accepted"
    team = client.get(
        f"/api/v1/tenders/{tender['id']}", headers=bearer(world["tokens"]["owner"])
    ).get_json()["team"]
    member = [m for m in team["members"] if m["profile_id"] == world["insulator"].profile.id]
    assert member and member[0]["role"] == "cotraitant"
    assert member[0]["lot_ids"] == [tender["lots"][0]["id"]]

    again = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations/{invitation['id']}/response",
        json={"accept": False},
        headers=bearer(world["tokens"]["insulator"]),
    )
    assert again.status_code == 409


def _events(tender_id: int) -> list[tuple]:
    rows = db.session.scalars(
        select(TenderEvent).where(TenderEvent.tender_id == tender_id).order_by(TenderEvent.id)
    )
    return [
        (e.application_id is not None, e.invitation_id, e.actor_id, e.from_state, e.to_state)
        for e in rows
        if e.application_id is not None or e.invitation_id is not None
    ]


def test_an_accepted_invitation_is_recorded_as_an_accepted_application(client, login, world):
    """Both answers take one code path: the tender's history gets a row for the request and
    one for its answer (who, from, to), and the member row names what they joined by."""
    owner, insulator, joiner = (world[w].id for w in ("owner", "insulator", "joiner"))
    tender, response = _invite(client, world)
    iid = response.get_json()["id"]
    assert _events(tender["id"]) == [(False, iid, owner, None, "pending")]
    answer = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations/{iid}/response",
        json={"accept": True},
        headers=bearer(world["tokens"]["insulator"]),
    )
    assert answer.status_code == 200
    assert _events(tender["id"]) == [
        (False, iid, owner, None, "pending"),
        (False, iid, insulator, "pending", "accepted"),
    ]
    member = db.session.scalar(
        select(TenderMember).where(
            TenderMember.tender_id == tender["id"],
            TenderMember.profile_id == world["insulator"].profile.id,
        )
    )
    assert member.invitation_id == iid and member.application_id is None

    # The same shape as an application accepted by the owner on the same tender.
    url = f"/api/v1/tenders/{tender['id']}/applications"
    applied = client.post(
        url,
        json={"lot_ids": [tender["lots"][1]["id"]], "role": "cotraitant", "message": ""},
        headers=bearer(world["tokens"]["joiner"]),
    ).get_json()
    decided = client.post(
        f"{url}/{applied['id']}/decision",
        json={"accept": True},
        headers=bearer(world["tokens"]["owner"]),
    )
    assert decided.status_code == 200
    assert _events(tender["id"])[2:] == [
        (True, None, joiner, None, "pending"),
        (True, None, owner, "pending", "accepted"),
    ]

    # The status history of the page lists the tender's own moves only (here: published).
    login(world["owner"])
    page = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    status_history = page.split('<details class="history">')[-1].split("</details>")[0]
    assert status_history.count("<li>") == 1


def test_a_declined_invitation_is_recorded(client, world):
    tender, response = _invite(client, world)
    iid = response.get_json()["id"]
    client.post(
        f"/api/v1/tenders/{tender['id']}/invitations/{iid}/response",
        json={"accept": False},
        headers=bearer(world["tokens"]["insulator"]),
    )
    assert [e[3:] for e in _events(tender["id"])] == [(None, "pending"), ("pending", "declined")]


def test_invited_and_applied_joins_once(client, world):
    """Invited, then applying too: whichever answer comes second finds the person in the team
    (409) instead of a second member row."""
    tender, response = _invite(client, world)
    iid = response.get_json()["id"]
    url = f"/api/v1/tenders/{tender['id']}/applications"
    applied = client.post(
        url,
        json={"lot_ids": [tender["lots"][1]["id"]], "role": "cotraitant", "message": ""},
        headers=bearer(world["tokens"]["insulator"]),
    )
    assert applied.status_code == 201
    accepted = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations/{iid}/response",
        json={"accept": True},
        headers=bearer(world["tokens"]["insulator"]),
    )
    assert accepted.status_code == 200
    decided = client.post(
        f"{url}/{applied.get_json()['id']}/decision",
        json={"accept": True},
        headers=bearer(world["tokens"]["owner"]),
    )
    assert decided.status_code == 409, decided.get_data(as_text=True)
    members = db.session.scalars(
        select(TenderMember.profile_id).where(TenderMember.tender_id == tender["id"])
    ).all()
    assert members.count(world["insulator"].profile.id) == 1


def test_decline_leaves_the_team_as_it_was(client, world):
    tender, response = _invite(client, world, role="subcontractor")
    iid = response.get_json()["id"]
    answer = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations/{iid}/response",
        json={"accept": False},
        headers=bearer(world["tokens"]["insulator"]),
    )
    assert answer.get_json()["state"] == "declined"
    team = client.get(
        f"/api/v1/tenders/{tender['id']}", headers=bearer(world["tokens"]["owner"])
    ).get_json()["team"]
    assert world["insulator"].profile.id not in {m["profile_id"] for m in team["members"]}


def test_hidden_profile_is_404_and_twice_is_409(client, world):
    tender, hidden = _invite(client, world, who="hidden")
    assert hidden.status_code == 404
    first = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations",
        json={"profile_id": world["joiner"].profile.id, "lot_ids": [tender["lots"][1]["id"]],
              "role": "cotraitant", "message": ""},
        headers=bearer(world["tokens"]["owner"]),
    )  # fmt: skip
    assert first.status_code == 201
    second = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations",
        json={"profile_id": world["joiner"].profile.id, "lot_ids": [tender["lots"][1]["id"]],
              "role": "cotraitant", "message": ""},
        headers=bearer(world["tokens"]["owner"]),
    )  # fmt: skip
    assert second.status_code == 409
    in_team = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations",
        json={"profile_id": world["owner"].profile.id, "lot_ids": [tender["lots"][1]["id"]],
              "role": "cotraitant", "message": ""},
        headers=bearer(world["tokens"]["owner"]),
    )  # fmt: skip
    assert in_team.status_code == 409


def test_only_the_owner_invites_and_only_the_invitee_answers(client, world):
    tender, response = _invite(client, world, token="owner")
    iid = response.get_json()["id"]
    other = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations",
        json={"profile_id": world["joiner"].profile.id, "lot_ids": [tender["lots"][1]["id"]],
              "role": "cotraitant", "message": ""},
        headers=bearer(world["tokens"]["insulator"]),
    )  # fmt: skip
    assert other.status_code == 403
    for who in ("owner", "joiner"):
        answer = client.post(
            f"/api/v1/tenders/{tender['id']}/invitations/{iid}/response",
            json={"accept": True},
            headers=bearer(world["tokens"][who]),
        )
        assert answer.status_code == 404
    assert db.session.get(TenderInvitation, iid).state == "pending"


def test_invalid_lots_and_role_are_422(client, world):
    _tender, response = _invite(client, world, lots=[999_999])
    assert response.status_code == 422
    _tender, response = _invite(client, world, role="lead")
    assert response.status_code == 422


def test_pages_invite_from_suggestion_and_answer_from_notification(client, login, world):
    tender = post(client, world["tokens"]["owner"], two_lots())
    login(world["owner"])
    page = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    invite_url = f"/appels-d-offres/{tender['id']}/inviter?profil={world['insulator'].profile.id}"
    assert invite_url in page
    form = client.get(invite_url)
    assert form.status_code == 200
    refused = client.post(invite_url, data={"role": "cotraitant", "message": "Viens"})
    assert refused.status_code == 422
    assert "Viens" in refused.get_data(as_text=True)
    sent = client.post(
        invite_url,
        data={"lot_ids": str(tender["lots"][0]["id"]), "role": "cotraitant", "message": "Viens"},
    )
    assert sent.status_code == 303
    client.post("/deconnexion")

    login(world["insulator"])
    notes = client.get(
        "/api/v1/me/notifications", headers=bearer(world["tokens"]["insulator"])
    ).get_json()
    url = notes["items"][0]["url"]
    invitation_page = client.get(url)
    assert invitation_page.status_code == 200
    assert "Viens" in invitation_page.get_data(as_text=True)
    answered = client.post(url + "/reponse", data={"accept": "1"})
    assert answered.status_code == 303
    team = client.get(
        f"/api/v1/tenders/{tender['id']}", headers=bearer(world["tokens"]["owner"])
    ).get_json()["team"]
    assert world["insulator"].profile.id in {m["profile_id"] for m in team["members"]}


@pytest.mark.parametrize("who", ["joiner", "hidden"])
def test_an_invitation_is_404_to_others(client, login, world, who):
    tender, response = _invite(client, world)
    iid = response.get_json()["id"]
    login(world[who])
    assert client.get(f"/appels-d-offres/{tender['id']}/invitations/{iid}").status_code == 404


def test_no_invitation_once_the_applications_of_two_phases_are_in(client, world):
    """In a restricted procedure the team is fixed at the applications' deadline (R2142-26):
    an invitation after it is refused like an application (409), not only after the offers'."""
    from datetime import timedelta

    from marketplace.tenders.models import Tender
    from marketplace.timeutil import utcnow

    tender = post(client, world["tokens"]["owner"], two_lots())
    row = db.session.get(Tender, tender["id"])
    row.procedure_kind = "restricted"
    row.applications_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = client.post(
        f"/api/v1/tenders/{tender['id']}/invitations",
        json={"profile_id": world["insulator"].profile.id,
              "lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
        headers=bearer(world["tokens"]["owner"]),
    )  # fmt: skip
    assert response.status_code == 409
    assert db.session.query(TenderInvitation).count() == 0
