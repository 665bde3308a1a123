"""`flask search rebuild | sync | prune`: maintain this node's index; `flask search concepts
add | list` and `flask search misses`: the concept table and the searches that found nothing."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.actors import SYSTEM
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.search import concepts, misses
from marketplace.search.changelog import prune
from marketplace.search.indexer import IndexBusy, get_indexer

#: Where a concept comes from, in words: the application's data file or an administrator.
SOURCES = {"file": "fichier", "admin": "administration"}

search_cli = AppGroup("search", help="Maintain this node's full-text search index.")


@search_cli.command("rebuild")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for the lock.")
def rebuild_command(timeout: float) -> None:
    """Rebuild the index from the database, with a progress bar."""
    indexer = get_indexer()
    total = indexer.total_rows()
    try:
        with click.progressbar(length=total, label="Indexation") as bar:
            count = indexer.rebuild(progress=bar.update, timeout=timeout)
    except IndexBusy:
        raise click.ClickException(
            "L'index est occupé (une reconstruction ou une synchronisation est en cours)."
        )
    click.echo(f"{count} document(s) indexé(s) dans {indexer.path}.")


@search_cli.command("sync")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the lock.")
def sync_command(timeout: float) -> None:
    """Apply the change log to this node's index (creating the index if absent)."""
    try:
        report = get_indexer().sync(timeout=timeout)
    except IndexBusy:
        raise click.ClickException(
            "L'index est occupé ; les changements restent dans le journal, réessayez."
        )
    if report.rebuilt:
        click.echo(f"Index créé : {report.documents} document(s) indexé(s).")
    else:
        click.echo(f"{report.changes} changement(s) appliqué(s) ({report.documents} document(s)).")


@search_cli.command("prune")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1))
def prune_command(days: int) -> None:
    """Delete change-log rows older than DAYS (every node must have synced since)."""
    count = prune(db.session(), timedelta(days=days))
    db.session.commit()
    click.echo(f"{count} ligne(s) du journal des changements supprimée(s).")


@search_cli.group("concepts")
def concepts_group() -> None:
    """The concept table: words of a need tied to competences."""


@concepts_group.command("add")
@click.argument("phrase")
@click.option("--skill", required=True, help="The competence, by its name.")
def concepts_add_command(phrase: str, skill: str) -> None:
    """Tie PHRASE to a competence; searches use it at once, without a rebuild."""
    try:
        row, created = concepts.add_concept(SYSTEM, phrase, skill)
    except DomainError as problem:
        details = "; ".join(m for ms in problem.fields.values() for m in ms)
        raise click.ClickException(details or str(problem))
    db.session.commit()
    written = row.skill if row is not None else concepts.find_skill(skill)
    if created:
        click.echo(f"« {phrase} » → {written}")
    else:
        click.echo(f"« {phrase} » → {written} (déjà dans la table)")


@concepts_group.command("list")
def concepts_list_command() -> None:
    """Print the table: competence, phrase and where it comes from (file or admin)."""
    for concept in concepts.every_concept(SYSTEM):
        source = SOURCES.get(concept.source, concept.source)
        click.echo(f"{concept.skill}\t{concept.phrase}\t{source}")


@search_cli.command("misses")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def misses_command(days: int, limit: int) -> None:
    """The searches of the last DAYS days that found nothing, most frequent first."""
    rows = misses.top_misses(SYSTEM, days=days, limit=limit)
    if not rows:
        click.echo("Toutes les recherches ont trouvé quelque chose.")
    for query, count in rows:
        click.echo(f"{count}\t{query}")


def register_search_cli(app: Flask) -> None:
    app.cli.add_command(search_cli)
