"""Journey: a member's collective talks: a thread opened, a reply with a mention, the thread
muted, a proposal commented before its vote closes, at desktop and phone width."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from e2e_helpers import MEMBER, open_menu
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_collective_that_talks(as_person, viewport):
    name = f"Thermiciens en réseau ({viewport})"
    title = f"Quel logiciel de simulation ? ({viewport})"
    member = as_person(MEMBER)
    member.goto("/")
    open_menu(member)
    member.get_by_role("link", name="Collectifs").click()
    member.get_by_role("link", name="Créer un collectif").first.click()
    member.get_by_label("Nom", exact=True).fill(name)
    member.get_by_role("radio", name=re.compile("toutes les CAE")).check()
    member.get_by_role("button", name="Enregistrer le collectif").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(name)
    home = member.url

    discussions = member.locator("#discussions")
    discussions.get_by_role("link", name=re.compile("Toutes les discussions")).click()
    member.get_by_label("Titre", exact=True).fill(title)
    member.get_by_label("Message", exact=True).fill("Pour la STD : Pléiades ou DesignBuilder ?")
    member.get_by_role("button", name="Ouvrir la discussion").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(title)
    expect(member.get_by_text("Vous suivez cette discussion.")).to_be_visible()

    member.get_by_label("Votre réponse").fill("J’ajoute : une licence partagée ?")
    member.get_by_role("button", name="Répondre", exact=True).click()
    expect(member.get_by_text("J’ajoute : une licence partagée ?")).to_be_visible()
    member.get_by_role("button", name="Mettre en sourdine").click()
    expect(member.get_by_text("Cette discussion est en sourdine.")).to_be_visible()

    member.goto(home)
    expect(member.locator("#discussions").get_by_role("link", name=title)).to_be_visible()
    member.get_by_label("Titre", exact=True).fill("Acheter une caméra thermique")
    closes = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    member.get_by_label(re.compile("Vote ouvert jusqu")).fill(closes)
    member.get_by_role("button", name="Ouvrir le vote").click()
    expect(member.get_by_role("heading", name="Qui a voté")).to_be_visible()
    member.get_by_label("Votre commentaire").fill(f"D’accord ({viewport}).")
    member.get_by_role("button", name="Commenter").click()
    expect(member.get_by_text(f"D’accord ({viewport}).")).to_be_visible()
