"""API v1: joint tenders — post, suggestions, applications, decisions, team, status, exports."""

from __future__ import annotations

from datetime import timedelta

import pytest
import tender_helpers
from tender_helpers import bearer, post, sign, two_lots

from marketplace.extensions import db
from marketplace.tenders.models import Tender, TenderEvent
from marketplace.timeutil import utcnow
from tests import typography

world = tender_helpers.world  # the fixture

TENDER_KEYS = {
    "id",
    "title",
    "buyer",
    "reference",
    "source_url",
    "procedure",
    "deadline",
    "description",
    "city",
    "department",
    "estimated_amount_cents",
    "lots",
    "audience",
    "status",
    "owner",
    "source",
    "published_on",
    "notice_id",
    "collective_id",
    "team",
    "approvals",
    "updated_at",
    "url",
    # added by the law review: the procedure, when the team is fixed, what to check
    "procedure_kind",
    "applications_deadline",
    "team_fixed_at",
    "warnings",
}


def test_done_when_two_caes_build_a_team(client, world, login):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    assert set(tender) == TENDER_KEYS
    lot1, lot2 = tender["lots"]
    assert lot1["skills"] == ["Audit", "Isolation thermique"]
    assert tender["team"]["kind"] == "single_cae"
    assert tender["team"]["lead_profile_id"] == world["owner"].profile.id
    assert tender["team"]["members"][0]["role"] == "lead"

    # Suggestions: the right people for each lot, ranked; team members and hidden people left out.
    s1 = client.get(
        f"/api/v1/tenders/{tender['id']}/suggestions?lot={lot1['id']}", headers=bearer(t["owner"])
    ).get_json()
    names = [i["display_name"].split()[0] for i in s1["items"]]
    assert names == ["Ines", "Paul"]
    first = s1["items"][0]
    assert first["matched_skills"] == ["Audit", "Isolation thermique"]
    assert first["missing_skills"] == []
    assert first["cae"]["name"] == "Coop B"
    assert set(first) >= {
        "profile_id",
        "display_name",
        "cae",
        "matched_skills",
        "missing_skills",
        "availability",
        "department",
        "score",
    }
    assert s1["items"][1]["missing_skills"] == ["Audit"]
    s2 = client.get(
        f"/api/v1/tenders/{tender['id']}/suggestions?lot={lot2['id']}", headers=bearer(t["owner"])
    ).get_json()
    assert [i["display_name"].split()[0] for i in s2["items"]] == ["Jules"]  # Hugo is cae-only

    # Two people from two CAEs apply and are accepted.
    url = f"/api/v1/tenders/{tender['id']}/applications"
    r1 = client.post(
        url,
        json={"lot_ids": [lot1["id"]], "role": "cotraitant", "message": "Oui"},
        headers=bearer(t["insulator"]),
    )
    assert r1.status_code == 201 and r1.get_json()["state"] == "pending"
    r2 = client.post(
        url,
        json={"lot_ids": [lot2["id"]], "role": "cotraitant", "message": ""},
        headers=bearer(t["joiner"]),
    )
    assert r2.status_code == 201
    again = client.post(
        url, json={"lot_ids": [lot2["id"]], "role": "cotraitant"}, headers=bearer(t["joiner"])
    )
    assert again.status_code == 409
    for rid, share in ((r1.get_json()["id"], 6_000_000), (r2.get_json()["id"], 3_000_000)):
        d = client.post(
            f"{url}/{rid}/decision",
            json={"accept": True, "share_cents": share},
            headers=bearer(t["owner"]),
        )
        assert d.status_code == 200, d.get_data(as_text=True)
        assert d.get_json()["state"] == "accepted"
    body = client.get(f"/api/v1/tenders/{tender['id']}", headers=bearer(t["owner"])).get_json()
    team = body["team"]
    assert team["kind"] == "multi_cae"
    assert [m["cae"]["name"] for m in team["members"]] == ["Coop A", "Coop B", "Coop C"]
    assert [m["role"] for m in team["members"]] == ["lead", "cotraitant", "cotraitant"]
    assert team["members"][1]["lot_ids"] == [lot1["id"]]
    assert team["members"][1]["share_cents"] == 6_000_000

    # The page explains it is a groupement of CAEs; the sheet and the .ics download.
    login(world["owner"])
    page = client.get(f"/appels-d-offres/{tender['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "groupement" in html and "3 CAE" in html and "Coop B" in html
    sheet = client.get(f"/appels-d-offres/{tender['id']}/fiche-equipe")
    text = sheet.get_data(as_text=True)
    assert sheet.status_code == 200
    assert (
        "DC1" in text
        and typography.money("60 000,00") in text
        and "Coop C" in text
        and "mandataire" in text
    )
    csv = client.get(f"/appels-d-offres/{tender['id']}/equipe.csv")
    assert csv.mimetype == "text/csv" and csv.data.startswith(b"\xef\xbb\xbf")
    assert "Ines Martin" in csv.get_data(as_text=True) and ";60000,00;" in csv.get_data(
        as_text=True
    )
    ics = client.get(f"/api/v1/tenders/{tender['id']}/calendar.ics", headers=bearer(t["owner"]))
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    text = ics.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\r\nDTSTART:" in text and "Z\r\n" in text and "UID:tender-" in text
    assert "DTSTAMP:" in text
    assert "\n" not in text.replace("\r\n", "")


def test_shares_above_the_estimate_are_a_warning(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots(estimated_amount_cents=100_000))
    url = f"/api/v1/tenders/{tender['id']}/applications"
    rid = client.post(
        url,
        json={"lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
        headers=bearer(t["insulator"]),
    ).get_json()["id"]
    too_much = client.post(
        f"{url}/{rid}/decision",
        json={"accept": True, "share_cents": 100_001},
        headers=bearer(t["owner"]),
    )
    assert too_much.status_code == 200  # the estimate is not the buyer's budget
    assert [w["code"] for w in too_much.get_json()["warnings"]] == ["shares_above_estimate"]
    body = client.get(f"/api/v1/tenders/{tender['id']}", headers=bearer(t["owner"])).get_json()
    assert body["team"]["shares_total_cents"] == 100_001
    assert body["warnings"][0]["code"] == "shares_above_estimate"
    assert "L2152-3" in body["warnings"][0]["message"]
    other = client.post(
        url,
        json={"lot_ids": [tender["lots"][1]["id"]], "role": "cotraitant"},
        headers=bearer(t["joiner"]),
    ).get_json()["id"]
    negative = client.post(
        f"{url}/{other}/decision",
        json={"accept": True, "share_cents": -1},
        headers=bearer(t["owner"]),
    )
    assert negative.status_code == 422
    listed = client.get(url, headers=bearer(t["owner"])).get_json()
    assert [a["state"] for a in listed["items"]] == ["accepted", "pending"]


def test_decision_by_someone_else_is_refused(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    url = f"/api/v1/tenders/{tender['id']}/applications"
    rid = client.post(
        url,
        json={"lot_ids": [tender["lots"][0]["id"]], "role": "subcontractor"},
        headers=bearer(t["insulator"]),
    ).get_json()["id"]
    for who in ("insulator", "joiner"):
        r = client.post(f"{url}/{rid}/decision", json={"accept": True}, headers=bearer(t[who]))
        assert r.status_code == 403
    # Applicant sees its own, others none, owner all.
    assert client.get(url, headers=bearer(t["insulator"])).get_json()["total"] == 1
    assert client.get(url, headers=bearer(t["joiner"])).get_json()["total"] == 0
    assert client.get(url, headers=bearer(t["owner"])).get_json()["total"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadline": "2020-01-01T12:00:00+01:00"}, "deadline"),
        ({"lots": [{"number": 1, "title": "Vide", "skills": []}]}, "lots"),
        ({"title": ""}, "title"),
        ({"buyer": {"name": "X", "kind": "state"}}, "buyer"),
        ({"department": "999"}, "department"),
        ({"estimated_amount_cents": -5}, "estimated_amount_cents"),
        ({"collective_id": 3}, "collective_id"),
    ],
)
def test_bad_tender_input_is_refused(client, world, change, field):
    response = client.post(
        "/api/v1/tenders", json=two_lots(**change), headers=bearer(world["tokens"]["owner"])
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(Tender).count() == 0


def test_status_machine_and_history(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    url = f"/api/v1/tenders/{tender['id']}"
    assert client.patch(url, json={"status": "won"}, headers=bearer(t["owner"])).status_code == 409
    for to in ("team_formed", "submitted", "won"):
        if to == "submitted":
            sign(tender["id"])  # the CAE approved the team
        r = client.patch(url, json={"status": to}, headers=bearer(t["owner"]))
        assert r.status_code == 200 and r.get_json()["status"] == to
    assert (
        client.patch(url, json={"status": "cancelled"}, headers=bearer(t["owner"])).status_code
        == 409
    )
    events = (
        db.session.query(TenderEvent)
        .filter_by(application_id=None, invitation_id=None, approval_id=None)
        .order_by(TenderEvent.id)
    )
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, "open"),
        ("open", "team_formed"),
        ("team_formed", "submitted"),
        ("submitted", "won"),
    ]
    other = client.patch(url, json={"title": "X"}, headers=bearer(t["joiner"]))
    assert other.status_code == 403


def test_applications_close_with_the_tender(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    lot = tender["lots"][0]["id"]
    url = f"/api/v1/tenders/{tender['id']}/applications"
    client.patch(
        f"/api/v1/tenders/{tender['id']}",
        json={"status": "team_formed"},
        headers=bearer(t["owner"]),
    )
    r = client.post(url, json={"lot_ids": [lot], "role": "cotraitant"}, headers=bearer(t["joiner"]))
    assert r.status_code == 409
    client.patch(
        f"/api/v1/tenders/{tender['id']}", json={"status": "open"}, headers=bearer(t["owner"])
    )
    pending = client.post(
        url, json={"lot_ids": [lot], "role": "cotraitant"}, headers=bearer(t["insulator"])
    ).get_json()
    row = db.session.get(Tender, tender["id"])
    row.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = client.post(
        url, json={"lot_ids": [lot], "role": "cotraitant"}, headers=bearer(t["joiner"])
    )
    assert late.status_code == 409
    frozen = client.post(
        f"{url}/{pending['id']}/decision", json={"accept": True}, headers=bearer(t["owner"])
    )
    assert frozen.status_code == 409


def test_lots_are_given_whole(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    lot1 = tender["lots"][0]
    body = client.patch(
        f"/api/v1/tenders/{tender['id']}",
        json={
            "lots": [
                {"number": 1, "title": "Isolation des combles", "skills": ["Audit"]},
                {"number": 3, "title": "Peinture", "skills": ["Peinture"]},
            ]
        },
        headers=bearer(t["owner"]),
    ).get_json()
    assert [(lot["number"], lot["title"]) for lot in body["lots"]] == [
        (1, "Isolation des combles"),
        (3, "Peinture"),
    ]
    assert body["lots"][0]["id"] == lot1["id"]


def test_lead_and_form(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    url = f"/api/v1/tenders/{tender['id']}"
    rid = client.post(
        f"{url}/applications",
        json={"lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
        headers=bearer(t["insulator"]),
    ).get_json()["id"]
    client.post(
        f"{url}/applications/{rid}/decision", json={"accept": True}, headers=bearer(t["owner"])
    )
    ines = world["insulator"].profile.id
    body = client.patch(
        url, json={"lead_profile_id": ines, "form": "solidaire"}, headers=bearer(t["owner"])
    ).get_json()
    assert body["team"]["lead_profile_id"] == ines and body["team"]["form"] == "solidaire"
    roles = {m["profile_id"]: m["role"] for m in body["team"]["members"]}
    assert roles[ines] == "lead" and roles[world["owner"].profile.id] == "cotraitant"
    bad = client.patch(
        url, json={"lead_profile_id": world["joiner"].profile.id}, headers=bearer(t["owner"])
    )
    assert bad.status_code == 422


def test_cae_tender_is_invisible_to_other_caes(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots(audience="cae"))
    for who in ("insulator", "joiner"):
        h = bearer(t[who])
        assert client.get(f"/api/v1/tenders/{tender['id']}", headers=h).status_code == 404
        assert (
            client.get(f"/api/v1/tenders/{tender['id']}/calendar.ics", headers=h).status_code == 404
        )
        assert (
            client.get(f"/api/v1/tenders/{tender['id']}/suggestions", headers=h).status_code == 404
        )
        assert client.get("/api/v1/tenders", headers=h).get_json()["total"] == 0
        assert client.get("/api/v1/tenders?q=école", headers=h).get_json()["total"] == 0
        assert (
            client.get(f"/appels-d-offres/{tender['id']}/fiche-equipe", headers=h).status_code
            == 404
        )
    assert client.get(f"/api/v1/tenders/{tender['id']}").status_code == 404
    # Suggestions for a CAE-only tender only propose people of that CAE.
    s = client.get(f"/api/v1/tenders/{tender['id']}/suggestions", headers=bearer(t["owner"]))
    assert s.get_json()["items"] == []
    assert (
        client.get("/api/v1/tenders?q=école", headers=bearer(t["owner"])).get_json()["total"] == 1
    )


def test_list_filters_and_search(client, world):
    t = world["tokens"]
    a = post(client, t["owner"], two_lots(audience="public"))
    post(
        client,
        t["owner"],
        two_lots(
            title="Entretien des espaces verts",
            department="13",
            description="Tonte.",
            lots=[{"number": 1, "title": "Tonte", "skills": ["Paysagisme"]}],
            audience="public",
        ),
    )
    listing = client.get("/api/v1/tenders").get_json()
    assert listing["total"] == 2 and set(listing) == {"items", "total", "page", "per_page"}
    assert client.get("/api/v1/tenders?department=69").get_json()["total"] == 1
    assert client.get("/api/v1/tenders?skill=menuiserie").get_json()["items"][0]["id"] == a["id"]
    assert client.get("/api/v1/tenders?status=won").get_json()["total"] == 0
    assert client.get("/api/v1/tenders?department=zz").status_code == 422
    found = client.get("/api/v1/tenders?q=menuiseries").get_json()
    assert [i["id"] for i in found["items"]] == [a["id"]]
    far = (utcnow() + timedelta(days=30)).date().isoformat()
    assert client.get(f"/api/v1/tenders?deadline_after={far}").get_json()["total"] == 0


def test_openapi_describes_the_tender(client, world):
    doc = client.get("/api/v1/openapi.json").get_json()
    tender = post(client, world["tokens"]["owner"], two_lots())
    assert set(doc["components"]["schemas"]["Tender"]["properties"]) == set(tender)


def test_an_unverified_member_cannot_apply(client, world, make_user, api_token):
    tender = post(client, world["tokens"]["owner"], two_lots(audience="public"))
    newcomer = make_user(world["caes"][1], verified=False)
    r = client.post(
        f"/api/v1/tenders/{tender['id']}/applications",
        json={"lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
        headers=bearer(api_token(newcomer)),
    )
    assert r.status_code == 403


def test_anonymous_cannot_write(client, world):
    tender = post(client, world["tokens"]["owner"], two_lots(audience="public"))
    assert client.post("/api/v1/tenders", json=two_lots()).status_code == 401
    r = client.post(f"/api/v1/tenders/{tender['id']}/applications", json={"lot_ids": [1]})
    assert r.status_code == 401
    assert client.get(f"/api/v1/tenders/{tender['id']}").status_code == 200


def test_patch_the_team_as_shown(client, world):
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots(estimated_amount_cents=1_000_000))
    url = f"/api/v1/tenders/{tender['id']}"
    lot1, lot2 = (lot["id"] for lot in tender["lots"])
    rid = client.post(
        f"{url}/applications",
        json={"lot_ids": [lot1], "role": "cotraitant"},
        headers=bearer(t["insulator"]),
    ).get_json()["id"]
    client.post(
        f"{url}/applications/{rid}/decision",
        json={"accept": True, "share_cents": 500_000},
        headers=bearer(t["owner"]),
    )
    me, ines = world["owner"].profile.id, world["insulator"].profile.id
    body = client.patch(
        url,
        headers=bearer(t["owner"]),
        json={
            "team": {
                "form": "conjoint",
                "lead_profile_id": ines,
                "members": [{"profile_id": me, "lot_ids": [lot2], "share_cents": 400_000}],
            }
        },
    ).get_json()
    assert "team" in body, body
    team = body["team"]
    assert team["form"] == "conjoint" and team["lead_profile_id"] == ines
    mine = next(m for m in team["members"] if m["profile_id"] == me)
    assert mine["lot_ids"] == [lot2] and mine["share_cents"] == 400_000
    assert team["shares_total_cents"] == 900_000
    too_much = client.patch(
        url,
        headers=bearer(t["owner"]),
        json={"team": {"members": [{"profile_id": me, "share_cents": 600_000}]}},
    )
    assert too_much.status_code == 200  # above the estimate: a warning
    assert [w["code"] for w in too_much.get_json()["warnings"]] == ["shares_above_estimate"]
    client.patch(
        url,
        headers=bearer(t["owner"]),
        json={"team": {"members": [{"profile_id": me, "share_cents": 400_000}]}},
    )
    stranger = client.patch(
        url,
        headers=bearer(t["owner"]),
        json={"team": {"members": [{"profile_id": world["joiner"].profile.id, "share_cents": 1}]}},
    )
    assert stranger.status_code == 422
    after = client.get(url, headers=bearer(t["owner"])).get_json()["team"]
    assert after["shares_total_cents"] == 900_000


def test_a_tender_posted_for_a_collective_by_its_members_only(client, world, login):
    t = world["tokens"]
    created = client.post(
        "/api/v1/collectives",
        json={"name": "Rénovation 69", "description": "Ensemble.", "sector": "Bâtiment",
              "audience": "network", "join_policy": "open"},
        headers=bearer(t["owner"]),
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    collective_id = created.get_json()["id"]
    tender = post(client, t["owner"], two_lots(collective_id=collective_id))
    assert tender["collective_id"] == collective_id
    # Someone who is not a member cannot post for it, nor for a collective that does not exist.
    for token, value in ((t["insulator"], collective_id), (t["owner"], 999_999)):
        refused = client.post(
            "/api/v1/tenders", json=two_lots(collective_id=value), headers=bearer(token)
        )
        assert refused.status_code == 422
        assert "collective_id" in refused.get_json()["error"]["fields"]
    assert client.post(
        f"/api/v1/collectives/{collective_id}/join", json={}, headers=bearer(t["insulator"])
    ).status_code in (200, 201)
    post(client, t["insulator"], two_lots(collective_id=collective_id, title="Deuxième"))
    # The collective's page lists its tenders; the tender's page names its collective.
    login(world["joiner"])
    page = client.get(f"/collectifs/{collective_id}").get_data(as_text=True)
    assert "Appels d’offres du collectif" in page
    assert f"/appels-d-offres/{tender['id']}" in page and "Deuxième" in page
    assert "Publier un appel d’offres pour le collectif" not in page  # not a member
    shown = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    assert "Publié pour le collectif" in shown and "Rénovation 69" in shown


def test_cae_figures_count_collectives_and_tenders(client, world, make_user, api_token):
    t, (a, _b, _c) = world["tokens"], world["caes"]
    manager = bearer(api_token(make_user(a, role="manager")))
    client.post(
        "/api/v1/collectives",
        json={"name": "Collectif A", "description": "", "sector": "Bâtiment",
              "audience": "network", "join_policy": "open"},
        headers=bearer(t["owner"]),
    )  # fmt: skip
    tender = post(client, t["owner"], two_lots())
    post(client, t["insulator"], two_lots(title="Chez B"))  # CAE B only: not counted for A
    stats = client.get(f"/api/v1/caes/{a.id}/stats", headers=manager).get_json()
    assert stats["collectives"] == 1
    assert stats["tenders"] == {"open": 1, "won": 0, "lost": 0}
    for status in ("team_formed", "submitted", "won"):
        if status == "submitted":
            sign(tender["id"])
        moved = client.patch(
            f"/api/v1/tenders/{tender['id']}", json={"status": status}, headers=bearer(t["owner"])
        )
        assert moved.status_code == 200, moved.get_json()
    stats = client.get(f"/api/v1/caes/{a.id}/stats", headers=manager).get_json()
    assert stats["tenders"] == {"open": 0, "won": 1, "lost": 0}


def test_a_subcontractor_of_another_cae_does_not_make_a_groupement(client, world, login):
    """DOMAIN: the candidates are the lead and the cotraitants; a subcontractor is on a DC4."""
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    lots = [lot["id"] for lot in tender["lots"]]

    def join(token, lot_id, role, share):
        url = f"/api/v1/tenders/{tender['id']}/applications"
        applied = client.post(url, json={"lot_ids": [lot_id], "role": role, "message": "Oui"},
                              headers=bearer(token))  # fmt: skip
        assert applied.status_code == 201, applied.get_json()
        decided = client.post(
            f"{url}/{applied.get_json()['id']}/decision",
            json={"accept": True, "share_cents": share},
            headers=bearer(t["owner"]),
        )
        assert decided.status_code == 200, decided.get_json()
        return client.get(f"/api/v1/tenders/{tender['id']}", headers=bearer(t["owner"])).get_json()

    team = join(t["insulator"], lots[0], "subcontractor", 100_000)["team"]  # CAE B
    assert team["kind"] == "single_cae"
    assert {m["role"] for m in team["members"]} == {"lead", "subcontractor"}
    login(world["owner"])
    page = client.get(f"/appels-d-offres/{tender['id']}").get_data(as_text=True)
    assert "Une seule candidate" in page and "cela ne forme pas un groupement" in page
    assert "groupement" not in page.split("cela ne forme pas")[0].split('id="equipe"')[1]
    team = join(t["joiner"], lots[1], "cotraitant", 200_000)["team"]  # CAE C
    assert team["kind"] == "multi_cae"


def test_suggestion_pages_follow_one_ranking(client, world):
    """per_page=1: each page holds the next rank of the same list and the same total."""
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    url = f"/api/v1/tenders/{tender['id']}/suggestions"
    whole = client.get(url, headers=bearer(t["owner"])).get_json()
    assert whole["total"] >= 3
    pages = [
        client.get(f"{url}?per_page=1&page={n}", headers=bearer(t["owner"])).get_json()
        for n in range(1, whole["total"] + 2)
    ]
    assert all(p["total"] == whole["total"] for p in pages)
    assert [p["items"][0] for p in pages[:-1]] == whole["items"]
    assert pages[-1]["items"] == []
    scores = [i["score"] for i in whole["items"]]
    assert scores == sorted(scores, reverse=True)


def test_a_declined_application_refuses_a_malformed_share_too(client, world):
    """share_cents is checked whatever the decision (found by the schemathesis run)."""
    t = world["tokens"]
    tender = post(client, t["owner"], two_lots())
    url = f"/api/v1/tenders/{tender['id']}"
    rid = client.post(
        f"{url}/applications",
        json={"lot_ids": [tender["lots"][0]["id"]], "role": "cotraitant"},
        headers=bearer(t["insulator"]),
    ).get_json()["id"]
    decision = f"{url}/applications/{rid}/decision"
    for share in (-1, "100", 1.5, True):
        bad = client.post(
            decision, json={"accept": False, "share_cents": share}, headers=bearer(t["owner"])
        )
        assert bad.status_code == 422, share
        assert set(bad.get_json()["error"]["fields"]) == {"share_cents"}
    declined = client.post(decision, json={"accept": False}, headers=bearer(t["owner"]))
    assert declined.status_code == 200 and declined.get_json()["state"] == "declined"
