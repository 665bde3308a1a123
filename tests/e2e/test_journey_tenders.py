"""Journey 3: post a tender → someone of another CAE applies → accepted → the team sheet."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from e2e_helpers import MEMBER, PARTNER, open_menu
from playwright.sync_api import expect

from tests.typography import fr

pytestmark = pytest.mark.e2e


def test_post_apply_accept_team_sheet(as_person, viewport):
    title = f"Réhabilitation de l'école des Tilleuls ({viewport})"
    owner = as_person(MEMBER)
    owner.goto("/")
    open_menu(owner)
    owner.get_by_role("link", name="Appels d’offres").first.click()
    owner.get_by_role("link", name="Publier un appel d’offres").first.click()
    owner.get_by_label("Titre", exact=True).fill(title)
    owner.get_by_label("Acheteur", exact=True).fill("Commune de Villeurbanne")
    deadline = date.today() + timedelta(days=20)
    owner.get_by_label(fr("Date limite : jour")).fill(deadline.isoformat())
    owner.get_by_label(fr("Date limite : heure (Paris)")).fill("12:00")
    owner.get_by_label("Montant estimé (€ HT)").first.fill("120000")
    owner.locator("[name='lots-0-number']").fill("1")
    owner.locator("[name='lots-0-title']").fill("Charpente et ossature bois")
    owner.locator("[name='lots-0-skills']").fill("Charpente")
    owner.get_by_role("radio", name=re.compile("toutes les CAE")).check()
    owner.get_by_role("button", name="Enregistrer l’appel d’offres").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(title)
    tender_url = owner.url

    candidate = as_person(PARTNER)
    candidate.goto(tender_url)
    candidate.locator("#candidater").get_by_role("checkbox").first.check()
    candidate.get_by_label("Message").fill("Charpentier, disponible au printemps.")
    candidate.get_by_role("button", name="Candidater").click()
    expect(candidate.get_by_role("status").first).to_be_visible()

    owner.reload()
    applications = owner.locator("#candidatures")
    expect(applications).to_contain_text("Bastien Partenaire")
    applications.get_by_label("Part (€ HT)").first.fill("35000")
    applications.get_by_role("button", name="Accepter").first.click()
    expect(owner.locator("#equipe")).to_contain_text("Bastien Partenaire")

    owner.get_by_role("link", name="Fiche de l’équipe à imprimer").click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Tilleuls")
    expect(owner.get_by_role("main")).to_contain_text("Bastien Partenaire")
    owner.go_back()
    with owner.expect_download() as download_info:
        owner.get_by_role("link", name=re.compile("CSV")).click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Partenaire" in content
    assert ";" in content
