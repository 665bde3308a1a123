"""`flask demo load [--if-empty]`: fictional CAEs and realistic profiles, loaded once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import MembershipEvent, User
from marketplace.accounts.operations import authenticate
from marketplace.caes.models import Cae
from marketplace.demo import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    MEMBER_EMAIL,
    generate_people,
    load_demo,
)
from marketplace.demo.caes import CAES
from marketplace.demo.generate import split_count
from marketplace.extensions import db
from marketplace.geo import region_of
from marketplace.profiles.models import Profile, ProfileSkill
from marketplace.profiles.schemas import ProfileUpdate
from marketplace.skills.models import Skill


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Cae, User, Profile, ProfileSkill, MembershipEvent, Skill)
    }


# The generated people (no database) -------------------------------------------------------------


def test_generation_is_deterministic_and_varied():
    people = generate_people()
    assert len(people) >= 300
    assert people == generate_people()
    assert generate_people(seed=7) != people
    assert len({p.email for p in people}) == len(people)
    assert len({(p.first_name, p.last_name) for p in people}) > 250

    for key, values in (
        ("status", {"project_holder", "employee", "associate"}),
        ("availability", {"available", "partial", "unavailable"}),
        ("audience", {"cae", "network", "public"}),
    ):
        seen = Counter(p.profile[key] for p in people)
        assert set(seen) == values, key
    audiences = Counter(p.profile["audience"] for p in people)
    assert audiences["network"] > audiences["cae"] and audiences["network"] > audiences["public"]
    assert {p.sector for p in people} >= {
        "renovation", "batiment", "numerique", "formation", "artisanat", "agriculture", "conseil",
    }  # fmt: skip
    memberships = Counter(p.membership for p in people)
    assert memberships["verified"] > 0.85 * len(people) and memberships["pending"] >= 4
    skills = {s["name"] for p in people for s in p.profile["skills"]}
    expected = {"Rénovation énergétique", "Audit énergétique", "Plomberie", "Développement web",
                "Maraîchage biologique", "Formation professionnelle", "Comptabilité"}  # fmt: skip
    assert expected <= skills
    certifications = {c for p in people for c in p.profile["certifications"]}
    assert {"RGE", "Qualiopi", "QualiBAT", "Qualifelec", "Agriculture biologique"} <= certifications
    rates = [p.profile["daily_rate_cents"] for p in people if p.profile["daily_rate_cents"]]
    assert len(rates) > len(people) / 2 and all(r % 1000 == 0 for r in rates)


def test_every_generated_profile_passes_the_profile_rules(app):
    for person in generate_people():
        ProfileUpdate.load(person.profile, partial=True)
        bio_sentences = person.profile["bio"].count(". ") + 1
        assert 2 <= bio_sentences <= 4, person.profile["bio"]
        cae = CAES[person.cae_index]
        assert region_of(person.profile["department"]) == region_of(cae.department)


def test_the_demo_caes_are_spread_across_regions():
    assert len(CAES) >= 6
    assert len({region_of(cae.department) for cae in CAES}) >= 6
    assert "974" in {cae.department for cae in CAES}
    shares = split_count(300, [cae.weight for cae in CAES])
    assert sum(shares) == 300 and min(shares) > 0 and shares[0] == max(shares)


# Loading ----------------------------------------------------------------------------------------


def test_load_is_idempotent(app, outbox):
    result = load_demo(count=30)
    db.session.commit()
    assert result.caes_created == len(CAES)
    first = counts()
    assert first["Cae"] == len(CAES)
    # 30 people, the member to try, the administrator and one manager per CAE.
    assert first["User"] == 30 + 2 + len(CAES) == first["Profile"]

    again = load_demo(count=30)
    db.session.commit()
    assert (again.caes_created, again.users_created) == (0, 0)
    assert counts() == first
    assert outbox() == []  # nobody is invited: the demo does not fill the mail folder


def test_demo_collectives(app, outbox):
    from marketplace.accounts.models import Anonymous
    from marketplace.collectives import decisions as dec
    from marketplace.collectives import queries
    from marketplace.collectives.models import Collective, Decision

    load_demo(count=120)
    db.session.commit()
    collectives = {c.name: c for c in db.session.scalars(select(Collective))}
    assert len(collectives) == 3
    renovation = collectives["Rénovation énergétique en réseau"]
    members = queries.members_of(Anonymous(), [renovation.id])[renovation.id]
    assert len(queries.caes_of(members)) == 3
    assert MEMBER_EMAIL in {m.user.email for m in members}
    decisions = db.session.scalars(select(Decision)).all()
    assert {dec.is_open(d) for d in decisions} == {True, False}
    closed = next(d for d in decisions if not dec.is_open(d))
    assert closed.closed_at is not None and dec.results(closed).voters > 0
    before = counts()
    load_demo(count=120)
    db.session.commit()
    assert counts() == before
    assert db.session.scalar(select(func.count(Collective.id))) == 3
    assert outbox() == []


def test_accounts_to_try(app):
    load_demo(count=30)
    db.session.commit()
    member = authenticate(MEMBER_EMAIL, DEMO_PASSWORD)
    manager = authenticate(MANAGER_EMAIL, DEMO_PASSWORD)
    admin = authenticate(ADMIN_EMAIL, DEMO_PASSWORD)
    first_cae = db.session.scalar(select(Cae).where(Cae.name == CAES[0].name))

    assert member.is_verified and member.cae_id == first_cae.id and member.role == "member"
    assert len(member.profile.skills) >= 3 and member.profile.headline
    assert manager.is_manager and manager.manages(first_cae.id)
    assert admin.is_admin
    # Only these three have a password (hashing is slow on purpose).
    with_password = db.session.scalars(select(User.email).where(User.password_hash.is_not(None)))
    assert sorted(with_password) == sorted([MEMBER_EMAIL, MANAGER_EMAIL, ADMIN_EMAIL])

    # The manager has requests to handle, and verified the others (visible in the history).
    pending = db.session.scalars(
        select(User).where(User.cae_id == first_cae.id, User.membership == "pending")
    ).all()
    assert len(pending) >= 4
    decided = db.session.scalars(
        select(MembershipEvent).where(
            MembershipEvent.cae_id == first_cae.id, MembershipEvent.to_state == "verified",
            MembershipEvent.from_state == "pending",
        )
    ).all()  # fmt: skip
    assert decided and all(event.actor_id == manager.id for event in decided)


def test_if_empty_does_nothing_when_a_cae_exists(app, make_cae):
    make_cae("Une CAE déjà là")
    result = load_demo(count=30, if_empty=True)
    assert result.skipped
    assert counts()["Cae"] == 1 and counts()["User"] == 0
    assert "non chargées" in result.report()


@pytest.mark.slow
def test_demo_load_command(app, client, outbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    for text in (MEMBER_EMAIL, MANAGER_EMAIL, ADMIN_EMAIL, DEMO_PASSWORD):
        assert text in result.stdout
    loaded = counts()
    assert loaded["Cae"] >= 6 and loaded["Profile"] >= 300

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "rien à ajouter" in result.stdout
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "non chargées" in result.stdout
    assert counts() == loaded
    assert outbox() == []

    # The member to try signs in and finds profiles of other CAEs.
    response = client.post("/connexion", data={"email": MEMBER_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/profils?skill=Rénovation énergétique")
    assert page.status_code == 200


def test_demo_conversations(app, client, outbox):
    """The member to try finds an inbox with three threads, each started where people meet:
    a tender's suggestion (with the invitation), an offer she answered, her profile."""
    from marketplace.conversations.models import Conversation, Message, Participant
    from marketplace.tenders.models import TenderInvitation

    load_demo(count=120)
    db.session.commit()
    member = db.session.scalar(select(User).where(User.email == MEMBER_EMAIL))
    mine = db.session.scalars(
        select(Conversation)
        .join(Participant, Participant.conversation_id == Conversation.id)
        .where(Participant.user_id == member.id)
        .order_by(Conversation.last_message_at.desc())
    ).all()
    assert [c.about_type for c in mine] == ["profile", "tender", "offer"]
    about_tender = mine[1]
    assert about_tender.about_lot == 3
    invited = db.session.scalar(select(TenderInvitation))
    assert invited.tender_id == about_tender.about_id and invited.state == "pending"
    assert {p.user_id for p in about_tender.participants} == {member.id, invited.invitee.user_id}
    for conversation in mine:
        authors = db.session.scalars(
            select(Message.author_id).where(Message.conversation_id == conversation.id)
        ).all()
        assert len(authors) >= 3 and len(set(authors)) == 2  # both of them wrote
    times = db.session.scalars(select(Message.sent_at).order_by(Message.id)).all()
    assert len(set(times)) == len(times)  # dated over the last days, not all at once
    unread = sum(p.unread for c in mine for p in c.participants if p.user_id == member.id)
    assert unread > 0
    before = db.session.scalar(select(func.count(Message.id)))
    load_demo(count=120)
    db.session.commit()
    assert db.session.scalar(select(func.count(Message.id))) == before
    assert outbox() == []  # nothing told by e-mail

    client.post("/connexion", data={"email": MEMBER_EMAIL, "password": DEMO_PASSWORD})
    inbox = client.get("/messages").get_data(as_text=True)
    assert "conversation-unread" in inbox and "Rénovations globales à Lyon" in inbox
    thread = client.get(f"/messages/{about_tender.id}").get_data(as_text=True)
    assert "lot 3" in thread and "pompes à chaleur" in thread


