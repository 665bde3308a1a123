"""The skills' shapes: the autocomplete's query and what it answers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from marketplace.schema import IdOut, Output, Schema, page_of
from marketplace.text import clean

#: The longest skill name: a longer prefix cannot match any.
MAX_QUERY = 120


def _prefix(value: Any) -> str:
    # One character more than a name may have tells a prefix that cannot match.
    return clean(value)[: MAX_QUERY + 1] if isinstance(value, str) else ""


class SkillQuery(Schema):
    q: Annotated[str, BeforeValidator(_prefix), WithJsonSchema({"type": "string"})] = Field(
        default="", description="Prefix to complete."
    )

    @property
    def can_match(self) -> bool:
        """Whether a skill name may start with the prefix (at most MAX_QUERY characters)."""
        return len(self.q) <= MAX_QUERY


class Skill(Output):
    id: IdOut
    name: str
    profile_count: int = Field(
        description="Profiles visible to the reader that declare this skill."
    )


SkillList = page_of(Skill, "SkillList")
