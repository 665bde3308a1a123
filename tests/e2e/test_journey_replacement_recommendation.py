"""Journey on a phone: after a replacement whose record is delivered, the requester says it
went well, is led from the offer to the record's recommendation form and publishes one; the
list of offers narrows to replacements."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from e2e_helpers import COLLEAGUE, MEMBER
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

OPEN_REQUEST = "Remplacement pendant mes congés de février"
TITLE = "Remplacement terminé : suivi d’un chantier de toiture"


@pytest.fixture
def finished_replacement(live_server):
    """The member's replacement of last week, done by their colleague, record delivered; and
    an open request of theirs for February."""
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.profiles.availability import today
    from marketplace.subcontracting.operations import accept_response, create_offer, respond
    from marketplace.subcontracting.records import transition
    from marketplace.subcontracting.schemas import AcceptInput, OfferInput, OfferResponseInput

    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        colleague = db.session.scalar(select(User).where(User.email == COLLEAGUE))
        offer = create_offer(member, OfferInput.load({
            "kind": "replacement", "title": TITLE, "skills": ["Couverture"],
            "starts_on": today() - timedelta(days=6), "ends_on": today() - timedelta(days=1),
            "audience": "network",
        }))  # fmt: skip
        response = respond(
            colleague, offer, OfferResponseInput.load({"message": "Ok", "price_cents": 90000})
        )
        record = accept_response(member, offer, response.id, AcceptInput.load({}))
        for to in ("accepted", "in_progress", "delivered"):
            transition(colleague, record, to)
        create_offer(member, OfferInput.load({
            "kind": "replacement", "title": OPEN_REQUEST, "skills": ["Couverture"],
            "starts_on": today() + timedelta(days=60), "ends_on": today() + timedelta(days=70),
            "audience": "network",
        }))  # fmt: skip
        db.session.commit()
        yield offer.id


@pytest.mark.parametrize("viewport", ["phone"])
def test_went_well_then_recommend_the_replacement(as_person, viewport, finished_replacement):
    member = as_person(MEMBER)
    # The open request is among the replacements, not among the needs.
    member.goto("/offres?kind=replacement")
    expect(member.get_by_role("main")).to_contain_text(OPEN_REQUEST)
    expect(member.get_by_label("Nature")).to_have_value("replacement")
    member.goto("/offres?kind=need")
    expect(member.get_by_role("main")).not_to_contain_text(OPEN_REQUEST)

    member.goto(f"/offres/{finished_replacement}")
    member.get_by_role("button", name="Cela s’est bien passé").click()
    expect(member.get_by_role("status").first).to_be_visible()
    lead = member.locator("#recommend-next")
    expect(lead).to_contain_text("recommandez")
    lead.get_by_role("link", name="Rédiger une recommandation").click()
    expect(member).to_have_url(re.compile(r"/sous-traitances/\d+#recommend$"))
    member.get_by_label("Votre recommandation").fill(
        "Chantier repris au pied levé, clients rassurés : merci."
    )
    member.get_by_role("button", name="Publier la recommandation").click()
    expect(member.get_by_role("status").first).to_be_visible()

    member.goto(f"/offres/{finished_replacement}")
    expect(member.locator("#recommend-next")).to_contain_text("Vous avez recommandé")
