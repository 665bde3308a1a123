"""`make screenshots`: refresh docs/screenshots/ (desktop and phone PNGs of the main pages).

Skipped in the ordinary runs; E2E_SCREENSHOTS=1 (set by the make target) turns it on.
"""

from __future__ import annotations

import os

import pytest
from e2e_helpers import MANAGER, MEMBER, ROOT

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.environ.get("E2E_SCREENSHOTS"), reason="screenshots: run `make screenshots`"
    ),
]
FOLDER = ROOT / "docs" / "screenshots"
PAGES = (
    # (file name, who, path)
    ("home", None, "/"),
    ("sign-up", None, "/inscription"),
    ("search", MEMBER, "/recherche?q=r%C3%A9novation"),
    ("profile", MEMBER, "/profils/{profile}"),
    ("collectives", MEMBER, "/collectifs"),
    ("collective", MEMBER, "/collectifs/{collective}"),
    ("tenders", MEMBER, "/appels-d-offres"),
    ("tender", MEMBER, "/appels-d-offres/{tender}"),
    ("offers", MEMBER, "/offres"),
    ("subcontracts", MEMBER, "/sous-traitances"),
    ("figures", MANAGER, "/caes/{cae}/chiffres"),
)


def test_screenshots(contexts, demo_ids, viewport):
    FOLDER.mkdir(parents=True, exist_ok=True)
    pages = {None: contexts().new_page()}
    for name, who, path in PAGES:
        if who not in pages:
            pages[who] = contexts().sign_in(who)
        page = pages[who]
        page.goto(path.format(**demo_ids))
        page.screenshot(path=str(FOLDER / f"{name}-{viewport}.png"), animations="disabled")
