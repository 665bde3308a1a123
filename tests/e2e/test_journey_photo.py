"""Journey: a member gives their profile a photo and a period of unavailability, on a desktop
and on a phone, and the profile shows both (the photo, the calendar) without accessibility
violations; then the photo is removed and the initials come back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from e2e_helpers import COLLEAGUE, PARTNER, axe_violations
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


def _delivered_record(live_server, title: str) -> tuple[int, int]:
    """Work Inès gave Bastien (two CAEs), delivered: (record id, Bastien's profile id)."""
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.subcontracting.records import propose_subcontract, transition
    from marketplace.subcontracting.schemas import SubcontractInput

    with live_server.app.app_context():
        ines = db.session.scalar(select(User).where(User.email == COLLEAGUE))
        bastien = db.session.scalar(select(User).where(User.email == PARTNER))
        record = propose_subcontract(ines, SubcontractInput.load({
            "title": title, "subcontractor_profile_id": bastien.profile.id,
            "amount_cents": 240_000, "vat_regime": "reverse_charge",
        }))  # fmt: skip
        for to in ("accepted", "in_progress", "delivered"):
            transition(bastien, record, to)
        db.session.commit()
        ids = record.id, bastien.profile.id
        db.session.remove()
    return ids


def test_verified_work_a_recommendation_and_an_expired_certification(
    as_person, live_server, viewport
):
    title = f"Charpente du préau ({viewport})"
    record_id, profile_id = _delivered_record(live_server, title)
    ines = as_person(COLLEAGUE)
    ines.goto(f"/sous-traitances/{record_id}")
    ines.get_by_label("Afficher ce travail sur mon profil comme vérifié par Essaim").check()
    ines.get_by_role("button", name="Enregistrer mon choix").click()
    expect(ines.get_by_role("status").first).to_contain_text("Votre choix est enregistré.")
    ines.get_by_label("Votre recommandation").fill("Une charpente solide, livrée à l’heure.")
    ines.get_by_role("button", name="Publier la recommandation").click()
    expect(ines.get_by_role("status").first).to_contain_text("Votre recommandation figure")

    bastien = as_person(PARTNER, bypass_csp=True)  # axe-core is injected inline
    bastien.goto(f"/profils/{profile_id}")
    # Only Inès agreed: no verified work yet; the recommendation is there, with its author.
    expect(bastien.locator("#verified-references .reference", has_text=title)).to_have_count(0)
    recommendation = bastien.locator(".recommendation", has_text=title)
    expect(recommendation).to_contain_text("Une charpente solide, livrée à l’heure.")
    expect(recommendation).to_contain_text("Inès Collègue")

    bastien.goto(f"/sous-traitances/{record_id}")
    expect(bastien.get_by_text("L’autre partie accepte de l’afficher.")).to_be_visible()
    bastien.get_by_label("Afficher ce travail sur mon profil comme vérifié par Essaim").check()
    bastien.get_by_role("button", name="Enregistrer mon choix").click()
    expect(bastien.get_by_role("status").first).to_contain_text("Votre choix est enregistré.")

    bastien.goto("/profils/moi")
    bastien.get_by_label("Certifications").fill("RGE jusqu’au 01/01/2026\nQualibois")
    bastien.get_by_role("button", name="Enregistrer mon profil").click()
    verified = bastien.locator("#verified-references")
    expect(verified).to_contain_text("vérifié par Essaim")
    expect(verified).to_contain_text(title)
    expect(verified).not_to_contain_text("2 400")  # no amount: neither allowed it
    expect(bastien.get_by_text("expirée le 01/01/2026")).to_be_visible()
    assert axe_violations(bastien) == []

    recommendation = bastien.locator(".recommendation", has_text=title)
    recommendation.get_by_role("button", name="La masquer").click()
    expect(bastien.get_by_role("status").first).to_contain_text("masquée sur votre profil")
    recommendation = bastien.locator(".recommendation", has_text=title)
    expect(recommendation).to_contain_text("vous seul·e la voyez")
    recommendation.get_by_role("button", name="L’afficher de nouveau").click()
    expect(bastien.get_by_role("status").first).to_contain_text("de nouveau affichée")
