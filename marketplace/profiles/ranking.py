"""The suggestion rank of each competence held (ProfileSkill.suggestion_rank), kept up to date
through the search change log.

A tender's suggestions score a person by the competences held, their level, availability and
nearness (tenders.suggestions). What does not depend on the tender is stored per holding: the
level and the stated availability, and 0 for an account that can never be suggested (closed, or
not verified by its CAE). An index on (skill_id, suggestion_rank, profile_id) then hands back
the best holders of a competence first, and the tender page reads only as many as its ranking
needs. The stated availability bounds the availability over the work's days (periods only
lower it), so a rank is an upper bound of what the holding can bring.

Every change that re-indexes a profile document (the profile, its competences, its periods,
its account's membership, activity or CAE) writes a change row in the changing transaction
(search.changelog); the listener below recomputes the ranks of those profiles in the same
transaction, with one UPDATE. Rows written without the change log (Core inserts of a bulk load)
keep the highest rank, RANK_UNKNOWN, until ``refresh()`` runs: they are read early, never missed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Connection, CursorResult, Result, Table, and_, case, update

from marketplace.accounts.models import MembershipState, User
from marketplace.profiles.models import Availability, Profile, ProfileSkill
from marketplace.search import changelog

#: Points of each stated availability in the rank (times 4: the level is 1 to 4).
AVAILABILITY_POINTS = {
    Availability.AVAILABLE.value: 2,
    Availability.PARTIAL.value: 1,
    Availability.UNAVAILABLE.value: 0,
}


#: Profiles whose ranks one UPDATE recomputes.
CHUNK = 5000


def rank_of(level: int, availability: str, eligible: bool) -> int:
    """The rank of a holding (the same formula as the SQL of refresh())."""
    return 4 * AVAILABILITY_POINTS.get(availability, 0) + level if eligible else 0


def level_of(rank: int) -> int:
    return (rank - 1) % 4 + 1


def availability_points_of(rank: int) -> int:
    return (rank - 1) // 4


def refresh(connection: Connection, profile_ids: Iterable[int] | None = None) -> int:
    """Recompute the ranks of these profiles' holdings (all of them with None): one UPDATE
    joined to the profiles and their accounts, which writes only the holdings whose rank
    changes (a members import that changes nothing of a rank rewrites no row). Returns how
    many holdings it wrote."""
    holdings = ProfileSkill.__table__
    assert isinstance(holdings, Table)
    points = case(
        *((Profile.availability == value, n) for value, n in AVAILABILITY_POINTS.items() if n),
        else_=0,
    )
    eligible = and_(User.is_active.is_(True), User.membership == MembershipState.VERIFIED.value)
    rank = case((eligible, 4 * points + holdings.c.level), else_=0)
    stmt = (
        update(holdings)
        .values(suggestion_rank=rank)
        .where(
            Profile.id == holdings.c.profile_id,
            User.id == Profile.user_id,
            holdings.c.suggestion_rank.is_distinct_from(rank),
        )
    )
    if profile_ids is None:
        return _written(connection.execute(stmt))
    ids = sorted(set(profile_ids))
    # By chunks: a large members import logs tens of thousands of profiles at once, beyond the
    # bound parameters SQLite takes in one statement (32,766).
    return sum(
        _written(connection.execute(stmt.where(holdings.c.profile_id.in_(ids[i : i + CHUNK]))))
        for i in range(0, len(ids), CHUNK)
    )


def _written(result: Result) -> int:
    return cast(CursorResult, result).rowcount


def follow(doc_type: str) -> None:
    """Recompute the ranks of the profiles whose documents (of this type) change."""

    def changed(connection: Connection, keys: set[tuple[str, int]]) -> None:
        refresh(connection, [doc_id for kind, doc_id in keys if kind == doc_type])

    changelog.listen(changed)
