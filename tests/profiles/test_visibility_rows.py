"""visibility.profile_row_predicate gives the answers of profile_row_visible, for every kind of
reader and every kind of row (it is what the tender suggestions use on thousands of rows)."""

from __future__ import annotations

import itertools

import marketplace.models  # noqa: F401  (every mapper, for User())
from marketplace.accounts.models import Anonymous, User
from marketplace.visibility import profile_row_predicate, profile_row_visible


def readers() -> list:
    people = [Anonymous()]
    for role, membership, active, cae_id in itertools.product(
        ("member", "manager", "admin"), ("verified", "pending"), (True, False), (1, 2, None)
    ):
        people.append(
            User(id=10, role=role, membership=membership, is_active=active, cae_id=cae_id)
        )
    return people


def test_the_row_predicate_agrees_with_the_rule_everywhere():
    rows = list(
        itertools.product(
            (10, 11),  # the reader's own profile, someone else's
            (1, 2, None),  # the owner's CAE
            ("public", "network", "cae"),
            (True, False),  # the owner is vouched for
        )
    )
    checked = 0
    for reader in readers():
        visible = profile_row_predicate(reader)
        for row in rows:
            assert visible(*row) == profile_row_visible(reader, *row), (reader, row)
            checked += 1
    assert checked == 37 * 36  # every reader (anonymous and 36 accounts) against every row
