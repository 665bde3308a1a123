"""Joint tenders under concurrent requests (real PostgreSQL only)."""

from __future__ import annotations

import os
import threading

import pytest
import tender_helpers
from tender_helpers import bearer, post, two_lots

world = tender_helpers.world  # the fixture


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("MARKETPLACE_TEST_DATABASE_URL", ""),
    reason="needs real PostgreSQL: concurrent transactions on the unique (tender, applicant)",
)
def test_concurrent_applications_make_one(app, client, world):
    tender = post(client, world["tokens"]["owner"], two_lots())
    lot = tender["lots"][0]["id"]
    token = world["tokens"]["joiner"]
    codes: list[int] = []
    barrier = threading.Barrier(2)

    def run():
        c = app.test_client()
        barrier.wait()
        r = c.post(
            f"/api/v1/tenders/{tender['id']}/applications",
            json={"lot_ids": [lot], "role": "cotraitant"},
            headers=bearer(token),
        )
        codes.append(r.status_code)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409]
    listed = client.get(
        f"/api/v1/tenders/{tender['id']}/applications", headers=bearer(world["tokens"]["owner"])
    ).get_json()
    assert listed["total"] == 1


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("MARKETPLACE_TEST_DATABASE_URL", ""),
    reason="needs real PostgreSQL: two decisions in concurrent transactions",
)
def test_concurrent_acceptances_both_join_and_warn_above_the_estimate(app, client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots(estimated_amount_cents=100_000))
    url = f"/api/v1/tenders/{tender['id']}/applications"
    ids = [
        client.post(
            url,
            json={"lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
            headers=bearer(t[who]),
        ).get_json()["id"]
        for who in ("insulator", "joiner")
    ]
    codes: list[int] = []
    barrier = threading.Barrier(2)

    def run(rid: int):
        c = app.test_client()
        barrier.wait()
        r = c.post(
            f"{url}/{rid}/decision",
            json={"accept": True, "share_cents": 60_000},
            headers=bearer(t["owner"]),
        )
        codes.append(r.status_code)

    threads = [threading.Thread(target=run, args=(rid,)) for rid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200]  # shares above the estimate: a warning, not a refusal
    body = client.get(f"/api/v1/tenders/{tender['id']}", headers=bearer(t["owner"])).get_json()
    assert body["team"]["shares_total_cents"] == 120_000  # neither acceptance lost
    assert [w["code"] for w in body["warnings"]] == ["shares_above_estimate"]
