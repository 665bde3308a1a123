"""The "offer" document type: what a subcontracting offer puts into the search index."""

from __future__ import annotations

from typing import Any

from whoosh import fields

from marketplace.profiles.search import owner_watch
from marketplace.search.analysis import sections
from marketplace.search.documents import column_watch, owner_fields, register_rows, tag, text_fields
from marketplace.subcontracting.models import Offer, OfferSkill

NAME = "offer"
#: A word of the title or a requested competence outweighs the same word in the description.
WEIGHTS = {"title": 5.0, "skills": 5.0, "city": 1.5, "description": 1.0}
FACETS = ("department", "skill", "offer_status")

FIELDS: dict[str, fields.FieldType] = {
    **text_fields(),
    "department": tag(),
    #: Folded names of the competences asked for, for the skill filter.
    "skill": tag(),
    #: open, filled or closed.
    "offer_status": tag(),
    #: need or replacement.
    "offer_kind": tag(),
}


def to_document(offer: Offer) -> dict[str, Any]:
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
        **owner_fields(offer.owner.user, offer.audience, offer.updated_at),
        "text": sections(weighted),
        "text_x": sections(weighted),
        "department": offer.department,
        "skill": ",".join(keys) or None,
        "offer_status": offer.status,
        "offer_kind": offer.kind,
        "facets": {"department": offer.department, "skill": keys, "offer_status": offer.status},
    }


def highlight_texts(offer: Offer) -> dict[str, str]:
    return {
        "title": offer.title,
        "skills": ", ".join(offer.skill_names),
        "description": offer.description or "",
        "city": offer.city or "",
    }


OFFER = register_rows(
    Offer,
    name=NAME,
    fields=FIELDS,
    to_document=to_document,
    facets=FACETS,
    multi_facets=frozenset({"skill"}),
    watches=[column_watch(OfferSkill, NAME, "offer_id"), owner_watch(Offer, NAME)],
)
