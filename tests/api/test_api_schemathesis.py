"""A real client of the API: schemathesis drives every operation of /api/v1/openapi.json.

It generates requests from the description itself (valid ones and, in the coverage phase, values
just outside each declared limit), sends them through the WSGI app with a verified member's token,
and checks that no request gives a server error, that every response agrees with the
description (a declared status code, a declared content type, a body that matches its schema)
and that every request the description forbids is refused (see CHECKS).

Deterministic: Hypothesis is derandomized, the seed is fixed and the example database is off, so
the same cases run on every machine. Bounded: a few fuzzed examples per operation on top of the
coverage phase's boundary cases, so the whole run takes a few minutes on a small machine.
The data set gives the member objects of every kind with small ids (1, 2, 3…), so generated ids
often reach real, visible objects and not only 404s. It is built afresh for each operation
(function-scoped fixtures), and that operation's cases all run against it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis import checks as st_checks

from marketplace import create_app
from marketplace.blueprints.api.openapi import document
from marketplace.timeutil import utcnow

#: Fuzzed cases per operation (the coverage and examples phases add their own, bounded, cases).
MAX_EXAMPLES = 25
SEED = 20260

#: The checks of every case. negative_data_rejection is on: a request the description forbids
#: (an unknown field of a closed object, text over its limit, a value out of range, a wrong type)
#: must be refused with a 4xx, which keeps additionalProperties, limits and nullability true.
#: positive_data_acceptance is off: a schema-valid request can rightly answer 422 because some
#: rules are not expressible in the description (a known department code, ends_on after starts_on,
#: a deadline in the future, an id that names a visible profile, shares within the estimate).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _post(client, token: str, path: str, body: dict) -> dict:
    response = client.post(f"/api/v1{path}", json=body, headers=_bearer(token))
    assert response.status_code in (200, 201), (path, response.get_json())
    return response.get_json()


def _data_set(client, make_cae, make_user, api_token) -> str:
    """A member (the caller) and people and objects around them; returns the member's token."""
    home, other = make_cae("Coop Essaim", department="69"), make_cae("Coop Voisine")
    member = make_user(
        home,
        first_name="Maud",
        department="69",
        audience="public",
        skills=[{"name": "Menuiserie", "level": 3}, {"name": "Audit", "level": 2}],
    )
    colleague = make_user(home, first_name="Nina", skills=[{"name": "Audit", "level": 4}])
    neighbour = make_user(
        other, first_name="Omar", department="01", skills=[{"name": "Menuiserie", "level": 4}]
    )
    make_user(other, first_name="Paul", audience="cae")
    token, colleague_token = api_token(member), api_token(colleague)
    neighbour_token = api_token(neighbour)

    collective = _post(
        client, token, "/collectives", {"name": "Bois et bâti", "join_policy": "request"}
    )
    _post(client, colleague_token, f"/collectives/{collective['id']}/join", {"message": "Bonjour"})
    _post(
        client, neighbour_token, "/collectives", {"name": "Atelier ouvert", "join_policy": "open"}
    )
    _post(
        client,
        token,
        f"/collectives/{collective['id']}/decisions",
        {"title": "Charte", "closes_at": (utcnow() + timedelta(days=7)).isoformat()},
    )

    deadline = (utcnow() + timedelta(days=20)).isoformat()
    lots = [
        {"number": 1, "title": "Menuiseries", "skills": ["Menuiserie"]},
        {"number": 2, "title": "Audit", "skills": ["Audit"], "estimated_amount_cents": 500_000},
    ]
    tender = _post(
        client,
        token,
        "/tenders",
        {
            "title": "École Jules-Ferry",
            "buyer": {"name": "Ville de Lyon", "kind": "public"},
            "deadline": deadline,
            "department": "69",
            "estimated_amount_cents": 1_000_000,
            "lots": lots,
        },
    )
    lot_ids = [lot["id"] for lot in tender["lots"]]
    _post(
        client,
        neighbour_token,
        f"/tenders/{tender['id']}/applications",
        {"lot_ids": lot_ids[:1], "role": "cotraitant", "message": "Partante"},
    )
    _post(
        client,
        neighbour_token,
        "/tenders",
        {
            "title": "Mairie de Bourg",
            "buyer": {"name": "Bourg", "kind": "public"},
            "deadline": deadline,
            "lots": lots[:1],
        },
    )

    offer = _post(client, token, "/offers", {"title": "Pose de fenêtres", "skills": ["Menuiserie"]})
    response = _post(
        client, neighbour_token, f"/offers/{offer['id']}/responses", {"price_cents": 120_000}
    )
    _post(client, neighbour_token, "/offers", {"title": "Audit d'un atelier", "budget_cents": 9000})
    _post(client, token, f"/offers/{offer['id']}/responses/{response['id']}/accept", {})
    _post(
        client,
        token,
        "/subcontracts",
        {
            "title": "Audit thermique",
            "subcontractor_profile_id": colleague.profile.id,
            "amount_cents": 50_000,
        },
    )
    conversation = _post(
        client,
        token,
        "/conversations",
        {"to_profile_id": neighbour.profile.id, "subject": "Fenêtres", "body": "Bonjour Omar"},
    )
    _post(
        client,
        neighbour_token,
        f"/conversations/{conversation['id']}/messages",
        {"body": "Bonjour Maud"},
    )
    _post(
        client,
        token,
        f"/tenders/{tender['id']}/invitations",
        {"profile_id": colleague.profile.id, "lot_ids": lot_ids[1:], "role": "subcontractor"},
    )
    return token


@pytest.fixture
def member_token(client, make_cae, make_user, api_token) -> str:
    return _data_set(client, make_cae, make_user, api_token)


def _described() -> dict:
    """The document as an app of the suite's configuration serves it (built from its routes)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": "test-secret-key-not-for-production",
            "BASE_URL": "http://localhost",
            "SERVER_NAME": "localhost",
        }
    )
    with app.app_context():
        return document()


DESCRIBED = _described()

schema = schemathesis.openapi.from_dict(
    DESCRIBED,
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                "mode": "all",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    ),
)


def test_the_served_description_is_valid_openapi_3_1(client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served == DESCRIBED  # what this module tests is what clients read
    validate(served)  # raises on the first error of the document


@pytest.mark.slow
@schema.parametrize()
# The data set is built once per operation (function-scoped fixtures), and all of that operation's
# cases run against it; the run is bounded by MAX_EXAMPLES, not by Hypothesis' timing checks.
@settings(suppress_health_check=list(HealthCheck))
def test_every_operation_agrees_with_its_description(case, app, member_token):
    case.call_and_validate(
        app=app,
        headers=_bearer(member_token),
        checks=[getattr(st_checks, name) for name in CHECKS],
    )
