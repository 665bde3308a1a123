"""No query per row in the rooms the federation benchmark reads (issue 21): a search near a
place with a radius (page and API), the alerts list with its latest matches, the public
notices list. Each sends as many statements with few rows as with four times more."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from marketplace.extensions import db

NEAR = [
    "/recherche?q=menuiserie&near=Lyon&radius_km=30",
    "/recherche?near=69003&radius_km=20",
    "/api/v1/profiles?q=menuiserie&near=Lyon&radius_km=30",
    "/api/v1/profiles?near=Lyon",
]
BOAMP = Path(__file__).parent.parent / "data" / "boamp" / "records.json"


def statements(client, count_queries, path: str, headers=None) -> int:
    client.get(path, headers=headers)  # warm: searchers, lazy imports, the first request
    with count_queries() as seen:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return seen.count


@pytest.mark.parametrize("path", NEAR)
def test_a_search_near_a_place_does_not_grow_with_rows(
    client, count_queries, make_cae, make_user, path
):
    caes = [make_cae(f"CAE {i}") for i in range(3)]
    cities = [("Lyon", "69"), ("Villeurbanne", "69"), ("Vénissieux", "69")]

    def people(n: int, start: int) -> None:
        for i in range(start, start + n):
            city, department = cities[i % 3]
            make_user(caes[i % 3], password=None, audience="public", city=city,
                      department=department, headline=f"Menuisière {i}",
                      skills=[{"name": "Menuiserie", "level": 3}])  # fmt: skip
        far = {"city": "Brest", "department": "29", "headline": "Menuisière loin"}
        make_user(caes[0], password=None, audience="public", **far,
                  skills=[{"name": "Menuiserie", "level": 3}])  # fmt: skip

    people(3, 0)
    few = statements(client, count_queries, path)
    people(9, 3)
    many = statements(client, count_queries, path)
    found = client.get("/api/v1/profiles?q=menuiserie&near=Lyon&radius_km=30").get_json()
    assert found["total"] == 12  # the twelve near Lyon, not the two in Brest
    assert few > 0
    assert many == few, f"{path}: {few} statements for 3 rows, {many} for 12"


def test_the_alerts_list_does_not_grow_with_alerts_and_matches(
    client, count_queries, make_cae, make_user, login
):
    from marketplace.alerts.matching import run_jobs
    from marketplace.subcontracting.operations import create_offer

    coop = make_cae("Coop Rhône")
    me = make_user(coop, city="Lyon", department="69")
    author = make_user(make_cae("Coop Loire"), city="Lyon", department="69")
    login(me)

    def grow(alerts: int, offers: int) -> None:
        for i in range(alerts):
            created = client.post("/alertes", data={
                "kind": "offers", "q": "plomberie", "near": "Lyon", "radius_km": "30",
                "frequency": "instant" if i % 2 else "daily",
            })  # fmt: skip
            assert created.status_code == 302
        for i in range(offers):
            create_offer(author, {
                "title": f"Plomberie d'un chantier ({i})", "description": "Plomberie.",
                "skills": ["Plomberie"], "city": "Lyon", "department": "69",
                "audience": "network",
            })  # fmt: skip
            db.session.commit()
        run_jobs()  # the worker's pass: each alert's matches

    def shown() -> int:  # the matches listed under the alerts
        return client.get("/alertes").get_data(as_text=True).count("Plomberie d&#39;un chantier")

    grow(2, 1)
    few, few_shown = statements(client, count_queries, "/alertes"), shown()
    grow(6, 3)
    many, many_shown = statements(client, count_queries, "/alertes"), shown()
    assert 0 < few_shown < many_shown
    assert many == few, f"/alertes: {few} statements for 2 alerts, {many} for 8"


def test_the_public_notices_list_does_not_grow_with_notices(
    client, count_queries, make_cae, make_user, login
):
    from marketplace.tenders.boamp_import import import_records

    sample = json.loads(BOAMP.read_text())["results"]
    good = [r for r in sample if r["idweb"] <= "26-10005"]
    made = 0

    def notices(n: int) -> None:
        nonlocal made
        batch = []
        for _ in range(n):
            record = copy.deepcopy(good[made % len(good)])
            record["idweb"] = f"26-{700_000 + made}"
            batch.append(record)
            made += 1
        report = import_records(batch)
        db.session.commit()
        assert not report.errors

    login(make_user(make_cae()))
    path = "/appels-d-offres?source=boamp"
    notices(3)
    few = statements(client, count_queries, path)
    notices(9)
    many = statements(client, count_queries, path)
    listed = client.get("/api/v1/tenders?source=boamp&per_page=50").get_json()
    assert listed["total"] == 12
    assert many == few, f"{path}: {few} statements for 3 notices, {many} for 12"
