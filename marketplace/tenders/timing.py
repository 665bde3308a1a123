"""The countdown to a deadline, in words, computed on the server."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from marketplace.formatting import datetime_short
from marketplace.timeutil import as_utc, utcnow

#: The statuses of a tender still heading for its deadline; after them (submitted, won, lost,
#: cancelled) the status says it all and no countdown is shown (« gagné », not « clôture
#: dans 1 jour »).
COUNTING_DOWN = frozenset({"open", "team_formed"})


def tender_countdown(status: str, deadline: datetime | None, now: datetime | None = None) -> str:
    """The countdown of a tender still heading for its deadline; empty once it is settled."""
    return countdown(deadline, now) if status in COUNTING_DOWN else ""


def countdown(deadline: datetime | None, now: datetime | None = None) -> str:
    """'closes in 3 days', 'closes in 5 hours', 'closes in 20 minutes', 'closed on …'
    ('no deadline given' for a public notice that gives none)."""
    if deadline is None:
        return _("no deadline given")
    delta = as_utc(deadline) - (now or utcnow())
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return _("closed on %(when)s", when=datetime_short(deadline))
    if seconds < 3600:
        minutes = max(1, seconds // 60)
        return ngettext("closes in %(num)d minute", "closes in %(num)d minutes", minutes)
    if seconds < 86400:
        hours = seconds // 3600
        return ngettext("closes in %(num)d hour", "closes in %(num)d hours", hours)
    days = delta.days
    return ngettext("closes in %(num)d day", "closes in %(num)d days", days)
