"""Database upkeep: the query planner's statistics.

Both databases choose a plan from statistics about each table and index. Without them SQLite
guesses that an equality on any index is selective, and on this schema it then starts from
every verified member (``ix_users_membership``) instead of the few holders of a competence:
the competences of the collectives list took 38 ms instead of 0.4 ms at 12,000 profiles, and
that page 358 ms instead of 15–29 ms at 100,000 (docs/BENCHMARKS.md). SQLite never gathers
statistics by itself (``PRAGMA optimize`` leaves a never-analysed table alone before SQLite
3.46), and PostgreSQL's autovacuum does so only some time after a bulk load. So
``analyze()`` runs after ``demo load`` and ``members import``, and ``flask db analyze`` is in
the nightly jobs of docs/DEPLOYMENT.md.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from marketplace.extensions import db


def analyze() -> float:
    """Refresh the planner's statistics of every table; returns the seconds it took.

    Runs in the session's transaction (both databases allow ANALYZE there), which the caller
    commits.
    """
    started = time.perf_counter()
    db.session.execute(text("ANALYZE"))
    return time.perf_counter() - started
