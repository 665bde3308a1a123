"""The CAE signs its offers: every CAE of a tender's team approves the team before the offer is
submitted (asked when the team is formed, or again by the owner), through the API and the page."""

from __future__ import annotations

import pytest
import tender_helpers
from tender_helpers import bearer, post, two_lots

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.tenders.models import TenderEvent

world = tender_helpers.world  # the fixture


@pytest.fixture
def managers(world, make_user, api_token):
    """A manager for each of the three CAEs, with their tokens."""
    a, b, c = world["caes"]
    people = {name: make_user(cae, role="manager", first_name=f"Gestion {name}")
              for name, cae in (("a", a), ("b", b), ("c", c))}  # fmt: skip
    return {name: (user, bearer(api_token(user))) for name, user in people.items()}


def _join(client, world, tender, token_name, lot_index, role="cotraitant", share=None):
    t = world["tokens"]
    url = f"/api/v1/tenders/{tender['id']}/applications"
    lot = tender["lots"][lot_index]["id"]
    applied = client.post(
        url, json={"lot_ids": [lot], "role": role, "message": "Oui"}, headers=bearer(t[token_name])
    )
    assert applied.status_code == 201, applied.get_json()
    decided = client.post(
        f"{url}/{applied.get_json()['id']}/decision",
        json={"accept": True, "share_cents": share},
        headers=bearer(t["owner"]),
    )
    assert decided.status_code == 200, decided.get_json()


def _move(client, world, tender, to):
    return client.patch(
        f"/api/v1/tenders/{tender['id']}",
        json={"status": to},
        headers=bearer(world["tokens"]["owner"]),
    )


