"""The "tender" document type: what a joint tender puts into the search index."""

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
from marketplace.tenders.models import Tender, TenderLot, TenderMember

NAME = "tender"
WEIGHTS = {
    "title": 4.0,
    "skills": 4.0,
    "lots": 3.0,
    "buyer": 2.0,
    "city": 1.5,
    "reference": 1.5,
    "description": 1.0,
}

FIELDS: dict[str, fields.FieldType] = {
    "text": fields.TEXT(analyzer=stem_analyzer(), phrase=False),
    "text_x": fields.TEXT(analyzer=exact_analyzer(), phrase=False),
    "department": tag(),
    "tender_status": tag(),
    #: Folded names of the competences the lots require.
    "tender_skill": tag(),
}


def load(session: Session, ids: Sequence[int]) -> dict[int, Tender]:
    stmt = select(Tender).where(Tender.id.in_(list(ids)))
    return {t.id: t for t in session.scalars(stmt).unique()}


def all_ids(session: Session, after: int, limit: int) -> list[int]:
    stmt = select(Tender.id).where(Tender.id > after).order_by(Tender.id).limit(limit)
    return list(session.scalars(stmt))


def count(session: Session) -> int:
    return session.scalar(select(func.count(Tender.id))) or 0


def to_document(tender: Tender) -> dict[str, Any]:
    user = tender.owner.user
    skill_names = sorted({s.name for lot in tender.lots for s in lot.skills})
    skill_keys = sorted({s.key for lot in tender.lots for s in lot.skills})
    plain = {
        "title": tender.title,
        "skills": "\n".join(skill_names),
        "lots": "\n".join(lot.title for lot in tender.lots),
        "buyer": tender.buyer_name,
        "city": tender.city or "",
        "reference": tender.reference or "",
        "description": tender.description or "",
    }
    return {
        "audience": tender.audience,
        "cae_id": str(user.cae_id) if user.cae_id is not None else None,
        "owner_id": str(user.id),
        "vouched": "1" if (user.is_active and user.membership == "verified") else "0",
        "updated": int(tender.updated_at.timestamp() * 1_000_000) if tender.updated_at else 0,
        "text": sections([(WEIGHTS[k], v) for k, v in plain.items()]),
        "text_x": sections([(WEIGHTS[k], v) for k, v in plain.items()]),
        "department": tender.department,
        "tender_status": tender.status,
        "tender_skill": ",".join(k.replace(",", " ") for k in skill_keys) or None,
        "facets": {
            "department": tender.department,
            "status": tender.status,
            "skill": skill_keys,
        },
    }


def _tenders_of_users(connection: Connection, users: list[Any]) -> list[int]:
    ids = [u.id for u in users if u.id is not None]
    if not ids:
        return []
    tenders, profiles = Tender.__table__, Profile.__table__
    stmt = (
        select(tenders.c.id)
        .join(profiles, profiles.c.id == tenders.c.owner_profile_id)
        .where(profiles.c.user_id.in_(ids))
    )
    return list(connection.execute(stmt).scalars())


TENDER = register(
    DocumentType(
        name=NAME,
        fields=FIELDS,
        load=load,
        to_document=to_document,
        all_ids=all_ids,
        count=count,
        text_fields={"text": 1.0},
        exact_fields={"text_x": 1.0},
        facets=("department", "status", "skill"),
        multi_facets=frozenset({"skill"}),
        watches=[
            Watch(Tender, NAME, lambda _c, objs: [o.id for o in objs]),
            Watch(TenderLot, NAME, lambda _c, objs: [o.tender_id for o in objs]),
            Watch(TenderMember, NAME, lambda _c, objs: [o.tender_id for o in objs]),
            Watch(
                User,
                NAME,
                _tenders_of_users,
                frozenset({"membership", "cae_id", "is_active"}),
            ),
        ],
    )
)
