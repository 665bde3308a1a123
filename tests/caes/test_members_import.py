"""`flask members import FILE --cae CAE [--verified]`: the members file, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_domain, gettext
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.accounts.models import MembershipEvent, User
from marketplace.actors import SYSTEM
from marketplace.caes.models import Cae
from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.members_import import ImportErrors, format_error, import_members
from marketplace.profiles.models import Profile
from marketplace.skills.models import Skill
from tests import typography
from tests.conftest import links_in

HEADER = (
    "email,first_name,last_name,status,headline,bio,city,department,skills,certifications,"
    "availability,audience\n"
)
MARIE = (
    "marie.dupont@example.org,Marie,Dupont,employee,Thermicienne RGE,Audits et conseils.,"
    "Lyon,69,Rénovation énergétique:4;Audit thermique:3,RGE;Qualiopi,partial,network\n"
)
OMAR = (
    "omar.diallo@example.org,Omar,Diallo,associate,Électricien,,Villeurbanne,69,"
    "Électricité:4,,available,public\n"
)
LINH = "linh.tran@example.org,Linh,Tran,project_holder,Graphiste,,Lyon,69,Graphisme:2,,,cae\n"


@pytest.fixture
def write_csv(tmp_path):
    def write(text: str | bytes, name: str = "membres.csv") -> str:
        path = tmp_path / name
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8", newline="")
        else:
            path.write_bytes(text)
        return str(path)

    return write


@pytest.fixture
def run_import(app, write_csv):
    runner = app.test_cli_runner()

    def run(text: str | bytes, cae, *options: str):
        return runner.invoke(
            args=["members", "import", write_csv(text), "--cae", str(cae.id), *options]
        )

    return run


def users_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def line_error(line: int, message: str, **values) -> str:
    """The expected error line, in the language the test runs in."""
    return format_error(line, gettext(message, **values))


def test_import_creates_members_with_profiles_and_invitations(run_import, make_cae, outbox):
    cae = make_cae("Coopérative Rhône Activités")
    result = run_import(HEADER + MARIE + OMAR + LINH, cae)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "créés : 3, mis à jour : 0, total : 3"
    marie = db.session.scalar(select(User).where(User.email == "marie.dupont@example.org"))
    assert (marie.first_name, marie.last_name, marie.cae_id) == ("Marie", "Dupont", cae.id)
    assert marie.membership == "pending" and marie.password_hash is None
    profile = marie.profile
    assert profile.headline == "Thermicienne RGE"
    assert profile.status == "employee" and profile.department == "69"
    assert {(s.name, s.level) for s in profile.skills} == {
        ("Rénovation énergétique", 4),
        ("Audit thermique", 3),
    }
    assert profile.certification_names == ["Qualiopi", "RGE"]
    assert (profile.availability, profile.audience) == ("partial", "network")
    linh = db.session.scalar(select(User).where(User.email == "linh.tran@example.org"))
    assert linh.profile.availability == "available"  # empty cell: the default
    assert linh.profile.audience == "cae"

    mails = outbox()
    assert sorted(to for to, _subject, _body in mails) == [
        "linh.tran@example.org",
        "marie.dupont@example.org",
        "omar.diallo@example.org",
    ]
    _to, subject, body = next(m for m in mails if m[0] == "marie.dupont@example.org")
    assert "Coopérative Rhône Activités" in subject
    assert any("/invitation/" in link for link in links_in(body))


def test_reimport_updates_by_email_without_duplicates(run_import, make_cae, outbox):
    cae = make_cae()
    assert run_import(HEADER + MARIE + OMAR, cae).exit_code == 0
    before = users_count()
    mails = len(outbox())
    changed = "Marie.Dupont@Example.org,Marie-Anne,Dupont,,Auditrice énergétique,,,,,,,\n"
    result = run_import(HEADER + changed, cae)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "créés : 0, mis à jour : 1, total : 1"

    assert users_count() == before
    assert len(outbox()) == mails  # no second invitation
    marie = db.session.scalar(select(User).where(User.email == "marie.dupont@example.org"))
    assert (marie.first_name, marie.last_name) == ("Marie-Anne", "Dupont")
    assert marie.profile.headline == "Auditrice énergétique"
    assert len(marie.profile.skills) == 2  # empty cells keep the rest


def test_empty_cells_keep_what_the_member_wrote(run_import, make_cae):
    cae = make_cae()
    assert run_import(HEADER + MARIE, cae).exit_code == 0
    sparse = "marie.dupont@example.org,Marie,Dupont,,,,,,,,,\n"
    assert run_import(HEADER + sparse, cae).exit_code == 0
    profile = db.session.scalar(
        select(Profile).join(User).where(User.email == "marie.dupont@example.org")
    )
    assert profile.headline == "Thermicienne RGE"
    assert len(profile.skills) == 2 and profile.availability == "partial"


def test_one_bad_row_writes_nothing_and_names_its_line(run_import, make_cae, outbox):
    cae = make_cae()
    bad = OMAR.replace(",69,", ",99,")
    before = users_count()
    skills_before = db.session.scalar(select(func.count(Skill.id)))

    result = run_import(HEADER + MARIE + bad + LINH, cae)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert line_error(3, "unknown department “%(value)s”.", value="99") in result.stderr
    assert "rien n'a été importé" in result.stderr
    assert "Traceback" not in result.output
    assert users_count() == before
    assert db.session.scalar(select(func.count(Skill.id))) == skills_before
    assert outbox() == []


def test_every_bad_row_is_reported(run_import, make_cae):
    cae = make_cae()
    rows = (
        MARIE.replace(",employee,", ",salarié,")
        + OMAR.replace("Électricité:4", "Électricité:5;Câblage")
        + LINH.replace(",cae", ",tout le monde").replace("linh.tran@", "linh.tran-at-")
    )
    result = run_import(HEADER + rows, cae)

    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    expected = [
        line_error(
            2,
            "unknown status “%(value)s” (one of: %(values)s).",
            value="salarié",
            values="project_holder, employee, associate",
        ),
        line_error(
            3,
            "competence “%(name)s”: level “%(level)s” must be from 1 to 4.",
            name="Électricité",
            level="5",
        ),
        line_error(
            3, "competence “%(value)s”: write name:level, the level from 1 to 4.", value="Câblage"
        ),
        line_error(4, "invalid e-mail address “%(value)s”.", value="linh.tran-at-example.org"),
        line_error(
            4,
            "unknown audience “%(value)s” (one of: %(values)s).",
            value="tout le monde",
            values="cae, network, public",
        ),
    ]
    assert errors[: len(expected)] == expected
    assert errors[-1] == "Erreur : 5 erreurs : rien n'a été importé."
    assert users_count() == 0


def test_bom_and_quoted_multiline_bio_count_physical_lines(run_import, make_cae):
    cae = make_cae()
    bio = '"Première ligne.\nDeuxième ligne, avec une virgule.\n\nTroisième."'
    row = f"marie.dupont@example.org,Marie,Dupont,employee,Titre,{bio},Lyon,69,,,,\n"
    text = "\ufeff" + HEADER + row + OMAR
    assert run_import(text.encode("utf-8"), cae).exit_code == 0
    marie = db.session.scalar(select(User).where(User.email == "marie.dupont@example.org"))
    assert marie.profile.bio == "Première ligne.\nDeuxième ligne, avec une virgule.\n\nTroisième."

    # The row after a four-line bio starts on line 6 of the file.
    result = run_import(("\ufeff" + HEADER + row + OMAR.replace(",69,", ",6X,")).encode(), cae)
    assert result.exit_code == 1
    assert line_error(6, "unknown department “%(value)s”.", value="6X") in result.stderr
    # An error in the multi-line record itself names the line where the record starts.
    result = run_import(HEADER + row.replace(",69,", ",6Y,") + OMAR, cae)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == line_error(
        2, "unknown department “%(value)s”.", value="6Y"
    )


def test_missing_and_unknown_columns_are_named(run_import, make_cae):
    cae = make_cae()
    header = HEADER.replace(",audience", "").replace("bio", "biography")
    result = run_import(header + "a@example.org,A,B,employee,,,,,,,\n", cae)
    assert result.exit_code == 1
    assert line_error(1, "missing column “%(name)s”.", name="audience") in result.stderr
    assert line_error(1, "missing column “%(name)s”.", name="bio") in result.stderr
    assert line_error(1, "unknown column “%(name)s”.", name="biography") in result.stderr


def test_columns_in_any_order(run_import, make_cae):
    cae = make_cae()
    text = (
        "audience,email,last_name,first_name,skills,status,headline,bio,city,department,"
        "certifications,availability\n"
        "public,ana@example.org,Pereira,Ana,Couture:3,associate,Couturière,,Lyon,69,,\n"
    )
    assert run_import(text, cae).exit_code == 0
    ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    assert (ana.first_name, ana.last_name, ana.profile.audience) == ("Ana", "Pereira", "public")


def test_duplicate_email_in_one_file_is_an_error_on_the_second_line(run_import, make_cae):
    cae = make_cae()
    again = MARIE.replace("marie.dupont@", "Marie.Dupont@")
    result = run_import(HEADER + MARIE + OMAR + again, cae)
    assert result.exit_code == 1
    expected = line_error(
        4,
        "the address “%(email)s” already appears on line %(first)d.",
        email="marie.dupont@example.org",
        first=2,
    )
    assert result.stderr.splitlines()[0] == expected
    assert len(result.stderr.splitlines()) == 2  # the error, then the summary
    assert users_count() == 0


def test_email_of_another_cae_is_refused(run_import, make_cae, make_user):
    cae, other = make_cae(), make_cae()
    make_user(other, email="marie.dupont@example.org")
    result = run_import(HEADER + OMAR + MARIE, cae)
    assert result.exit_code == 1
    expected = line_error(
        3,
        "the address “%(email)s” belongs to an account outside this CAE.",
        email="marie.dupont@example.org",
    )
    assert expected in result.stderr
    assert db.session.scalar(select(User).where(User.email == "omar.diallo@example.org")) is None


def test_verified_flag_verifies_new_and_pending_members(run_import, make_cae, make_user):
    cae = make_cae()
    pending = make_user(cae, email="omar.diallo@example.org", verified=False)
    result = run_import(HEADER + MARIE + OMAR, cae, "--verified")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "créés : 1, mis à jour : 1, total : 2, vérifiés : 2"
    db.session.expire_all()
    marie = db.session.scalar(select(User).where(User.email == "marie.dupont@example.org"))
    assert marie.membership == "verified"
    assert db.session.get(User, pending.id).membership == "verified"
    history = db.session.scalars(
        select(MembershipEvent.to_state)
        .where(MembershipEvent.user_id == pending.id)
        .order_by(MembershipEvent.id)
    ).all()
    assert history == ["pending", "verified"]


def test_without_verified_flag_members_stay_pending(run_import, make_cae, make_user):
    cae = make_cae()
    pending = make_user(cae, email="omar.diallo@example.org", verified=False)
    assert run_import(HEADER + MARIE + OMAR, cae).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, pending.id).membership == "pending"


def test_bad_files(run_import, make_cae):
    cae = make_cae()
    latin1 = (HEADER + MARIE + OMAR).encode("latin-1")
    result = run_import(latin1, cae)
    assert result.exit_code == 1
    assert (
        line_error(2, "the file is not encoded in UTF-8 (save it as “CSV UTF-8”).") in result.stderr
    )

    semicolons = HEADER.replace(",", ";") + MARIE.replace(",", ";")
    result = run_import(semicolons, cae)
    assert result.exit_code == 1
    assert (
        line_error(1, "the columns must be separated by commas, not semicolons.") in result.stderr
    )

    result = run_import("", cae)
    assert result.exit_code == 1
    assert gettext("The file is empty: it needs a header row.") in result.stderr

    result = run_import(HEADER + "a@example.org,A,B\n", cae)
    assert result.exit_code == 1
    assert line_error(2, "%(found)d cells instead of %(expected)d.", found=3, expected=12) in (
        result.stderr
    )

    result = run_import(HEADER + 'a@example.org,A,B,employee,"open quote\n', cae)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert users_count() == 0


def test_limits_of_the_profile_are_reported_with_the_column(run_import, make_cae):
    cae = make_cae()
    long_bio = "x" * 5001
    row = f"a@example.org,Ana,{'P' * 81},employee,,{long_bio},,,,,,\n"
    result = run_import(HEADER + "\n" + row + ",,,,,,,,,,,\n", cae)  # blank lines are skipped
    assert result.exit_code == 1
    too_long = gettext("At most %(n)d characters.", n=5000)
    assert format_error(3, gettext("%(column)s: %(message)s", column="bio", message=too_long)) in (
        result.stderr
    )
    name_too_long = gettext("At most %(n)d characters.", n=80)
    assert (
        format_error(
            3, gettext("%(column)s: %(message)s", column="last_name", message=name_too_long)
        )
        in result.stderr
    )


def test_cae_by_name_unknown_cae_and_unreadable_file(app, make_cae, write_csv):
    make_cae("Ruche Atlantique")
    runner = app.test_cli_runner()
    path = write_csv(HEADER + MARIE)
    result = runner.invoke(args=["members", "import", path, "--cae", "Ruche Atlantique"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["members", "import", path, "--cae", "Ruche Pacifique"])
    assert result.exit_code == 1 and "Ruche Pacifique" in result.stderr
    result = runner.invoke(
        args=["members", "import", path + ".absent", "--cae", "Ruche Atlantique"]
    )
    assert result.exit_code == 1 and "impossible de lire" in result.stderr


def test_import_members_function_checks_the_actor(app, make_cae, make_user):
    cae, other = make_cae(), make_cae()
    manager = make_user(cae, role="manager")
    outsider = make_user(other, role="manager")
    with pytest.raises(PermissionDenied):
        import_members(outsider, cae, (HEADER + MARIE).encode())
    result = import_members(manager, cae, (HEADER + MARIE).encode(), verified=True)
    assert [u.email for u in result.created] == ["marie.dupont@example.org"]
    assert result.total == 1 and result.created[0].membership == "verified"
    db.session.commit()
    with pytest.raises(ImportErrors) as raised:
        import_members(manager, cae, HEADER + MARIE.replace(",69,", ",99,"))
    assert [line for line, _message in raised.value.errors] == [2]
    assert raised.value.fields["file"] == raised.value.lines()


def test_no_invitation_leaves_before_the_commit(app, make_cae, outbox):
    """Mail is written in the transaction: a released savepoint keeps it, a rollback drops it."""
    cae = make_cae()
    from marketplace.accounts.notify import send_invitation
    from marketplace.accounts.operations import create_account
    from marketplace.jobs.models import OutboxMessage
    from marketplace.skills.operations import get_or_create_skills

    user = create_account(
        SYSTEM, email="a@example.org", first_name="Ana", last_name="Pereira", cae=cae
    )
    send_invitation(user)
    get_or_create_skills(["Une compétence toute neuve"])  # SAVEPOINT … RELEASE
    assert [m.recipient for m in db.session.scalars(select(OutboxMessage))] == ["a@example.org"]
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert outbox() == []


# French -----------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
OWN_FILES = ("marketplace/members_import.py", "marketplace/cli.py")


def _msgids(paths) -> set[str]:
    found = set()
    for path in paths:
        for _lineno, message, _comments, _context in extract_from_file("python", str(path)):
            found.update(message if isinstance(message, tuple) else (message,))
    return found


def test_errors_read_in_french(app, app_config, tmp_path, write_csv):
    folder = tmp_path / "translations" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(ROOT / "translations/fr/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="fr")
    with open(folder / "messages.mo", "wb") as f:
        write_mo(f, catalog)
    french = create_app(
        {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")}
    )
    bad = OMAR.replace(",69,", ",99,").replace(",associate,", ",foo,")
    # Flask-Babel caches catalogs by locale for every app: start and leave with an empty cache.
    translations_cache = get_domain().cache
    translations_cache.clear()
    try:
        with french.app_context():
            db.session.add(Cae(name="Ruche Atlantique", department="44"))
            db.session.commit()
            result = french.test_cli_runner().invoke(
                args=[
                    "members", "import", write_csv(HEADER + MARIE + bad),
                    "--cae", "Ruche Atlantique",
                ]
            )  # fmt: skip
            db.session.remove()
            db.engine.dispose()
    finally:
        translations_cache.clear()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        typography.fr(
            "ligne 3 : statut inconnu « foo » (valeurs possibles : project_holder, employee, "
            "associate)."
        ),
        typography.fr("ligne 3 : département inconnu « 99 »."),
        "Erreur : 2 erreurs : rien n'a été importé.",
    ]
