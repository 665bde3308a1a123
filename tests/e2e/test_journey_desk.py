"""The support team's desk in a real browser: a manager signs in on a phone, lands on the
dashboard, verifies two people at once, moves through the members tabs with the keyboard; the
CAE's figures page at 1280 px shows its tables whole."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import MANAGER, axe_violations, tab_to
from playwright.sync_api import expect


def _pending_people(live_server, names: list[str]) -> list[int]:
    """Two sign-ups awaiting the verification of the manager's CAE (as the sign-up form makes)."""
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.accounts.operations import create_account
    from marketplace.actors import SYSTEM
    from marketplace.extensions import db

    with live_server.app.app_context():
        manager = db.session.scalar(select(User).where(User.email == MANAGER))
        ids = []
        for name in names:
            user = create_account(
                SYSTEM,
                email=f"{name.lower()}.desk@example.org",
                first_name=name,
                last_name="Guichet",
                cae=manager.cae,
            )
            ids.append(user.id)
        db.session.commit()
        return ids


def _memberships(live_server, ids: list[int]) -> list[str]:
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.extensions import db

    with live_server.app.app_context():
        rows = db.session.scalars(select(User.membership).where(User.id.in_(ids)).order_by(User.id))
        return list(rows)


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_manager_works_from_the_desk_on_a_phone(as_person, live_server, viewport):
    ids = _pending_people(live_server, ["Zélie", "Yanis"])
    page = as_person(MANAGER, bypass_csp=True)  # axe-core is injected inline
    assert page.url.endswith("/gestion")  # not the public home page
    expect(
        page.get_by_role("heading", name=re.compile("En attente de vérification"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("approbation de la CAE"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Statuts à confirmer"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Échéances d’associé·e"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Chiffres de"))).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the dashboard is {width} px wide on a 375 px screen"
    assert axe_violations(page) == []

    page.get_by_label(re.compile("Zélie Guichet")).check()
    page.get_by_label(re.compile("Yanis Guichet")).check()
    page.get_by_role("button", name="Vérifier les personnes cochées").click()
    expect(page.get_by_role("status").first).to_contain_text("2 adhésions sont vérifiées")
    assert _memberships(live_server, ids) == ["verified", "verified"]
    expect(page.get_by_label(re.compile("Zélie Guichet"))).to_have_count(0)

    page.get_by_role("link", name=re.compile("Demandes en attente de vérification")).click()
    tabs = page.locator("nav.tabs a")
    expect(tabs).to_have_count(4)
    # The tabs stand in one row (waited for: under load the stylesheet may apply after the
    # links are there, and a list without it is a column).
    page.wait_for_function(
        """() => new Set([...document.querySelectorAll('nav.tabs a')]
                 .map(a => Math.round(a.getBoundingClientRect().top))).size === 1"""
    )
    expect(tabs.nth(0)).to_have_attribute("aria-current", "page")
    tab_to(page, tabs.nth(0))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Vérifié")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("etat=verified"))
    expect(page.locator("nav.tabs a[aria-current=page]")).to_contain_text("Vérifié")


@pytest.mark.parametrize("viewport", ["desktop"])
def test_the_figures_page_shows_its_tables_whole_at_1280(as_person, live_server, viewport):
    page = as_person(MANAGER, bypass_csp=True)  # axe-core is injected inline
    page.get_by_role("link", name=re.compile("^Chiffres de")).click()
    page.wait_for_url(re.compile("/chiffres"))
    expect(page.get_by_role("heading", name="Le travail mois par mois")).to_be_visible()
    expect(page.locator("section[aria-labelledby=months-title] svg")).to_be_visible()
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap')]
            .filter(w => w.scrollWidth > w.clientWidth + 1)
            .map(w => w.querySelector('table')?.className || w.textContent.slice(0, 40))"""
    )
    assert cut == [], f"tables cut off at 1280 px: {cut}"
    lit = page.locator("nav.nav-wide a[aria-current=page]")
    expect(lit).to_have_text("Gestion")
    assert axe_violations(page) == []
