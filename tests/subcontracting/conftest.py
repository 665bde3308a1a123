"""Shared fixtures of the subcontracting tests: two parties in two CAEs and everyone around."""

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
