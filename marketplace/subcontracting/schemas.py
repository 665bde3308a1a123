"""Subcontracting's shapes, declared once: what the API, the pages and the demo accept (offers,
responses, acceptances, subcontract records, moves, filters, the period of the figures) and what
the API answers (offers, responses, records, a CAE's figures).

Rules that need the database (a visible subcontractor, tender or earlier version; the caller as
the client) stay in the operations (records.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Self

from flask_babel import gettext as _
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
    model_serializer,
    model_validator,
)

from marketplace.audience import Audience
from marketplace.caes.schemas import CaeRef
from marketplace.errors import ValidationError
from marketplace.ids import is_id, parse_id
from marketplace.places.schemas import (
    DEPARTMENT,
    DistanceKm,
    NearQuery,
    OptionalDepartment,
    department_filter,
)
from marketplace.profiles.models import ProfileStatus
from marketplace.schema import (
    FILTER_TEXT_LIMIT,
    ID,
    DateOut,
    DateTimeOut,
    FilterText,
    IdOut,
    OptionalDate,
    Output,
    Schema,
    absent_as_null,
    choice,
    choice_filter,
    fail,
    filter_text,
    names_schema,
    nullable_text,
    text,
    unique_names,
)
from marketplace.subcontracting.models import (
    MAX_AMOUNT_CENTS,
    OfferKind,
    OfferStatus,
    ResponseStatus,
    SubcontractKind,
    SubcontractStatus,
    VatRate,
    VatRegime,
)

# ---------------------------------------------------------------------------------------------
# Limits (forms and templates read them with marketplace.schema.limit_of)

TITLE_LIMIT = 160
DESCRIPTION_LIMIT = 5000
CITY_LIMIT = 120
MESSAGE_LIMIT = 3000
WORKLOAD_LIMIT = 200
MAX_SKILLS = 20
SKILL_NAME_LIMIT = 120
#: Longest filter value read from a query string (longer ones are cut).
FILTER_LIMIT = FILTER_TEXT_LIMIT


class PartyRole(StrEnum):
    """The side of a record one is on (the ?role= filter)."""

    CLIENT = "client"
    SUBCONTRACTOR = "subcontractor"


# ---------------------------------------------------------------------------------------------
# Field types of this domain


AMOUNT: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT_CENTS}


def _amount(required: bool) -> Any:
    def check(raw: Any) -> int | None:
        if raw is None or raw == "":
            if required:
                raise fail(_("This field is required."))
            return None
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise fail(_("Expected a whole number of cents."))
        if raw <= 0 or raw > MAX_AMOUNT_CENTS:
            raise fail(_("The amount must be more than 0 and at most 10 000 000 €."))
        return raw

    return check


#: Whole cents, more than 0, at most 10 000 000 € (prices and amounts excluding VAT).
Amount = Annotated[int, BeforeValidator(_amount(True)), WithJsonSchema(AMOUNT)]
#: The same, or nothing (an offer's indicative budget).
OptionalAmount = Annotated[
    int | None,
    BeforeValidator(_amount(False)),
    WithJsonSchema({**AMOUNT, "type": ["integer", "null"]}),
]

#: The French VAT rates as a client may write them ("20", 20, "5,5"…); stored as '20.0'. "0"
#: (an exemption, as the field was used before regimes) stays "0": vat.vat_terms decides.
_RATE_NUMBERS = [
    float(r) if "." in r.removesuffix(".0") else int(float(r)) for r in VatRate.values()
]
VAT_RATE_INPUT: dict[str, Any] = {
    "oneOf": [
        {
            "type": "string",
            "enum": [*(r.removesuffix(".0") for r in VatRate.values()), "0", *VatRate.values(),
                     "0.0", ""],
        },
        {"type": "number", "enum": [*_RATE_NUMBERS, 0]},
        {"type": "null"},
    ],
    "description": "Only for an invoice under the standard regime (null otherwise); absent: "
    "the normal rate of the place (20.0, 8.5 overseas). Internal work carries no VAT.",
}  # fmt: skip


def _vat_rate(raw: Any) -> str | None:
    """'20', '20.0', 20, 5.5, '5,5' → the stored form ('20.0', '5.5'); 0 → '0'; other rates
    refused; nothing given → None."""
    if raw is None or raw == "":
        return None
    refused = fail(_("Choose a French VAT rate: 20, 13, 10, 8.5, 5.5, 2.1 or 0.9."))
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise refused
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise refused from None
    if not value.is_finite():
        raise refused
    if value == 0:
        return "0"
    for rate in VatRate.values():  # compared as numbers: a huge exponent cannot be rounded
        if value == Decimal(rate):
            return rate
    raise refused


VatRateInput = Annotated[str | None, BeforeValidator(_vat_rate), WithJsonSchema(VAT_RATE_INPUT)]


def _vat_regime(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if raw not in VatRegime.values():
        raise fail(_("Choose one of: %(values)s.", values=", ".join(VatRegime.values())))
    return str(raw)


VatRegimeInput = Annotated[
    str | None,
    BeforeValidator(_vat_regime),
    WithJsonSchema(
        {
            "type": ["string", "null"],
            "enum": [*VatRegime.values(), None],
            "description": "For an invoice between two CAEs (standard when absent); ignored "
            "for internal work.",
        }
    ),
]


def _audience(raw: Any) -> str:
    if raw is None or raw == "":
        return Audience.NETWORK.value
    if raw not in Audience.values():
        raise fail(_("Choose one of: %(values)s.", values=", ".join(Audience.values())))
    return str(raw)


AudienceInput = Annotated[
    str,
    BeforeValidator(_audience),
    WithJsonSchema(
        {
            "type": ["string", "null"],
            "enum": [*Audience.values(), None],
            "default": Audience.NETWORK.value,
        }
    ),
]

SKILL_NAMES = names_schema(MAX_SKILLS, SKILL_NAME_LIMIT)


def _skill_names(raw: Any) -> list[str]:
    """A list of names or one string separated by ';': cleaned, empty and repeated entries
    dropped (case and accents ignored) before counting."""
    if raw is None or raw == "":
        return []
    too_long = _("Each name must be at most %(n)d characters.", n=SKILL_NAME_LIMIT)
    names = unique_names(raw, item_limit=SKILL_NAME_LIMIT, too_long=too_long)
    if len(names) > MAX_SKILLS:
        raise fail(_("At most %(n)d entries.", n=MAX_SKILLS))
    return names


SkillNames = Annotated[
    list[str],
    BeforeValidator(_skill_names),
    WithJsonSchema(
        {
            "oneOf": [
                SKILL_NAMES,
                {"type": "string", "description": "Names separated by ';'."},
                {"type": "null"},
            ]
        }
    ),
]


def _profile_id(raw: Any) -> int:
    """An id, also as digits in text (the forms send text)."""
    value: Any = parse_id(raw) if isinstance(raw, str) else raw
    if not is_id(value):
        raise fail(_("Expected the id of a profile (a whole number)."))
    return int(value)


def _optional_profile_id(raw: Any) -> int | None:
    return None if raw is None else _profile_id(raw)


ProfileId = Annotated[int, BeforeValidator(_profile_id), WithJsonSchema(ID)]
#: The earlier version of a record (read like a profile id, with today's message).
OptionalRecordId = Annotated[
    int | None,
    BeforeValidator(_optional_profile_id),
    WithJsonSchema({**ID, "type": ["integer", "null"]}),
]


def _tender_id(raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise fail(_("Expected the id of a tender (a whole number)."))
    if not is_id(raw):  # beyond the id columns: no tender has it
        raise fail(_("No visible tender has this id."))
    return raw


TenderId = Annotated[
    int | None, BeforeValidator(_tender_id), WithJsonSchema({**ID, "type": ["integer", "null"]})
]


def _client_profile_id(raw: Any) -> int | None:
    """Only the caller's own profile may be named (records.py compares it); anything that
    cannot be an id cannot be the caller's."""
    if raw is None:
        return None
    if not is_id(raw):
        raise fail(_("You can only propose a subcontract as its client."))
    return int(raw)


