"""What a phone shows, and what looks clickable: the search page puts its results first with
the facets folded in « Filtrer »; one search box whose placeholder fits; wide tables scroll
with a visible cue; notifications look like links."""

from __future__ import annotations

import pytest
from e2e_helpers import ADMIN, MEMBER
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import Notification

pytestmark = pytest.mark.e2e

#: The width the placeholder of a search box takes, against the room inside the box.
PLACEHOLDER_FITS = """(input) => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(input.placeholder).width <= room;
}"""


def test_search_page(as_person, viewport):
    page = as_person(MEMBER)
    page.goto("/recherche?q=renovation")
    boxes = page.locator("input[type=search][name=q]")
    expect(boxes).to_have_count(1)  # the header's box is not repeated on the search page
    assert boxes.evaluate(PLACEHOLDER_FITS)
    panel = page.locator("details.filters-panel")
    expect(panel.locator("summary")).to_contain_text("Filtrer")
    results = page.locator(".result-list .result").first
    if viewport == "phone":
        assert panel.get_attribute("open") is None
        expect(page.locator(".facet-list").first).to_be_hidden()
        # folded, the panel is one line above the results, which fill the first screen
        assert results.bounding_box()["y"] < 812
        panel.locator("summary").click()
        expect(page.locator(".facet-list").first).to_be_visible()
    else:
        assert panel.get_attribute("open") is not None
        expect(page.locator(".facet-list").first).to_be_visible()


def test_the_header_search_placeholder_fits(as_person, viewport):
    page = as_person(MEMBER)
    page.goto("/offres")
    box = page.locator("#header-q")
    assert box.evaluate(PLACEHOLDER_FITS)


def test_notifications_look_clickable(as_person, live_server):
    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        text = "Une offre vous correspond : Pose de menuiseries"
        db.session.add(
            Notification(user_id=member.id, kind="alert_match", text=text, url="/offres")
        )
        db.session.commit()
    page = as_person(MEMBER)
    page.goto("/notifications")
    link = page.locator(".notification-link").first
    expect(link).to_be_visible()
    assert "underline" in link.evaluate("(el) => getComputedStyle(el).textDecorationLine")
    assert link.evaluate("(el) => getComputedStyle(el).cursor") == "pointer"


def test_wide_tables_scroll_with_a_cue(as_person, viewport):
    page = as_person(ADMIN)
    page.goto("/gestion/comptes")
    wrap = page.locator(".table-wrap").first
    shadows = wrap.evaluate("(el) => getComputedStyle(el).backgroundImage")
    assert shadows.count("radial-gradient") == 2
    if viewport == "phone":
        assert wrap.evaluate("(el) => el.scrollWidth > el.clientWidth")
