"""The "profile" document type: what a skill profile puts into the search index.

Also the watch shared by the types of rows a profile owns (offers, tenders): when the owner's
account changes (verified, CAE, closed), their documents are indexed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, lazyload
from whoosh import fields

from marketplace.accounts.models import User
from marketplace.profiles import ranking
from marketplace.profiles.availability import availability_today
from marketplace.profiles.models import (
    AvailabilityPeriod,
    Profile,
    ProfileCertification,
    ProfileLanguage,
    ProfileSkill,
)
from marketplace.search.analysis import sections
from marketplace.search.documents import (
    Watch,
    column_watch,
    owner_fields,
    register_rows,
    tag,
    text_fields,
)
from marketplace.text import fold

NAME = "profile"

#: Weight of each word by where it is written: a declared competence outweighs the same word
#: in a bio, and more so at a higher level (1 notions … 4 expert).
SKILL_WEIGHTS = {1: 4.0, 2: 5.0, 3: 6.0, 4: 7.0}
WEIGHTS = {"headline": 3.0, "certifications": 3.0, "name": 2.0, "city": 1.5, "bio": 1.0}
#: Prefix and typo matching (exact words): competences first.
EXACT_WEIGHTS = {"skills": 3.0, "certifications": 3.0, "headline": 1.5, "name": 1.5,
                 "city": 1.0, "bio": 1.0}  # fmt: skip
TEXT_FIELDS = {"text": 1.0}
EXACT_FIELDS = {"text_x": 1.0}
FACETS = ("region", "department", "cae", "status", "availability", "skill")

FIELDS: dict[str, fields.FieldType] = {
    **text_fields(),
    "department": tag(),
    "region": tag(),
    "status": tag(),
    "availability": tag(),
    #: Folded skill names ("renovation energetique"), for the skill filter.
    "skill": tag(),
}


def load(session: Session, ids: Sequence[int]) -> dict[int, Profile]:
    """The profiles with these ids, their owner, CAE, skills, certifications and availability
    periods (5 queries)."""
    stmt = select(Profile).where(Profile.id.in_(list(ids))).options(lazyload(Profile.languages))
    return {p.id: p for p in session.scalars(stmt).unique()}


def to_document(profile: Profile) -> dict[str, Any]:
    user = profile.user
    skills = [(ps.skill.name, ps.level) for ps in profile.skills]
    certifications = [pc.certification.name for pc in profile.certifications]
    plain = {
        "headline": profile.headline or "",
        "certifications": "\n".join(certifications),
        "name": user.display_name,
        "city": profile.city or "",
        "bio": profile.bio or "",
    }
    text = [(SKILL_WEIGHTS.get(level, 4.0), name) for name, level in skills]
    text += [(WEIGHTS[part], value) for part, value in plain.items()]
    exact = [(EXACT_WEIGHTS["skills"], "\n".join(name for name, _ in skills))]
    exact += [(EXACT_WEIGHTS[part], value) for part, value in plain.items()]
    skill_keys = [ps.skill.key for ps in profile.skills]
    region = profile.region
    availability = availability_today(profile)
    return {
        **owner_fields(user, profile.audience, profile.updated_at),
        "text": sections(text),
        "text_x": sections(exact),
        "department": profile.department,
        "region": region,
        "status": profile.status,
        "availability": availability,
        "skill": ",".join(k.replace(",", " ") for k in skill_keys) or None,
        "facets": {
            "region": region,
            "department": profile.department,
            "cae": user.cae_id,
            "status": profile.status,
            "availability": availability,
            "skill": skill_keys,
        },
    }


def highlight_texts(profile: Profile) -> dict[str, str]:
    """The texts shown with highlights, by field, as the reader will see them."""
    return {
        "skills": ", ".join(ps.skill.name for ps in profile.skills),
        "headline": profile.headline or "",
        "certifications": ", ".join(profile.certification_names),
        "bio": profile.bio or "",
        "city": profile.city or "",
        "display_name": profile.display_name,
    }


def skill_key(name: str) -> str:
    return fold(name).replace(",", " ")


def _profile_ids_of_users(connection: Connection, users: list[Any]) -> list[int]:
    ids = [u.id for u in users if u.id is not None]
    if not ids:
        return []
    table = Profile.__table__
    return list(connection.execute(select(table.c.id).where(table.c.user_id.in_(ids))).scalars())


#: Account columns whose change re-indexes the documents of the rows the person owns.
OWNER_ATTRIBUTES = frozenset({"membership", "cae_id", "is_active"})


def owner_watch(model: Any, doc_type: str) -> Watch:
    """Re-index the ``model`` rows (owner_profile_id) of the people whose account changed."""

    def doc_ids(connection: Connection, users: list[Any]) -> list[int]:
        ids = [u.id for u in users if u.id is not None]
        if not ids:
            return []
        rows, profiles = model.__table__, Profile.__table__
        stmt = (
            select(rows.c.id)
            .join(profiles, profiles.c.id == rows.c.owner_profile_id)
            .where(profiles.c.user_id.in_(ids))
        )
        return list(connection.execute(stmt).scalars())

    return Watch(User, doc_type, doc_ids, OWNER_ATTRIBUTES)


PROFILE = register_rows(
    Profile,
    name=NAME,
    fields=FIELDS,
    load=load,
    to_document=to_document,
    text_fields=TEXT_FIELDS,
    exact_fields=EXACT_FIELDS,
    facets=FACETS,
    multi_facets=frozenset({"skill"}),
    watches=[
        column_watch(ProfileSkill, NAME, "profile_id"),
        column_watch(ProfileCertification, NAME, "profile_id"),
        column_watch(ProfileLanguage, NAME, "profile_id"),
        column_watch(AvailabilityPeriod, NAME, "profile_id"),
        Watch(User, NAME, _profile_ids_of_users, OWNER_ATTRIBUTES | {"first_name", "last_name"}),
    ],
)

# The suggestion ranks of the competences follow the profile documents' change rows.
ranking.follow(NAME)