ClientProfileId = Annotated[
    int | None,
    BeforeValidator(_client_profile_id),
    WithJsonSchema(
        {
            **ID,
            "type": ["integer", "null"],
            "description": "The caller's own profile (the client is the caller).",
        }
    ),
]


def _dates_in_order(ends_on: date | None, info: ValidationInfo) -> date | None:
    """The end date of a field validator: not before the start date (declared before it)."""
    starts_on = info.data.get("starts_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise fail(_("The end date cannot be before the start date."))
    return ends_on


# ---------------------------------------------------------------------------------------------
# Inputs


class _Input(Schema):
    """An input with today's general messages (translated when they are raised)."""

    @classmethod
    def what(cls) -> str:
        """The message when the input is not an object at all."""
        return _("Expected an object.")

    @classmethod
    def load(cls, data: Any, *, partial: bool = False) -> Self:
        if not isinstance(data, dict):
            raise ValidationError(cls.what())
        return super().load(data, partial=partial)


class OfferInput(_Input):
    """What posting an offer takes (the API, the page, the demo)."""

    title: text(TITLE_LIMIT, required=True)  # type: ignore[valid-type]
    description: nullable_text(DESCRIPTION_LIMIT, multiline=True) = ""  # type: ignore[valid-type]
    skills: SkillNames = Field(default_factory=list)
    city: nullable_text(CITY_LIMIT) = ""  # type: ignore[valid-type]
    department: OptionalDepartment = None
    starts_on: OptionalDate = None
    ends_on: OptionalDate = Field(default=None, description="On or after starts_on.")
    budget_cents: OptionalAmount = None
    audience: AudienceInput = Audience.NETWORK.value
    kind: choice(OfferKind) = Field(  # type: ignore[valid-type]
        default=OfferKind.NEED.value,
        description="replacement: someone covers the owner's clients over the period "
        "(starts_on and ends_on required).",
    )
    workload: nullable_text(WORKLOAD_LIMIT) = Field(  # type: ignore[valid-type]
        default="", description="A replacement: how much of the clients' work to cover."
    )
    client_contact: bool = Field(
        default=False, description="A replacement: the replacement deals with the clients."
    )

    @field_validator("ends_on")
    @classmethod
    def ends_after_start(cls, ends_on: date | None, info: ValidationInfo) -> date | None:
        return _dates_in_order(ends_on, info)

    @model_validator(mode="after")
    def _replacement_period(self) -> Self:
        """A replacement says when: both dates are required."""
        if self.kind != OfferKind.REPLACEMENT.value:
            return self
        required = _("A replacement needs its first and last day.")
        missing = {n: [required] for n in ("starts_on", "ends_on") if getattr(self, n) is None}
        if missing:
            raise ValidationError(_("Some fields need your attention."), missing)
        return self

    @classmethod
    def what(cls) -> str:
        return _("The offer must be an object.")


class OutcomeInput(_Input):
    """After a replacement's period: whether it went well (the requester or the replacement)."""

    went_well: bool

    @classmethod
    def what(cls) -> str:
        return _("The outcome must be an object.")


class OfferResponseInput(_Input):
    """Answering an offer: a message and a price."""

    message: nullable_text(MESSAGE_LIMIT, multiline=True) = ""  # type: ignore[valid-type]
    price_cents: Amount

    @classmethod
    def what(cls) -> str:
        return _("The response must be an object.")


class AcceptInput(_Input):
    """Accepting a response: the VAT terms of the subcontract it proposes (for an invoice)."""

    vat_regime: VatRegimeInput = None
    vat_rate: VatRateInput = None


class SubcontractInput(_Input):
    """Proposing a subcontract record (the caller is the client)."""

    title: text(TITLE_LIMIT, required=True)  # type: ignore[valid-type]
    description: nullable_text(DESCRIPTION_LIMIT, multiline=True) = ""  # type: ignore[valid-type]
    subcontractor_profile_id: ProfileId
    client_profile_id: ClientProfileId = None
    amount_cents: Amount
    vat_regime: VatRegimeInput = None
    vat_rate: VatRateInput = None
    starts_on: OptionalDate = None
    ends_on: OptionalDate = None
    tender_id: TenderId = None
    supersedes_id: OptionalRecordId = None

    @field_validator("ends_on")
    @classmethod
    def ends_after_start(cls, ends_on: date | None, info: ValidationInfo) -> date | None:
        return _dates_in_order(ends_on, info)

    @model_validator(mode="before")
    @classmethod
    def _absent_subcontractor(cls, data: Any) -> Any:
        """An absent subcontractor gets the message of a wrong one, as it always had."""
        return absent_as_null(data, "subcontractor_profile_id")

    @classmethod
    def what(cls) -> str:
        return _("The subcontract must be an object.")

    def values(self) -> dict[str, Any]:
        """The columns of the record it proposes."""
        return self.model_dump(
            include={"title", "description", "amount_cents", "starts_on", "ends_on"}
        )


def _status_to(raw: Any) -> str:
    if not isinstance(raw, str) or raw not in SubcontractStatus.values():
        raise fail(_("Choose one of: %(values)s.", values=", ".join(SubcontractStatus.values())))
    return raw


INVOICE_NUMBER_LIMIT = 40


class TransitionInput(_Input):
    """A move of a record: the status it goes to, with the invoice's number when an invoice
    record moves to invoiced (other fields are ignored)."""

    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)

    to: Annotated[
        str,
        BeforeValidator(_status_to),
        WithJsonSchema({"type": "string", "enum": list(SubcontractStatus.values())}),
    ]
    invoice_number: nullable_text(INVOICE_NUMBER_LIMIT) = Field(  # type: ignore[valid-type]
        default="", description="Required to move an invoice record to invoiced."
    )

    @model_validator(mode="before")
    @classmethod
    def _absent_status(cls, data: Any) -> Any:
        return absent_as_null(data, "to")


