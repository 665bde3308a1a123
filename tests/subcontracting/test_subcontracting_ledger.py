"""Internal work inside one CAE vs invoices between CAEs: kind, VAT regimes, invoice numbers,
the managers' transfer, the figures and the CSV ledger kept apart, the CAEs' SIREN."""

from __future__ import annotations

import csv
import io

import pytest

from marketplace.extensions import db
from marketplace.subcontracting.models import Subcontract
from tests import typography
from tests.subcontracting.conftest import auth


def propose(client, headers, sub, amount=100_000, **extra):
    body = {"title": "Travaux", "amount_cents": amount, "subcontractor_profile_id": sub.profile.id,
            "starts_on": "2026-03-02", **extra}  # fmt: skip
    return client.post("/api/v1/subcontracts", json=body, headers=headers)


def created(client, headers, sub, amount=100_000, **extra) -> dict:
    answer = propose(client, headers, sub, amount, **extra)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def move(client, headers, record_id, to, **extra):
    return client.post(
        f"/api/v1/subcontracts/{record_id}/transition", json={"to": to, **extra}, headers=headers
    )


def walk(client, headers, record_id, *statuses):
    for to in statuses:
        answer = move(client, headers, record_id, to)
        assert answer.status_code == 200, (to, answer.get_json())


# Internal work ---------------------------------------------------------------------------------


def test_internal_work_has_no_vat_whatever_the_caller_sends(client, people):
    h, u = people["h"], people["users"]
    record = created(client, h["client"], u["colleague"], vat_rate="20", vat_regime="standard")
    assert record["kind"] == "internal" and record["cross_cae"] is False
    assert (record["vat_rate"], record["vat_regime"], record["legal_mention"]) == (None,) * 3
    assert (record["vat_cents"], record["total_cents"]) == (0, 100_000)
    assert record["invoice_number"] is None and record["invoice_date"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("colleague", 409),  # the subcontractor: a party
        ("client", 409),  # the other party
        ("admin", 409),  # sees every record, but is not the CAE's support team
        ("nantes_manager", 404),  # another CAE's manager does not even see it
        ("stranger", 404),
        ("lyon_manager", 200),
    ],
)
def test_only_the_cae_managers_record_the_transfer(client, people, outbox, who, status):
    h, u = people["h"], people["users"]
    record = created(client, h["client"], u["colleague"])
    walk(client, h["colleague"], record["id"], "accepted", "in_progress")
    # Not before delivery, and never invoiced nor paid.
    assert move(client, h["lyon_manager"], record["id"], "transferred").status_code == 409
    walk(client, h["colleague"], record["id"], "delivered")
    for to in ("invoiced", "paid"):
        for mover in ("colleague", "client", "lyon_manager"):
            refused = move(client, h[mover], record["id"], to, invoice_number="F-1")
            assert refused.status_code == 409, (mover, to)
    answer = move(client, h[who], record["id"], "transferred")
    assert answer.status_code == status, answer.get_json()
    if status != 200:
        return
    body = answer.get_json()
    assert body["status"] == "transferred"
    assert [(e["from"], e["to"]) for e in body["history"]][-1] == ("delivered", "transferred")
    assert body["history"][-1]["by_profile_id"] == u["lyon_manager"].profile.id
    assert len(body["history"]) == 5
    # Both parties are told; nothing moves after the transfer.
    told = {to for to, subject, _body in outbox() if "transféré" in subject}
    assert told == {u["client"].email, u["colleague"].email}
    assert move(client, h["lyon_manager"], record["id"], "cancelled").status_code == 409


