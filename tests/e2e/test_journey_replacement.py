"""Journey on a phone: on Monday morning a member who falls ill asks for an urgent replacement;
a member of the same collective (and CAE) hears of it at once, answers within the hour, is
chosen, and the work is recorded as internal work of their CAE (no invoice, no VAT)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from e2e_helpers import COLLEAGUE, MEMBER, open_menu
from playwright.sync_api import expect

from marketplace.subcontracting import models as offer_models
from marketplace.timeutil import PARIS, to_paris, utcnow

pytestmark = pytest.mark.e2e


def _monday_morning() -> datetime:
    """8:30 in Paris on the coming Monday (today when it is one), in UTC."""
    day = to_paris(utcnow()).date()
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(8, 30), tzinfo=PARIS).astimezone(offer_models.UTC)


@pytest.fixture
def same_collective(live_server):
    """The member and their colleague work together in a collective."""
    from sqlalchemy import select

    from marketplace.accounts.models import User
    from marketplace.collectives.membership import join
    from marketplace.collectives.operations import create_collective
    from marketplace.extensions import db

    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == MEMBER))
        colleague = db.session.scalar(select(User).where(User.email == COLLEAGUE))
        collective = create_collective(
            member, {"name": "Couvreurs du Rhône (remplacements)", "join_policy": "open"}
        )
        join(colleague, collective)
        db.session.commit()
        yield
        db.session.delete(db.session.get(type(collective), collective.id))
        db.session.commit()


@pytest.mark.parametrize("viewport", ["phone"])
def test_urgent_replacement_answered_accepted_internal_work(
    as_person, viewport, same_collective, monkeypatch
):
    monday = _monday_morning()
    monkeypatch.setattr(offer_models, "utcnow", lambda: monday)
    title = "Chantier de toiture à Villeurbanne cette semaine"
    member = as_person(MEMBER)
    member.goto("/")
    open_menu(member)
    member.get_by_role("link", name="Offres", exact=True).click()
    member.get_by_role("link", name="Demander un remplacement").click()
    expect(member.get_by_role("radio", name=re.compile("besoin d’un remplacement"))).to_be_checked()
    member.get_by_label("Titre", exact=True).fill(title)
    member.get_by_label("Description").fill(
        "Je suis arrêtée cette semaine ; deux clients attendent."
    )
    member.get_by_label("Compétences").fill("Couverture")
    member.get_by_label("Du", exact=True).fill(monday.date().isoformat())
    member.get_by_label("Au", exact=True).fill((monday.date() + timedelta(days=4)).isoformat())
    member.get_by_label("Quelle part du travail assurer").fill("2 chantiers, 4 jours")
    member.get_by_label("La personne qui me remplace traite directement avec mes clients").check()
    member.get_by_role("button", name="Publier l’offre").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(title)
    expect(member.locator(".badge-urgent")).to_have_text("Urgent")
    offer_url = member.url

    # Within the hour: the colleague reads the urgent notice on their phone and answers.
    colleague = as_person(COLLEAGUE)
    colleague.goto("/notifications")
    notice = colleague.get_by_role("button", name=re.compile(f"Remplacement urgent.*{title}"))
    expect(notice.first).to_be_visible()
    notice.first.click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text(title)
    expect(colleague.locator(".badge-urgent")).to_be_visible()
    colleague.get_by_label("Message").fill("Je peux prendre les deux chantiers dès ce midi.")
    colleague.get_by_label("Votre prix (€ HT)").fill("1600")
    colleague.get_by_role("button", name="Envoyer ma réponse").click()
    expect(colleague.get_by_role("status").first).to_be_visible()

    member.goto(offer_url)
    expect(member.get_by_role("main")).to_contain_text("Disponibilité sur la période")
    member.get_by_role("button", name="Accepter cette réponse").click()
    expect(member.get_by_role("status").first).to_be_visible()
    expect(member.get_by_role("main")).to_contain_text("transfert interne, sans TVA")

    colleague.goto("/sous-traitances")
    colleague.get_by_role("link", name=title).first.click()
    colleague.get_by_role("button", name="Accepter", exact=True).click()
    expect(colleague.get_by_role("status").first).to_be_visible()
    main = colleague.get_by_role("main")
    expect(main).to_contain_text("transfert interne, sans TVA")
    expect(main).to_contain_text(re.compile(r"1\s600,00\s€"))

    # The colleague's calendar shows the week as taken.
    colleague.goto(offer_url)
    colleague.get_by_role("link", name=re.compile("Inès")).first.click()
    expect(colleague.get_by_role("main")).to_contain_text(f"Remplacement : {title}")