# ---------------------------------------------------------------------------------------------
# Filters (query strings): an empty value is the filter left out


class _Filters(Schema):
    """A query string's filters; refused with "Some filters are not valid."."""

    @classmethod
    def load(cls, data: Any, *, partial: bool = False) -> Self:
        try:
            return super().load(data, partial=partial)
        except ValidationError as error:
            raise ValidationError(_("Some filters are not valid."), error.fields) from None


class OfferQuery(_Filters, NearQuery):
    q: FilterText = Field(
        default=None, description="Words of the title, description, city or competences."
    )
    skill: FilterText = Field(
        default=None, description="A competence, by name (case and accents ignored)."
    )
    department: Annotated[
        str | None, BeforeValidator(department_filter), WithJsonSchema({"type": "string"})
    ] = Field(default=None, description="French department code.")
    status: choice_filter(OfferStatus.values()) = Field(  # type: ignore[valid-type]
        default=None, description="open, filled or closed (all when absent)."
    )
    kind: choice_filter(OfferKind.values()) = Field(  # type: ignore[valid-type]
        default=None, description="need or replacement (both when absent)."
    )


class SubcontractQuery(_Filters):
    role: choice_filter(tuple(r.value for r in PartyRole)) = Field(  # type: ignore[valid-type]
        default=None, description="Only as client or as subcontractor."
    )
    status: choice_filter(SubcontractStatus.values()) = Field(  # type: ignore[valid-type]
        default=None, description="Only this status."
    )