def test_the_managers_transfer_in_the_page(app, login, client, people):
    h, u = people["h"], people["users"]
    record = created(client, h["client"], u["colleague"])
    walk(client, h["colleague"], record["id"], "accepted", "in_progress", "delivered")
    url = f"/sous-traitances/{record['id']}"
    manager = app.test_client()
    login(u["lyon_manager"], the_client=manager)
    page = manager.get(url).get_data(as_text=True)
    assert "Enregistrer le transfert interne" in page
    assert "transfert interne, sans TVA" in page and "Mention" not in page
    party = app.test_client()
    login(u["colleague"], the_client=party)
    assert "Enregistrer le transfert interne" not in party.get(url).get_data(as_text=True)
    assert party.post(url + "/etat", data={"to": "transferred"}).status_code == 409
    assert manager.post(url + "/etat", data={"to": "transferred"}).status_code == 302
    history = party.get(url).get_data(as_text=True)
    assert "livrée → transférée" in history
    assert u["lyon_manager"].display_name in history


# Invoices between two CAEs -----------------------------------------------------------------


def test_invoices_carry_a_regime_and_its_legal_mention(client, people):
    h, u = people["h"], people["users"]
    standard = created(client, h["client"], u["sub"])
    assert (standard["kind"], standard["vat_regime"], standard["vat_rate"]) == (
        "invoice", "standard", "20.0",
    )  # fmt: skip
    assert standard["vat_cents"] == 20_000 and standard["legal_mention"] is None
    building = created(client, h["client"], u["sub"], vat_regime="reverse_charge")
    assert building["vat_rate"] is None and building["vat_cents"] == 0
    assert building["legal_mention"].startswith("Autoliquidation")
    assert "283-2 nonies" in building["legal_mention"]
    training = created(client, h["client"], u["sub"], vat_regime="exempt")
    assert training["vat_rate"] is None and "261-4-4° a" in training["legal_mention"]
    zero = created(client, h["client"], u["sub"], vat_rate="0")  # the old way of saying so
    assert zero["vat_regime"] == "exempt" and zero["vat_rate"] is None
    reduced = created(client, h["client"], u["sub"], vat_rate="5,5")
    assert (reduced["vat_regime"], reduced["vat_rate"]) == ("standard", "5.5")


@pytest.mark.parametrize(
    "change",
    [
        {"vat_regime": "reverse_charge", "vat_rate": "20"},
        {"vat_regime": "exempt", "vat_rate": "10"},
        {"vat_regime": "standard", "vat_rate": "0"},
        {"vat_rate": "8.5"},  # an overseas rate, for work in Lyon
        {"vat_rate": "13"},  # a Corsican rate
        {"vat_rate": "19.6"},
    ],
)
def test_a_rate_that_does_not_fit_the_regime_or_place_is_refused(client, people, change):
    h, u = people["h"], people["users"]
    answer = propose(client, h["client"], u["sub"], **change)
    assert answer.status_code == 422, answer.get_json()
    assert "vat_rate" in answer.get_json()["error"]["fields"]
    assert db.session.query(Subcontract).count() == 0


def test_a_rate_of_another_place_is_refused_with_the_place_s_rates_in_french(client, people):
    answer = propose(client, people["h"]["client"], people["users"]["sub"], vat_rate="8.5")
    message = answer.get_json()["error"]["fields"]["vat_rate"][0]
    assert "(69)" in message and "20\u00a0%, 10\u00a0%, 5,5\u00a0%, 2,1\u00a0%." in message
    assert "5.5" not in message


def test_an_unknown_regime_is_refused(client, people):
    answer = propose(client, people["h"]["client"], people["users"]["sub"], vat_regime="vague")
    assert answer.status_code == 422
    assert "vat_regime" in answer.get_json()["error"]["fields"]


def test_overseas_and_corsican_rates(client, people, make_cae, make_user, api_token):
    reunion, corsica = make_cae("Coop Réunion", "974", "Saint-Denis"), make_cae("Coop Corse", "2A")
    islander = auth(api_token(make_user(reunion, audience="network")))
    corsican = auth(api_token(make_user(corsica, audience="network")))
    sub = people["users"]["sub"]
    assert created(client, islander, sub)["vat_rate"] == "8.5"  # the normal rate there
    assert propose(client, islander, sub, vat_rate="20").status_code == 422
    assert created(client, islander, sub, vat_rate="2.1")["vat_rate"] == "2.1"
    assert created(client, corsican, sub, vat_rate="13")["vat_rate"] == "13.0"
    assert created(client, corsican, sub, vat_rate="0.9")["vat_rate"] == "0.9"
    assert created(client, corsican, sub)["vat_rate"] == "20.0"


