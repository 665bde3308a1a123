"""The members import written in bulk: large files, all or nothing, the index, the history."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import MembershipEvent, User
from marketplace.actors import SYSTEM
from marketplace.audit import AuditEntry
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.members_import import import_members
from marketplace.profiles.models import Profile
from marketplace.search.changes import SearchChange
from marketplace.skills.models import Certification, Skill
from tests.caes.test_members_import import HEADER, MARIE, line_error
from tests.caes.test_members_import import run_import as run_import
from tests.caes.test_members_import import write_csv as write_csv


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def members(n: int, start: int = 0, **cells: str) -> str:
    """n rows of people; every third one writes a competence in another case and accents."""
    values = {"status": "employee", "headline": "Menuisière", "audience": "public"} | cells
    rows = []
    for i in range(start, start + n):
        skill = "ÉBÉNISTERIE:3" if i % 3 else "ébénisterie:2;Marqueterie:4"
        rows.append(
            f"person{i}@example.org,Prénom{i},Nom{i},{values['status']},{values['headline']},"
            f",Nantes,44,{skill},RGE;rge;Qualibat,,{values['audience']}\n"
        )
    return "".join(rows)


def test_a_large_file_is_written_whole_with_its_progress_on_stderr(run_import, make_cae):
    cae = make_cae()
    result = run_import(HEADER + members(2000), cae, "--verified")

    assert result.exit_code == 0, result.output[-2000:]
    assert result.stdout == "créés : 2000, mis à jour : 0, total : 2000, vérifiés : 2000\n"
    assert "Vérification des lignes" in result.stderr and "Écriture des membres" in result.stderr
    assert count(User) == 2000 and count(Profile) == 2000
    assert db.session.scalars(select(Skill.name).order_by(Skill.key)).all() == [
        "ébénisterie",
        "Marqueterie",
    ]
    assert count(Certification) == 2  # RGE written twice in a row counts once
    person = db.session.scalar(select(User).where(User.email == "person3@example.org"))
    assert person.membership == "verified" and person.password_hash is None
    assert [(s.name, s.level) for s in person.profile.skills] == [("Marqueterie", 4),
                                                                   ("ébénisterie", 2)]  # fmt: skip
    assert person.profile.certification_names == ["Qualibat", "RGE"]
    assert (person.profile.city, person.profile.department) == ("Nantes", "44")
    assert (person.profile.availability, person.profile.audience) == ("available", "public")
    events = db.session.scalars(select(MembershipEvent).where(MembershipEvent.user_id == person.id))
    assert [(e.from_state, e.to_state) for e in events] == [(None, "verified")]
    invitations = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert len(invitations) == 2000 and "person1999@example.org" in invitations


def test_a_small_file_shows_no_progress_outside_a_terminal(run_import, make_cae):
    result = run_import(HEADER + MARIE, make_cae())
    assert result.exit_code == 0 and result.stderr == ""


def test_an_error_on_the_last_line_of_2000_writes_nothing(run_import, make_cae):
    cae = make_cae()
    text = HEADER + members(1999) + members(1, start=1999, status="salarié")

    result = run_import(text, cae, "--verified")

    assert result.exit_code == 1 and result.stdout == ""
    expected = line_error(
        2001,
        "unknown status “%(value)s” (one of: %(values)s).",
        value="salarié",
        values="project_holder, employee, associate",
    )
    assert expected in result.stderr.splitlines()
    assert result.stderr.splitlines()[-1] == "Erreur : 1 erreur : rien n'a été importé."
    for model in (User, Profile, Skill, Certification, MembershipEvent, OutboxMessage,
                  SearchChange):  # fmt: skip
        assert count(model) == 0, model


def test_every_error_of_a_large_file_is_reported_with_its_line(run_import, make_cae):
    cae = make_cae()
    text = HEADER + members(1500) + members(1, start=1500, audience="partout") + members(1)
    result = run_import(text, cae)
    assert result.exit_code == 1
    assert (
        line_error(
            1502,
            "unknown audience “%(value)s” (one of: %(values)s).",
            value="partout",
            values="cae, network, public",
        )
        in result.stderr.splitlines()
    )
    assert (
        line_error(
            1503,
            "the address “%(email)s” already appears on line %(first)d.",
            email="person0@example.org",
            first=2,
        )
        in result.stderr.splitlines()
    )
    assert count(User) == 0


def test_imported_profiles_are_found_by_search_after_the_command(run_import, make_cae, client):
    cae = make_cae()
    assert run_import(HEADER + members(30), cae, "--verified").exit_code == 0
    found = client.get("/api/v1/profiles?q=marqueterie&per_page=100").get_json()
    assert found["total"] == 10  # every third person
    assert {item["display_name"] for item in found["items"]} >= {"Prénom0 Nom0", "Prénom3 Nom3"}

    # A second import changes a headline: the index follows the update.
    again = HEADER + members(30, headline="Tapissière")
    assert run_import(again, cae).exit_code == 0
    assert client.get("/api/v1/profiles?q=tapissiere").get_json()["total"] == 30
    assert client.get("/api/v1/profiles?q=menuisiere").get_json()["total"] == 0


def test_pending_members_verified_in_bulk_keep_their_history_and_audit(run_import, make_cae):
    cae = make_cae()
    assert run_import(HEADER + members(300), cae).exit_code == 0
    result = run_import(HEADER + members(300), cae, "--verified")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "créés : 0, mis à jour : 300, total : 300, vérifiés : 300"
    db.session.expire_all()
    assert db.session.scalars(select(User.membership).distinct()).all() == ["verified"]
    moves = db.session.execute(
        select(MembershipEvent.from_state, MembershipEvent.to_state, func.count())
        .group_by(MembershipEvent.from_state, MembershipEvent.to_state)
        .order_by(MembershipEvent.to_state)
    ).all()
    assert [tuple(m) for m in moves] == [(None, "pending", 300), ("pending", "verified", 300)]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "membership"))
    assert {(e.detail, e.cae_id) for e in entries} == {("pending → verified", cae.id)}
    assert count(AuditEntry) == 300
    assert count(OutboxMessage) == 300  # one invitation each, not two


def test_the_import_sends_no_query_per_row(app, make_cae, count_queries):
    cae = make_cae()
    import_members(SYSTEM, cae, HEADER + members(3, start=5000))  # the competences exist
    statements = []
    for start, n in ((0, 40), (1000, 400)):
        with count_queries() as seen:
            import_members(SYSTEM, cae, HEADER + members(n, start=start), verified=True)
        statements.append(seen.count)
    assert statements[0] == statements[1]
    # Updating them all again: the same few statements whatever their number.
    db.session.commit()
    with count_queries() as seen:
        import_members(SYSTEM, cae, HEADER + members(40, headline="Tapissière"), verified=True)
    few = seen.count
    with count_queries() as seen:
        import_members(SYSTEM, cae, HEADER + members(400, start=1000, headline="Ébéniste"))
    assert seen.count == few


def test_imported_members_are_placed_on_the_map(run_import, make_cae):
    """Written around the ORM, a profile still gets its commune's centre (so `near` finds it),
    and a file that moves a known member moves that centre."""
    cae = make_cae()
    assert run_import(HEADER + members(3), cae).exit_code == 0
    profile = db.session.scalar(
        select(Profile).join(User).where(User.email == "person1@example.org")
    )
    assert profile.latitude is not None and abs(profile.latitude - 47.2) < 0.2  # Nantes
    moved = members(1, start=1).replace(",Nantes,44,", ",Lyon,69,")
    assert run_import(HEADER + moved, cae).exit_code == 0
    db.session.expire_all()
    profile = db.session.get(Profile, profile.id)
    assert abs(profile.latitude - 45.76) < 0.2 and abs(profile.longitude - 4.83) < 0.2  # Lyon
