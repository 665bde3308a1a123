"""The "offer" document type: what a subcontracting offer puts into the search index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from whoosh import fields

from marketplace.accounts.models import User
from marketplace.profiles.models import Profile
from marketplace.search.analysis import exact_analyzer, sections, stem_analyzer
from marketplace.search.documents import DocumentType, Watch, register, tag
from marketplace.subcontracting.models import Offer, OfferSkill

NAME = "offer"
#: A word of the title or a requested competence outweighs the same word in the description.
WEIGHTS = {"title": 5.0, "skills": 5.0, "city": 1.5, "description": 1.0}
FACETS = ("department", "skill", "offer_status")

FIELDS: dict[str, fields.FieldType] = {
    "text": fields.TEXT(analyzer=stem_analyzer(), phrase=False),
    "text_x": fields.TEXT(analyzer=exact_analyzer(), phrase=False),
    "department": tag(),
    #: Folded names of the competences asked for, for the skill filter.
    "skill": tag(),
    #: open, filled or closed.
    "offer_status": tag(),
}


def load(session: Session, ids: Sequence[int]) -> dict[int, Offer]:
    return {o.id: o for o in session.scalars(select(Offer).where(Offer.id.in_(list(ids))))}


def all_ids(session: Session, after: int, limit: int) -> list[int]:
    stmt = select(Offer.id).where(Offer.id > after).order_by(Offer.id).limit(limit)
    return list(session.scalars(stmt))


def count(session: Session) -> int:
    return session.scalar(select(func.count(Offer.id))) or 0


def to_document(offer: Offer) -> dict[str, Any]:
    user = offer.owner.user
    names = offer.skill_names
    keys = [os.skill.key.replace(",", " ") for os in offer.skills]
    parts = {
        "title": offer.title,
        "skills": "\n".join(names),
        "city": offer.city or "",
        "description": offer.description or "",
    }
    weighted = [(WEIGHTS[name], value) for name, value in parts.items()]
    return {
        "audience": offer.audience,
        "cae_id": str(user.cae_id) if user.cae_id is not None else None,
        "owner_id": str(user.id),
        "vouched": "1" if (user.is_active and user.membership == "verified") else "0",
        "updated": int(offer.updated_at.timestamp() * 1_000_000) if offer.updated_at else 0,
        "text": sections(weighted),
        "text_x": sections(weighted),
        "department": offer.department,
        "skill": ",".join(keys) or None,
        "offer_status": offer.status,
        "facets": {"department": offer.department, "skill": keys, "offer_status": offer.status},
    }


def highlight_texts(offer: Offer) -> dict[str, str]:
    return {
        "title": offer.title,
        "skills": ", ".join(offer.skill_names),
        "description": offer.description or "",
        "city": offer.city or "",
    }


def _offer_ids_of_users(connection: Connection, users: list[Any]) -> list[int]:
    ids = [u.id for u in users if u.id is not None]
    if not ids:
        return []
    offers, profiles = Offer.__table__, Profile.__table__
    stmt = (
        select(offers.c.id)
        .join(profiles, profiles.c.id == offers.c.owner_profile_id)
        .where(profiles.c.user_id.in_(ids))
    )
    return list(connection.execute(stmt).scalars())


OFFER = register(
    DocumentType(
        name=NAME,
        fields=FIELDS,
        load=load,
        to_document=to_document,
        all_ids=all_ids,
        count=count,
        text_fields={"text": 1.0},
        exact_fields={"text_x": 1.0},
        facets=FACETS,
        multi_facets=frozenset({"skill"}),
        watches=[
            Watch(Offer, NAME, lambda _c, objs: [o.id for o in objs]),
            Watch(OfferSkill, NAME, lambda _c, objs: [o.offer_id for o in objs]),
            Watch(
                User,
                NAME,
                _offer_ids_of_users,
                frozenset({"membership", "cae_id", "is_active"}),
            ),
        ],
    )
)
