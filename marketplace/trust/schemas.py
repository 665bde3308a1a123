"""What the API and the forms take and give about verified references and recommendations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema

from marketplace.schema import DateTimeOut, IdOut, Output, Schema, text
from marketplace.trust.models import RECOMMENDATION_LIMIT


class RecommendationInput(Schema):
    body: text(RECOMMENDATION_LIMIT, multiline=True, required=True)  # type: ignore[valid-type]


class RecommendationVisibility(Schema):
    hidden: bool = Field(description="true hides it from one's profile, false shows it again.")


class ConsentInput(Schema):
    """One party's permission to show the work on the profiles as verified by Essaim."""

    show: bool = Field(description="Show this work on the profiles (once both parties agree).")
    show_amount: bool = Field(
        default=False, description="Also show the amount (only when both parties agree)."
    )


class Consent(Output):
    show: bool
    show_amount: bool
    counterpart_agrees: bool = Field(
        description="The other party has agreed to show it (the amount is shown only when both "
        "allowed it)."
    )
    shown: bool = Field(description="Both parties agree: it is on the profiles.")


class PersonRef(Output):
    profile_id: Annotated[
        int | None,
        WithJsonSchema(
            {"type": ["integer", "null"], "description": "null when the reader may not see it."}
        ),
    ]
    display_name: str


class WorkRef(Output):
    type: Literal["subcontract", "tender"]
    id: IdOut
    title: str


class Recommendation(Output):
    id: IdOut
    author: PersonRef
    work: WorkRef
    body: str
    hidden: bool = Field(description="Hidden by the person recommended (only they see it).")
    created_at: DateTimeOut


class VerifiedReference(Output):
    type: Literal["subcontract", "tender"]
    id: IdOut
    title: str
    role: Literal["client", "subcontractor", "lead", "cotraitant"]
    counterpart: PersonRef | None = Field(
        description="The other party of a subcontract; null for a tender."
    )
    year: int
    amount_cents: Annotated[
        int | None,
        WithJsonSchema(
            {
                "type": ["integer", "null"],
                "description": "Excluding VAT; null unless both parties agreed to show it.",
            }
        ),
    ]