def test_demo_public_notices_and_a_team_built_from_one(app, client):
    """The « Avis publics » tab of the demo is not empty: imported-looking BOAMP notices, open,
    and the member to try has built their team's tender from one; loading again adds nothing."""
    from marketplace.tenders.models import Tender

    load_demo(count=30)
    db.session.commit()
    load_demo(count=30)
    db.session.commit()
    notices = db.session.scalars(select(Tender).where(Tender.source_name == "boamp")).all()
    assert len(notices) == 5
    assert all(n.status == "open" and n.source_id.startswith("26-") for n in notices)
    assert all(n.deadline is not None and n.published_on is not None for n in notices)
    assert all(n.lots and n.lots[0].skills and n.source_url for n in notices)
    teams = db.session.scalars(select(Tender).where(Tender.notice_id.is_not(None))).all()
    assert len(teams) == 1
    team = teams[0]
    assert team.owner.user.email == MEMBER_EMAIL and team.source_name is None
    notice = db.session.get(Tender, team.notice_id)
    assert (team.title, team.reference, team.deadline) == (
        notice.title,
        notice.reference,
        notice.deadline,
    )

    client.post("/connexion", data={"email": MEMBER_EMAIL, "password": DEMO_PASSWORD})
    page = client.get("/appels-d-offres?source=boamp").get_data(as_text=True)
    assert "Rénovation énergétique de l’école maternelle Jules-Ferry" in page or (
        "Rénovation énergétique de l&#39;école maternelle Jules-Ferry" in page
    )
    assert "Formation des agents à l&#39;accueil des publics" in page
    mine = client.get("/appels-d-offres?source=members").get_data(as_text=True)
    assert f"/appels-d-offres/{team.id}" in mine


