"""Amounts typed in the forms: what people write is read, anything else is refused in words."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.formatting import parse_euros
from marketplace.subcontracting.models import Offer
from tests.subcontracting.test_subcontracting_pages import OFFER_FORM, as_user


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("1 234,56", 123456),
        ("1\u202f234,56 €", 123456),
        ("1234.5", 123450),
        ("450", 45000),
        ("0,50", 50),
        (",5", 50),
        ("12,", 1200),
        ("-3", -300),
        ("", None),
    ],
)
def test_amounts_as_people_write_them(typed, cents):
    assert parse_euros(typed) == cents


@pytest.mark.parametrize(
    "typed", ["1e5", "1E3", "1_000", "٤٥٠", "NaN", "Infinity", "1.234,56", "12,345", "0x10", "--3"]
)
def test_other_writings_are_not_amounts(typed):
    with pytest.raises(ValueError):
        parse_euros(typed)


def test_an_exponent_in_a_form_is_refused_and_kept(app, login, people):
    owner = as_user(app, login, people["users"]["client"])
    page = owner.post("/offres/nouvelle", data={**OFFER_FORM, "budget": "1e5"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Indiquez un montant en euros" in text
    assert 'value="1e5"' in text and OFFER_FORM["title"] in text
    assert db.session.query(Offer).count() == 0
