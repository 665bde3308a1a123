"""`flask profiles refresh-availability`: the day's turn in the availability calendars (cron).

The search index holds each profile's availability of the day it was indexed (its periods
included); once a day, after midnight (Paris), this logs a change for the profiles whose period
starts today or ended yesterday, so that every node re-indexes them at its next sync.
"""

from __future__ import annotations

from flask.cli import AppGroup

from marketplace.clitools import transactional
from marketplace.extensions import db
from marketplace.profiles.availability import profiles_changing_today
from marketplace.profiles.search import NAME
from marketplace.search.changelog import log_changes

profiles_cli = AppGroup("profiles", help="Skill profiles.")


@profiles_cli.command("refresh-availability")
@transactional()
def refresh_availability() -> str:
    """Re-index the profiles whose availability changes today by their periods."""
    ids = profiles_changing_today(db.session())
    log_changes(db.session(), [(NAME, profile_id) for profile_id in ids])
    return f"{len(ids)} profil(s) à réindexer."
