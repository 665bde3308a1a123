"""References the platform proves: a delivered or paid subcontract shown on both profiles as
« vérifié par Essaim » only once both parties agreed, the amount only when both allowed it; a
won tender on a member's profile once the member and the tender's owner agreed; visible only to
readers who may see the profile (and the tender)."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.tenders.models import Tender, TenderMember
from marketplace.tenders.operations import create_tender
from marketplace.trust.models import ReferenceConsent
from tests.tender_helpers import two_lots


def consent(client, people, who: str, record_id: int, show=True, show_amount=False):
    return client.put(
        f"/api/v1/subcontracts/{record_id}/reference",
        json={"show": show, "show_amount": show_amount},
        headers=people["h"][who],
    )


def verified(client, people, whose: str, reader: str = "stranger") -> list[dict]:
    profile_id = people["users"][whose].profile.id
    answer = client.get(f"/api/v1/profiles/{profile_id}", headers=people["h"][reader])
    assert answer.status_code == 200
    return answer.get_json()["verified_references"]


def test_shown_on_both_profiles_once_both_parties_agree(client, people, delivered):
    users = people["users"]
    record_id = delivered("paid")

    first = consent(client, people, "client", record_id, show_amount=True)
    assert first.status_code == 200
    assert first.get_json() == {
        "show": True, "show_amount": True, "counterpart_agrees": False, "shown": False
    }  # fmt: skip
    assert verified(client, people, "client") == []  # one party is not enough
    assert verified(client, people, "sub") == []

    second = consent(client, people, "sub", record_id)
    assert second.get_json()["shown"] is True
    on_sub = verified(client, people, "sub")
    assert on_sub == [
        {
            "type": "subcontract", "id": record_id, "title": "Pose de VMC",
            "role": "subcontractor",
            "counterpart": {"profile_id": users["client"].profile.id,
                            "display_name": users["client"].display_name},
            "year": on_sub[0]["year"], "amount_cents": None,
        }
    ]  # fmt: skip
    assert verified(client, people, "client")[0]["role"] == "client"
    page = client.get(f"/profils/{users['sub'].profile.id}").get_data(as_text=True)
    assert "Pose de VMC" not in page  # the stranger's network profile: not for the anonymous

    # The amount only when both allow it.
    consent(client, people, "sub", record_id, show_amount=True)
    assert verified(client, people, "sub")[0]["amount_cents"] == 150000
    consent(client, people, "client", record_id, show_amount=False)
    assert verified(client, people, "sub")[0]["amount_cents"] is None

    # Either party withdraws: gone from both profiles.
    assert consent(client, people, "client", record_id, show=False).get_json()["show"] is False
    assert verified(client, people, "sub") == [] and verified(client, people, "client") == []


def test_work_not_yet_delivered_is_not_shown(client, people, delivered):
    record_id = delivered("in_progress")
    consent(client, people, "client", record_id)
    consent(client, people, "sub", record_id)
    assert verified(client, people, "sub") == []


@pytest.mark.parametrize(("who", "status"), [("stranger", 404), ("lyon_manager", 403)])
def test_only_the_parties_consent(client, people, delivered, who, status):
    record_id = delivered()
    assert consent(client, people, who, record_id).status_code == status
    assert db.session.query(ReferenceConsent).count() == 0


def test_a_reader_who_may_not_see_the_counterpart_sees_someone_from_their_cae(
    client, people, delivered
):
    users = people["users"]
    users["client"].profile.audience = "cae"
    db.session.commit()
    record_id = delivered()
    consent(client, people, "client", record_id)
    consent(client, people, "sub", record_id)
    counterpart = verified(client, people, "sub")[0]["counterpart"]
    assert counterpart == {"profile_id": None, "display_name": "une personne de Coop Lyon"}
    # The client's own profile stays hidden to the stranger (one visibility rule).
    profile_id = users["client"].profile.id
    hidden = client.get(f"/api/v1/profiles/{profile_id}", headers=people["h"]["stranger"])
    assert hidden.status_code == 404


def test_the_html_page_marks_it_verified_by_essaim(client, people, delivered, login):
    record_id = delivered()
    consent(client, people, "client", record_id, show_amount=True)
    consent(client, people, "sub", record_id, show_amount=True)
    login(people["users"]["stranger"])
    page = client.get(f"/profils/{people['users']['sub'].profile.id}").get_data(as_text=True)
    assert "vérifié par Essaim" in page and "Pose de VMC" in page
    assert "1\u202f500,00\u00a0€" in page


def _won_tender(people) -> Tender:
    users = people["users"]
    tender = create_tender(users["client"], two_lots(estimated_amount_cents=10_000_000))
    db.session.add(
        TenderMember(tender_id=tender.id, profile_id=users["sub"].profile.id,
                     role="cotraitant", share_cents=4_000_000)
    )  # fmt: skip
    tender.status = "won"
    db.session.commit()
    return tender


def test_a_won_tender_is_shown_once_the_member_and_the_owner_agree(client, people):
    tender = _won_tender(people)
    url = f"/api/v1/tenders/{tender.id}/reference"
    h = people["h"]
    mine = client.put(url, json={"show": True, "show_amount": True}, headers=h["sub"])
    assert mine.status_code == 200 and mine.get_json()["shown"] is False
    assert verified(client, people, "sub") == []

    owner = client.put(url, json={"show": True, "show_amount": True}, headers=h["client"])
    assert owner.status_code == 200
    shown = verified(client, people, "sub")
    assert [(v["type"], v["title"], v["role"], v["amount_cents"]) for v in shown] == [
        ("tender", "Rénovation de l'école Jules-Ferry", "cotraitant", 4_000_000)
    ]
    assert [v["role"] for v in verified(client, people, "client")] == ["lead"]
    # Someone outside the team may not consent.
    assert client.put(url, json={"show": True}, headers=h["stranger"]).status_code == 403


def test_a_tender_not_won_cannot_be_shown(client, people):
    tender = _won_tender(people)
    tender.status = "submitted"
    db.session.commit()
    answer = client.put(
        f"/api/v1/tenders/{tender.id}/reference", json={"show": True}, headers=people["h"]["sub"]
    )
    assert answer.status_code == 409


def test_a_team_member_agrees_on_the_tender_page(client, people, login):
    tender = _won_tender(people)
    login(people["users"]["sub"])
    page = client.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert "Une référence vérifiée par Essaim" in page
    assert "La personne qui a publié l’appel d’offres n’a pas encore accepté." in page
    answer = client.post(
        f"/appels-d-offres/{tender.id}/reference", data={"show": "y"}, follow_redirects=True
    )
    assert "Votre choix est enregistré." in answer.get_data(as_text=True)
    row = db.session.query(ReferenceConsent).one()
    assert (row.tender_id, row.profile_id) == (tender.id, people["users"]["sub"].profile.id)
    # Not in the team: no such section on the page.
    stranger = client.application.test_client()
    login(people["users"]["stranger"], the_client=stranger)
    other = stranger.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert "Une référence vérifiée par Essaim" not in other
