"""`flask search rebuild | sync | prune`: maintain this node's index."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.search.changelog import prune
from marketplace.search.indexer import IndexBusy, get_indexer

search_cli = AppGroup("search", help="Maintain this node's full-text search index.")


@search_cli.command("rebuild")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for the lock.")
def rebuild_command(timeout: float) -> None:
    """Rebuild the index from the database, with a progress bar."""
    indexer = get_indexer()
    total = indexer.total_rows()
    try:
        with click.progressbar(length=total, label="Indexing") as bar:
            count = indexer.rebuild(progress=bar.update, timeout=timeout)
    except IndexBusy:
        raise click.ClickException("The index is busy (another rebuild or sync is running).")
    click.echo(f"{count} documents indexed in {indexer.path}.")


@search_cli.command("sync")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the lock.")
def sync_command(timeout: float) -> None:
    """Apply the change log to this node's index (creating the index if absent)."""
    try:
        report = get_indexer().sync(timeout=timeout)
    except IndexBusy:
        raise click.ClickException("The index is busy; the changes stay in the log, try again.")
    if report.rebuilt:
        click.echo(f"Index created: {report.documents} documents indexed.")
    else:
        click.echo(f"{report.changes} changes applied ({report.documents} documents).")


@search_cli.command("prune")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1))
def prune_command(days: int) -> None:
    """Delete change-log rows older than DAYS (every node must have synced since)."""
    count = prune(db.session(), timedelta(days=days))
    db.session.commit()
    click.echo(f"{count} change rows deleted.")


def register_search_cli(app: Flask) -> None:
    app.cli.add_command(search_cli)
