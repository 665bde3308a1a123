"""A CAE may require its approval for invoice records between CAEs above an amount it sets:
both CAEs whose amount is exceeded approve before the subcontractor accepts."""

from __future__ import annotations

import pytest

from marketplace.approvals.models import CaeApproval
from marketplace.extensions import db


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def people(make_cae, make_user, api_token):
    lyon, nantes = make_cae("Coop Lyon"), make_cae("Coop Nantes", "44", "Nantes")
    users = {
        "client": make_user(lyon, first_name="Claire", audience="network"),
        "sub": make_user(nantes, first_name="Sami", audience="network"),
        "colleague": make_user(lyon, first_name="Lou", audience="network"),
        "lyon_manager": make_user(lyon, role="manager"),
        "nantes_manager": make_user(nantes, role="manager"),
    }
    h = {name: auth(api_token(user)) for name, user in users.items()}
    return {"users": users, "h": h, "lyon": lyon, "nantes": nantes}


def _threshold(client, cae, headers, cents):
    return client.patch(
        f"/api/v1/caes/{cae.id}/approval-settings",
        json={"invoice_threshold_cents": cents},
        headers=headers,
    )


def _propose(client, people, amount, to="sub"):
    body = {
        "title": "Pose de VMC",
        "amount_cents": amount,
        "subcontractor_profile_id": people["users"][to].profile.id,
    }
    created = client.post("/api/v1/subcontracts", json=body, headers=people["h"]["client"])
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def _accept(client, people, record_id, who="sub"):
    return client.post(
        f"/api/v1/subcontracts/{record_id}/transition",
        json={"to": "accepted"},
        headers=people["h"][who],
    )


def test_the_threshold_is_set_by_the_cae_s_managers(client, people):
    h = people["h"]
    assert _threshold(client, people["lyon"], h["client"], 100_000).status_code == 404
    assert _threshold(client, people["lyon"], h["nantes_manager"], 100_000).status_code == 404
    assert _threshold(client, people["lyon"], h["lyon_manager"], -5).status_code == 422
    saved = _threshold(client, people["lyon"], h["lyon_manager"], 100_000)
    assert saved.status_code == 200 and saved.get_json()["invoice_threshold_cents"] == 100_000
    read = client.get(
        f"/api/v1/caes/{people['lyon'].id}/approval-settings", headers=h["lyon_manager"]
    )
    assert read.get_json() == {"cae_id": people["lyon"].id, "invoice_threshold_cents": 100_000}
    cleared = _threshold(client, people["lyon"], h["lyon_manager"], None)
    assert cleared.get_json()["invoice_threshold_cents"] is None


def test_both_caes_over_their_threshold_approve_before_acceptance(client, people):
    h = people["h"]
    _threshold(client, people["lyon"], h["lyon_manager"], 100_000)  # the buyer's CAE
    _threshold(client, people["nantes"], h["nantes_manager"], 200_000)  # the seller's CAE
    small = _propose(client, people, 100_000)  # not above either amount
    assert _accept(client, people, small).status_code == 200
    middle = _propose(client, people, 150_000)  # above Lyon's only
    large = _propose(client, people, 250_000)  # above both

    refused = _accept(client, people, large)
    assert refused.status_code == 409
    message = refused.get_json()["error"]["message"]
    assert "Coop Lyon" in message and "Coop Nantes" in message

    lyon = client.get(
        f"/api/v1/caes/{people['lyon'].id}/approvals?state=pending", headers=h["lyon_manager"]
    ).get_json()["items"]
    assert sorted(i["subject"]["id"] for i in lyon) == sorted([middle, large])
    nantes = client.get(
        f"/api/v1/caes/{people['nantes'].id}/approvals?state=pending", headers=h["nantes_manager"]
    ).get_json()["items"]
    assert [i["subject"]["id"] for i in nantes] == [large]
    assert nantes[0]["subject"]["amount_cents"] == 250_000

    by_record = {i["subject"]["id"]: i["id"] for i in lyon}
    ok = client.post(
        f"/api/v1/approvals/{by_record[middle]}/decision",
        json={"approve": True},
        headers=h["lyon_manager"],
    )
    assert ok.status_code == 200
    assert _accept(client, people, middle).status_code == 200

    client.post(
        f"/api/v1/approvals/{by_record[large]}/decision",
        json={"approve": True},
        headers=h["lyon_manager"],
    )
    still = _accept(client, people, large)
    assert still.status_code == 409 and "Coop Nantes" in still.get_json()["error"]["message"]
    no = client.post(
        f"/api/v1/approvals/{nantes[0]['id']}/decision",
        json={"approve": False, "comment": "Montant à revoir"},
        headers=h["nantes_manager"],
    )
    assert no.status_code == 200 and no.get_json()["state"] == "refused"
    assert _accept(client, people, large).status_code == 409
    # The approval is the record's sign-off history: who decided, when, why.
    row = db.session.get(CaeApproval, nantes[0]["id"])
    assert row.decided_by_id == people["users"]["nantes_manager"].id and row.decided_at
    assert row.comment == "Montant à revoir"


