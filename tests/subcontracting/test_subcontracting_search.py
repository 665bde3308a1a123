"""Offers as a search document type: ranked, filtered, visible only to who may open them."""

from __future__ import annotations

from marketplace.accounts.models import Anonymous
from marketplace.extensions import db
from marketplace.search.indexer import get_indexer
from marketplace.search.service import search_documents
from marketplace.subcontracting.operations import (
    OfferFilters,
    accept_response,
    create_offer,
    respond,
    search_offers,
)


def _offer(owner, **fields):
    offer = create_offer(owner, {"audience": "network", **fields})
    db.session.commit()
    return offer.id


def ids(viewer, q, **filters) -> list[int]:
    return [o.id for o in search_offers(viewer, OfferFilters(q=q, **filters), 1, 20)[0]]


def test_search_ranks_filters_and_hides(people):
    u = people["users"]
    titled = _offer(u["client"], title="Plombier·e pour une salle de bains", department="69",
                    skills=["Plomberie"], audience="public")  # fmt: skip
    described = _offer(u["client"], title="Renfort chantier", description="un peu de plomberie",
                       department="44")  # fmt: skip
    hidden = _offer(u["client"], title="Plomberie interne", audience="cae")
    assert ids(u["sub"], "plomberie") == [titled, described]  # the title outweighs
    assert ids(u["sub"], "plombiers") == [titled, described]  # stemmed plural
    assert hidden in ids(u["colleague"], "plomberie")
    assert hidden not in ids(u["sub"], "plomberie")
    assert ids(Anonymous(), "plomberie") == [titled]
    assert ids(u["sub"], "plomberie", department="44") == [described]
    assert ids(u["sub"], "plomberie", skill="plomberie") == [titled]
    found = search_documents(Anonymous(), "offer", "plomberie")
    assert found.total == 1 and found.counts["department"] == {"69": 1}


def test_a_filled_offer_leaves_the_open_results(people):
    u = people["users"]
    offer_id = _offer(u["client"], title="Menuisier·e à Lyon")
    from marketplace.subcontracting.models import Offer

    offer = db.session.get(Offer, offer_id)
    response = respond(u["sub"], offer, {"message": "oui", "price_cents": 500})
    db.session.commit()
    assert [o.id for o in search_offers(u["sub"], OfferFilters(q="menuisier"), 1, 20)[0]] == [
        offer_id
    ]
    accept_response(u["client"], offer, response.id)
    db.session.commit()
    assert search_offers(u["sub"], OfferFilters(q="menuisier"), 1, 20) == ([], 0)
    everything = search_offers(u["sub"], OfferFilters(q="menuisier", status=None), 1, 20)
    assert [o.id for o in everything[0]] == [offer_id]


def test_rebuild_includes_offers(app, people):
    u = people["users"]
    offer_id = _offer(u["client"], title="Couvreur·se", audience="public")
    get_indexer().rebuild()
    assert [d for d, _s in search_documents(Anonymous(), "offer", "couvreur").ranked] == [offer_id]