def _pending(client, cae, headers):
    response = client.get(f"/api/v1/caes/{cae.id}/approvals?state=pending", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def _decide(client, approval_id, headers, approve=True, comment=None):
    return client.post(
        f"/api/v1/approvals/{approval_id}/decision",
        json={"approve": approve, "comment": comment},
        headers=headers,
    )


def test_every_cae_of_the_team_signs_before_the_offer_is_submitted(client, world, managers):
    a, b, _c = world["caes"]
    tender = post(client, world["tokens"]["owner"], two_lots())
    _join(client, world, tender, "insulator", 0)  # CAE B joins CAE A's owner
    formed = _move(client, world, tender, "team_formed")
    assert formed.status_code == 200
    body = formed.get_json()
    assert [(x["cae"]["name"], x["state"]) for x in body["approvals"]] == [
        ("Coop A", "pending"),
        ("Coop B", "pending"),
    ]
    # The managers of both CAEs are told (bell and e-mail through the outbox).
    told = db.session.query(Notification).filter_by(kind="approval.requested").all()
    assert sorted(n.user_id for n in told) == sorted([managers["a"][0].id, managers["b"][0].id])

    # Not yet: 409 naming the CAEs still to approve.
    refused = _move(client, world, tender, "submitted")
    assert refused.status_code == 409
    message = refused.get_json()["error"]["message"]
    assert "Coop A" in message and "Coop B" in message

    mine_a = _pending(client, a, managers["a"][1])
    assert [(i["subject"]["kind"], i["subject"]["id"]) for i in mine_a] == [
        ("tender", tender["id"])
    ]
    assert _decide(client, mine_a[0]["id"], managers["a"][1]).status_code == 200
    still = _move(client, world, tender, "submitted")
    assert still.status_code == 409
    assert "Coop B" in still.get_json()["error"]["message"]
    assert "Coop A" not in still.get_json()["error"]["message"]

    mine_b = _pending(client, b, managers["b"][1])
    decided = _decide(client, mine_b[0]["id"], managers["b"][1])
    assert decided.status_code == 200 and decided.get_json()["state"] == "approved"
    assert _decide(client, mine_b[0]["id"], managers["b"][1]).status_code == 409  # once only

    submitted = _move(client, world, tender, "submitted")
    assert submitted.status_code == 200, submitted.get_json()
    assert [x["state"] for x in submitted.get_json()["approvals"]] == ["approved", "approved"]
    # Each request and decision is in the tender's history.
    events = db.session.query(TenderEvent).filter(TenderEvent.approval_id.is_not(None)).all()
    assert sorted((e.from_state or "", e.to_state) for e in events) == [
        ("", "pending"),
        ("", "pending"),
        ("pending", "approved"),
        ("pending", "approved"),
    ]


def test_a_refusal_says_why_and_a_changed_team_voids_an_approval(client, world, managers):
    a, b, _c = world["caes"]
    tender = post(client, world["tokens"]["owner"], two_lots())
    _join(client, world, tender, "insulator", 0)
    _move(client, world, tender, "team_formed")
    approval_b = _pending(client, b, managers["b"][1])[0]["id"]
    without = _decide(client, approval_b, managers["b"][1], approve=False)
    assert without.status_code == 422 and "comment" in without.get_json()["error"]["fields"]
    refused = _decide(client, approval_b, managers["b"][1], approve=False, comment="Trop juste")
    assert refused.status_code == 200 and refused.get_json()["comment"] == "Trop juste"
    approval_a = _pending(client, a, managers["a"][1])[0]["id"]
    assert _decide(client, approval_a, managers["a"][1]).status_code == 200

    # The owner asks again: the refusing CAE is asked again, the approving one stays.
    again = client.post(
        f"/api/v1/tenders/{tender['id']}/approvals", headers=bearer(world["tokens"]["owner"])
    )
    assert again.status_code == 200 and again.get_json()["asked"] == 1
    assert [x["state"] for x in again.get_json()["items"]] == ["approved", "pending"]
    assert _decide(client, approval_b, managers["b"][1]).status_code == 200

    # The team changes (a share): both approvals are void, the offer cannot be submitted.
    owner_id = world["owner"].profile.id
    changed = client.patch(
        f"/api/v1/tenders/{tender['id']}",
        json={"team": {"members": [{"profile_id": owner_id, "share_cents": 100_000}]}},
        headers=bearer(world["tokens"]["owner"]),
    )
    assert changed.status_code == 200, changed.get_json()
    assert [x["state"] for x in changed.get_json()["approvals"]] == ["outdated", "outdated"]
    assert _move(client, world, tender, "submitted").status_code == 409
    again = client.post(
        f"/api/v1/tenders/{tender['id']}/approvals", headers=bearer(world["tokens"]["owner"])
    )
    assert again.get_json()["asked"] == 2
    for name, cae in (("a", a), ("b", b)):
        for item in _pending(client, cae, managers[name][1]):
            assert _decide(client, item["id"], managers[name][1]).status_code == 200
    assert _move(client, world, tender, "submitted").status_code == 200


def test_only_the_cae_s_managers_and_admins_see_and_decide(
    client, world, managers, make_user, api_token
):
    a, _b, _c = world["caes"]
    tender = post(client, world["tokens"]["owner"], two_lots())
    _move(client, world, tender, "team_formed")
    approval = _pending(client, a, managers["a"][1])[0]["id"]
    # Another CAE's manager and a member: 404, as if nothing existed.
    for headers in (managers["c"][1], bearer(world["tokens"]["owner"])):
        assert client.get(f"/api/v1/caes/{a.id}/approvals", headers=headers).status_code == 404
        assert _decide(client, approval, headers).status_code == 404
    # The owner cannot ask for an approval it may not request: others get 403 or 404.
    other = client.post(
        f"/api/v1/tenders/{tender['id']}/approvals", headers=bearer(world["tokens"]["joiner"])
    )
    assert other.status_code in (403, 404)
    admin = bearer(api_token(make_user(role="admin")))
    assert len(client.get(f"/api/v1/caes/{a.id}/approvals", headers=admin).get_json()["items"]) == 1
    assert _decide(client, approval, admin).status_code == 200


def test_a_single_cae_team_is_signed_by_its_cae_from_the_managers_page(
    client, world, managers, login
):
    a, _b, _c = world["caes"]
    tender = post(client, world["tokens"]["owner"], two_lots())
    _move(client, world, tender, "team_formed")
    manager = managers["a"][0]
    login(manager)
    page = client.get("/gestion/approbations")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rénovation de l&#39;école Jules-Ferry" in html or "Rénovation de l'école" in html
    approval = _pending(client, a, managers["a"][1])[0]["id"]
    # A refusal without a comment is re-rendered with 422, nothing decided.
    refused = client.post(f"/gestion/approbations/{approval}", data={"decision": "refuse"})
    assert refused.status_code == 422
    done = client.post(f"/gestion/approbations/{approval}", data={"decision": "approve"})
    assert done.status_code == 302
    assert _move(client, world, tender, "submitted").status_code == 200
    # The tender page shows where each CAE stands.
    html = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    assert 'id="signatures"' in html


def test_a_refusal_blocks_the_submission_and_stands_in_the_history(client, world, managers, login):
    _a, b, _c = world["caes"]
    tender = post(client, world["tokens"]["owner"], two_lots())
    _join(client, world, tender, "insulator", 0)
    _move(client, world, tender, "team_formed")
    for name, cae in (("a", world["caes"][0]), ("b", b)):
        approval = _pending(client, cae, managers[name][1])[0]["id"]
        reason = None if name == "a" else "Part trop faible"
        decided = _decide(client, approval, managers[name][1], name == "a", reason)
        assert decided.status_code == 200
    blocked = _move(client, world, tender, "submitted")
    assert blocked.status_code == 409 and "Coop B" in blocked.get_json()["error"]["message"]
    assert "Coop A" not in blocked.get_json()["error"]["message"]
    login(world["owner"])
    html = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    history = html[html.index("Historique des approbations") :]
    history = history[: history.index("</ol>")]
    # Each line says which CAE, what and who: asked of both, approved by A, refused by B.
    lines = history.split("<li>")[1:]
    assert [line.split(" · ")[1:3] for line in lines] == [
        ["Coop A", "en attente d’approbation"],
        ["Coop B", "en attente d’approbation"],
        ["Coop A", "approuvée"],
        ["Coop B", "refusée"],
    ]
    assert managers["b"][0].display_name in lines[-1]
    assert "« Part trop faible »" in html  # the reason, beside CAE B's state


def test_a_cancelled_tender_no_longer_awaits_its_caes(client, world, managers, login):
    a = world["caes"][0]
    tender = post(client, world["tokens"]["owner"], two_lots())
    _move(client, world, tender, "team_formed")
    assert len(_pending(client, a, managers["a"][1])) == 1
    assert _move(client, world, tender, "cancelled").status_code == 200
    assert _pending(client, a, managers["a"][1]) == []
    login(managers["a"][0])
    for page in ("/gestion/approbations", "/gestion"):
        html = client.get(page).get_data(as_text=True)
        assert f"/appels-d-offres/{tender['id']}" not in html, page