def test_an_invoice_number_is_required_and_used_once_per_cae(client, people, make_user, api_token):
    h, u = people["h"], people["users"]
    first = created(client, h["client"], u["sub"])
    second = created(client, h["client"], u["sub"])
    for record in (first, second):
        walk(client, h["sub"], record["id"], "accepted", "in_progress", "delivered")
    for body in ({}, {"invoice_number": ""}, {"invoice_number": "   "}, {"invoice_number": None}):
        answer = move(client, h["sub"], first["id"], "invoiced", **body)
        assert answer.status_code == 422, body
        message = answer.get_json()["error"]["fields"]["invoice_number"][0]
        assert "numéro de la facture" in message
    long = move(client, h["sub"], first["id"], "invoiced", invoice_number="x" * 41)
    assert long.status_code == 422
    done = move(client, h["sub"], first["id"], "invoiced", invoice_number=" FA-2026-001 ")
    assert done.status_code == 200
    assert done.get_json()["invoice_number"] == "FA-2026-001"
    assert len(done.get_json()["invoice_date"]) == 10
    again = move(client, h["sub"], second["id"], "invoiced", invoice_number="FA-2026-001")
    assert again.status_code == 422
    assert "invoice_number" in again.get_json()["error"]["fields"]
    after = client.get(f"/api/v1/subcontracts/{second['id']}", headers=h["sub"]).get_json()
    assert after["status"] == "delivered" and len(after["history"]) == 4
    # Another CAE numbers its own invoices: the same number is free there.
    other = auth(api_token(make_user(people["caes"]["paris"], audience="network")))
    third = created(client, other, u["client"])
    walk(client, h["client"], third["id"], "accepted", "in_progress", "delivered")
    same = move(client, h["client"], third["id"], "invoiced", invoice_number="FA-2026-001")
    assert same.status_code == 200


# Figures and the CSV ledger ------------------------------------------------------------------


@pytest.fixture
def books(client, people):
    """Lyon: internal work (transferred), a sale to Nantes' client... and a purchase."""
    h, u = people["h"], people["users"]
    caes = people["caes"]
    caes["lyon"].siren, caes["nantes"].siren = "732829320", "552100554"
    db.session.commit()
    internal = created(client, h["client"], u["colleague"], 40_000)
    walk(client, h["colleague"], internal["id"], "accepted", "in_progress", "delivered")
    walk(client, h["lyon_manager"], internal["id"], "transferred")
    purchase = created(client, h["client"], u["sub"], 100_000, vat_regime="reverse_charge")
    walk(client, h["sub"], purchase["id"], "accepted", "in_progress", "delivered")
    assert (
        move(client, h["sub"], purchase["id"], "invoiced", invoice_number="N-7").status_code == 200
    )
    sale = created(client, h["sub"], u["colleague"], 25_000, vat_regime="exempt")
    created(client, h["client"], u["sub"], 1_000, vat_rate="10")  # proposed: counted too
    return {"internal": internal["id"], "purchase": purchase["id"], "sale": sale["id"]}


def test_stats_keep_sales_purchases_and_transfers_apart(client, people, books):
    h, caes = people["h"], people["caes"]
    lyon = client.get(f"/api/v1/caes/{caes['lyon'].id}/stats", headers=h["lyon_manager"])
    figures = lyon.get_json()["subcontracts"]
    assert figures["internal_transfer_cents"] == 40_000 == figures["internal_amount_cents"]
    assert figures["sales_to_other_caes_cents"] == 25_000
    assert figures["purchases_from_other_caes_cents"] == 101_000
    assert figures["cross_cae_amount_cents"] == 126_000
    assert figures["amount_cents"] == 166_000 and figures["count"] == 4
    nantes = client.get(f"/api/v1/caes/{caes['nantes'].id}/stats", headers=h["nantes_manager"])
    figures = nantes.get_json()["subcontracts"]
    assert figures["internal_transfer_cents"] == 0
    assert figures["sales_to_other_caes_cents"] == 101_000
    assert figures["purchases_from_other_caes_cents"] == 25_000


