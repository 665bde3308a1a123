"""Decisions with a discussion: comments until the vote closes (members only), who has voted
(how only with open ballots), and a reminder to those who have not voted a day before closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.collectives.models import DecisionReminder
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.timeutil import utcnow


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(make_cae, make_user):
    alpha = make_cae("Coop Alpha")
    lea = make_user(alpha, first_name="Léa", last_name="Roux", audience="network")
    collective = ops.create_collective(
        lea, {"name": "Charpentiers", "audience": "network", "join_policy": "open"}
    )
    marc = make_user(alpha, first_name="Marc", last_name="Blanc", audience="network")
    ines = make_user(alpha, first_name="Inès", last_name="Éloi", audience="network")
    ops.join(marc, collective)
    ops.join(ines, collective)
    decision = dec.open_decision(
        lea,
        collective,
        {"title": "Acheter une scie", "closes_at": (utcnow() + timedelta(hours=20)).isoformat()},
    )
    db.session.commit()
    outsider = make_user(alpha, first_name="Omar", last_name="Dehors")
    return {
        "collective": collective,
        "decision": decision,
        "lea": lea,
        "marc": marc,
        "ines": ines,
        "out": outsider,
    }


def _url(world) -> str:
    return f"/api/v1/collectives/{world['collective'].id}/decisions/{world['decision'].id}"


def test_members_comment_until_the_vote_closes(client, api_token, world):
    marc = bearer(api_token(world["marc"]))
    answer = client.post(f"{_url(world)}/comments", json={"body": "Trop chère ?"}, headers=marc)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["author"]["display_name"] == "Marc Blanc"
    got = client.get(_url(world), headers=marc).get_json()
    assert [c["body"] for c in got["comments"]] == ["Trop chère ?"]
    # Not a member: 403; empty: 422.
    out = bearer(api_token(world["out"]))
    assert (
        client.post(f"{_url(world)}/comments", json={"body": "Moi"}, headers=out).status_code == 403
    )
    assert (
        client.post(f"{_url(world)}/comments", json={"body": ""}, headers=marc).status_code == 422
    )
    # After closes_at: 409.
    world["decision"].closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = client.post(f"{_url(world)}/comments", json={"body": "Trop tard"}, headers=marc)
    assert late.status_code == 409


def test_who_voted_is_shown_not_how_unless_open_ballots(client, api_token, world):
    dec.vote(world["marc"], world["decision"], "no")
    db.session.commit()
    reader = bearer(api_token(world["ines"]))
    got = client.get(_url(world), headers=reader).get_json()
    assert got["open_ballot"] is False
    assert got["voted"] == [
        {
            "person": {
                "profile_id": world["marc"].profile.id,
                "display_name": "Marc Blanc",
                "hidden": False,
                "cae": {"id": world["marc"].cae_id, "name": "Coop Alpha"},
            },
            "choice": None,
        }
    ]
    page = client.get(f"/collectifs/{world['collective'].id}/decisions/{world['decision'].id}")
    assert page.status_code == 404  # anonymous: a network collective is not shown
    # The coordinators choose open ballots: the choice shows.
    lea = bearer(api_token(world["lea"]))
    patched = client.patch(
        f"/api/v1/collectives/{world['collective'].id}", json={"open_ballot": True}, headers=lea
    )
    assert patched.status_code == 200 and patched.get_json()["open_ballot"] is True
    got = client.get(_url(world), headers=reader).get_json()
    assert got["voted"][0]["choice"] == "no"


def test_the_decision_page_shows_voters_and_comments(client, login, world):
    dec.vote(world["marc"], world["decision"], "yes")
    db.session.commit()
    login(world["ines"])
    url = f"/collectifs/{world['collective'].id}/decisions/{world['decision'].id}"
    bad = client.post(f"{url}/commentaires", data={"body": ""})
    assert bad.status_code == 422
    made = client.post(f"{url}/commentaires", data={"body": "D'accord sur le principe."})
    assert made.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Marc Blanc" in page and "sur le principe." in page
    voters = page.split('id="votants"')[1].split("</section>")[0]
    assert "Marc Blanc</a>:" not in voters  # secret ballot: who, not how


def test_a_non_member_gets_403_on_the_comment_form(client, login, world):
    login(world["out"])
    url = f"/collectifs/{world['collective'].id}/decisions/{world['decision'].id}"
    assert client.post(f"{url}/commentaires", data={"body": "Moi"}).status_code == 403


def _reminders(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.kind == "collective.vote_reminder"
        )
    )


def test_reminders_once_per_member_and_decision(world):
    dec.vote(world["marc"], world["decision"], "yes")
    # A vote closing in more than a day is not reminded yet.
    far = dec.open_decision(
        world["lea"],
        world["collective"],
        {"title": "Plus tard", "closes_at": (utcnow() + timedelta(days=3)).isoformat()},
    )
    db.session.commit()
    assert dec.remind_due() == 2  # Léa and Inès, not Marc who voted
    db.session.commit()
    assert dec.remind_due() == 0  # once
    db.session.commit()
    assert (_reminders(world["lea"]), _reminders(world["ines"]), _reminders(world["marc"])) == (
        1,
        1,
        0,
    )
    remembered = select(func.count(DecisionReminder.id)).where(
        DecisionReminder.decision_id == far.id
    )
    assert db.session.scalar(remembered) == 0


def test_the_reminder_command(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["collectives", "remind-due"])
    assert result.exit_code == 0, result.output
    assert "3 rappel(s)" in result.output
    again = runner.invoke(args=["collectives", "remind-due"])
    assert "0 rappel(s)" in again.output


def test_the_list_of_decisions_carries_the_discussion(client, api_token, world):
    dec.vote(world["ines"], world["decision"], "yes")
    dec.comment(world["marc"], world["decision"], {"body": "Pour"})
    db.session.commit()
    url = f"/api/v1/collectives/{world['collective'].id}/decisions"
    items = client.get(url, headers=bearer(api_token(world["lea"]))).get_json()["items"]
    assert [c["body"] for c in items[0]["comments"]] == ["Pour"]
    assert [v["person"]["display_name"] for v in items[0]["voted"]] == ["Inès Éloi"]
