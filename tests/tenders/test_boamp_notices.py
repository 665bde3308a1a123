"""Imported public notices through the API and the pages: who sees them, the « Avis publics »
tab, and « Monter une équipe » (POST /tenders/{id}/team), which builds a member's own tender."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tender_helpers
from sqlalchemy import select
from tender_helpers import bearer, post, two_lots

from marketplace.extensions import db
from marketplace.tenders.boamp_import import import_records
from marketplace.tenders.models import Tender

world = tender_helpers.world

SAMPLE = Path(__file__).parent.parent / "data" / "boamp"


@pytest.fixture
def imported(app):
    records = json.loads((SAMPLE / "records.json").read_text())["results"]
    import_records(records)
    db.session.commit()
    return {
        t.source_id: t.id
        for t in db.session.scalars(select(Tender).where(Tender.source_name == "boamp"))
    }


@pytest.fixture
def people(make_cae, make_user, api_token):
    cae = make_cae("Ruche Nord")
    member = make_user(cae, first_name="Mona", skills=[{"name": "Plomberie", "level": 3}])
    pending = make_user(cae, first_name="Paul", verified=False)
    other = make_user(make_cae("Ruche Sud"), first_name="Omar")
    admin = make_user(None, role="admin")
    return {
        "member": member,
        "pending": pending,
        "other": other,
        "admin": admin,
        "tokens": {k: api_token(u) for k, u in (("member", member), ("pending", pending),
                                                ("other", other), ("admin", admin))},
    }  # fmt: skip


def ids_of(client, token=None, **params) -> list[int]:
    headers = bearer(token) if token else {}
    response = client.get("/api/v1/tenders", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_notice_json_has_a_source_and_no_owner(client, imported, people):
    token = people["tokens"]["member"]
    body = client.get(f"/api/v1/tenders/{imported['26-10001']}", headers=bearer(token)).get_json()
    assert body["owner"] is None
    assert body["source"] == {
        "name": "boamp",
        "idweb": "26-10001",
        "url": "https://www.boamp.fr/pages/avis/?q=idweb:%2226-10001%22",
    }
    assert body["deadline"].startswith("2031-03-15T11:00:00")
    assert body["buyer"] == {"name": "Ville de Villeurbanne", "kind": "public"}
    skills = [lot["skills"] for lot in body["lots"]]
    assert skills == [["Chauffage", "Pompe à chaleur"], ["Plomberie"]]
    assert body["team"]["members"] == [] and body["published_on"] == "2026-12-01"
    no_deadline = client.get(
        f"/api/v1/tenders/{imported['26-10004']}", headers=bearer(token)
    ).get_json()
    assert no_deadline["deadline"] is None


def test_only_verified_members_see_notices(client, imported, people):
    notice_id = imported["26-10001"]
    for who in ("member", "other", "admin"):
        token = people["tokens"][who]
        assert client.get(f"/api/v1/tenders/{notice_id}", headers=bearer(token)).status_code == 200
        assert notice_id in ids_of(client, token)
    assert client.get(f"/api/v1/tenders/{notice_id}").status_code == 404
    pending = bearer(people["tokens"]["pending"])
    assert client.get(f"/api/v1/tenders/{notice_id}", headers=pending).status_code == 404
    assert ids_of(client) == [] and ids_of(client, people["tokens"]["pending"]) == []
    assert client.get(f"/appels-d-offres/{notice_id}").status_code == 404


def test_source_filter_and_words(client, imported, people, world):
    token = people["tokens"]["member"]
    own = post(client, world["tokens"]["owner"], two_lots())["id"]
    notices = set(imported.values()) - {imported["26-10004"]}
    assert set(ids_of(client, token, source="boamp")) == set(imported.values())
    assert ids_of(client, token, source="members") == [own]
    everything = ids_of(client, token, per_page=50)
    assert set(everything) == set(imported.values()) | {own}
    assert everything[-1] == imported["26-10004"]  # no deadline: last
    assert notices <= set(everything)
    assert ids_of(client, token, q="pompe chaleur", source="boamp") == [imported["26-10001"]]
    assert ids_of(client, token, q="pompe chaleur", source="members") == []
    assert ids_of(client, token, skill="Plomberie", department="69") == [imported["26-10001"]]
    response = client.get("/api/v1/tenders?source=ted", headers=bearer(token))
    assert response.status_code == 422 and "source" in response.get_json()["error"]["fields"]
    assert ids_of(client, q="pompe chaleur") == []  # the index keeps them from visitors too


def test_nobody_edits_or_applies_to_a_notice(client, imported, people):
    notice_id = imported["26-10001"]
    for who in ("member", "admin"):
        headers = bearer(people["tokens"][who])
        response = client.patch(
            f"/api/v1/tenders/{notice_id}", json={"title": "Autre"}, headers=headers
        )
        assert response.status_code == 409
    headers = bearer(people["tokens"]["member"])
    lot = client.get(f"/api/v1/tenders/{notice_id}", headers=headers).get_json()["lots"][0]["id"]
    response = client.post(
        f"/api/v1/tenders/{notice_id}/applications",
        json={"lot_ids": [lot], "role": "cotraitant"},
        headers=headers,
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_build_a_team_from_a_notice(client, imported, people):
    notice_id = imported["26-10001"]
    member = bearer(people["tokens"]["member"])
    response = client.post(f"/api/v1/tenders/{notice_id}/team", headers=member)
    assert response.status_code == 201, response.get_data(as_text=True)
    tender = response.get_json()
    assert tender["id"] != notice_id and tender["notice_id"] == notice_id
    assert tender["source"] is None
    assert tender["owner"]["display_name"].startswith("Mona")
    assert tender["title"] == "Rénovation du groupe scolaire Jean-Moulin"
    assert tender["buyer"] == {"name": "Ville de Villeurbanne", "kind": "public"}
    assert tender["reference"] == "2026-VLB-017"
    assert tender["source_url"] == "https://www.boamp.fr/pages/avis/?q=idweb:%2226-10001%22"
    assert tender["deadline"].startswith("2031-03-15T11:00:00")
    assert [(lot["number"], lot["title"], lot["skills"]) for lot in tender["lots"]] == [
        (1, "Chauffage - pompe à chaleur", ["Chauffage", "Pompe à chaleur"]),
        (2, "Plomberie sanitaire", ["Plomberie"]),
    ]
    assert [m["role"] for m in tender["team"]["members"]] == ["lead"]
    # The member's tender is theirs: they edit it, others apply to it.
    patched = client.patch(
        f"/api/v1/tenders/{tender['id']}", json={"city": "Villeurbanne"}, headers=member
    )
    assert patched.status_code == 200
    other = bearer(people["tokens"]["other"])
    applied = client.post(
        f"/api/v1/tenders/{tender['id']}/applications",
        json={"lot_ids": [tender["lots"][1]["id"]], "role": "cotraitant"},
        headers=other,
    )
    assert applied.status_code == 201
    # Once per member and notice; another member builds their own.
    assert client.post(f"/api/v1/tenders/{notice_id}/team", headers=member).status_code == 409
    assert client.post(f"/api/v1/tenders/{notice_id}/team", headers=other).status_code == 201
    listed = ids_of(client, people["tokens"]["member"], source="members")
    assert tender["id"] in listed and notice_id not in listed


def test_build_a_team_refusals(client, imported, people, world):
    pending = bearer(people["tokens"]["pending"])
    member = bearer(people["tokens"]["member"])
    notice_id = imported["26-10001"]
    assert client.post(f"/api/v1/tenders/{notice_id}/team").status_code == 401
    assert client.post(f"/api/v1/tenders/{notice_id}/team", headers=pending).status_code == 404
    assert client.post("/api/v1/tenders/999999/team", headers=member).status_code == 404
    own = post(client, world["tokens"]["owner"], two_lots())["id"]
    assert client.post(f"/api/v1/tenders/{own}/team", headers=member).status_code == 409
    # A notice without a deadline needs one; a closed notice takes no team.
    no_deadline = imported["26-10004"]
    response = client.post(f"/api/v1/tenders/{no_deadline}/team", headers=member)
    assert response.status_code == 422 and "deadline" in response.get_json()["error"]["fields"]
    response = client.post(
        f"/api/v1/tenders/{no_deadline}/team",
        json={"deadline": "2031-09-01T12:00:00"},
        headers=member,
    )
    assert response.status_code == 201
    assert response.get_json()["deadline"] == "2031-09-01T10:00:00+00:00"
    response = client.post(f"/api/v1/tenders/{notice_id}/team", json=[1], headers=member)
    assert response.status_code == 400
    db.session.get(Tender, imported["26-10003"]).status = "cancelled"
    db.session.commit()
    assert (
        client.post(f"/api/v1/tenders/{imported['26-10003']}/team", headers=member).status_code
        == 409
    )


def test_pages_tab_notice_and_two_clicks(client, imported, people, login):
    login(people["member"])
    page = client.get("/appels-d-offres?source=boamp")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'aria-current="page">Avis publics' in html
    assert "Rénovation du groupe scolaire Jean-Moulin" in html and "Avis public" in html
    filtered = client.get("/appels-d-offres?source=boamp&department=2A").get_data(as_text=True)
    assert "espaces verts" in filtered and "Jean-Moulin" not in filtered
    members_tab = client.get("/appels-d-offres?source=members").get_data(as_text=True)
    assert "Jean-Moulin" not in members_tab
    notice_id = imported["26-10001"]
    notice_page = client.get(f"/appels-d-offres/{notice_id}").get_data(as_text=True)
    assert "Monter une équipe" in notice_page and "csrf_token" in notice_page
    assert "Chauffage - pompe à chaleur" in notice_page
    response = client.post(f"/appels-d-offres/{notice_id}/monter-une-equipe")
    assert response.status_code == 302
    built = db.session.scalars(select(Tender).where(Tender.notice_id == notice_id)).one()
    assert response.headers["Location"].endswith(f"/appels-d-offres/{built.id}")
    assert client.get(f"/appels-d-offres/{built.id}").status_code == 200
    again = client.get(f"/appels-d-offres/{notice_id}").get_data(as_text=True)
    assert "Monter une équipe" not in again and f"/appels-d-offres/{built.id}" in again
    second = client.post(f"/appels-d-offres/{notice_id}/monter-une-equipe")
    assert second.headers["Location"].endswith(f"/appels-d-offres/{built.id}")


def test_a_notice_without_deadline_asks_for_one_on_the_page(client, imported, people, login):
    login(people["member"])
    notice_id = imported["26-10004"]
    page = client.get(f"/appels-d-offres/{notice_id}").get_data(as_text=True)
    assert 'name="deadline_date"' in page
    refused = client.post(f"/appels-d-offres/{notice_id}/monter-une-equipe", data={})
    assert refused.status_code == 422
    done = client.post(
        f"/appels-d-offres/{notice_id}/monter-une-equipe",
        data={"deadline_date": "2031-09-01", "deadline_time": "12:00"},
    )
    assert done.status_code == 302


def test_a_pending_account_cannot_open_the_notice_page(client, imported, people, login):
    login(people["pending"])
    notice_id = imported["26-10001"]
    assert client.get(f"/appels-d-offres/{notice_id}").status_code == 404
    assert client.post(f"/appels-d-offres/{notice_id}/monter-une-equipe").status_code == 404
    assert "Jean-Moulin" not in client.get("/appels-d-offres").get_data(as_text=True)


def test_suggestions_calendar_and_sheet_of_a_notice(client, imported, people, make_user):
    plumber = make_user(people["member"].cae, first_name="Pia",
                        skills=[{"name": "Plomberie", "level": 4}])  # fmt: skip
    headers = bearer(people["tokens"]["other"])
    notice_id = imported["26-10001"]
    found = client.get(f"/api/v1/tenders/{notice_id}/suggestions", headers=headers)
    assert found.status_code == 200
    assert plumber.profile.id in [s["profile_id"] for s in found.get_json()["items"]]
    calendar = client.get(f"/api/v1/tenders/{notice_id}/calendar.ics", headers=headers)
    assert calendar.status_code == 200 and "DTSTART:20310315T110000Z" in calendar.get_data(
        as_text=True
    )
    no_deadline = imported["26-10004"]
    assert (
        client.get(f"/api/v1/tenders/{no_deadline}/calendar.ics", headers=headers).status_code
        == 404
    )
    login_client = client
    with login_client.session_transaction() as session:
        session["_user_id"] = people["other"].get_id()
        session["_fresh"] = True
    assert login_client.get(f"/appels-d-offres/{notice_id}/fiche-equipe").status_code == 200
    assert login_client.get(f"/appels-d-offres/{notice_id}/equipe.csv").status_code == 200
    assert login_client.get(f"/appels-d-offres/{notice_id}/modifier").status_code == 403


def test_a_source_filter_of_dropped_characters_is_refused(client):
    """A value the cleaning empties is not « no filter »: it is not one of the sources (422)."""
    response = client.get("/api/v1/tenders?source=%F3%84%B4%AC")
    assert response.status_code == 422
    assert "source" in response.get_json()["error"]["fields"]


def _notices_of(client, token: str, kind: str) -> list[dict]:
    body = client.get("/api/v1/me/notifications", headers=bearer(token)).get_json()
    return [item for item in body["items"] if item["kind"] == kind]


def test_a_cancelled_notice_tells_the_owners_of_its_teams_once(
    app, client, imported, people, make_user, api_token, outbox, tmp_path
):
    """Annulation: the owner of each team tender built from the notice hears it once, in the
    site and by e-mail as their settings say; teams of other notices hear nothing."""
    from marketplace.notifications.operations import set_email_mode

    quiet = make_user(people["member"].cae, first_name="Quentin")
    elsewhere = make_user(people["member"].cae, first_name="Elsa")
    tokens = {**people["tokens"], "quiet": api_token(quiet), "elsewhere": api_token(elsewhere)}
    set_email_mode(quiet, "never")
    db.session.commit()
    cancelled, kept = imported["26-10001"], imported["26-10002"]
    teams = {}
    for who, notice_id in (("member", cancelled), ("quiet", cancelled), ("elsewhere", kept)):
        response = client.post(f"/api/v1/tenders/{notice_id}/team", headers=bearer(tokens[who]))
        assert response.status_code == 201, response.get_data(as_text=True)
        teams[who] = response.get_json()["id"]
    outbox()  # what was queued before the cancellation leaves first
    before = len(outbox())

    cancellation = tmp_path / "annulation.json"
    cancellation.write_text(json.dumps([{
        "idweb": "26-30010", "objet": "Annulation de l'avis 26-10001",
        "nomacheteur": "Ville de Villeurbanne", "nature": "ANNULATION",
        "nature_libelle": "Avis d'annulation", "annonce_lie": ["26-10001"],
    }]))  # fmt: skip
    for _time in range(2):  # the same cancellation imported twice tells nobody twice
        result = app.test_cli_runner().invoke(args=["tenders", "import-boamp", str(cancellation)])
        assert result.exit_code == 0, result.output
    assert "1 fermé(s)" not in result.stdout  # the second run closed nothing

    told = _notices_of(client, tokens["member"], "tender.notice_cancelled")
    assert len(told) == 1
    assert told[0]["url"].endswith(f"/appels-d-offres/{teams['member']}")
    assert "Rénovation du groupe scolaire Jean-Moulin" in told[0]["text"]
    assert "2026-VLB-017" in told[0]["text"] and "annulé" in told[0]["text"]
    assert len(_notices_of(client, tokens["quiet"], "tender.notice_cancelled")) == 1
    assert _notices_of(client, tokens["elsewhere"], "tender.notice_cancelled") == []
    mails = outbox()[before:]
    assert [to for to, _subject, _body in mails] == [people["member"].email]
    assert "annulé" in mails[0][1] and "Jean-Moulin" in mails[0][2]
    assert f"/appels-d-offres/{teams['member']}" in mails[0][2]
    # The team tenders themselves stay the members' to close; the notice is closed.
    assert db.session.get(Tender, cancelled).status == "cancelled"
    assert db.session.get(Tender, teams["member"]).status == "open"
