"""Journey 4: post an offer → a partner responds → accepted → the record moves to paid → figures."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import MANAGER, MEMBER, PARTNER, open_menu
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

AMOUNT = re.compile(r"4\s800,00\s€")


def move(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_offer_response_record_paid_figures(as_person, viewport):
    title = f"Pose d'une charpente de préau ({viewport})"
    client = as_person(MEMBER)
    client.goto("/")
    open_menu(client)
    client.get_by_role("link", name="Offres", exact=True).click()
    client.get_by_role("link", name="Publier une offre").click()
    client.get_by_label("Titre", exact=True).fill(title)
    client.get_by_label("Description").fill("Préau de 40 m², ossature bois, en avril.")
    client.get_by_label("Compétences").fill("Charpente")
    client.get_by_label("Budget (€ HT)").fill("5000")
    client.get_by_role("radio", name=re.compile("toutes les CAE")).check()
    client.get_by_role("button", name="Publier l’offre").click()
    expect(client.get_by_role("heading", level=1)).to_have_text(title)
    offer_url = client.url

    partner = as_person(PARTNER)
    partner.goto(offer_url)
    partner.get_by_label("Message").fill("Je peux le faire la deuxième quinzaine d'avril.")
    partner.get_by_label("Votre prix (€ HT)").fill("4800")
    partner.get_by_role("button", name="Envoyer ma réponse").click()
    expect(partner.get_by_role("status").first).to_be_visible()

    client.reload()
    client.get_by_role("button", name="Accepter cette réponse").click()
    expect(client.get_by_role("status").first).to_be_visible()

    partner.goto("/sous-traitances")
    partner.get_by_role("link", name=title).first.click()
    for button in ("Accepter", "Commencer le travail", "Marquer comme livrée"):
        move(partner, button)
    expect(partner.get_by_role("main")).to_contain_text("TVA facturée")  # between two CAEs
    number = f"FA-2026-{viewport}"  # one number per invoice of the partner's CAE
    partner.get_by_label("Numéro de facture").fill(number)
    move(partner, "Marquer comme facturée")
    expect(partner.get_by_role("main")).to_contain_text(number)
    client.goto(partner.url)
    move(client, "Confirmer le paiement")
    expect(client.get_by_role("main")).to_contain_text("payée")

    partner.goto("/sous-traitances")
    expect(partner.get_by_role("main")).to_contain_text(AMOUNT)

    manager = as_person(MANAGER)
    manager.goto("/sous-traitances")
    manager.get_by_role("link", name="Chiffres de la sous-traitance").click()
    expect(manager.get_by_role("heading", level=1)).to_be_visible()
    expect(manager.get_by_role("main")).to_contain_text("Ruche Atlantique")
    expect(manager.locator("svg").first).to_be_visible()
