"""The "tender" document type: what a joint tender puts into the search index."""

from __future__ import annotations

from typing import Any

from whoosh import fields

from marketplace.profiles.search import owner_watch
from marketplace.search.analysis import sections
from marketplace.search.documents import (
    column_watch,
    owner_fields,
    register_rows,
    tag,
    text_fields,
    timestamp,
)
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
    **text_fields(),
    "department": tag(),
    "tender_status": tag(),
    #: Folded names of the competences the lots require.
    "tender_skill": tag(),
}


def to_document(tender: Tender) -> dict[str, Any]:
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
        **_visibility_fields(tender),
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


def _visibility_fields(tender: Tender) -> dict[str, Any]:
    """The owner's fields; an imported notice has no owner: its audience (network) alone
    decides, as for a vouched owner of no CAE (tenders/visibility.py, can_view_notice)."""
    if tender.owner is None:
        return {
            "audience": "network",
            "cae_id": None,
            "owner_id": None,
            "vouched": "1",
            "updated": timestamp(tender.updated_at),
        }
    return owner_fields(tender.owner.user, tender.audience, tender.updated_at)


TENDER = register_rows(
    Tender,
    name=NAME,
    fields=FIELDS,
    to_document=to_document,
    facets=("department", "status", "skill"),
    multi_facets=frozenset({"skill"}),
    watches=[
        column_watch(TenderLot, NAME, "tender_id"),
        column_watch(TenderMember, NAME, "tender_id"),
        owner_watch(Tender, NAME),
    ],
)
