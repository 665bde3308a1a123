"""Destructive actions say so (a danger button) and are confirmed before they happen.

With JavaScript, a <dialog> asks (the form's data-confirm, tests/e2e); without it, the post
answers a page that asks, holding every field of the form, and only « yes » there acts.
"""

from __future__ import annotations

import re

from marketplace.accounts.models import User
from marketplace.collectives import operations as collective_ops
from marketplace.extensions import db
from marketplace.subcontracting.models import Offer
from marketplace.subcontracting.operations import create_offer
from marketplace.tenders.models import Tender
from tests.tenders.test_tenders import post_tender


def asked(html: str, question: str, button: str) -> bool:
    """The page asks `question`, with a danger button `button` posting confirmed=1."""
    return (
        question in html
        and re.search(
            rf'<button type="submit" class="button button-danger">{button}</button>', html
        )
        is not None
        and 'name="confirmed" value="1"' in html
    )


def marked(html: str, action: str) -> bool:
    """The page's form for `action` carries the question for the dialog."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>', html)
    return form is not None and "data-confirm=" in form[0]


def test_closing_an_offer_without_accepting(client, login, make_user):
    owner = make_user()
    offer = create_offer(owner, {"title": "Renfort", "audience": "network"})
    db.session.commit()
    login(owner)
    url = f"/offres/{offer.id}/fermer"
    page = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert marked(page, url)
    assert re.search(r'class="button button-danger">Fermer cette offre sans accepter', page)
    question = client.post(url).get_data(as_text=True)
    assert asked(
        question, "Fermer cette offre sans accepter de réponse\u202f?", "Fermer sans accepter"
    )
    assert db.session.get(Offer, offer.id).status == "open"
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    assert db.session.get(Offer, offer.id).status == "closed"


def test_leaving_a_collective(client, login, make_user):
    creator, member = make_user(), make_user()
    collective = collective_ops.create_collective(
        creator, {"name": "Rénovateurs", "audience": "network", "join_policy": "open"}
    )
    collective_ops.join(member, collective)
    db.session.commit()
    login(member)
    url = f"/collectifs/{collective.id}/quitter"
    page = client.get(f"/collectifs/{collective.id}").get_data(as_text=True)
    assert marked(page, url) and "button button-danger button-small" in page
    question = client.post(url).get_data(as_text=True)
    assert asked(
        question, "Quitter le collectif «\u00a0Rénovateurs\u00a0»\u202f?", "Quitter le collectif"
    )
    assert f'href="/collectifs/{collective.id}"' in question  # « Revenir en arrière »
    assert collective_ops.membership_of(collective, member) is not None
    client.post(url, data={"confirmed": "1"})
    assert collective_ops.membership_of(collective, member) is None


def test_cancelling_a_tender_but_not_other_moves(client, login, make_user):
    owner = make_user()
    tender = post_tender(owner)
    login(owner)
    url = f"/appels-d-offres/{tender.id}/statut"
    page = client.get(f"/appels-d-offres/{tender.id}").get_data(as_text=True)
    assert 'data-confirm="Annuler cet appel d’offres' in page
    question = client.post(url, data={"to": "cancelled"}).get_data(as_text=True)
    assert 'name="to" value="cancelled"' in question  # the form's own fields are posted again
    assert db.session.get(Tender, tender.id).status == "open"
    assert client.post(url, data={"to": "cancelled", "confirmed": "1"}).status_code == 302
    assert db.session.get(Tender, tender.id).status == "cancelled"


def test_a_stranger_gets_the_refusal_not_the_question(client, login, make_user):
    owner, stranger = make_user(), make_user()
    tender = post_tender(owner)
    login(stranger)
    answer = client.post(f"/appels-d-offres/{tender.id}/statut", data={"to": "cancelled"})
    assert answer.status_code == 403


def test_promoting_to_administrator_but_not_to_manager(client, login, make_cae, make_user):
    cae = make_cae()
    admin, person = make_user(role="admin"), make_user(cae)
    login(admin)
    url = f"/gestion/comptes/{person.id}/role"
    page = client.get("/gestion/comptes").get_data(as_text=True)
    assert marked(page, url) and 'data-confirm-value="admin"' in page
    question = client.post(url, data={"role": "admin"}).get_data(as_text=True)
    assert asked(question, "Faire de", "Nommer administrateur·rice")
    assert db.session.get(User, person.id).role == "member"
    assert client.post(url, data={"role": "manager"}).status_code == 302  # no question
    assert client.post(url, data={"role": "admin", "confirmed": "1"}).status_code == 302
    assert db.session.get(User, person.id).role == "admin"
