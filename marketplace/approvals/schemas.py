"""The sign-off's shapes: a CAE's approval in the API, a decision, the CAE's threshold, a
status decision, and a tender's CAEs as the tender's answer shows them."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import ConfigDict, Field, field_validator

from marketplace.approvals.models import ApprovalState, ApprovalView, SubjectKind
from marketplace.caes.schemas import CaeRef
from marketplace.profiles.models import ProfileStatus
from marketplace.schema import (
    Cents,
    DateOut,
    DateTimeOut,
    IdOut,
    OptionalDate,
    Output,
    Schema,
    choice,
    choice_filter,
    fail,
    nullable_text,
    page_of,
)

COMMENT_LIMIT = 1000


class ApprovalQuery(Schema):
    """The filter of a CAE's approvals."""

    model_config = ConfigDict(extra="ignore", strict=True)
    invalid_message: ClassVar[str] = _l("Some filters are not valid.")

    state: choice_filter(ApprovalState.values()) = Field(  # type: ignore[valid-type]
        default=None,
        description="pending (still awaited: not those of a cancelled tender, nor of a "
        "cancelled or declined record), approved or refused.",
    )


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise fail(str(_l("Expected true or false.")))
    return value


class ApprovalDecisionInput(Schema):
    """Approve, or refuse saying why (``comment`` is required for a refusal)."""

    model_config = ConfigDict(extra="ignore", strict=True)
    not_an_object: ClassVar[str] = _l("The decision must be an object.")

    approve: bool = Field(description="true to approve, false to refuse.")
    comment: nullable_text(COMMENT_LIMIT, multiline=True) = None  # type: ignore[valid-type]

    @field_validator("approve", mode="before")
    @classmethod
    def _approve(cls, value: Any) -> bool:
        return _boolean(value)


class ApprovalSubject(Output):
    kind: choice(SubjectKind)  # type: ignore[valid-type]
    id: IdOut
    title: str
    amount_cents: int | None = Field(description="For an invoice record: its amount (HT).")
    url: Annotated[str, Field(json_schema_extra={"format": "uri"})]


class Approval(Output):
    id: IdOut
    cae: CaeRef
    subject: ApprovalSubject
    state: choice(ApprovalState)  # type: ignore[valid-type]
    requested_at: DateTimeOut
    decided_at: DateTimeOut | None
    comment: str


ApprovalList = page_of(Approval, "ApprovalList")


class TenderApproval(Output):
    """Where one CAE of a tender's team stands."""

    cae: CaeRef
    state: choice(ApprovalView)  # type: ignore[valid-type]
    approval_id: IdOut | None
    comment: str


class TenderApprovals(Output):
    items: list[TenderApproval]
    asked: int = Field(ge=0, description="How many CAEs were asked by this request.")


class ApprovalSettingsInput(Schema):
    not_an_object: ClassVar[str] = _l("The settings must be an object.")

    invoice_threshold_cents: Cents | None = Field(
        description="Invoice records between CAEs above this amount (HT, cents) need the "
        "CAE's approval; null: never."
    )


class ApprovalSettings(Output):
    cae_id: IdOut
    invoice_threshold_cents: int | None


class StatusDecisionInput(Schema):
    """A manager confirms the proposed status (with the contract's start date) or refuses it."""

    model_config = ConfigDict(extra="ignore", strict=True)
    not_an_object: ClassVar[str] = _l("The decision must be an object.")

    confirm: bool
    started_on: OptionalDate = None

    @field_validator("confirm", mode="before")
    @classmethod
    def _confirm(cls, value: Any) -> bool:
        return _boolean(value)


class StatusProposal(Output):
    profile_id: IdOut
    display_name: str
    status: choice(ProfileStatus)  # type: ignore[valid-type]
    status_proposed: choice(ProfileStatus)  # type: ignore[valid-type]
    proposed_at: DateTimeOut | None


class AssociateDue(Output):
    profile_id: IdOut
    display_name: str
    cesa_started_on: DateOut | None
    cape_started_on: DateOut | None
    due_on: DateOut | None
    overdue: bool


class CaeStatuses(Output):
    proposals: list[StatusProposal]
    associates_due: list[AssociateDue]
