"""Shared fixtures of the trust tests: two parties of a subcontract in two CAEs and others."""

from __future__ import annotations

import pytest


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def people(make_cae, make_user, api_token):
    """A client and a subcontractor in two CAEs, a colleague of each, managers and an admin."""
    lyon, nantes, paris = (
        make_cae("Coop Lyon"),
        make_cae("Coop Nantes", "44", "Nantes"),
        make_cae("Coop Paris", "75", "Paris"),
    )
    users = {
        "client": make_user(lyon, first_name="Claire", audience="network"),
        "sub": make_user(nantes, first_name="Sami", audience="network"),
        "colleague": make_user(lyon, first_name="Lou", audience="network"),
        "lyon_manager": make_user(lyon, role="manager"),
        "nantes_manager": make_user(nantes, role="manager"),
        "paris_manager": make_user(paris, role="manager"),
        "stranger": make_user(paris, first_name="Sacha", audience="network"),
        "pending": make_user(lyon, verified=False),
        "admin": make_user(role="admin"),
    }
    tokens = {name: auth(api_token(user)) for name, user in users.items()}
    return {"users": users, "h": tokens, "caes": {"lyon": lyon, "nantes": nantes, "paris": paris}}


@pytest.fixture
def delivered(client, people):
    """delivered(status="delivered") → the id of a record Claire gave Sami, moved that far."""

    def make(status: str = "delivered", title: str = "Pose de VMC") -> int:
        h = people["h"]
        body = {
            "title": title,
            "amount_cents": 150000,
            "vat_rate": "20",
            "subcontractor_profile_id": people["users"]["sub"].profile.id,
        }
        created = client.post("/api/v1/subcontracts", json=body, headers=h["client"])
        assert created.status_code == 201, created.get_json()
        record_id = created.get_json()["id"]
        steps = ["accepted", "in_progress", "delivered", "invoiced", "paid"]
        for to in steps[: steps.index(status) + 1] if status in steps else []:
            who = "client" if to == "paid" else "sub"
            move = {"to": to, **({"invoice_number": f"F-{record_id}"} if to == "invoiced" else {})}
            answer = client.post(
                f"/api/v1/subcontracts/{record_id}/transition", json=move, headers=h[who]
            )
            assert answer.status_code == 200, answer.get_json()
        return record_id

    return make