def test_the_csv_ledger_tells_each_line_apart(client, people, books):
    h, lyon = people["h"], people["caes"]["lyon"].id
    raw = client.get(f"/api/v1/caes/{lyon}/subcontracts.csv", headers=h["lyon_manager"]).get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, lines = rows[0], rows[1:]
    col = {name: header.index(name) for name in header}
    for name in ("Nature", "Sens", "Numéro de facture", "Date de facture", "Régime de TVA",
                 "Mention légale", "SIREN de la CAE du client",
                 "SIREN de la CAE du sous-traitant"):  # fmt: skip
        assert name in col, name
    by_id = {int(line[col["Sous-traitance"]]): line for line in lines}
    internal, purchase, sale = (by_id[books[k]] for k in ("internal", "purchase", "sale"))
    assert internal[col["Sens"]] == "transfert interne"
    assert internal[col["TVA (€)"]] == internal[col["Taux de TVA (%)"]] == ""
    assert internal[col["Régime de TVA"]] == internal[col["Numéro de facture"]] == ""
    assert internal[col["Statut"]] == "transférée"
    assert purchase[col["Sens"]] == "achat" and sale[col["Sens"]] == "vente"
    assert purchase[col["Numéro de facture"]] == "N-7"
    assert len(purchase[col["Date de facture"]]) == 10 and "/" in purchase[col["Date de facture"]]
    assert purchase[col["Mention légale"]].startswith("Autoliquidation")
    assert purchase[col["TVA (€)"]] == "0,00" and purchase[col["Montant TTC (€)"]] == "1000,00"
    assert "261-4-4° a" in sale[col["Mention légale"]]
    assert purchase[col["SIREN de la CAE du client"]] == "732829320"
    assert purchase[col["SIREN de la CAE du sous-traitant"]] == "552100554"


def test_the_figures_page_shows_the_three_amounts(app, login, people, books):
    c = app.test_client()
    login(people["users"]["lyon_manager"], the_client=c)
    text = c.get(f"/caes/{people['caes']['lyon'].id}/chiffres").get_data(as_text=True)
    assert 'data-figure="internal">' + typography.money("400,00 €") in text
    assert 'data-figure="sales">' + typography.money("250,00 €") in text
    assert 'data-figure="purchases">' + typography.money("1 010,00 €") in text
    assert "Ventes à d’autres CAE" in text and "Achats à d’autres CAE" in text


# The new-record form ---------------------------------------------------------------------------


def test_the_form_offers_vat_only_between_two_caes(app, login, people):
    u = people["users"]
    c = app.test_client()
    login(u["client"], the_client=c)
    inside = c.get(f"/sous-traitances/nouvelle?profil={u['colleague'].profile.id}")
    text = inside.get_data(as_text=True)
    assert "Transfert interne, sans TVA" in text and 'name="vat_regime"' not in text
    between = c.get(f"/sous-traitances/nouvelle?profil={u['sub'].profile.id}").get_data(True)
    assert 'name="vat_regime"' in between and "Autoliquidation" in between
    data = {"subcontractor": str(u["sub"].profile.id), "title": "Pose de cloisons",
            "amount": "1200", "vat_regime": "reverse_charge", "vat_rate": "20.0"}  # fmt: skip
    assert c.post("/sous-traitances/nouvelle", data=data).status_code == 302
    record = db.session.query(Subcontract).one()
    assert (record.kind, record.vat_regime, record.vat_rate) == ("invoice", "reverse_charge", None)
    page = c.get(f"/sous-traitances/{record.id}").get_data(as_text=True)
    assert "Autoliquidation (article 283-2 nonies du CGI)" in page
