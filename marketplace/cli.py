"""Command line: `flask --app wsgi <group> <command>` (the contract is in API.md).

Every command runs in the application context given by Flask's CLI, goes through the same
operations as the interface (actor SYSTEM: the site's operator), commits once at the end and
prints its result only after the commit. Errors go to stderr, in French, with exit code 1 and
nothing written; never a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from flask_migrate.cli import db as db_group
from sqlalchemy import select

from marketplace.accounts.notify import send_invitation
from marketplace.accounts.operations import create_account, create_api_token, find_user_by_email
from marketplace.actors import SYSTEM
from marketplace.backup import register_backup_cli
from marketplace.caes import operations as cae_operations
from marketplace.caes.models import Cae
from marketplace.clitools import CommandError, transactional
from marketplace.collectives.decisions import close_due, remind_due
from marketplace.demo import load_demo
from marketplace.extensions import db
from marketplace.jobs.cli import jobs_cli
from marketplace.maintenance import analyze
from marketplace.members_import import LARGE_FILE_ROWS, ImportErrors, import_members
from marketplace.notifications import send_digests
from marketplace.profiles.cli import profiles_cli
from marketplace.search.cli import register_search_cli
from marketplace.tenders.cli import notify_due, tenders_cli
from marketplace.text import clean, fold

__all__ = ["CommandError", "names_from_email", "register_cli", "transactional"]

caes_cli = AppGroup("caes", help="Manage the directory of CAEs.")
users_cli = AppGroup("users", help="Manage accounts and personal API tokens.")
members_cli = AppGroup("members", help="Import the members of a CAE.")
demo_cli = AppGroup("demo", help="Demonstration data.")
notify_cli = AppGroup("notify", help="Notifications for cron: the daily digest, tender reminders.")
collectives_cli = AppGroup("collectives", help="Collectives: record the closing of votes.")


def find_cae(reference: str):
    """A CAE by id or exact name (then by name ignoring case and accents)."""
    reference = clean(reference)
    if not reference:
        raise CommandError("indiquez la CAE (--cae) par son numéro ou son nom exact.")
    found: dict[int, Cae] = {}
    if reference.isdigit():
        cae = db.session.get(Cae, int(reference))
        if cae is not None:
            found[cae.id] = cae
    for cae in db.session.scalars(select(Cae).where(Cae.name == reference)):
        found[cae.id] = cae
    if not found:
        for cae in db.session.scalars(select(Cae)):
            if fold(cae.name) == fold(reference):
                found[cae.id] = cae
    if not found:
        raise CommandError(f"aucune CAE ne correspond à « {reference} » (numéro ou nom exact).")
    if len(found) > 1:
        listed = ", ".join(f"{c.id} « {c.name} »" for c in sorted(found.values(), key=_id))
        raise CommandError(f"« {reference} » désigne plusieurs CAE : {listed}. Donnez le numéro.")
    return next(iter(found.values()))


def _id(obj: Any) -> int:
    return obj.id


def find_user(email: str):
    user = find_user_by_email(email)
    if user is None:
        raise CommandError(f"aucun compte n'a l'adresse « {clean(email)} ».")
    return user


def names_from_email(email: str) -> tuple[str, str]:
    """'marie.dupont@x' → ('Marie', 'Dupont'); 'contact@coop.fr' → ('Contact', 'Coop')."""
    local, _, domain = clean(email).partition("@")
    local = local.split("+", 1)[0]
    parts = [p for p in local.replace("_", ".").split(".") if p]
    if not parts:
        parts = ["Membre"]
    if len(parts) == 1:
        parts.append(domain.split(".", 1)[0] or "Essaim")
    return _title(parts[0])[:80], " ".join(_title(p) for p in parts[1:])[:80]


def _title(text: str) -> str:
    return "-".join(piece[:1].upper() + piece[1:] for piece in text.split("-"))


# caes ----------------------------------------------------------------------------------------


@caes_cli.command("add")
@click.argument("name")
@click.option("--city", default="", help="City of the CAE's head office.")
@click.option("--department", default="", help="French department code: 69, 2A, 974…")
@click.option("--website", default=None, help="Web address (https://…).")
@click.option("--sectors", default=None, help='Sectors separated by ";": "Bâtiment;Formation".')
@click.option("--description", default=None, help="A short presentation.")
@click.option("--siren", default=None, help="The CAE's SIREN: 9 digits.")
@transactional({"name": "NAME", "city": "--city", "department": "--department",
                "website": "--website", "sectors": "--sectors",
                "description": "--description", "siren": "--siren"})  # fmt: skip
def caes_add(
    name: str,
    city: str,
    department: str,
    website: str | None,
    sectors: str | None,
    description: str | None,
    siren: str | None,
) -> str:
    """Add a CAE to the directory and print its id."""
    data: dict[str, Any] = {"name": name, "city": city, "department": department}
    for key, value in (("website", website), ("sectors", sectors), ("description", description),
                       ("siren", siren)):  # fmt: skip
        if value is not None:
            data[key] = value
    return str(cae_operations.create_cae(SYSTEM, data).id)


# users ---------------------------------------------------------------------------------------


@users_cli.command("add")
@click.argument("email")
@click.option("--cae", "cae_ref", default=None, help="The CAE, by id or exact name.")
@click.option(
    "--role", type=click.Choice(["member", "manager", "admin"]), default="member", show_default=True
)
@click.option("--verified", is_flag=True, help="The membership is verified at once.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.option("--first-name", default=None, help="Defaults to the e-mail's local part.")
@click.option("--last-name", default=None, help="Defaults to the e-mail's local part or domain.")
@click.option(
    "--status",
    type=click.Choice(["project_holder", "employee", "associate"]),
    default="employee",
    show_default=True,
)
@transactional({"email": "EMAIL", "cae": "--cae", "role": "--role", "status": "--status",
                "first_name": "--first-name", "last_name": "--last-name",
                "password": "mot de passe"})  # fmt: skip
def users_add(
    email: str,
    cae_ref: str | None,
    role: str,
    verified: bool,
    password_stdin: bool,
    first_name: str | None,
    last_name: str | None,
    status: str,
) -> str:
    """Add an account and print its id.

    Without --password-stdin the person gets an e-mail inviting them to choose a password.
    An administrator may belong to no CAE; everybody else needs --cae.
    """
    cae = find_cae(cae_ref) if cae_ref is not None else None
    if cae is None and role != "admin":
        raise CommandError(
            "indiquez la CAE du compte avec --cae (seul un compte admin peut s'en passer)."
        )
    password = None
    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
        if not password:
            raise CommandError("aucun mot de passe lu sur l'entrée standard (--password-stdin).")
    default_first, default_last = names_from_email(email)
    user = create_account(
        SYSTEM,
        email=email,
        first_name=first_name if first_name is not None else default_first,
        last_name=last_name if last_name is not None else default_last,
        cae=cae,
        status=status,
        password=password,
        role=role,
        verified=verified,
    )
    if password is None:
        send_invitation(user)
    return str(user.id)


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="", help="A name to recognise the token by.")
@transactional({"name": "--name"})
def users_token(email: str, name: str) -> str:
    """Create a personal API token and print it alone on stdout (it is shown only once)."""
    user = find_user(email)
    if not user.is_active:
        raise CommandError(f"le compte « {user.email} » est fermé.")
    _token, clear = create_api_token(SYSTEM, user, name)
    return clear


# members -------------------------------------------------------------------------------------


@members_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--cae", "cae_ref", required=True, help="The CAE, by id or exact name.")
@click.option("--verified", is_flag=True, help="New and pending members become verified.")
@transactional()
def members_import(file: str, cae_ref: str, verified: bool) -> str:
    """Import a members file (CSV, UTF-8, header row): all rows or none.

    Columns: email,first_name,last_name,status,headline,bio,city,department,skills,
    certifications,availability,audience (any order). A known e-mail updates that member.
    An empty cell keeps the current value; for a new member it means status employee,
    availability available and audience network. New members get an invitation e-mail.
    """
    cae = find_cae(cae_ref)
    progress = ImportProgress()
    try:
        if file == "-":
            result = import_members(SYSTEM, cae, sys.stdin.buffer, verified, progress)
        else:
            with open(file, "rb") as stream:
                result = import_members(SYSTEM, cae, stream, verified, progress)
    except OSError as error:
        raise CommandError(f"impossible de lire « {file} » : {error.strerror or error}.")
    except ImportErrors as error:
        progress.close()
        for line in error.lines():
            click.echo(line, err=True)
        count = len(error.errors)
        plural = "s" if count > 1 else ""
        raise CommandError(f"{count} erreur{plural} : rien n'a été importé.")
    finally:
        progress.close()
    if result.total >= 100:  # a bulk load: give the query planner its statistics
        analyze()
    summary = (
        f"créés : {len(result.created)}, mis à jour : {len(result.updated)}, total : {result.total}"
    )
    if verified:
        summary += f", vérifiés : {len(result.verified)}"
    return summary


class ImportProgress:
    """The import's progress on stderr (stdout keeps the one summary line that scripts read):
    a bar per step on a terminal; for a large file the steps' names even in a log."""

    LABELS = {"check": "Vérification des lignes", "write": "Écriture des membres"}

    def __init__(self) -> None:
        self.bar: Any = None
        self.step = ""
        self.done = 0

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.close()
            stream = sys.stderr
            shown = stream.isatty() or total >= LARGE_FILE_ROWS
            self.bar = click.progressbar(
                length=total, label=self.LABELS.get(step, step), file=stream, hidden=not shown
            ).__enter__()
            self.step, self.done = step, 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