def test_the_record_page_shows_its_sign_off(client, people, login):
    h = people["h"]
    _threshold(client, people["nantes"], h["nantes_manager"], 0)
    record = _propose(client, people, 10_000)
    nantes = client.get(
        f"/api/v1/caes/{people['nantes'].id}/approvals?state=pending", headers=h["nantes_manager"]
    ).get_json()["items"]
    client.post(
        f"/api/v1/approvals/{nantes[0]['id']}/decision",
        json={"approve": False, "comment": "Devis à revoir"},
        headers=h["nantes_manager"],
    )
    login(people["users"]["client"])
    html = client.get(f"/sous-traitances/{record}").get_data(as_text=True)
    assert "Coop Nantes" in html and "Devis à revoir" in html


def test_work_inside_one_cae_is_never_asked(client, people):
    h = people["h"]
    _threshold(client, people["lyon"], h["lyon_manager"], 0)
    record = _propose(client, people, 500_000, to="colleague")
    assert db.session.query(CaeApproval).count() == 0
    assert _accept(client, people, record, who="colleague").status_code == 200


def test_an_amount_set_later_holds_the_records_proposed_after_it(client, people):
    """The amounts in force at the proposal decide: a record proposed before a CAE set its amount
    was asked of nobody, so it is not held (it would wait for an answer nobody is asked for)."""
    h = people["h"]
    before = _propose(client, people, 500_000)
    assert _threshold(client, people["nantes"], h["nantes_manager"], 100_000).status_code == 200
    after = _propose(client, people, 500_000)
    asked = client.get(
        f"/api/v1/caes/{people['nantes'].id}/approvals?state=pending", headers=h["nantes_manager"]
    ).get_json()["items"]
    assert [i["subject"]["id"] for i in asked] == [after]
    assert _accept(client, people, before).status_code == 200
    held = _accept(client, people, after)
    assert held.status_code == 409 and "Coop Nantes" in held.get_json()["error"]["message"]
    # Raised later, the amount does not drop a question already asked: the CAE still answers.
    assert _threshold(client, people["nantes"], h["nantes_manager"], 900_000).status_code == 200
    assert _accept(client, people, after).status_code == 409
    client.post(
        f"/api/v1/approvals/{asked[0]['id']}/decision",
        json={"approve": True},
        headers=h["nantes_manager"],
    )
    assert _accept(client, people, after).status_code == 200


@pytest.mark.parametrize(
    ("typed", "status", "saved"),
    [
        ("5 000", 302, 500_000),
        ("", 302, None),
        ("-5", 422, 100),
        ("99999999999999999", 422, 100),
        ("douze", 422, 100),
    ],
)
def test_the_managers_page_sets_the_amount_and_refuses_a_wrong_one_in_words(
    client, people, login, typed, status, saved
):
    h = people["h"]
    _threshold(client, people["lyon"], h["lyon_manager"], 100)
    login(people["users"]["lyon_manager"])
    answer = client.post("/gestion/approbations/seuil", data={"threshold": typed})
    assert answer.status_code == status
    if status == 422:
        summary = answer.get_data(as_text=True).split('class="error-summary"')[1][:300]
        assert "montant" in summary
    read = client.get(
        f"/api/v1/caes/{people['lyon'].id}/approval-settings", headers=h["lyon_manager"]
    )
    assert read.get_json()["invoice_threshold_cents"] == saved


@pytest.mark.parametrize(("who", "to"), [("client", "cancelled"), ("sub", "declined")])
def test_a_record_withdrawn_no_longer_awaits_the_cae(client, people, login, who, to):
    """Cancelled or declined, a record leaves the managers' list (API, page and desk)."""
    h = people["h"]
    _threshold(client, people["nantes"], h["nantes_manager"], 0)
    kept, gone = _propose(client, people, 10_000), _propose(client, people, 20_000)
    moved = client.post(f"/api/v1/subcontracts/{gone}/transition", json={"to": to}, headers=h[who])
    assert moved.status_code == 200
    url = f"/api/v1/caes/{people['nantes'].id}/approvals"
    pending = client.get(url + "?state=pending", headers=h["nantes_manager"]).get_json()
    assert [i["subject"]["id"] for i in pending["items"]] == [kept] and pending["total"] == 1
    login(people["users"]["nantes_manager"])
    for page in ("/gestion/approbations", "/gestion"):
        html = client.get(page).get_data(as_text=True)
        assert f"/sous-traitances/{kept}" in html and f"/sous-traitances/{gone}" not in html, page
    item = client.get(url, headers=h["nantes_manager"]).get_json()["items"][-1]
    decided = client.post(
        f"/api/v1/approvals/{item['id']}/decision",
        json={"approve": True},
        headers=h["nantes_manager"],
    )
    assert decided.status_code == 409
