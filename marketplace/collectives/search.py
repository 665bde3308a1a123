"""The "collective" document type: a collective's name, sector, description and competences.

Visibility fields follow collectives.visibility.can_view_collective: the owner is the
creator (owner_id), the owner CAE is the creator's CAE at creation (cae_id), and a collective
is always "vouched" (who may see it depends on its audience alone, besides the privileged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from marketplace.accounts.models import User
from marketplace.collectives.models import Collective, CollectiveMember
from marketplace.profiles.models import Profile, ProfileSkill
from marketplace.search.analysis import sections
from marketplace.search.documents import (
    Watch,
    column_watch,
    register_rows,
    tag,
    text_fields,
    timestamp,
)
from marketplace.skills.models import Skill

NAME = "collective"
WEIGHTS = {"name": 4.0, "sector": 3.0, "skills": 2.0, "description": 1.0}
#: Who sees an audience, widest last: a profile's competence may be indexed with a collective
#: whose audience is no wider than the profile's.
RANK = {"cae": 0, "network": 1, "public": 2}
FACETS = ("collective_sector", "collective_region", "collective_cae")

FIELDS = {
    **text_fields(),
    #: Folded sector ("renovation energetique").
    "collective_sector": tag(),
    "collective_region": tag(),
    #: Ids of the CAEs represented among the members.
    "collective_cae": tag(),
}


@dataclass
class CollectiveRow:
    collective: Collective
    #: (skill name, audience of the profile that declares it), vouched owners only.
    skills: list[tuple[str, str]] = field(default_factory=list)
    cae_ids: list[int] = field(default_factory=list)


def load(session: Session, ids: Sequence[int]) -> dict[int, CollectiveRow]:
    """The collectives with these ids, their members' skills and CAEs (3 queries)."""
    rows = {
        c.id: CollectiveRow(c)
        for c in session.scalars(select(Collective).where(Collective.id.in_(list(ids))))
    }
    if not rows:
        return rows
    skills = session.execute(
        select(CollectiveMember.collective_id, Skill.name, Profile.audience)
        .join(User, User.id == CollectiveMember.user_id)
        .join(Profile, Profile.user_id == User.id)
        .join(ProfileSkill, ProfileSkill.profile_id == Profile.id)
        .join(Skill, Skill.id == ProfileSkill.skill_id)
        .where(CollectiveMember.collective_id.in_(list(rows)))
        .where(User.is_active.is_(True), User.membership == "verified")
        .distinct()
    )
    for collective_id, name, audience in skills:
        rows[collective_id].skills.append((name, audience))
    caes = session.execute(
        select(CollectiveMember.collective_id, User.cae_id)
        .join(User, User.id == CollectiveMember.user_id)
        .where(CollectiveMember.collective_id.in_(list(rows)), User.cae_id.is_not(None))
        .distinct()
    )
    for collective_id, cae_id in caes:
        if cae_id is not None:  # the query excludes members without a CAE
            rows[collective_id].cae_ids.append(cae_id)
    return rows


def to_document(row: CollectiveRow) -> dict[str, Any]:
    c = row.collective
    # A competence is indexed only when every reader of the collective may see a profile
    # declaring it (a hidden profile must not show through its collective's search hits).
    least = RANK[c.audience]
    skills = sorted({name for name, audience in row.skills if RANK[audience] >= least},
                    key=str.casefold)  # fmt: skip
    parts = [
        (WEIGHTS["name"], c.name),
        (WEIGHTS["sector"], c.sector or ""),
        (WEIGHTS["skills"], "\n".join(skills)),
        (WEIGHTS["description"], c.description or ""),
    ]
    cae_ids = sorted(set(row.cae_ids))
    return {
        "audience": c.audience,
        "cae_id": str(c.cae_id) if c.cae_id is not None else None,
        "owner_id": str(c.created_by_id) if c.created_by_id is not None else None,
        "vouched": "1",
        "updated": timestamp(c.updated_at),
        "text": sections(parts),
        "text_x": sections(parts),
        "collective_sector": sector_term(c.sector_key) or None,
        "collective_region": c.region,
        "collective_cae": ",".join(str(i) for i in cae_ids) or None,
        "facets": {
            "collective_sector": c.sector_key or None,
            "collective_region": c.region,
            "collective_cae": cae_ids,
        },
    }


def sector_term(key: str) -> str:
    """The index form of a folded sector (commas separate values in a tag field)."""
    return (key or "").replace(",", " ").strip()


def highlight_texts(collective: Collective) -> dict[str, str]:
    return {"name": collective.name, "description": collective.description or ""}


def _collectives_of_profiles(connection: Connection, profile_skills: list[Any]) -> list[int]:
    ids = {ps.profile_id for ps in profile_skills if ps.profile_id is not None}
    if not ids:
        return []
    members, profiles = CollectiveMember.__table__, Profile.__table__
    stmt = (
        select(members.c.collective_id)
        .join(profiles, profiles.c.user_id == members.c.user_id)
        .where(profiles.c.id.in_(ids))
        .distinct()
    )
    return list(connection.execute(stmt).scalars())


def _collectives_of_user_ids(connection: Connection, ids: set[int]) -> list[int]:
    if not ids:
        return []
    members = CollectiveMember.__table__
    stmt = select(members.c.collective_id).where(members.c.user_id.in_(ids)).distinct()
    return list(connection.execute(stmt).scalars())


def _collectives_of_profile_rows(connection: Connection, profiles: list[Any]) -> list[int]:
    return _collectives_of_user_ids(connection, {p.user_id for p in profiles if p.user_id})


def _collectives_of_users(connection: Connection, users: list[Any]) -> list[int]:
    return _collectives_of_user_ids(connection, {u.id for u in users if u.id is not None})


COLLECTIVE = register_rows(
    Collective,
    name=NAME,
    fields=FIELDS,
    load=load,
    to_document=to_document,
    facets=FACETS,
    multi_facets=frozenset({"collective_cae"}),
    watches=[
        column_watch(CollectiveMember, NAME, "collective_id"),
        Watch(ProfileSkill, NAME, _collectives_of_profiles),
        Watch(Profile, NAME, _collectives_of_profile_rows, frozenset({"audience"})),
        Watch(User, NAME, _collectives_of_users, frozenset({"cae_id", "membership", "is_active"})),
    ],
)
