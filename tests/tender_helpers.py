"""Shared data of the tender API tests: a tender of two lots and people of three CAEs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.timeutil import utcnow


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def future(days: int = 10) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


def two_lots(**extra) -> dict:
    body = {
        "title": "Rénovation de l'école Jules-Ferry",
        "buyer": {"name": "Ville de Lyon", "kind": "public"},
        "reference": "2026-REN-42",
        "source_url": "https://www.boamp.fr/avis/detail/26-12345",
        "procedure": "MAPA",
        "deadline": future(),
        "city": "Lyon",
        "department": "69",
        "estimated_amount_cents": 10_000_000,
        "description": "Isolation et menuiseries.",
        "audience": "network",
        "lots": [
            {
                "number": 1,
                "title": "Isolation",
                "skills": ["Isolation thermique", "Audit"],
                "estimated_amount_cents": 6_000_000,
            },
            {
                "number": 2,
                "title": "Menuiseries",
                "skills": ["Menuiserie"],
                "estimated_amount_cents": 4_000_000,
            },
        ],
    }
    body.update(extra)
    return body


@pytest.fixture
def world(make_cae, make_user, api_token):
    """An owner in CAE A; an insulator in CAE A... no: in CAE B; a joiner in CAE C."""
    a, b, c = make_cae("Coop A", department="69"), make_cae("Coop B"), make_cae("Coop C")
    owner = make_user(a, first_name="Olga", department="69", skills=[{"name": "Audit", "level": 3}])
    insulator = make_user(
        b,
        first_name="Ines",
        department="69",
        skills=[{"name": "Isolation thermique", "level": 4}, {"name": "Audit", "level": 2}],
    )
    joiner = make_user(
        c, first_name="Jules", department="01", skills=[{"name": "Menuiserie", "level": 3}]
    )
    partial = make_user(
        c,
        first_name="Paul",
        department="13",
        availability="unavailable",
        skills=[{"name": "Isolation thermique", "level": 1}],
    )
    hidden = make_user(
        b, first_name="Hugo", audience="cae", skills=[{"name": "Menuiserie", "level": 4}]
    )
    tokens = {
        name: api_token(u)
        for name, u in (
            ("owner", owner),
            ("insulator", insulator),
            ("joiner", joiner),
            ("partial", partial),
            ("hidden", hidden),
        )
    }
    return {
        "caes": (a, b, c),
        "owner": owner,
        "insulator": insulator,
        "joiner": joiner,
        "partial": partial,
        "hidden": hidden,
        "tokens": tokens,
    }


def post(client, token, body) -> dict:
    response = client.post("/api/v1/tenders", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def sign(tender_id: int) -> None:
    """Every CAE of the team approves the team as it stands (as their managers would), so that
    the offer may be submitted."""
    from marketplace.actors import SYSTEM
    from marketplace.approvals.tenders import approve_team
    from marketplace.extensions import db
    from marketplace.tenders.models import Tender

    db.session.expire_all()
    approve_team(SYSTEM, db.session.get(Tender, tender_id))
    db.session.commit()
