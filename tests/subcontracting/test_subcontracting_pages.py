"""The subcontracting pages: post, answer, accept, move a record to paid, ledger and figures."""

from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from marketplace.subcontracting.models import Offer, OfferResponse, Subcontract
from tests import typography

OFFER_FORM = {
    "title": "Un·e carreleur·se à Nantes",
    "description": "Salle de bains de 6 m².",
    "skills": "Carrelage, Faïence",
    "city": "Nantes",
    "department": "44",
    "starts_on": "2026-04-06",
    "ends_on": "2026-04-08",
    "budget": "1 200,50",
    "audience": "network",
}


def as_user(app, login, user):
    c = app.test_client()
    login(user, the_client=c)
    return c


def test_the_whole_journey_in_the_pages(app, login, people):
    u = people["users"]
    owner, helper, manager = (as_user(app, login, u[k]) for k in ("client", "sub", "lyon_manager"))

    assert owner.get("/offres/nouvelle").status_code == 200
    posted = owner.post("/offres/nouvelle", data=OFFER_FORM)
    assert posted.status_code == 302, posted.get_data(as_text=True)
    offer = db.session.query(Offer).one()
    assert offer.budget_cents == 120050 and offer.skill_names == ["Carrelage", "Faïence"]

    listing = helper.get("/offres?skill=carrelage&department=44").get_data(as_text=True)
    assert "Un·e carreleur·se à Nantes" in listing
    assert "Un·e carreleur·se" not in helper.get("/offres?department=69").get_data(as_text=True)
    assert "Un·e carreleur·se" in helper.get("/offres?q=salle").get_data(as_text=True)

    page = helper.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "Envoyer ma réponse" in page
    bad = helper.post(f"/offres/{offer.id}/reponses", data={"message": "Oui", "price": "-3"})
    assert bad.status_code == 422
    assert "Le montant doit être supérieur à 0" in bad.get_data(as_text=True)
    assert db.session.query(OfferResponse).count() == 0
    sent = helper.post(f"/offres/{offer.id}/reponses", data={"message": "Dispo", "price": "980"})
    assert sent.status_code == 302
    response = db.session.query(OfferResponse).one()

    owner_page = owner.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "Dispo" in owner_page and "Accepter cette réponse" in owner_page
    refused = helper.post(
        f"/offres/{offer.id}/reponses/{response.id}/accepter", data={"vat_rate": "20.0"}
    )
    assert refused.status_code == 403
    accepted = owner.post(
        f"/offres/{offer.id}/reponses/{response.id}/accepter", data={"vat_rate": "10.0"}
    )
    assert accepted.status_code == 302
    record = db.session.query(Subcontract).one()
    assert (record.amount_cents, record.vat_rate, record.status) == (98000, "10.0", "proposed")
    again = owner.post(
        f"/offres/{offer.id}/reponses/{response.id}/accepter", data={"vat_rate": "10.0"}
    )
    assert again.status_code == 409
    assert db.session.query(Subcontract).count() == 1

    url = f"/sous-traitances/{record.id}"
    page = owner.get(url).get_data(as_text=True)
    assert "Annuler" in page and ">Accepter<" not in page
    page = helper.get(url).get_data(as_text=True)
    assert "Accepter" in page and "Refuser" in page
    # A manager sees the record but has no button; a move they send is refused.
    page = manager.get(url).get_data(as_text=True)
    assert "Ce que vous pouvez faire" not in page
    assert manager.post(url + "/etat", data={"to": "accepted"}).status_code == 409
    # Out of order, by the wrong party: a French message, nothing changed.
    wrong = owner.post(url + "/etat", data={"to": "paid"})
    assert wrong.status_code == 409
    assert "ne peut pas passer" in wrong.get_data(as_text=True)
    for who, to in [(helper, "accepted"), (helper, "in_progress"), (helper, "delivered")]:
        moved = who.post(url + "/etat", data={"to": to})
        assert moved.status_code == 302, (to, moved.get_data(as_text=True)[:500])
    # Invoiced only with the invoice's number: the page again, the message beside the field.
    page = helper.get(url).get_data(as_text=True)
    assert 'name="invoice_number"' in page and "Numéro de facture" in page
    missing = helper.post(url + "/etat", data={"to": "invoiced", "invoice_number": "  "})
    assert missing.status_code == 422
    assert "Indiquez le numéro de la facture" in missing.get_data(as_text=True)
    invoiced = helper.post(url + "/etat", data={"to": "invoiced", "invoice_number": "FA-2026-17"})
    assert invoiced.status_code == 302
    assert owner.post(url + "/etat", data={"to": "paid"}).status_code == 302
    db.session.expire_all()
    record = db.session.get(Subcontract, record.id)
    assert record.status == "paid" and len(record.events) == 6
    assert record.invoice_number == "FA-2026-17" and record.invoice_date is not None
    history = owner.get(url).get_data(as_text=True)
    assert "facturée → payée" in history
    assert "FA-2026-17" in history and "TVA facturée" in history

    ledger = helper.get("/sous-traitances").get_data(as_text=True)
    assert typography.money("980,00 €") in ledger
    assert typography.money("1 078,00 €") in ledger  # TTC at 10 %

    figures = manager.get(f"/caes/{people['caes']['lyon'].id}/chiffres?from=2026-01-01")
    assert figures.status_code == 200
    text = figures.get_data(as_text=True)
    assert "<svg" in text and "Coop Lyon → Coop Nantes" in text
    assert 'data-figure="amount">' + typography.money("980,00 €") in text
    assert "Carrelage" in text
    csv_url = re.search(r'href="([^"]*subcontracts\.csv[^"]*)"', text).group(1)
    exported = manager.get(csv_url.replace("&amp;", "&"))  # the browser session may read the API
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert "980,00" in exported.get_data(as_text=True)
    assert helper.get(csv_url.replace("&amp;", "&")).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [("client", 403), ("nantes_manager", 403), ("lyon_manager", 200), ("admin", 200)],
)
def test_figures_page_is_for_the_cae_managers(app, login, people, who, status):
    c = as_user(app, login, people["users"][who])
    assert c.get(f"/caes/{people['caes']['lyon'].id}/chiffres").status_code == status


