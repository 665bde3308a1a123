"""The command line of API.md: `caes add`, `users add`, `users token` (output and exit code)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.operations import authenticate, user_from_api_token
from marketplace.caes.models import Cae
from marketplace.cli import names_from_email
from marketplace.extensions import db
from tests.conftest import PASSWORD, links_in


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return run


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def refused(result) -> None:
    """A refusal: exit code 1, a message on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Erreur : ")
    assert "Traceback" not in result.output


# caes add ---------------------------------------------------------------------------------------


def test_caes_add_prints_the_new_id_alone(cli):
    result = cli(
        "caes", "add", "Coopérative Rhône Activités", "--city", "Lyon", "--department", "69",
        "--website", "https://rhone-activites.example", "--sectors", "Bâtiment;Formation",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().isdigit() and result.stdout.endswith("\n")
    cae = db.session.get(Cae, int(result.stdout))
    assert (cae.name, cae.city, cae.department) == ("Coopérative Rhône Activités", "Lyon", "69")
    assert cae.website == "https://rhone-activites.example"
    assert cae.sector_list == ["Bâtiment", "Formation"]
    assert cae.region == "Auvergne-Rhône-Alpes"


def test_caes_add_overseas_and_corsican_departments(cli):
    assert (
        cli("caes", "add", "Océan Indien", "--city", "Saint-Denis", "--department", "974").exit_code
        == 0
    )
    assert (
        cli("caes", "add", "Corse Coop", "--city", "Ajaccio", "--department", "2a").exit_code == 0
    )
    assert sorted(db.session.scalars(select(Cae.department))) == ["2A", "974"]


def test_caes_add_refuses_bad_input_and_writes_nothing(cli, make_cae):
    result = cli("caes", "add", "Coop Test", "--city", "Lyon", "--department", "99")
    refused(result)
    assert "--department" in result.stderr
    assert count(Cae) == 0

    refused(cli("caes", "add", "Coop Test", "--city", "Lyon"))  # no department
    refused(cli("caes", "add", "Coop Test", "--department", "69", "--website", "pas une adresse"))
    assert count(Cae) == 0

    make_cae("Ruche Atlantique", department="44")
    result = cli("caes", "add", "RUCHE atlantique", "--department", "44")
    refused(result)
    assert count(Cae) == 1


# users add --------------------------------------------------------------------------------------


def test_users_add_invites_by_default(cli, make_cae, outbox):
    cae = make_cae("Ruche Atlantique")
    result = cli("users", "add", "marie.dupont@example.org", "--cae", str(cae.id))
    assert result.exit_code == 0, result.output
    user = db.session.get(User, int(result.stdout))
    assert (user.first_name, user.last_name) == ("Marie", "Dupont")
    assert (user.cae_id, user.role, user.membership) == (cae.id, "member", "pending")
    assert user.password_hash is None
    [(to, subject, body)] = outbox()
    assert to == "marie.dupont@example.org" and "Ruche Atlantique" in subject
    assert any("/invitation/" in link for link in links_in(body))


def test_users_add_with_password_from_stdin(cli, make_cae, outbox):
    cae = make_cae("Ruche Atlantique")
    result = cli(
        "users", "add", "Gestion@Example.org", "--cae", "Ruche Atlantique", "--role", "manager",
        "--verified", "--password-stdin", "--first-name", "Nadia", "--last-name", "Benali",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = authenticate("gestion@example.org", PASSWORD)
    assert user is not None and user.id == int(result.stdout)
    assert (user.first_name, user.last_name, user.cae_id) == ("Nadia", "Benali", cae.id)
    assert user.is_manager and user.membership == "verified"
    assert outbox() == []  # a password was given: no invitation


def test_users_add_refuses_a_weak_password_and_writes_nothing(cli, make_cae, outbox):
    cae = make_cae()
    for password in ("court", "motdepasse12", "marie.dupont2024"):
        result = cli(
            "users", "add", "marie.dupont@example.org", "--cae", str(cae.id), "--password-stdin",
            input=password + "\n",
        )  # fmt: skip
        refused(result)
        assert "mot de passe" in result.stderr
    refused(cli("users", "add", "marie@example.org", "--cae", str(cae.id), "--password-stdin"))
    assert count(User) == 0
    assert outbox() == []


def test_users_add_needs_a_known_cae_except_for_admins(cli, make_cae):
    make_cae("Ruche Atlantique")
    refused(cli("users", "add", "a@example.org"))
    refused(cli("users", "add", "a@example.org", "--cae", "Ruche Pacifique"))
    refused(cli("users", "add", "a@example.org", "--cae", "999999"))
    refused(cli("users", "add", "pas-une-adresse", "--cae", "Ruche Atlantique"))
    assert count(User) == 0

    result = cli("users", "add", "admin@example.org", "--role", "admin", "--password-stdin",
                 input=PASSWORD)  # fmt: skip
    assert result.exit_code == 0, result.output
    admin = db.session.get(User, int(result.stdout))
    assert admin.is_admin and admin.cae_id is None


def test_users_add_ambiguous_cae_reference(cli, make_cae):
    first = make_cae("Ruche Atlantique")
    make_cae(str(first.id))  # a CAE whose name is the other's id
    result = cli("users", "add", "a@example.org", "--cae", str(first.id))
    refused(result)
    assert "plusieurs CAE" in result.stderr
    assert count(User) == 0


def test_users_add_twice_is_a_conflict(cli, make_cae):
    cae = make_cae()
    assert cli("users", "add", "a.b@example.org", "--cae", str(cae.id)).exit_code == 0
    refused(cli("users", "add", "A.B@example.org", "--cae", str(cae.id)))
    assert count(User) == 1


def test_names_from_email():
    assert names_from_email("marie.dupont@example.org") == ("Marie", "Dupont")
    assert names_from_email("jean-pierre.le.gall+essaim@example.org") == ("Jean-Pierre", "Le Gall")
    assert names_from_email("contact@coop-nord.fr") == ("Contact", "Coop-Nord")
    assert names_from_email("a_b@example.org") == ("A", "B")


# users token ------------------------------------------------------------------------------------


def test_users_token_prints_only_a_working_token(cli, make_user):
    user = make_user(email="marie@example.org")
    result = cli("users", "token", "Marie@Example.org", "--name", "script compta")
    assert result.exit_code == 0, result.output
    token = result.stdout
    assert token.endswith("\n") and token.count("\n") == 1 and " " not in token
    assert user_from_api_token(token.strip()).id == user.id
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.name == "script compta"
    assert token.strip() not in stored.token_hash  # only its hash is kept


def test_users_token_works_against_the_api(cli, make_user, client):
    user = make_user(email="marie@example.org")
    token = cli("users", "token", "marie@example.org").stdout.strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email


def test_users_token_for_an_unknown_account(cli):
    result = cli("users", "token", "nobody@example.org")
    refused(result)
    assert "nobody@example.org" in result.stderr
    assert count(ApiToken) == 0


def test_every_command_has_help(cli):
    for group, command in (("caes", "add"), ("users", "add"), ("users", "token"),
                           ("members", "import"), ("demo", "load")):  # fmt: skip
        result = cli(group, command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_an_unexpected_failure_is_one_line_without_traceback(cli, monkeypatch):
    import marketplace.caes.operations

    def broken(actor, data):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(marketplace.caes.operations, "create_cae", broken)
    result = cli("caes", "add", "Coop", "--department", "69")
    refused(result)
    assert result.stderr == "Erreur : erreur inattendue (RuntimeError) : disque plein\n"
