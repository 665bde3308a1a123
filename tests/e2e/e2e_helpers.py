"""Constants and helpers of the end-to-end tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=fr-FR",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}

DEMO_PASSWORD = "Essaim-Demo-2026"
MEMBER = "membre@essaim.demo"
MANAGER = "gestion@essaim.demo"
MANAGER_CAE = "Coopérative Rhône Activités"  # the CAE of MANAGER and MEMBER
ADMIN = "admin@essaim.demo"
#: Accounts the tests add beside the demo ones (same password); see _extra_accounts.
COLLEAGUE = "ines.collegue@example.org"  # verified, in the member's CAE
PARTNER = "bastien.partenaire@example.org"  # verified, in another CAE


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core on the page; the serious and critical violations, one line each."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']}
        })"""
    )
    lines = []
    for violation in result["violations"]:
        if violation["impact"] in impacts:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            lines.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return lines


FOCUS_VISIBLE = """el => {
    const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab until the locator has the focus (the keyboard alone, as a person would).

    The element reached must show where the focus is (an outline of at least 2 px).
    """
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("el => el === document.activeElement", handle):
            assert page.evaluate(FOCUS_VISIBLE, handle), f"no visible focus on {locator}"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} not reached with Tab in {limit} presses")


def open_menu(page) -> None:
    """At phone width the navigation folds into a « Menu » disclosure: open it."""
    menu = page.locator("details.menu")
    if menu.get_attribute("open") is None and menu.locator("summary").is_visible():
        menu.locator("summary").click()
