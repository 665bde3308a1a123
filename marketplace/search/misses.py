"""The searches that found nothing: counted per day by their normalised text, kept 90 days.

Only the text is kept (lower case, words separated by one space), never who typed it nor when
beyond the day. Administrators read the most frequent misses of the month (the misses page,
``flask search misses``) and tie them to a competence (concepts.add_concept), which is how the
concept table learns the vocabulary of the people who search.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import Date, Integer, String, UniqueConstraint, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.actors import SYSTEM, Viewer
from marketplace.errors import PermissionDenied
from marketplace.extensions import Base, db
from marketplace.timeutil import utcnow

KEEP_DAYS = 90
QUERY_LIMIT = 200
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class SearchMiss(Base):
    """How many searches of one day, with this text, found nothing."""

    __tablename__ = "search_misses"
    __table_args__ = (UniqueConstraint("day", "query"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    query: Mapped[str] = mapped_column(String(QUERY_LIMIT))
    count: Mapped[int] = mapped_column(Integer, default=1)


def normalize(text: str | None) -> str:
    """« Besoin d'un LOGO,  vite ! » → « besoin d'un logo vite »."""
    words = _WORDS.findall((text or "").lower().replace("’", "'"))
    return " ".join(words)[:QUERY_LIMIT].strip()


def record_miss(text: str | None, today: date | None = None) -> None:
    """Count one search of this text that found nothing (flushed with the request's
    transaction); rows older than KEEP_DAYS are deleted on the way."""
    query = normalize(text)
    if not query:
        return
    today = today or utcnow().date()
    if _bump(today, query):
        return
    try:
        with db.session.begin_nested():
            db.session.add(SearchMiss(day=today, query=query, count=1))
            db.session.flush()
    except IntegrityError:  # the same miss counted at the same moment elsewhere
        _bump(today, query)
    purge(today)


def _bump(today: date, query: str) -> bool:
    result = db.session.execute(
        update(SearchMiss)
        .where(SearchMiss.day == today, SearchMiss.query == query)
        .values(count=SearchMiss.count + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def purge(today: date | None = None) -> int:
    """Delete the counts older than KEEP_DAYS; how many rows went."""
    cutoff = (today or utcnow().date()) - timedelta(days=KEEP_DAYS)
    result = db.session.execute(
        delete(SearchMiss)
        .where(SearchMiss.day < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def top_misses(
    actor: Viewer, days: int = 30, limit: int = 50, today: date | None = None
) -> list[tuple[str, int]]:
    """The most frequent misses of the last ``days`` days: (text, count), most frequent first."""
    if actor is not SYSTEM and not actor.is_admin:
        raise PermissionDenied()
    since = (today or utcnow().date()) - timedelta(days=max(days, 1) - 1)
    total = func.sum(SearchMiss.count)
    rows = db.session.execute(
        select(SearchMiss.query, total)
        .where(SearchMiss.day >= since)
        .group_by(SearchMiss.query)
        .order_by(total.desc(), SearchMiss.query)
        .limit(limit)
    )
    return [(query, int(count)) for query, count in rows]


def forget(actor: Viewer, text: str) -> int:
    """Delete every count of a text (once it is tied to a competence, it is answered)."""
    if actor is not SYSTEM and not actor.is_admin:
        raise PermissionDenied()
    result = db.session.execute(
        delete(SearchMiss)
        .where(SearchMiss.query == normalize(text))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
