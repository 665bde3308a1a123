"""A subcontract names the joint tender it came from only if that tender exists and the client
may see it; the database keeps the link true with a foreign key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.subcontracting.models import Subcontract
from marketplace.tenders.operations import create_tender
from marketplace.timeutil import utcnow
from tests import typography


def a_tender(owner, audience: str) -> int:
    tender = create_tender(
        owner,
        {
            "title": "Rénovation de la médiathèque",
            "buyer": {"name": "Ville de Lyon", "kind": "public"},
            "deadline": utcnow() + timedelta(days=5),
            "department": "69",
            "estimated_amount_cents": 5_000_000,
            "audience": audience,
            "lots": [{"number": 1, "title": "Isolation", "skills": ["Isolation thermique"]}],
        },
    )
    db.session.commit()
    return tender.id


def propose(client, headers, sub, tender_id):
    body = {
        "title": "Travaux",
        "amount_cents": 10_000,
        "subcontractor_profile_id": sub.profile.id,
        "tender_id": tender_id,
    }
    return client.post("/api/v1/subcontracts", json=body, headers=headers)


def test_a_visible_tender_is_linked(client, people):
    u, h = people["users"], people["h"]
    tender_id = a_tender(u["colleague"], "cae")
    answer = propose(client, h["client"], u["sub"], tender_id)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["tender_id"] == tender_id


@pytest.mark.parametrize("which", ["missing", "other_cae_only", "huge"])
def test_a_missing_or_hidden_tender_is_refused_with_its_field(client, people, which):
    u, h = people["users"], people["h"]
    tender_id = {
        "missing": 987_654,
        "other_cae_only": a_tender(u["stranger"], "cae") if which == "other_cae_only" else 0,
        "huge": 2**63,
    }[which]
    answer = propose(client, h["client"], u["sub"], tender_id)
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert error["fields"]["tender_id"] == [
        typography.fr("Aucun appel d'offres visible n'a ce numéro.")
    ]
    assert db.session.query(Subcontract).count() == 0


def test_the_database_keeps_the_link_true(app, people):
    """A foreign key (SET NULL when a tender goes); PostgreSQL enforces it on every write
    (SQLite here runs without PRAGMA foreign_keys, so only the schema is checked there)."""
    keys = inspect(db.engine).get_foreign_keys("subcontracts")
    link = next(k for k in keys if k["constrained_columns"] == ["tender_id"])
    assert link["referred_table"] == "tenders" and link["referred_columns"] == ["id"]
    assert link["options"].get("ondelete") == "SET NULL"
    if db.engine.dialect.name != "postgresql":
        return
    u = people["users"]
    row = {
        "title": "Travaux",
        "description": "",
        "amount_cents": 100,
        "vat_rate": "20.0",
        "status": "proposed",
        "record_date": utcnow().date(),
        "client_profile_id": u["client"].profile.id,
        "subcontractor_profile_id": u["sub"].profile.id,
        "tender_id": 987_654,
    }
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Subcontract).values(**row))
    db.session.rollback()
