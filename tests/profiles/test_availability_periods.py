"""Availability as periods: written through PATCH /me/profile and the edit page, shown on the
profile as a list and a small calendar, refused in the past with a French message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.actors import SYSTEM
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.profiles.models import AvailabilityPeriod, Profile
from marketplace.profiles.operations import update_profile
from marketplace.timeutil import to_paris, utcnow


def today() -> date:
    return to_paris(utcnow()).date()


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


def patch(client, token: str, body: dict):
    return client.patch(
        "/api/v1/me/profile", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_periods_are_written_and_read_through_the_api(client, make_user, api_token):
    user = make_user(audience="public")
    token = api_token(user)
    body = {
        "availability_periods": [
            {"starts_on": days(40), "ends_on": days(60), "kind": "part_time",
             "note": "  mi-temps  "},
            {"starts_on": days(3), "ends_on": days(21), "kind": "unavailable"},
        ]
    }  # fmt: skip

    response = patch(client, token, body)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["availability_periods"] == [
        {"starts_on": days(3), "ends_on": days(21), "kind": "unavailable", "note": ""},
        {"starts_on": days(40), "ends_on": days(60), "kind": "part_time", "note": "mi-temps"},
    ]
    read = client.get(f"/api/v1/profiles/{user.profile.id}").get_json()
    assert [p["kind"] for p in read["availability_periods"]] == ["unavailable", "part_time"]

    cleared = patch(client, token, {"availability_periods": []})
    assert cleared.get_json()["availability_periods"] == []
    assert db.session.query(AvailabilityPeriod).count() == 0


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"starts_on": days(-10), "ends_on": days(-2), "kind": "unavailable"},
         "Une période ne peut pas être entièrement passée."),
        ({"starts_on": days(10), "ends_on": days(5), "kind": "unavailable"},
         "Une période ne peut pas finir avant de commencer."),
        ({"starts_on": days(1), "ends_on": "bientôt", "kind": "unavailable"},
         "Chaque période demande une date de début et une date de fin (AAAA-MM-JJ)."),
        ({"starts_on": days(1), "ends_on": days(2), "kind": "holidays"},
         "Le type d’une période est unavailable ou part_time."),
        ({"starts_on": days(1), "ends_on": days(900), "kind": "unavailable"},
         "Une période doit finir dans les deux ans qui viennent."),
        ({"starts_on": days(1), "ends_on": days(2), "kind": "unavailable", "note": "x" * 201},
         "La note d’une période compte au plus 200 caractères."),
    ],
    ids=["past", "reversed", "not-a-date", "kind", "too-far", "note"],
)  # fmt: skip
def test_a_wrong_period_gets_a_french_422(client, make_user, api_token, period, message):
    user = make_user()
    response = patch(client, api_token(user), {"availability_periods": [period]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"availability_periods": [message]}


def test_the_list_itself_must_be_a_list_and_each_period_says_its_kind(client, make_user, api_token):
    token = api_token(make_user())
    null = patch(client, token, {"availability_periods": None})
    assert null.status_code == 422
    assert null.get_json()["error"]["fields"]["availability_periods"] == [
        "Donnez une liste de périodes (une liste vide les retire toutes)."
    ]
    no_kind = patch(
        client, token, {"availability_periods": [{"starts_on": days(1), "ends_on": days(2)}]}
    )
    assert no_kind.status_code == 422
    basic_format = patch(client, token, {"availability_periods": [
        {"starts_on": days(1).replace("-", ""), "ends_on": days(2), "kind": "unavailable"},
    ]})  # fmt: skip
    assert basic_format.status_code == 422


def test_a_period_under_way_starts_today(app, make_user):
    user = make_user()
    update_profile(SYSTEM, user.profile, {"availability_periods": [
        {"starts_on": days(-5), "ends_on": days(5), "kind": "unavailable"},
    ]})  # fmt: skip
    db.session.commit()
    assert [(p.starts_on, p.ends_on) for p in user.profile.availability_periods] == [
        (today(), today() + timedelta(days=5))
    ]
    with pytest.raises(ValidationError):
        update_profile(SYSTEM, user.profile, {"availability_periods": [{}] * 21})


def test_past_periods_are_no_longer_shown(client, make_user, api_token):
    user = make_user(audience="public")
    profile = db.session.get(Profile, user.profile.id)
    profile.availability_periods = [
        AvailabilityPeriod(starts_on=today() - timedelta(days=9),
                           ends_on=today() - timedelta(days=1), kind="unavailable"),
    ]  # fmt: skip
    db.session.commit()
    assert (
        client.get(f"/api/v1/profiles/{user.profile.id}").get_json()["availability_periods"] == []
    )


def test_the_profile_shows_the_periods_and_a_calendar(client, make_user):
    user = make_user(audience="public")
    start = today() + timedelta(days=1)
    update_profile(SYSTEM, user.profile, {"availability_periods": [
        {"starts_on": start.isoformat(), "ends_on": start.isoformat(), "kind": "part_time",
         "note": "Formation"},
    ]})  # fmt: skip
    db.session.commit()

    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)

    shown = start.strftime("%d/%m/%Y")
    assert f"À mi-temps du {shown} au {shown}" in page
    assert "Formation" in page
    assert page.count('<table class="month">') == 3
    assert '<td class="day period-part_time">' in page
    assert '<span class="visually-hidden"> (à mi-temps)</span>' in page


def test_the_edit_page_writes_the_periods(client, make_user, login):
    user = make_user()
    login(user)
    page = client.get("/profils/moi").get_data(as_text=True)
    assert 'name="periods-0-starts_on"' in page and 'name="periods-1-kind"' in page

    form = {
        "headline": "Menuisière", "status": "employee", "availability": "available",
        "audience": "network",
        "periods-0-starts_on": days(3), "periods-0-ends_on": days(21),
        "periods-0-kind": "unavailable", "periods-0-note": "Congés",
        "periods-1-starts_on": "", "periods-1-ends_on": "", "periods-1-kind": "unavailable",
    }  # fmt: skip
    response = client.post("/profils/moi", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    periods = db.session.get(Profile, user.profile.id).availability_periods
    assert [(p.kind, p.note) for p in periods] == [("unavailable", "Congés")]

    form["periods-0-starts_on"], form["periods-0-ends_on"] = days(-20), days(-10)
    refused = client.post("/profils/moi", data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Une période ne peut pas être entièrement passée." in html
    assert f'value="{days(-20)}"' in html  # what was typed is kept


def test_account_deletion_removes_the_periods(client, make_user, login):
    from tests.conftest import PASSWORD

    user = make_user()
    update_profile(SYSTEM, user.profile, {"availability_periods": [
        {"starts_on": days(1), "ends_on": days(2), "kind": "unavailable", "note": "Privé"},
    ]})  # fmt: skip
    db.session.commit()
    login(user)
    assert client.post("/compte/supprimer", data={"password": PASSWORD}).status_code == 302
    assert db.session.query(AvailabilityPeriod).count() == 0


def test_tender_suggestions_weigh_the_periods_over_the_start_of_the_work(app, make_cae, make_user):
    from marketplace.tenders.operations import create_tender
    from marketplace.tenders.suggestions import WORK_WINDOW_DAYS, suggestions_by_lot

    owner = make_user(make_cae())
    skill = [{"name": "Isolation thermique", "level": 3}]
    free, away, half = (make_user(make_cae(), skills=skill) for _ in range(3))
    deadline = utcnow() + timedelta(days=10)
    first = to_paris(deadline).date()
    update_profile(SYSTEM, away.profile, {"availability_periods": [
        {"starts_on": (first - timedelta(days=1)).isoformat(),
         "ends_on": (first + timedelta(days=WORK_WINDOW_DAYS + 1)).isoformat(),
         "kind": "unavailable"},
    ]})  # fmt: skip
    update_profile(SYSTEM, half.profile, {"availability_periods": [
        {"starts_on": (first + timedelta(days=5)).isoformat(),
         "ends_on": (first + timedelta(days=9)).isoformat(), "kind": "part_time"},
        # Before the deadline: it does not count for the work.
        {"starts_on": days(1), "ends_on": days(2), "kind": "unavailable"},
    ]})  # fmt: skip
    tender = create_tender(owner, {
        "title": "Isolation de l'école", "buyer": {"name": "Ville", "kind": "public"},
        "deadline": deadline, "department": "69", "estimated_amount_cents": 1_000_000,
        "audience": "network",
        "lots": [{"number": 1, "title": "Isolation", "skills": ["Isolation thermique"]}],
    })  # fmt: skip
    db.session.commit()

    ranked = suggestions_by_lot(owner, tender)[tender.lots[0].id]

    availability = {s.candidate.profile_id: s.candidate.availability for s in ranked}
    assert availability == {
        free.profile.id: "available",
        away.profile.id: "unavailable",
        half.profile.id: "partial",
    }
    order = [s.candidate.profile_id for s in ranked]
    assert order == [free.profile.id, half.profile.id, away.profile.id]


def _availability_facet(client) -> dict[str, int]:
    body = client.get("/api/v1/profiles").get_json()
    return {f["value"]: f["count"] for f in body["facets"]["availability"]}


def test_the_availability_facet_counts_the_periods_of_today(app, client, make_user):
    from sqlalchemy import insert

    away = make_user(audience="public", availability="available")
    make_user(audience="public", availability="available")
    update_profile(SYSTEM, away.profile, {"availability_periods": [
        {"starts_on": days(0), "ends_on": days(3), "kind": "unavailable"},
    ]})  # fmt: skip
    db.session.commit()
    assert _availability_facet(client) == {"available": 1, "unavailable": 1}
    found = client.get("/api/v1/profiles?availability=unavailable").get_json()["items"]
    assert [p["id"] for p in found] == [away.profile.id]

    # A period that begins today while nothing else changed (written the day before): the
    # daily command re-indexes the profile.
    later = make_user(audience="public", availability="available")
    db.session.execute(insert(AvailabilityPeriod.__table__).values(
        profile_id=later.profile.id, starts_on=today(), ends_on=today() + timedelta(days=2),
        kind="part_time", note="",
    ))  # fmt: skip
    db.session.commit()
    assert _availability_facet(client) == {"available": 2, "unavailable": 1}

    result = app.test_cli_runner().invoke(args=["profiles", "refresh-availability"])

    assert result.exit_code == 0, result.output
    assert "2 profil(s) à réindexer." in result.output  # both periods begin today
    assert _availability_facet(client) == {"available": 1, "partial": 1, "unavailable": 1}