# demo ----------------------------------------------------------------------------------------


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the directory has a CAE already.")
@transactional()
def demo_load(if_empty: bool) -> str:
    """Load the demonstration data set (idempotent: a second run adds nothing)."""
    result = load_demo(if_empty=if_empty)
    if result.caes_created or result.users_created:  # a bulk load: planner statistics
        analyze()
    return result.report()


@click.command("analyze")
@transactional()
def db_analyze() -> str:
    """Refresh the query planner's statistics (nightly, and after a bulk import)."""
    return f"Statistiques de la base mises à jour en {analyze():.1f} s."


# notify, collectives ---------------------------------------------------------------------------


@collectives_cli.command("close-due")
@transactional()
def collectives_close_due() -> str:
    """Record the closing of the votes whose time has come and announce their results."""
    return f"{close_due()} vote(s) clos."


@collectives_cli.command("remind-due")
@transactional()
def collectives_remind_due() -> str:
    """Remind the members who have not voted on a proposal that closes within a day (once)."""
    return f"{remind_due()} rappel(s) de vote envoyé(s)."


@notify_cli.command("digest")
@transactional()
def notify_digest() -> str:
    """Close the votes that are due, then send the daily digest to those who chose it."""
    closed = close_due()
    sent = send_digests()
    return f"{closed} vote(s) clos, {sent} résumé(s) envoyé(s)."


notify_cli.add_command(notify_due)  # `notify due` lives beside its domain (tenders)
db_group.add_command(db_analyze)  # `flask db analyze` beside `db upgrade`


def register_cli(app: Flask) -> None:
    """Attach the command groups (each lives beside its domain)."""
    groups = (caes_cli, users_cli, members_cli, demo_cli, notify_cli, collectives_cli, tenders_cli)
    for group in groups:
        app.cli.add_command(group)
    app.cli.add_command(profiles_cli)
    register_search_cli(app)
    register_backup_cli(app)
    app.cli.add_command(jobs_cli)