def _query_date(raw: Any) -> date | None:
    value = filter_text(raw) if isinstance(raw, str) else raw
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(_("Expected a date (YYYY-MM-DD).")) from None


QueryDate = Annotated[
    date | None, BeforeValidator(_query_date), WithJsonSchema({"type": "string", "format": "date"})
]


class PeriodQuery(_Filters):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both optional and inclusive."""

    start: QueryDate = Field(
        default=None, alias="from", description="First day of the period (inclusive)."
    )
    end: QueryDate = Field(
        default=None, alias="to", description="Last day of the period (inclusive)."
    )

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.start and self.end and self.end < self.start:
            message = _("The end date cannot be before the start date.")
            raise ValidationError(_("Some filters are not valid."), {"to": [message]})
        return self


# ---------------------------------------------------------------------------------------------
# Outputs


def _out(schema: dict[str, Any]) -> Any:
    return WithJsonSchema(schema)


class OfferPerson(Output):
    profile_id: IdOut
    display_name: str


class OfferResponse(Output):
    id: IdOut
    offer_id: IdOut
    responder: OfferPerson
    message: str
    price_cents: Annotated[int, _out(AMOUNT)]
    status: choice(ResponseStatus)  # type: ignore[valid-type]
    created_at: DateTimeOut


class ReplacementOutcome(Output):
    owner: bool | None = Field(description="The requester said it went well (null: not yet).")
    replacement: bool | None = Field(description="The replacement said it went well.")


class RecommendationLead(Output):
    """After a replacement that went well: where its side recommends the other."""

    subcontract_id: IdOut = Field(description="The record the replacement produced.")
    delivered: bool = Field(description="The record is delivered: recommendations are open.")
    allowed: bool = Field(
        description="The caller may write it now (POST /subcontracts/{id}/recommendation)."
    )
    message: str = Field(description="What to do next, in the reader's language.")
    url: Annotated[
        str, _out({"type": "string", "format": "uri", "description": "The record's HTML page."})
    ]


class Offer(Output):
    id: IdOut
    title: Annotated[str, _out({"type": "string", "minLength": 1, "maxLength": TITLE_LIMIT})]
    description: Annotated[str, _out({"type": "string", "maxLength": DESCRIPTION_LIMIT})]
    skills: Annotated[list[str], _out(SKILL_NAMES)]
    city: Annotated[str, _out({"type": "string", "maxLength": CITY_LIMIT})]
    department: Annotated[str | None, _out(DEPARTMENT)]
    starts_on: DateOut | None
    ends_on: DateOut | None = Field(description="On or after starts_on.")
    budget_cents: Annotated[int | None, _out({**AMOUNT, "type": ["integer", "null"]})]
    audience: Annotated[
        str,
        _out({"type": "string", "enum": list(Audience.values()), "default": "network"}),
    ]
    status: choice(OfferStatus)  # type: ignore[valid-type]
    kind: choice(OfferKind) = Field(  # type: ignore[valid-type]
        default=OfferKind.NEED.value, description="need, or replacement."
    )
    urgent: bool = Field(
        default=False, description="A replacement starting within 72 hours (computed)."
    )
    workload: str = Field(default="", description="A replacement: how much work to cover.")
    client_contact: bool = Field(
        default=False, description="A replacement: the replacement deals with the clients."
    )
    outcome: ReplacementOutcome | None = Field(
        default=None, description="A replacement: whether it went well, by each side."
    )
    recommendation: RecommendationLead | None = Field(
        default=None,
        description="For the side of a replacement who said it went well, in GET /offers/{id} "
        "and POST /offers/{id}/outcome: the record on which to recommend the other (null "
        "otherwise).",
    )
    owner: OfferPerson
    #: Always given; not "required" in the published description (kept so).
    created_at: DateTimeOut = Field(default=None)  # type: ignore[assignment]
    url: Annotated[str, _out({"type": "string", "format": "uri", "description": "The HTML page."})]
    responses: list[OfferResponse] = Field(
        default=None,  # type: ignore[arg-type]  # absent from the list of offers
        description="Only in GET /offers/{id} and POST /offers: every response for the owner, "
        "one's own response for a responder.",
    )

    @model_serializer(mode="wrap")
    def _without_absent_responses(self, handler: Any):
        """The list of offers leaves the responses out (no return type: the document keeps
        the declared fields)."""
        out = handler(self)
        if self.responses is None:
            out.pop("responses", None)
        return out


class _Page(Output):
    total: int
    page: int
    per_page: int


class OfferListItem(Offer):
    """An offer of the list, with its distance from the place asked."""

    distance_km: DistanceKm = None


class OfferList(_Page):
    items: list[OfferListItem]


class SubcontractParty(Output):
    profile_id: IdOut
    display_name: str
    cae: CaeRef | None


STATUS: dict[str, Any] = {"type": "string", "enum": list(SubcontractStatus.values())}
Status = Annotated[str, _out(STATUS)]


class SubcontractMove(Output):
    from_: Status | None = Field(alias="from")
    to: Status
    by_profile_id: IdOut | None
    at: DateTimeOut


def _inline(model: type[Output]) -> dict[str, Any]:
    """A small model's JSON Schema written in place (no component of its own), untitled."""

    def untitled(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: untitled(v) for k, v in node.items() if k != "title"}
        if isinstance(node, list):
            return [untitled(v) for v in node]
        return node

    return untitled(model.model_json_schema(mode="serialization"))


