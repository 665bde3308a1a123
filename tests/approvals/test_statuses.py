"""Statuses are contracts the CAE holds: a member proposes, the CAE's managers confirm with the
contract's start date, and see who must become associé·e within three years of the CESA, less
the CAPE time (Code du travail L7331-3)."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.actors import SYSTEM
from marketplace.approvals.statuses import associate_due
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.profiles.models import Profile
from marketplace.profiles.operations import update_profile


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_due_date_is_three_years_after_the_cesa_less_the_cape_time():
    assert associate_due(date(2024, 3, 1)) == date(2027, 3, 1)
    assert associate_due(date(2024, 3, 1), date(2023, 9, 1)) == date(2026, 9, 1)
    assert associate_due(date(2024, 2, 29)) == date(2027, 2, 28)
    # A CAPE longer than three years leaves nothing to wait.
    assert associate_due(date(2024, 3, 1), date(2020, 1, 1)) == date(2024, 3, 1)


def test_a_member_proposes_and_the_status_stays_confirmed_until_a_manager_confirms(
    client, make_cae, make_user, api_token
):
    cae, other_cae = make_cae("Coop Rhône"), make_cae("Coop Loire")
    member = make_user(cae, status="employee", audience="network")
    manager = make_user(cae, role="manager")
    other_manager = make_user(other_cae, role="manager")
    reader = make_user(other_cae)
    h = {u: auth(api_token(x)) for u, x in (("m", member), ("g", manager), ("o", other_manager),
                                           ("r", reader))}  # fmt: skip

    patched = client.patch("/api/v1/me/profile", json={"status": "associate"}, headers=h["m"])
    assert patched.status_code == 200
    body = patched.get_json()
    assert (body["status"], body["status_proposed"]) == ("employee", "associate")
    assert (
        db.session.query(Notification).filter_by(user_id=manager.id, kind="status.proposed").count()
        == 1
    )
    # Others see the confirmed status only.
    seen = client.get(f"/api/v1/profiles/{member.profile.id}", headers=h["r"]).get_json()
    assert (seen["status"], seen["status_proposed"]) == ("employee", None)

    statuses = client.get(f"/api/v1/caes/{cae.id}/statuses", headers=h["g"]).get_json()
    assert [p["profile_id"] for p in statuses["proposals"]] == [member.profile.id]
    assert client.get(f"/api/v1/caes/{cae.id}/statuses", headers=h["o"]).status_code == 404

    url = f"/api/v1/profiles/{member.profile.id}/status-decision"
    assert client.post(url, json={"confirm": True}, headers=h["o"]).status_code == 404
    assert client.post(url, json={"confirm": True}, headers=h["m"]).status_code == 404
    confirmed = client.post(url, json={"confirm": True}, headers=h["g"])
    assert confirmed.status_code == 200, confirmed.get_json()
    assert (confirmed.get_json()["status"], confirmed.get_json()["status_proposed"]) == (
        "associate",
        None,
    )
    assert client.post(url, json={"confirm": True}, headers=h["g"]).status_code == 409


def test_a_confirmation_records_the_contract_s_start_and_a_refusal_keeps_the_status(
    client, make_cae, make_user, api_token
):
    cae = make_cae()
    member = make_user(cae, status="project_holder")
    manager = auth(api_token(make_user(cae, role="manager")))
    mine = auth(api_token(member))
    url = f"/api/v1/profiles/{member.profile.id}/status-decision"

    client.patch("/api/v1/me/profile", json={"status": "associate"}, headers=mine)
    refused = client.post(url, json={"confirm": False}, headers=manager)
    assert refused.get_json()["status"] == "project_holder"
    assert refused.get_json()["status_proposed"] is None

    client.patch("/api/v1/me/profile", json={"status": "employee"}, headers=mine)
    no_date = client.post(url, json={"confirm": True}, headers=manager)
    assert no_date.status_code == 422 and "started_on" in no_date.get_json()["error"]["fields"]
    ok = client.post(url, json={"confirm": True, "started_on": "2025-01-06"}, headers=manager)
    assert ok.status_code == 200 and ok.get_json()["status"] == "employee"
    db.session.expire_all()
    assert db.session.get(Profile, member.profile.id).cesa_started_on == date(2025, 1, 6)


def test_the_command_line_and_managers_set_statuses_directly(make_cae, make_user):
    cae = make_cae()
    member = make_user(cae, status="employee")
    update_profile(SYSTEM, member.profile, {"status": "associate"})
    assert (member.profile.status, member.profile.status_proposed) == ("associate", None)
    manager = make_user(cae, role="manager")
    update_profile(manager, member.profile, {"status": "employee"})
    assert member.profile.status == "employee"


def test_the_managers_page_confirms_and_lists_who_must_become_associate(
    client, make_cae, make_user, login
):
    cae = make_cae("Coop Rhône")
    later = make_user(cae, first_name="Zoé", status="employee")
    sooner = make_user(cae, first_name="Ana", status="employee")
    unknown = make_user(cae, first_name="Bob", status="employee")
    sooner.profile.cesa_started_on, sooner.profile.cape_started_on = (
        date(2025, 1, 1),
        date(2024, 1, 1),
    )
    later.profile.cesa_started_on = date(2025, 1, 1)
    proposer = make_user(cae, first_name="Eve", status="project_holder")
    proposer.profile.status_proposed = "employee"
    db.session.commit()
    manager = make_user(cae, role="manager")
    login(manager)

    assert 'href="/gestion/statuts"' in client.get("/gestion").get_data(as_text=True)
    page = client.get("/gestion/statuts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index(sooner.display_name) < html.index(later.display_name)
    assert html.index(later.display_name) < html.index(unknown.display_name)
    assert "01/01/2027" in html and "01/01/2028" in html
    assert f'id="status-{proposer.profile.id}"' in html

    url = f"/gestion/statuts/{proposer.profile.id}"
    missing = client.post(url, data={"decision": "confirm"})
    assert missing.status_code == 422
    done = client.post(url, data={"decision": "confirm", "started_on": "2026-02-02"})
    assert done.status_code == 302
    db.session.expire_all()
    profile = db.session.get(Profile, proposer.profile.id)
    assert (profile.status, profile.cesa_started_on) == ("employee", date(2026, 2, 2))
    # A member is not a manager: 403.
    login(sooner)
    assert client.get("/gestion/statuts").status_code == 403


def test_becoming_associate_keeps_the_cesa_s_start(client, make_cae, make_user, api_token):
    """The CESA is the same contract before and after becoming associé·e (L7331-2): a date given
    when confirming the associé·e status does not move the CESA's start; without one recorded
    (straight from a CAPE), the CESA begins then."""
    cae = make_cae()
    employee = make_user(cae, status="employee")
    holder = make_user(cae, status="project_holder")
    employee.profile.cesa_started_on = date(2024, 1, 1)
    db.session.commit()
    manager = auth(api_token(make_user(cae, role="manager")))
    for member in (employee, holder):
        patched = client.patch(
            "/api/v1/me/profile", json={"status": "associate"}, headers=auth(api_token(member))
        )
        assert patched.get_json()["status_proposed"] == "associate"
        confirmed = client.post(
            f"/api/v1/profiles/{member.profile.id}/status-decision",
            json={"confirm": True, "started_on": "2026-06-01"},
            headers=manager,
        )
        assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "associate"
    db.session.expire_all()
    assert db.session.get(Profile, employee.profile.id).cesa_started_on == date(2024, 1, 1)
    assert db.session.get(Profile, holder.profile.id).cesa_started_on == date(2026, 6, 1)


@pytest.mark.parametrize("started_on", ["9999-06-01", "1890-01-01"])
def test_a_start_date_out_of_bounds_is_refused_in_words(
    client, make_cae, make_user, api_token, login, started_on
):
    """A year typed wrong (9999) is refused, not stored to break the associé·e deadlines."""
    cae = make_cae()
    member = make_user(cae, status="project_holder")
    manager = make_user(cae, role="manager")
    client.patch("/api/v1/me/profile", json={"status": "employee"}, headers=auth(api_token(member)))
    url = f"/api/v1/profiles/{member.profile.id}/status-decision"
    body = {"confirm": True, "started_on": started_on}
    refused = client.post(url, json=body, headers=auth(api_token(manager)))
    assert refused.status_code == 422
    assert "date de début du contrat" in refused.get_json()["error"]["fields"]["started_on"][0]
    login(manager)
    page = client.post(
        f"/gestion/statuts/{member.profile.id}",
        data={"decision": "confirm", "started_on": started_on},
    )
    assert page.status_code == 422 and "date de début du contrat" in page.get_data(as_text=True)
    db.session.expire_all()
    profile = db.session.get(Profile, member.profile.id)
    assert (profile.status, profile.cesa_started_on) == ("project_holder", None)
    assert client.get("/gestion/statuts").status_code == 200


def test_the_deadline_of_a_date_near_the_calendar_s_end_does_not_overflow():
    assert associate_due(date(9998, 1, 1)) == date.max
