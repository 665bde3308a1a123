"""`flask notify due [--days N]`: remind the teams of their tender's deadline (for cron).

Added to the ``notify`` group by marketplace.cli (beside ``notify digest``)."""

from __future__ import annotations

import click

from marketplace.clitools import transactional
from marketplace.tenders.reminders import send_due_reminders


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
