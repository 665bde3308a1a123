"""No query per row: list pages and API lists send as many statements for 3 rows as for 12."""

from __future__ import annotations

import pytest

LISTS = [
    "/profils",
    "/recherche?q=menuiserie",
    "/recherche",
    "/caes",
    "/api/v1/profiles",
    "/api/v1/profiles?q=menuiserie",
    "/api/v1/caes",
    "/api/v1/skills",
    "/",
]


def statements(client, count_queries, path: str) -> int:
    client.get(path)  # warm: index searchers, lazy imports, the first request's set-up
    with count_queries() as seen:
        response = client.get(path)
    assert response.status_code == 200, path
    return seen.count


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_rows(client, count_queries, make_cae, make_user, path):
    caes = [make_cae(f"CAE {i}") for i in range(3)]

    def people(n: int, start: int) -> None:
        for i in range(start, start + n):
            make_user(
                caes[i % 3],
                password=None,
                audience="public",
                headline=f"Menuisière {i}",
                skills=[{"name": "Menuiserie", "level": 3}, {"name": f"Savoir {i}", "level": 2}],
                certifications=["RGE"],
                languages=["anglais"],
            )

    people(3, 0)
    few = statements(client, count_queries, path)
    people(9, 3)
    many = statements(client, count_queries, path)
    assert few > 0
    assert many == few, f"{path}: {few} statements for 3 rows, {many} for 12"


# Every domain's list and main detail pages: collectives, tenders, offers, subcontracts, figures.


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _soon(days: int = 10) -> str:
    from datetime import timedelta

    from marketplace.timeutil import utcnow

    return (utcnow() + timedelta(days=days)).isoformat()


def _tender(title: str) -> dict:
    return {
        "title": title,
        "buyer": {"name": "Ville de Lyon", "kind": "public"},
        "deadline": _soon(),
        "city": "Lyon",
        "department": "69",
        "estimated_amount_cents": 5_000_000,
        "description": "Isolation et menuiseries.",
        "audience": "network",
        "lots": [
            {"number": 1, "title": "Isolation", "skills": ["Isolation thermique", "Audit"]},
            {"number": 2, "title": "Menuiseries", "skills": ["Menuiserie"]},
        ],
    }


def _offer(title: str) -> dict:
    return {
        "title": title,
        "description": "Mise aux normes d'un tableau électrique.",
        "skills": ["Électricité", "Menuiserie"],
        "city": "Lyon",
        "department": "69",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-04",
        "budget_cents": 150000,
        "audience": "network",
    }


def _collective(name: str) -> dict:
    return {
        "name": name,
        "description": "Audits et travaux",
        "sector": "Rénovation énergétique",
        "region": "Auvergne-Rhône-Alpes",
        "audience": "public",
        "join_policy": "open",
    }


@pytest.fixture
def domain_world(app, client, make_cae, make_user, api_token, login):
    """The viewer owns a collective, a tender and an offer; grow(n) adds n other people who each
    create a collective, a tender and an offer, join, apply and answer the viewer's, and take a
    subcontract from the viewer. The manager of the viewer's CAE reads the CAE's figures."""
    home = make_cae("Coop Maison")
    viewer = make_user(home, first_name="Vera", skills=[{"name": "Audit", "level": 3}])
    manager = make_user(home, role="manager", first_name="Max")
    tokens = {"viewer": _bearer(api_token(viewer)), "manager": _bearer(api_token(manager))}

    def post(headers, path: str, body: dict | None = None) -> dict:
        response = client.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), (path, response.get_json())
        return response.get_json()

    mine = {
        "collective": post(tokens["viewer"], "/collectives", _collective("Collectif V"))["id"],
        "tender": post(tokens["viewer"], "/tenders", _tender("Appel de Vera")),
        "offer": post(tokens["viewer"], "/offers", _offer("Renfort pour Vera"))["id"],
    }
    lot = mine["tender"]["lots"][0]["id"]
    mine["tender"] = mine["tender"]["id"]
    made = []

    def grow(n: int) -> None:
        for _ in range(n):
            i = len(made)
            person = make_user(
                make_cae(f"Coop {i}"),
                first_name=f"Personne{i}",
                audience="network",
                skills=[
                    {"name": "Isolation thermique", "level": 2},
                    {"name": "Menuiserie", "level": 3},
                ],
                certifications=["RGE"],
            )
            h = _bearer(api_token(person))
            theirs = post(h, "/collectives", _collective(f"Collectif {i}"))["id"]
            post(tokens["viewer"], f"/collectives/{theirs}/join")
            post(h, f"/collectives/{mine['collective']}/join")
            post(h, "/tenders", _tender(f"Appel {i}"))
            application = {"lot_ids": [lot], "role": "cotraitant", "message": "Dispo"}
            post(h, f"/tenders/{mine['tender']}/applications", application)
            post(h, "/offers", _offer(f"Renfort {i}"))
            answer = {"message": "Dispo", "price_cents": 90000}
            post(h, f"/offers/{mine['offer']}/responses", answer)
            record = {
                "title": f"Pose {i}",
                "amount_cents": 50000 + i,
                "vat_rate": "20",
                "subcontractor_profile_id": person.profile.id,
            }
            record_id = post(tokens["viewer"], "/subcontracts", record)["id"]
            post(h, f"/subcontracts/{record_id}/transition", {"to": "accepted"})
            made.append(person)

    viewer_client = login(viewer, the_client=app.test_client())
    manager_client = login(manager, the_client=app.test_client())
    return {
        "grow": grow,
        "mine": mine,
        "home": home,
        "tokens": tokens,
        "clients": {"viewer": viewer_client, "manager": manager_client, "anonymous": client},
    }


