"""Form layout in a real browser: radio choices without list bullets, the fields of a lot row
aligned on one line on a wide screen."""

from __future__ import annotations

import pytest
from e2e_helpers import MEMBER

pytestmark = pytest.mark.e2e


def test_radio_choices_have_no_bullets(as_person):
    page = as_person(MEMBER)
    page.goto("/appels-d-offres/nouveau")
    item = page.locator("li:has(> input[type=radio])").first
    assert item.evaluate("(li) => getComputedStyle(li).display") == "flex"
    assert item.evaluate("(li) => getComputedStyle(li.parentElement).listStyleType") == "none"


def test_the_fields_of_a_lot_row_line_up(as_person, viewport):
    page = as_person(MEMBER)
    page.goto("/appels-d-offres/nouveau")
    row = page.locator(".lot-row").first
    tops = {
        round(box["y"]) for box in (f.bounding_box() for f in row.locator("input, select").all())
    }
    assert len(row.locator("input, select").all()) == 5
    if viewport == "phone":
        assert len(tops) == 5, tops  # stacked on a phone
    else:
        assert max(tops) - min(tops) <= 6, tops  # a select and an input differ by a few pixels


def test_the_required_star_is_on_its_label_line(contexts):
    page = contexts().new_page()
    page.goto("/inscription")
    star = page.locator(".field > label + .required").first
    label = page.locator(".field > label:has(+ .required)").first
    assert abs(star.bounding_box()["y"] - label.bounding_box()["y"]) < 8
