"""One winner when two managers decide at once (PostgreSQL), and the managers' pages make no
query per row."""

from __future__ import annotations

import os
import threading

import pytest
import tender_helpers
from tender_helpers import bearer, post, two_lots

from marketplace.actors import SYSTEM
from marketplace.approvals.models import CaeApproval
from marketplace.approvals.tenders import request_approvals
from marketplace.extensions import db
from marketplace.tenders.models import Tender

world = tender_helpers.world  # the fixture


def _asked_tender(client, world) -> int:
    tender = post(client, world["tokens"]["owner"], two_lots())
    moved = client.patch(
        f"/api/v1/tenders/{tender['id']}",
        json={"status": "team_formed"},
        headers=bearer(world["tokens"]["owner"]),
    )
    assert moved.status_code == 200
    return tender["id"]


@pytest.mark.skipif(
    "postgresql" not in os.environ.get("MARKETPLACE_TEST_DATABASE_URL", ""),
    reason="needs real PostgreSQL: two decisions in concurrent transactions",
)
def test_two_managers_deciding_at_once_make_one_decision(app, client, world, make_user, api_token):
    a = world["caes"][0]
    tender_id = _asked_tender(client, world)
    approval_id = db.session.query(CaeApproval.id).filter_by(subject_id=tender_id).scalar()
    tokens = [api_token(make_user(a, role="manager")) for _ in range(2)]
    codes: list[int] = []
    barrier = threading.Barrier(2)

    def run(token: str, approve: bool) -> None:
        c = app.test_client()
        barrier.wait()
        r = c.post(
            f"/api/v1/approvals/{approval_id}/decision",
            json={"approve": approve, "comment": "Non"},
            headers=bearer(token),
        )
        codes.append(r.status_code)

    threads = [threading.Thread(target=run, args=(t, i == 0)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]


def test_the_approvals_page_makes_no_query_per_row(client, world, make_user, login, count_queries):
    a = world["caes"][0]
    manager = make_user(a, role="manager")
    login(manager)

    def page_queries() -> int:
        with count_queries() as seen:
            assert client.get("/gestion/approbations").status_code == 200
        return seen.count

    _asked_tender(client, world)
    one = page_queries()
    for _ in range(4):
        tender = db.session.get(Tender, _asked_tender(client, world))
        request_approvals(SYSTEM, tender)
    db.session.commit()
    assert db.session.query(CaeApproval).count() == 5
    assert page_queries() == one


def test_the_statuses_page_makes_no_query_per_row(
    client, make_cae, make_user, login, count_queries
):
    cae = make_cae()
    login(make_user(cae, role="manager"))

    def page_queries() -> int:
        with count_queries() as seen:
            assert client.get("/gestion/statuts").status_code == 200
        return seen.count

    make_user(cae, status="employee")
    make_user(cae, status="project_holder").profile.status_proposed = "employee"
    db.session.commit()
    one = page_queries()
    for _ in range(4):
        make_user(cae, status="employee")
        make_user(cae, status="project_holder").profile.status_proposed = "employee"
    db.session.commit()
    assert page_queries() == one