def _domain_paths(w) -> list[tuple[str, str, bool]]:
    """(who, path, is_api) read by the test."""
    m, cae = w["mine"], w["home"].id
    return [
        ("anonymous", "/collectifs", False),
        ("viewer", "/collectifs", False),
        ("viewer", f"/collectifs/{m['collective']}", False),
        ("viewer", "/appels-d-offres", False),
        ("viewer", f"/appels-d-offres/{m['tender']}", False),
        ("viewer", "/offres", False),
        ("viewer", f"/offres/{m['offer']}", False),
        ("viewer", "/sous-traitances", False),
        ("manager", "/sous-traitances", False),
        ("viewer", "/notifications", False),
        ("manager", f"/caes/{cae}/chiffres", False),
        ("anonymous", f"/caes/{cae}", False),
        ("viewer", "/api/v1/collectives", True),
        ("viewer", f"/api/v1/collectives/{m['collective']}", True),
        ("viewer", "/api/v1/tenders", True),
        ("viewer", f"/api/v1/tenders/{m['tender']}", True),
        ("viewer", f"/api/v1/tenders/{m['tender']}/applications", True),
        ("viewer", f"/api/v1/tenders/{m['tender']}/suggestions", True),
        ("viewer", "/api/v1/offers", True),
        ("viewer", f"/api/v1/offers/{m['offer']}", True),
        ("viewer", "/api/v1/subcontracts", True),
        ("manager", "/api/v1/subcontracts", True),
        ("viewer", "/api/v1/me/notifications", True),
        ("manager", f"/api/v1/caes/{cae}/stats", True),
    ]


def _domain_statements(w, count_queries) -> dict[tuple[str, str], int]:
    counts = {}
    for who, path, is_api in _domain_paths(w):
        if is_api:
            headers = w["tokens"].get(who, {})
            the_client = w["clients"]["anonymous"]
        else:
            headers, the_client = {}, w["clients"][who]
        the_client.get(path, headers=headers)  # warm
        with count_queries() as seen:
            response = the_client.get(path, headers=headers)
        assert response.status_code == 200, (who, path, response.status_code)
        counts[(who, path)] = seen.count
    return counts


def test_domain_pages_do_not_grow_with_rows(domain_world, count_queries):
    domain_world["grow"](3)
    few = _domain_statements(domain_world, count_queries)
    domain_world["grow"](9)
    listed = domain_world["clients"]["anonymous"].get(
        "/api/v1/me/notifications", headers=domain_world["tokens"]["viewer"]
    )
    assert len(listed.get_json()["items"]) >= 12  # the lists really grew
    many = _domain_statements(domain_world, count_queries)
    # A count may drop (PostgreSQL: a loader batch that is empty with few rows), never grow.
    grown = {key: (few[key], many[key]) for key in few if many[key] > few[key]}
    assert not grown, "statements for 3 rows → 12 rows: " + ", ".join(
        f"{who} {path}: {a} → {b}" for (who, path), (a, b) in grown.items()
    )