def test_figures_page_refuses_an_upside_down_period(app, login, people):
    c = as_user(app, login, people["users"]["lyon_manager"])
    page = c.get(f"/caes/{people['caes']['lyon'].id}/chiffres?from=2026-05-01&to=2026-01-01")
    assert page.status_code == 422
    assert "La date de fin ne peut pas être avant la date de début." in page.get_data(as_text=True)


def test_proposing_a_record_in_the_page(app, login, people):
    u = people["users"]
    owner = as_user(app, login, u["client"])
    form = owner.get(f"/sous-traitances/nouvelle?profil={u['sub'].profile.id}")
    assert u["sub"].display_name in form.get_data(as_text=True)
    data = {
        "subcontractor": str(u["sub"].profile.id),
        "title": "Pose",
        "amount": "abc",
        "vat_rate": "20.0",
        "starts_on": "2026-05-10",
        "ends_on": "2026-05-01",
    }
    bad = owner.post("/sous-traitances/nouvelle", data=data)
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Indiquez un montant en euros" in text
    assert "La date de fin ne peut pas être avant la date de début." in text
    assert db.session.query(Subcontract).count() == 0
    data["amount"] = "1500"
    bad = owner.post("/sous-traitances/nouvelle", data=data)
    assert bad.status_code == 422
    assert "La date de fin ne peut pas être avant la date de début." in bad.get_data(as_text=True)
    data["ends_on"] = "2026-05-12"
    data["vat_rate"] = "19.6"
    bad = owner.post("/sous-traitances/nouvelle", data=data)
    assert bad.status_code == 422 and "taux de TVA" in bad.get_data(as_text=True)
    data["vat_rate"] = "5.5"
    assert owner.post("/sous-traitances/nouvelle", data=data).status_code == 302
    record = db.session.query(Subcontract).one()
    assert (record.amount_cents, record.vat_rate) == (150000, "5.5")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("stranger", 404),
        ("colleague", 404),
        ("paris_manager", 404),
        ("sub", 200),
        ("nantes_manager", 200),
    ],
)
def test_record_page_is_hidden_from_others(app, login, client, people, who, status):
    from marketplace.subcontracting.records import propose_subcontract

    u = people["users"]
    record = propose_subcontract(
        u["client"],
        {"title": "Pose", "amount_cents": 100, "subcontractor_profile_id": u["sub"].profile.id},
    )
    db.session.commit()
    c = as_user(app, login, u[who])
    assert c.get(f"/sous-traitances/{record.id}").status_code == status
    assert client.get(f"/sous-traitances/{record.id}").status_code == 302  # to sign in


def test_hidden_offer_page_is_404(app, login, client, people):
    from marketplace.subcontracting.operations import create_offer

    offer = create_offer(people["users"]["client"], {"title": "Interne", "audience": "cae"})
    db.session.commit()
    assert client.get(f"/offres/{offer.id}").status_code == 404
    other = as_user(app, login, people["users"]["sub"])
    assert other.get(f"/offres/{offer.id}").status_code == 404
    colleague = as_user(app, login, people["users"]["colleague"])
    assert colleague.get(f"/offres/{offer.id}").status_code == 200


def test_moves_need_the_csrf_token(app, people):
    from marketplace.subcontracting.records import propose_subcontract
    from tests.conftest import PASSWORD

    u = people["users"]
    record = propose_subcontract(
        u["client"],
        {"title": "Pose", "amount_cents": 100, "subcontractor_profile_id": u["sub"].profile.id},
    )
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True  # read at each request by Flask-WTF
    c = app.test_client()
    page = c.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed_in = c.post(
        "/connexion", data={"email": u["sub"].email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    url = f"/sous-traitances/{record.id}"
    assert c.post(url + "/etat", data={"to": "accepted"}).status_code == 400
    page = c.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post(url + "/etat", data={"to": "accepted", "csrf_token": token}).status_code == 302
    db.session.expire_all()
    events = db.session.get(Subcontract, record.id).events
    assert [e.to_status for e in events] == ["proposed", "accepted"]
