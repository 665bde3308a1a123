"""`flask backup create [PATH]` and `flask backup restore PATH` (SQLite, online backup API).

SQLite's backup API copies a consistent snapshot page by page while the site keeps running
(readers and writers wait at most a few milliseconds per step). On PostgreSQL the commands
refuse and print the pg_dump / pg_restore commands to use instead. After a restore, rebuild
the search index: `flask search rebuild`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from marketplace.clitools import CommandError
from marketplace.extensions import db
from marketplace.timeutil import utcnow

backup_cli = AppGroup("backup", help="Back up and restore the database (SQLite).")

PG_HELP = """la base est PostgreSQL ; utilisez ses outils :
  sauvegarde : pg_dump --format=custom --file=essaim.dump "$DATABASE_URL"
  restauration : pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" essaim.dump
puis : flask --app wsgi search rebuild"""


def _sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise CommandError(PG_HELP)
    if not url.database or url.database == ":memory:":
        raise CommandError("la base SQLite est en mémoire : rien à sauvegarder.")
    return Path(url.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    with target:
        source.backup(target, pages=256)


def create_backup(path: Path | None = None) -> Path:
    """A consistent copy of the live database at path (instance/backups/<time>.sqlite3)."""
    database = _sqlite_path()
    if path is None:
        folder = Path(current_app.instance_path) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"essaim-{utcnow():%Y%m%d-%H%M%S}.sqlite3"
    if path.exists():
        raise CommandError(f"{path} existe déjà : choisissez un autre fichier.")
    source = sqlite3.connect(database)
    target = sqlite3.connect(path)
    try:
        _copy(source, target)
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CommandError("la copie est corrompue.")
    finally:
        target.close()
        source.close()
    return path


def restore_backup(path: Path) -> None:
    """Replace the live database by the backup at path (checked first)."""
    database = _sqlite_path()
    if not path.is_file():
        raise CommandError(f"{path} n'existe pas.")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master")}
        if check != "ok" or "users" not in tables:
            raise CommandError(f"{path} n'est pas une sauvegarde d'Essaim valide.")
        db.session.remove()
        db.engine.dispose()
        target = sqlite3.connect(database, timeout=30)
        try:
            _copy(source, target)
        finally:
            target.close()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} n'est pas une base SQLite ({error}).") from None
    finally:
        source.close()


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path | None) -> None:
    """Copy the live database to PATH (default: instance/backups/essaim-<time>.sqlite3)."""
    click.echo(f"Sauvegarde écrite : {create_backup(path)}")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Replace the database by the backup at PATH, then run `flask search rebuild`."""
    restore_backup(path)
    click.echo(f"Base restaurée depuis {path}. Lancez maintenant : flask --app wsgi search rebuild")


def register_backup_cli(app: Flask) -> None:
    app.cli.add_command(backup_cli)
