"""Journey 8: an imported public notice (the demo's BOAMP notices) becomes a member's team
tender in two clicks from the « Avis publics » tab: the notice, then « Monter une équipe »."""

from __future__ import annotations

import pytest
from e2e_helpers import COLLEAGUE, PARTNER
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

#: One member and one notice per width (a member builds one team per notice).
CASES = {
    "desktop": (COLLEAGUE, "Formation des agents à l'accueil des publics et à la prévention"),
    "phone": (PARTNER, "Rénovation énergétique de l'école maternelle Jules-Ferry"),
}


def test_a_public_notice_becomes_a_team_tender_in_two_clicks(as_person, viewport):
    email, words = CASES[viewport]
    page = as_person(email)
    clicks = 0

    def click(locator) -> None:
        nonlocal clicks
        locator.click()
        clicks += 1

    page.goto("/appels-d-offres?source=boamp")
    expect(page.get_by_role("link", name="Avis publics")).to_have_attribute("aria-current", "page")
    click(page.get_by_role("link", name=words).first)
    expect(page.get_by_role("heading", level=1)).to_contain_text(words)
    notice_url = page.url
    click(page.get_by_role("button", name="Monter une équipe"))

    assert clicks == 2
    expect(page.get_by_role("heading", level=1)).to_contain_text(words)
    assert page.url != notice_url
    main = page.get_by_role("main")
    expect(main).to_contain_text("boamp.fr")  # the link to the notice, copied
    expect(page.get_by_role("link", name="Modifier", exact=False).first).to_be_visible()
    page.goto(notice_url)  # the notice now leads to the member's own tender
    expect(page.get_by_role("link", name="Ouvrir l’appel d’offres de mon équipe")).to_be_visible()
