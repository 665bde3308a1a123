"""Journey 6: find a person → write to them → they read and answer on a phone → read the reply."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import MEMBER, PARTNER, VIEWPORTS
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_find_write_and_read_the_reply_on_a_phone(as_person, viewport):
    if viewport != "phone":
        pytest.skip("the journey reads the reply on a phone")
    subject = f"Ossature bois ({viewport})"
    writer = as_person(MEMBER)
    writer.goto("/recherche?q=charpente")
    result = writer.locator(".result").filter(has_text="Bastien Partenaire").first
    result.get_by_role("link", name="Contacter").click()
    expect(writer.get_by_role("heading", level=1)).to_contain_text("Bastien Partenaire")
    writer.get_by_label("Objet").fill(subject)
    writer.get_by_label("Message").fill(
        "Bonjour, seriez-vous disponible en mars ? https://exemple.fr"
    )
    writer.get_by_role("button", name="Envoyer").click()
    expect(writer.locator(".message-body").first).to_contain_text("disponible en mars")

    reader = as_person(PARTNER)
    assert reader.viewport_size == VIEWPORTS["phone"]
    reader.goto("/")
    reader.get_by_role("link", name=re.compile("Messages")).click()
    expect(reader.locator(".conversation-unread")).to_have_count(1)
    reader.locator(".conversation-unread a").first.click()
    expect(reader.locator(".message-body").first).to_contain_text("disponible en mars")
    expect(reader.get_by_role("link", name="https://exemple.fr")).to_be_visible()
    reader.get_by_label("Votre réponse").fill("Oui, à partir du 10 mars.")
    reader.get_by_role("button", name="Envoyer").click()
    expect(reader.locator(".message-mine").last).to_contain_text("à partir du 10 mars")
    width = reader.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"]

    writer.goto("/messages")
    writer.locator(".conversation-unread a").first.click()
    expect(writer.locator(".message-body").last).to_contain_text("à partir du 10 mars")
