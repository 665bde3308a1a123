"""Tender invitations: what the owner sends (the person, the lots, the role, a message), the
invitee's answer, and the API's answer."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import Field, model_validator

from marketplace.schema import (
    DateTimeOut,
    Id,
    IdOut,
    Output,
    Schema,
    absent_as_null,
    choice,
    nullable_text,
)
from marketplace.tenders.models import InvitationState, TenderRole
from marketplace.tenders.schemas import LotIds, LotRole

MESSAGE_LIMIT = 3000


class TenderInvitationCreate(Schema):
    """The owner invites a person to one or more lots, as cotraitant or subcontractor."""

    not_an_object: ClassVar[str] = _l("The invitation must be an object.")

    profile_id: Id
    lot_ids: LotIds
    role: LotRole
    message: nullable_text(MESSAGE_LIMIT, multiline=True) = Field(  # type: ignore[valid-type]
        default="", validate_default=True
    )

    @model_validator(mode="before")
    @classmethod
    def _absent_as_null(cls, data: Any) -> Any:
        return absent_as_null(data, "lot_ids", "role")


class TenderInvitationAnswer(Schema):
    accept: bool


class TenderInvitation(Output):
    id: IdOut
    tender_id: IdOut
    profile_id: IdOut
    lot_ids: list[int]
    role: choice(TenderRole)  # type: ignore[valid-type]
    message: str
    state: choice(InvitationState)  # type: ignore[valid-type]
    created_at: DateTimeOut
    decided_at: DateTimeOut | None
