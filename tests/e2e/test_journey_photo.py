"""Journey: a member gives their profile a photo and a period of unavailability, on a desktop
and on a phone, and the profile shows both (the photo, the calendar) without accessibility
violations; then the photo is removed and the initials come back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from e2e_helpers import COLLEAGUE, axe_violations
from playwright.sync_api import expect

from marketplace.demo.photos import portrait
from marketplace.timeutil import to_paris, utcnow

pytestmark = pytest.mark.e2e


def test_a_photo_and_a_calendar_on_the_profile(as_person, tmp_path):
    page = as_person(COLLEAGUE, bypass_csp=True)  # axe-core is injected inline
    picture = tmp_path / "moi.png"
    picture.write_bytes(portrait("journey"))
    start = to_paris(utcnow()).date() + timedelta(days=2)
    end = start + timedelta(days=5)

    page.goto("/profils/moi")
    page.locator("input#photo").set_input_files(str(picture))
    page.get_by_role("button", name="Envoyer la photo").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre photo est enregistrée.")
    photo = page.locator("img.avatar").first
    expect(photo).to_be_visible()
    # The picture is fetched after the page: wait until the browser has decoded it.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert page.evaluate("img => img.naturalWidth", photo.element_handle()) == 320

    page.get_by_label("Du (période 1)").fill(start.isoformat())
    page.get_by_label("Au (inclus) (période 1)").fill(end.isoformat())
    page.get_by_label("Note (période 1)").fill("Chantier à l’étranger")
    page.get_by_role("button", name="Enregistrer mon profil").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inès Collègue")
    expect(page.locator("img.avatar").first).to_be_visible()
    period = f"Indisponible du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    expect(page.get_by_text(re.compile(re.escape(period)))).to_be_visible()
    expect(page.locator("table.month").first).to_be_visible()
    assert axe_violations(page) == []

    page.goto("/profils/moi")
    page.get_by_role("button", name="Retirer la photo").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre photo est retirée.")
    expect(page.locator(".avatar-initials").first).to_have_text("IC")