class Subcontract(Output):
    id: IdOut
    title: str
    description: str
    client: SubcontractParty
    subcontractor: SubcontractParty
    client_cae_id: IdOut | None
    subcontractor_cae_id: IdOut | None
    amount_cents: Annotated[
        int, _out({**AMOUNT, "description": "Excluding VAT; frozen once accepted."})
    ]
    kind: choice(SubcontractKind)  # type: ignore[valid-type]
    vat_regime: Annotated[
        str | None,
        _out({"type": ["string", "null"], "enum": [*VatRegime.values(), None],
              "description": "For an invoice; null for internal work."}),
    ]  # fmt: skip
    vat_rate: Annotated[
        str | None,
        _out({"type": ["string", "null"], "enum": [*VatRate.values(), None],
              "description": "For the standard regime; null otherwise."}),
    ]  # fmt: skip
    legal_mention: str | None = Field(description="The text the invoice must carry, if any.")
    invoice_number: str | None
    invoice_date: DateOut | None = Field(description="The day it was marked invoiced.")
    vat_cents: int = Field(description="VAT, rounded half up to the cent.")
    total_cents: int = Field(description="Including VAT.")
    starts_on: DateOut | None
    ends_on: DateOut | None
    cross_cae: bool
    offer_id: IdOut | None
    tender_id: IdOut | None
    supersedes_id: int | None = Field(description="The earlier version this one replaces.")
    status: Status
    history: Annotated[
        list[SubcontractMove], _out({"type": "array", "items": _inline(SubcontractMove)})
    ]
    url: Annotated[str, _out({"type": "string", "format": "uri"})]


