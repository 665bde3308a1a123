"""Input of the concept table's forms (one declaration of each field and its limit)."""

from __future__ import annotations

from marketplace.schema import Schema, text
from marketplace.search.concepts import PHRASE_LIMIT, SKILL_LIMIT


class ConceptInput(Schema):
    """A phrase of a need and the competence it is tied to."""

    phrase: text(PHRASE_LIMIT, required=True)  # type: ignore[valid-type]
    skill: text(SKILL_LIMIT, required=True)  # type: ignore[valid-type]
