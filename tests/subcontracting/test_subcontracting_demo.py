"""The demo's records follow the rules: internal work without VAT ends transferred; invoices
between CAEs take the VAT regime of their trade and carry a number."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.demo import load_demo
from marketplace.demo.subcontracting import OFFERS, TRADE_REGIMES, WORKS
from marketplace.extensions import db
from marketplace.subcontracting.models import Offer, Subcontract
from marketplace.text import fold


def test_demo_records_follow_the_vat_rules(app):
    load_demo(count=60)
    db.session.commit()
    records = list(db.session.scalars(select(Subcontract)))
    trades = {title: trade for title, _e, trade in WORKS}
    trades.update({offer[0]: offer[5] for offer in OFFERS})
    internal = [r for r in records if r.internal]
    invoices = [r for r in records if not r.internal]
    assert internal and invoices
    for record in internal:
        assert record.client_cae_id == record.subcontractor_cae_id
        assert (record.vat_regime, record.vat_rate, record.invoice_number) == (None, None, None)
        assert record.status not in ("invoiced", "paid")
    assert any(r.status == "transferred" for r in internal)
    for record in invoices:
        assert record.client_cae_id != record.subcontractor_cae_id
        assert record.vat_regime == TRADE_REGIMES[trades[record.title]], record.title
        assert (record.vat_rate is None) == (record.vat_regime != "standard")
        if record.status in ("invoiced", "paid"):
            assert record.invoice_number and record.invoice_date
    regimes = {r.vat_regime for r in invoices}
    assert "standard" in regimes and len(regimes) >= 2
    numbers = [(r.subcontractor_cae_id, r.invoice_number) for r in invoices if r.invoice_number]
    assert numbers and len(numbers) == len(set(numbers))


def test_demo_offers_ask_for_competences_that_fit_their_titles(app):
    """Each offer asks for the competences its title names (not its author's own trade)."""
    load_demo(count=60)
    db.session.commit()
    needs = select(Offer).where(Offer.kind == "need")  # the replacement has its own test
    offers = {offer.title: offer for offer in db.session.scalars(needs)}
    assert set(offers) == {row[0] for row in OFFERS}
    assert offers["Traduction d'un catalogue en anglais"].skill_names == ["Traduction"]
    assert "Électricité" in offers["Un·e électricien·ne pour 3 jours"].skill_names
    for title, *_rest, skills in OFFERS:
        assert sorted(offers[title].skill_names) == sorted(skills), title


def test_each_demo_offer_s_title_names_a_competence_it_asks_for():
    """A reader sees from the title what trade is asked: a word of one of its competences (its
    first six letters, « photograph » for « Photographe ») stands in the title."""
    for title, *_rest, skills in OFFERS:
        words = {w[:6] for skill in skills for w in fold(skill).replace("-", " ").split()
                 if len(w) >= 6}  # fmt: skip
        assert any(stem in fold(title) for stem in words), (title, skills)