class SubcontractList(_Page):
    items: list[Subcontract]


CaeProfileCounts: type[Output] = create_model(  # type: ignore[call-overload]
    "CaeProfileCounts",
    __base__=Output,
    __module__=__name__,
    **{status: (int, ...) for status in ProfileStatus.values()},
)


class CaeTenderCounts(Output):
    open: int
    won: int
    lost: int


class CaeSubcontractTotals(Output):
    count: int
    amount_cents: int
    internal_amount_cents: int
    cross_cae_amount_cents: int
    internal_transfer_cents: int = Field(description="Internal work inside this CAE.")
    sales_to_other_caes_cents: int = Field(
        description="Work this CAE's members did for clients of other CAEs."
    )
    purchases_from_other_caes_cents: int = Field(
        description="Work this CAE's members gave to members of other CAEs."
    )


class CaeFlow(Output):
    from_cae_id: IdOut | None
    to_cae_id: IdOut | None
    count: int
    amount_cents: int


class CaeStats(Output):
    members: int
    verified_members: int
    profiles_by_status: CaeProfileCounts
    collectives: int
    tenders: CaeTenderCounts
    subcontracts: CaeSubcontractTotals
    flows: list[CaeFlow]
    start: DateOut | None = Field(alias="from")
    end: DateOut | None = Field(alias="to")


__all__ = [
    "AcceptInput",
    "CaeStats",
    "Offer",
    "OfferInput",
    "OfferList",
    "OfferQuery",
    "OfferResponse",
    "OfferResponseInput",
    "OutcomeInput",
    "PartyRole",
    "PeriodQuery",
    "Subcontract",
    "SubcontractInput",
    "SubcontractList",
    "SubcontractQuery",
    "TransitionInput",
]
