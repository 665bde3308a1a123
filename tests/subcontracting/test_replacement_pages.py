"""Replacement requests in the pages: the form keeps what was typed, the request says it is
urgent, the candidates are ranked by availability, each side says how it went."""

from __future__ import annotations

import re
from datetime import timedelta

from marketplace.extensions import db
from marketplace.profiles.availability import today
from marketplace.subcontracting.models import Offer, OfferResponse, Subcontract

#: The replacement chosen among the kinds of the form.
CHECKED = re.compile(r'<input checked[^>]*value="replacement"')


def _day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def form(**fields) -> dict[str, str]:
    return {
        "kind": "replacement",
        "title": "Remplacement pendant mon arrêt maladie",
        "description": "Suivi de deux chantiers.",
        "skills": "Isolation thermique",
        "city": "Lyon",
        "department": "69",
        "starts_on": _day(1),
        "ends_on": _day(4),
        "workload": "2 jours par semaine",
        "client_contact": "y",
        "budget": "",
        "audience": "network",
        **fields,
    }


def as_user(app, login, user):
    c = app.test_client()
    login(user, the_client=c)
    return c


def test_the_form_keeps_what_was_typed_when_the_period_is_missing(app, login, people):
    owner = as_user(app, login, people["users"]["client"])
    page = owner.get("/offres/nouvelle?type=remplacement").get_data(as_text=True)
    assert CHECKED.search(page)
    refused = owner.post("/offres/nouvelle", data=form(starts_on="", ends_on=""))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Un remplacement a besoin de son premier et de son dernier jour." in html
    assert 'value="2 jours par semaine"' in html
    assert 'value="Remplacement pendant mon arrêt maladie"' in html
    assert CHECKED.search(html)
    assert db.session.query(Offer).count() == 0


def test_ask_answer_choose_and_say_how_it_went(app, login, people):
    u = people["users"]
    owner = as_user(app, login, u["client"])
    colleague = as_user(app, login, u["colleague"])
    partner = as_user(app, login, u["sub"])

    posted = owner.post("/offres/nouvelle", data=form())
    assert posted.status_code == 302, posted.get_data(as_text=True)
    offer = db.session.query(Offer).one()
    assert offer.kind == "replacement" and offer.client_contact and offer.urgent

    listing = colleague.get("/offres").get_data(as_text=True)
    assert "Urgent" in listing and "Remplacement" in listing
    page = colleague.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "badge-urgent" in page and "2 jours par semaine" in page
    assert "traite directement avec les clients" in page

    sent = colleague.post(f"/offres/{offer.id}/reponses", data={"message": "Oui", "price": "700"})
    assert sent.status_code == 302
    partner.post(f"/offres/{offer.id}/reponses", data={"message": "Moi", "price": "600"})
    owner_page = owner.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "Disponibilité sur la période" in owner_page
    mine = db.session.query(OfferResponse).filter_by(responder_profile_id=u["colleague"].profile.id)
    accepted = owner.post(f"/offres/{offer.id}/reponses/{mine.one().id}/accepter", data={})
    assert accepted.status_code == 302
    record = db.session.query(Subcontract).one()
    assert record.kind == "internal"

    # Not before the last day.
    early = colleague.post(f"/offres/{offer.id}/bilan", data={"went_well": "yes"})
    assert early.status_code == 409
    assert "dernier jour" in early.get_data(as_text=True)
    db.session.get(Offer, offer.id).ends_on = today()
    db.session.get(Offer, offer.id).starts_on = today() - timedelta(days=3)
    db.session.commit()
    assert "Cela s’est bien passé" in colleague.get(f"/offres/{offer.id}").get_data(as_text=True)
    said = colleague.post(f"/offres/{offer.id}/bilan", data={"went_well": "no"})
    assert said.status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).replacement_outcome is False
    assert "Cela s’est bien passé" not in colleague.get(f"/offres/{offer.id}").get_data(
        as_text=True
    )
    stranger = partner.post(f"/offres/{offer.id}/bilan", data={"went_well": "yes"})
    assert stranger.status_code == 403
