"""`flask notify due [--days N]`: remind the teams of their tender's deadline (for cron).

A command of the ``notify`` group of marketplace.cli (beside ``notify digest``)."""

from __future__ import annotations

import click

from marketplace.cli import notify_cli, transactional


@notify_cli.command("due")
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
    from marketplace.tenders.reminders import send_due_reminders

    tenders, messages = send_due_reminders(days)
    return f"Rappels envoyés : {tenders} appel(s) d'offres, {messages} message(s)."
