"""Journey 1: sign up → verified by a manager → a profile with competence autocomplete → found.

Done with the mouse, then with the keyboard alone (Tab, typing, Space, Enter), at desktop and
phone width.
"""

from __future__ import annotations

import re

import pytest
from e2e_helpers import COLLEAGUE, DEMO_PASSWORD, MANAGER, MANAGER_CAE, tab_to
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

NAMES = {
    ("mouse", "desktop"): ("Anaïs", "Verrier"),
    ("mouse", "phone"): ("Mathilde", "Vitrail"),
    ("keyboard", "desktop"): ("Rosalie", "Ferronnier"),
    ("keyboard", "phone"): ("Clémence", "Tapissier"),
}
#: A trade no demo profile mentions, so that the search finds exactly the new person.
TRADES = {
    ("mouse", "desktop"): "vitrailliste",
    ("mouse", "phone"): "mosaïste",
    ("keyboard", "desktop"): "ferronnière",
    ("keyboard", "phone"): "tapissière",
}


def sign_up_with_mouse(page, first: str, last: str, email: str) -> None:
    page.goto("/")
    if page.viewport_size["width"] < 600:
        page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Créer un compte").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    page.get_by_label("Prénom").fill(first)
    page.get_by_label("Nom", exact=True).fill(last)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(DEMO_PASSWORD)
    cae = page.get_by_label("Votre CAE")
    cae.select_option(cae.locator("option", has_text=MANAGER_CAE).get_attribute("value"))
    page.get_by_role("radio", name=re.compile("associé·e")).check()
    page.get_by_role("button", name="Créer mon compte").click()


def sign_up_with_keyboard(page, first: str, last: str, email: str) -> None:
    page.goto("/inscription")
    for label, value in (
        ("Prénom", first),
        ("Nom", last),
        ("Adresse e-mail", email),
        ("Mot de passe", DEMO_PASSWORD),
        ("Confirmez le mot de passe", DEMO_PASSWORD),
    ):
        tab_to(page, page.get_by_label(label, exact=True))
        page.keyboard.type(value)
    tab_to(page, page.get_by_label("Votre CAE"))
    page.keyboard.type("Coop")  # a select chooses by the first letters typed
    expect(page.get_by_label("Votre CAE").locator("option:checked")).to_contain_text(MANAGER_CAE)
    tab_to(page, page.locator("input[name=status]:checked"))  # Tab reaches the checked radio
    page.keyboard.press("ArrowDown")  # arrows move the choice
    expect(page.get_by_role("radio", name=re.compile("associé·e"))).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Créer mon compte"))
    page.keyboard.press("Enter")


def verify_as_manager(as_person, first: str, last: str) -> None:
    page = as_person(MANAGER)
    page.goto("/gestion")
    page.get_by_role("link", name=re.compile("à vérifier|en attente", re.I)).first.click()
    row = page.get_by_role("row").filter(has_text=f"{first} {last}")
    row.get_by_role("button", name=re.compile("Vérifier")).click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.context.close()


def build_profile_with_mouse(page, trade: str) -> None:
    page.goto("/profils/moi")
    page.get_by_label("Accroche").fill(f"Artisane {trade} en atelier partagé")
    skill = page.get_by_label("Compétence 1", exact=True)
    skill.press_sequentially("rénovation éner", delay=30)
    expect(page.locator("#skill-suggestions option").first).to_have_attribute(
        "value", re.compile("Rénovation énergétique", re.I)
    )
    skill.fill(page.locator("#skill-suggestions option").first.get_attribute("value"))
    page.locator("select[name='skills-0-level']").select_option("3")
    page.get_by_label(re.compile("membres de toutes les CAE")).check()
    page.get_by_role("button", name="Enregistrer mon profil").click()


def build_profile_with_keyboard(page, trade: str) -> None:
    page.goto("/profils/moi")
    tab_to(page, page.get_by_label("Accroche"))
    page.keyboard.type(f"Artisane {trade} en atelier partagé")
    tab_to(page, page.get_by_label("Compétence 1", exact=True))
    page.keyboard.type("rénovation éner", delay=30)
    expect(page.locator("#skill-suggestions option").first).to_have_attribute(
        "value", re.compile("Rénovation énergétique", re.I)
    )
    page.keyboard.type("gétique")
    page.keyboard.press("Tab")  # the level
    page.keyboard.press("ArrowDown")
    tab_to(page, page.get_by_label(re.compile("membres de toutes les CAE")))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Enregistrer mon profil"))
    page.keyboard.press("Enter")


def journey(contexts, as_person, viewport: str, how: str) -> None:
    first, last = NAMES[how, viewport]
    trade = TRADES[how, viewport]
    email = f"{first.lower()}.{last.lower()}@example.org".replace("ï", "i").replace("é", "e")
    page = contexts().new_page()
    (sign_up_with_mouse if how == "mouse" else sign_up_with_keyboard)(page, first, last, email)
    expect(page.get_by_role("status").first).to_contain_text("vérification")

    verify_as_manager(as_person, first, last)

    page.reload()
    expect(page.get_by_text("en attente de vérification")).to_have_count(0)
    (build_profile_with_mouse if how == "mouse" else build_profile_with_keyboard)(page, trade)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{first} {last}")
    expect(page.get_by_text("Rénovation énergétique").first).to_be_visible()

    # A member of another CAE of the network finds the new profile by its trade.
    searcher = as_person(COLLEAGUE)
    searcher.goto("/")
    header_search = searcher.locator("#header-q")
    header_search.fill(trade)
    header_search.press("Enter")
    expect(searcher.get_by_role("heading", level=1)).to_be_visible()
    result = searcher.get_by_role("link", name=f"{first} {last}")
    expect(result).to_be_visible()
    result.click()
    expect(searcher.get_by_role("heading", level=1)).to_contain_text(f"{first} {last}")


def test_sign_up_verify_profile_search_with_the_mouse(contexts, as_person, viewport):
    journey(contexts, as_person, viewport, "mouse")


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_sign_up_verify_profile_search_with_the_keyboard(contexts, as_person, viewport):
    journey(contexts, as_person, viewport, "keyboard")
