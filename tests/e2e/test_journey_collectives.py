"""Journey 2: create a collective → invite someone of another CAE → they accept → vote."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from e2e_helpers import MEMBER, PARTNER, open_menu
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_create_invite_vote(as_person, viewport):
    name = f"Charpentiers en réseau ({viewport})"
    coordinator = as_person(MEMBER)
    coordinator.goto("/")
    open_menu(coordinator)
    coordinator.get_by_role("link", name="Collectifs").click()
    coordinator.get_by_role("link", name="Créer un collectif").first.click()
    coordinator.get_by_label("Nom", exact=True).fill(name)
    coordinator.get_by_label("Description").fill("Charpente, ossature bois et couverture.")
    coordinator.get_by_label("Secteur").fill("Bâtiment")
    coordinator.get_by_role("radio", name=re.compile("toutes les CAE")).check()
    coordinator.get_by_role("radio", name=re.compile("invitation")).check()
    coordinator.get_by_role("button", name="Enregistrer le collectif").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(name)

    coordinator.get_by_label("E-mail de la personne à inviter").fill(PARTNER)
    coordinator.get_by_role("button", name="Inviter", exact=True).click()
    expect(coordinator.get_by_text("Bastien Partenaire").first).to_be_visible()

    invitee = as_person(PARTNER)
    invitee.goto("/")
    expect(invitee.locator("a[href='/notifications'] .bell-count")).to_contain_text("non lue")
    invitee.locator("a[href='/notifications']").click()
    invitee.get_by_role("button", name=re.compile(re.escape(name))).first.click()
    invitee.get_by_role("button", name="Accepter l’invitation").click()
    expect(invitee.get_by_role("button", name="Quitter le collectif")).to_be_visible()

    coordinator.reload()
    coordinator.get_by_label("Titre", exact=True).fill("Acheter une scie à format commune")
    coordinator.get_by_label("Ce qui est proposé").fill("Achat partagé, 3 200 € HT.")
    closes = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    coordinator.get_by_label(re.compile("Vote ouvert jusqu")).fill(closes)
    coordinator.get_by_role("button", name="Ouvrir le vote").click()
    expect(coordinator.get_by_role("status").first).to_be_visible()

    invitee.reload()
    decisions = invitee.locator("#decisions")
    decisions.get_by_role("link", name="Acheter une scie à format commune").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text(
        "Acheter une scie à format commune"
    )
    invitee.get_by_role("radio", name="oui", exact=True).check()
    invitee.get_by_role("button", name="Voter", exact=True).click()
    expect(invitee.get_by_role("status").first).to_be_visible()
    expect(invitee.get_by_role("radio", name="oui", exact=True)).to_be_checked()

    # Leaving is confirmed in a dialog: « Revenir en arrière » keeps the member, « Quitter » leaves.
    invitee.goto(invitee.url.split("/decisions")[0])
    leave = invitee.get_by_role("button", name="Quitter le collectif")
    leave.click()
    dialog = invitee.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        f"Quitter le collectif « {name} » ?".replace(" »", "\u00a0»")
        .replace("« ", "«\u00a0")
        .replace(" ?", "\u202f?")
    )
    dialog.get_by_role("button", name="Revenir en arrière").click()
    expect(dialog).to_be_hidden()
    expect(leave).to_be_visible()
    leave.click()
    dialog.get_by_role("button", name="Quitter le collectif").click()
    expect(invitee.get_by_role("button", name="Quitter le collectif")).to_have_count(0)
