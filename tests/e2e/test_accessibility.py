"""axe-core on every main page, at desktop and phone width: no serious or critical violation.

Also the basics axe does not judge: one h1, lang="fr", a page title naming the site.
"""

from __future__ import annotations

import pytest
from e2e_helpers import MANAGER, MEMBER, axe_violations

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = {
    "home": "/",
    "sign-in": "/connexion",
    "sign-up": "/inscription",
    "search": "/recherche?q=renovation",
    "tenders": "/appels-d-offres",
    "collectives": "/collectifs",
    "offers": "/offres",
}
MEMBER_PAGES = {
    "profile": "/profils/{profile}",
    "profile-edit": "/profils/moi",
    "collective": "/collectifs/{collective}",
    "tender": "/appels-d-offres/{tender}",
    "offer": "/offres/{offer}",
    "subcontracts": "/sous-traitances",
    "subcontract": "/sous-traitances/{subcontract}",
    "notifications": "/notifications",
    "messages": "/messages",
    "write": "/messages/nouveau?profil={profile}",
}
MANAGER_PAGES = {
    "figures": "/caes/{cae}/chiffres",
    "members": "/gestion/caes/{cae}/membres",
}


def check_page(page, path: str) -> list[str]:
    response = page.goto(path)
    problems = []
    if response.status != 200:
        problems.append(f"status {response.status}")
    if page.locator("h1").count() != 1:
        problems.append(f"{page.locator('h1').count()} h1")
    if page.locator("html").get_attribute("lang") != "fr":
        problems.append("html lang is not fr")
    if not page.title().endswith("· Essaim") or (page.title() == "Essaim · Essaim" and path != "/"):
        problems.append(f"title {page.title()!r}")
    problems += axe_violations(page)
    return [f"{path}: {p}" for p in problems]


@pytest.mark.parametrize("who", ["anonymous", "member", "manager"])
def test_main_pages_pass_axe(contexts, demo_ids, who):
    # Injecting axe-core is an inline script, which the Content-Security-Policy refuses.
    watched = contexts(bypass_csp=True)
    if who == "anonymous":
        page, pages = watched.new_page(), PUBLIC_PAGES
    else:
        page = watched.sign_in(MEMBER if who == "member" else MANAGER)
        pages = MEMBER_PAGES if who == "member" else MANAGER_PAGES
    problems = []
    for path in pages.values():
        problems += check_page(page, path.format(**demo_ids))
    assert not problems, "\n".join(problems)
