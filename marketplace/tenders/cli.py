"""The tenders' commands: `flask notify due [--days N]` reminds the teams of their tender's
deadline (for cron; added to the ``notify`` group by marketplace.cli, beside ``notify
digest``); `flask tenders import-boamp FILE` and `flask tenders fetch-boamp [--since DATE]
[--department 69 …]` import public notices from BOAMP (tenders/boamp_import.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.clitools import CommandError, transactional
from marketplace.extensions import db
from marketplace.geo import normalize_department
from marketplace.tenders.boamp import SkillMap, records_of
from marketplace.tenders.boamp_import import ImportReport, fetch_pages, import_records
from marketplace.tenders.reminders import send_due_reminders
from marketplace.timeutil import PARIS, utcnow


@click.command("due")
@click.option(
    "--days",
    default=3,
    show_default=True,
    type=click.IntRange(0, 365),
    help="Remind the teams whose deadline is within this many days.",
)
@transactional()
def notify_due(days: int) -> str:
    """E-mail the team of each tender whose deadline is near (once per tender)."""
    tenders, messages = send_due_reminders(days)
    return f"Rappels envoyés : {tenders} appel(s) d'offres, {messages} message(s)."


# `flask tenders …`: public notices from BOAMP ------------------------------------------------

tenders_cli = AppGroup("tenders", help="Public tenders: notices imported from BOAMP.")


def _report(report: ImportReport) -> str:
    for idweb, message in report.errors:
        click.echo(f"Enregistrement ignoré, idweb {idweb} : {message}", err=True)
    return report.summary()


def _skill_map() -> SkillMap:
    return SkillMap.load(current_app.config.get("BOAMP_SKILLS_FILE") or None)


@tenders_cli.command("import-boamp")
@click.argument("file", type=click.File("rb"))
@transactional()
def import_boamp(file: Any) -> str:
    """Import notices from a BOAMP open-data export (the records endpoint's JSON answer, or a
    list of records); idempotent by idweb. A bad record is reported and skipped."""
    try:
        records = records_of(json.load(file))
    except ValueError as error:
        raise CommandError(f"{file.name} : ce n'est pas un export BOAMP lisible ({error}).")
    return _report(import_records(records, _skill_map()))


@tenders_cli.command("fetch-boamp")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Notices published on or after this day (YYYY-MM-DD); by default yesterday.",
)
@click.option(
    "--department",
    "departments",
    multiple=True,
    help="A department code (69, 2A, 974); repeat the option for several.",
)
@transactional()
def fetch_boamp(since: datetime | None, departments: tuple[str, ...]) -> str:
    """Fetch and import the notices of BOAMP's open-data API (MARKETPLACE_BOAMP_URL), a page
    at a time, each page committed once imported."""
    codes = []
    for raw in departments:
        code = normalize_department(raw)
        if code is None:
            raise CommandError(f"département inconnu : {raw}")
        codes.append(code)
    day = since.date() if since is not None else utcnow().astimezone(PARIS).date() - timedelta(1)
    total = ImportReport()
    skill_map = _skill_map()
    try:
        for records in fetch_pages(current_app.config["BOAMP_URL"], day, codes):
            total.add(import_records(records, skill_map))
            db.session.commit()
            total.new = []
    except (OSError, ValueError) as error:
        _report(total)
        raise CommandError(f"l'API BOAMP ne répond pas comme prévu : {error}") from None
    return _report(total)
