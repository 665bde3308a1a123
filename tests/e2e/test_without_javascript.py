"""Progressive enhancement: the main forms work with JavaScript turned off."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import COLLEAGUE
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.subcontracting.operations import create_offer

pytestmark = pytest.mark.e2e


def test_profile_search_and_filters_without_javascript(contexts, viewport):
    watched = contexts(java_script_enabled=False)
    page = watched.sign_in(COLLEAGUE)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto("/profils/moi")
    rows = page.locator("[data-skill-row]")
    before = rows.count()
    page.get_by_role("button", name="Ajouter des lignes").click()  # a submit without JS
    page.wait_for_load_state()
    assert rows.count() > before
    page.locator("[name='skills-0-name']").fill("Zinguerie")
    page.locator("select[name='skills-0-level']").select_option("4")
    page.get_by_label("Ville").fill("Villeurbanne")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inès Collègue")
    expect(page.get_by_role("main")).to_contain_text("Zinguerie")

    page.goto("/recherche?q=zinguerie")
    expect(page.get_by_role("link", name="Inès Collègue")).to_be_visible()

    page.goto("/offres")
    page.get_by_role("main").get_by_label("Mots").fill("charpente")
    page.get_by_role("main").get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"q=charpente"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_destructive_action_is_confirmed_on_a_page_without_javascript(
    contexts, live_server, viewport
):
    with live_server.app.app_context():
        colleague = db.session.scalar(select(User).where(User.email == COLLEAGUE))
        offer = create_offer(colleague, {"title": f"Renfort ({viewport})", "audience": "network"})
        db.session.commit()
        url = f"/offres/{offer.id}"
    page = contexts(java_script_enabled=False).sign_in(COLLEAGUE)
    page.goto(url)
    close = page.get_by_role("button", name="Fermer cette offre sans accepter de réponse")
    close.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmation")
    expect(page.get_by_role("main")).to_contain_text("Plus personne ne pourra y répondre")
    page.get_by_role("link", name="Revenir en arrière").click()
    expect(close).to_be_visible()  # nothing happened
    close.click()
    page.get_by_role("button", name="Fermer sans accepter").click()
    expect(page).to_have_url(re.compile(url + "$"))
    expect(
        page.get_by_role("button", name="Fermer cette offre sans accepter de réponse")
    ).to_have_count(0)