def test_demo_urgent_replacement_inside_a_collective(app, client, outbox):
    """One urgent replacement request, from a member of a collective, answered by a member of
    the same collective (the member to try), waiting for its author's choice."""
    from marketplace.collectives.models import CollectiveMember
    from marketplace.subcontracting.models import Offer

    load_demo(count=120)
    db.session.commit()
    requests = db.session.scalars(select(Offer).where(Offer.kind == "replacement")).all()
    assert len(requests) == 1
    offer = requests[0]
    assert offer.urgent and offer.status == "open"
    assert offer.starts_on is not None and offer.ends_on is not None
    [response] = offer.responses
    owner, responder = offer.owner.user, response.responder.user
    assert responder.email == MEMBER_EMAIL and owner.id != responder.id

    def collectives_of(user: User) -> set[int]:
        stmt = select(CollectiveMember.collective_id).where(CollectiveMember.user_id == user.id)
        return set(db.session.scalars(stmt))

    assert collectives_of(owner) & collectives_of(responder)
    load_demo(count=120)
    db.session.commit()
    assert db.session.scalar(select(func.count(Offer.id)).where(Offer.kind == "replacement")) == 1
    assert outbox() == []  # the first circle is told in the site, nothing is e-mailed

    client.post("/connexion", data={"email": MEMBER_EMAIL, "password": DEMO_PASSWORD})
    listing = client.get("/offres?kind=replacement").get_data(as_text=True)
    assert f'/offres/{offer.id}"' in listing and "badge-urgent" in listing


def test_the_demo_manager_has_work_on_the_desk(app, client, outbox):
    """The manager to try lands on a desk with something in each section: people awaiting
    verification, an invoice record awaiting the CAE's approval, a status to confirm, and work
    this month and last month, inside the CAE and with other CAEs. Loading again adds nothing."""
    import re

    from marketplace.demo.desk import AWAITING
    from marketplace.subcontracting.models import Subcontract

    load_demo(count=120)
    db.session.commit()
    records = db.session.scalar(select(func.count(Subcontract.id)))
    load_demo(count=120)
    db.session.commit()
    assert db.session.scalar(select(func.count(Subcontract.id))) == records
    assert outbox() == []  # nobody told

    response = client.post("/connexion", data={"email": MANAGER_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/gestion").get_data(as_text=True)
    for section in ("desk-pending", "desk-approvals", "desk-statuses"):
        count = re.search(rf'id="{section}">[^<]*<span class="count-badge">(\d+)<', page)
        assert count and int(count.group(1)) >= 1, section
    for empty in ("Aucune demande", "Rien n’attend", "Aucun changement de statut"):
        assert empty not in page
    approvals = page[page.index('id="desk-approvals"') : page.index('id="desk-statuses"')]
    assert AWAITING[0] in approvals
    for figure in ("month-internal", "month-cross"):
        section = page[page.index(f'id="{figure}"') :]
        section = section[: section.index("</div>")]
        amount = re.search(r'data-figure="[^"]+">([^<]+)<', section).group(1)
        assert re.search(r"[1-9]", amount), (figure, amount)  # work this month
        last = re.search(r"Mois dernier\s*:\s*([^<]+)<", section).group(1)
        assert re.search(r"[1-9]", last), (figure, last)  # and last month
    statuses = client.get("/gestion/statuts")
    assert statuses.status_code == 200 and "→" in statuses.get_data(as_text=True)
