"""Certifications with their date of validity: given in the edit form after the name or through
certification_details in the API; an expired one says so on the profile."""

from __future__ import annotations

from datetime import timedelta

from marketplace.extensions import db
from marketplace.profiles.models import ProfileCertification
from marketplace.timeutil import to_paris, utcnow
from tests.typography import fr

TODAY = to_paris(utcnow()).date()
PAST = TODAY - timedelta(days=30)
FUTURE = TODAY + timedelta(days=400)


def patch(client, token: str, body: dict):
    return client.patch(
        "/api/v1/me/profile", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def test_api_takes_and_gives_the_date_of_validity(client, make_user, api_token):
    user = make_user(audience="public")
    token = api_token(user)
    body = {"certification_details": [
        {"name": "RGE", "valid_until": PAST.isoformat()},
        {"name": "Qualiopi", "valid_until": FUTURE.isoformat()},
        {"name": "QualiBAT"},
    ]}  # fmt: skip
    answer = patch(client, token, body)
    assert answer.status_code == 200, answer.get_json()
    profile = answer.get_json()
    assert profile["certifications"] == ["QualiBAT", "Qualiopi", "RGE"]
    assert profile["certification_details"] == [
        {"name": "QualiBAT", "valid_until": None, "expired": False},
        {"name": "Qualiopi", "valid_until": FUTURE.isoformat(), "expired": False},
        {"name": "RGE", "valid_until": PAST.isoformat(), "expired": True},
    ]
    # Names only keep the dates of the names kept.
    names = patch(client, token, {"certifications": ["RGE", "Certibiocide"]}).get_json()
    assert names["certification_details"] == [
        {"name": "Certibiocide", "valid_until": None, "expired": False},
        {"name": "RGE", "valid_until": PAST.isoformat(), "expired": True},
    ]

    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert f"expirée le {PAST:%d/%m/%Y}" in page


def test_api_refuses_a_bad_date_in_french(client, make_user, api_token):
    token = api_token(make_user())
    answer = patch(
        client, token, {"certification_details": [{"name": "RGE", "valid_until": "12/03"}]}
    )
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["certification_details"] == [
        fr("La fin de validité de « RGE » doit être une date (JJ/MM/AAAA).")
    ]
    extra = patch(client, token, {"certification_details": [{"name": "RGE", "level": 3}]})
    assert extra.status_code == 422


def test_the_form_accepts_the_date_after_the_name(client, make_user, login):
    user = make_user()
    login(user)
    form = client.get("/profils/moi").get_data(as_text=True)
    assert "RGE jusqu’au 12/03/2027" in form  # the hint
    data = {
        "headline": "Thermicienne",
        "certifications": f"RGE jusqu’au {PAST:%d/%m/%Y}\nQualiopi",
        "availability": "available",
        "audience": "network",
        "status": user.profile.status,
    }
    saved = client.post("/profils/moi", data=data, follow_redirects=True)
    assert saved.status_code == 200
    rows = {pc.certification.name: pc.valid_until for pc in db.session.query(ProfileCertification)}
    assert rows == {"RGE": PAST, "Qualiopi": None}
    page = client.get(f"/profils/{user.profile.id}").get_data(as_text=True)
    assert f"expirée le {PAST:%d/%m/%Y}" in page
    again = client.get("/profils/moi").get_data(as_text=True)
    assert f"RGE jusqu’au {PAST:%d/%m/%Y}" in again  # shown back as typed

    wrong = client.post("/profils/moi", data={**data, "certifications": "RGE jusqu’au 31/02/2027"})
    assert wrong.status_code == 422
    text = wrong.get_data(as_text=True)
    assert fr("La fin de validité de « RGE » doit être une date (JJ/MM/AAAA).") in text
    assert "RGE jusqu’au 31/02/2027" in text  # what was typed stays
