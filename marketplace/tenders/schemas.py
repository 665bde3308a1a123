"""The tenders' shapes: what the API, the forms and the demo send, and what the API answers.

A tender is written whole (:class:`TenderCreate`) or in part (:class:`TenderUpdate`, read with
``partial=True``); its lots, buyer and team are nested schemas whose messages are reported
under the top-level key (``lots``, ``buyer``, ``team``), the first one only, as people read
them. :meth:`TenderWrite.values` is what the operations take.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Literal, Self

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as PydanticError

from marketplace.approvals.schemas import TenderApproval
from marketplace.audience import Audience
from marketplace.caes.schemas import CaeRef
from marketplace.errors import ValidationError
from marketplace.ids import MAX_ID, is_id, parse_id, small_number
from marketplace.places.schemas import DistanceKm, NearQuery, department_filter, optional_department
from marketplace.schema import (
    MAX_AMOUNT_CENTS,
    DateTimeOut,
    IdOut,
    Output,
    Schema,
    absent_as_null,
    choice,
    fail,
    field_errors,
    filter_text,
    known_filter,
    nullable_text,
    optional_cents,
    page_of,
    parse_datetime,
    text,
)
from marketplace.tenders.models import (
    ApplicationState,
    BuyerKind,
    LotVat,
    LotVatRate,
    ProcedureKind,
    TeamForm,
    TeamKind,
    TeamRole,
    TenderRole,
    TenderStatus,
)
from marketplace.tenders.models import TenderSource as TenderSourceName
from marketplace.text import clean, fold
from marketplace.timeutil import PARIS, as_utc, utcnow

MAX_LOTS = 30
MAX_LOT_SKILLS = 20
LOT_TITLE_LIMIT = 200
SKILL_NAME_LIMIT = 120

#: An id the client gives (documented without its lower bound, as published).
ID_IN: dict[str, Any] = {"type": "integer", "format": "int64", "maximum": MAX_ID}


def _first_message(error: PydanticError) -> str:
    """The first message of a nested item's errors (people fix one thing at a time)."""
    for messages in field_errors(error).values():
        if messages:
            return messages[0]
    return _("This value is not valid.")


def _first_error_only(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except PydanticError as error:
        raise fail(_first_message(error)) from None


_optional_cents = optional_cents(
    MAX_AMOUNT_CENTS, lambda: _("The amount must be between 0 and one billion euros.")
)


#: An amount in whole cents (0 to one billion euros), or null / "" for none.
OptionalCents = Annotated[
    int | None,
    BeforeValidator(_optional_cents),
    WithJsonSchema({"type": ["integer", "null"], "minimum": 0, "maximum": MAX_AMOUNT_CENTS}),
]


def _id_or(message_of: Any) -> Any:
    """An id the client gives; ``message_of()`` is the message otherwise."""

    def check(value: Any) -> int:
        if not is_id(value):
            raise fail(message_of())
        return int(value)

    return Annotated[int, BeforeValidator(check), WithJsonSchema(dict(ID_IN))]


def _team_form(value: Any) -> str | None:
    if value not in (None, "", *TeamForm.values()):
        raise fail(_("The group is conjoint or solidaire."))
    return value or None


#: The group's form; "" or null: not chosen yet.
TeamFormInput = Annotated[
    str | None,
    BeforeValidator(_team_form),
    WithJsonSchema({"type": ["string", "null"], "enum": [*TeamForm.values(), "", None]}),
]


def nullable_choice(enum: Any, message_of: Any, description: str = "") -> Any:
    """One of an enum's values, or null / "" for none (a value not said)."""
    values = list(enum.values())

    def check(value: Any) -> str | None:
        if value in (None, ""):
            return None
        if value not in values:
            raise fail(message_of())
        return value

    schema: dict[str, Any] = {"type": ["string", "null"], "enum": [*values, "", None]}
    if description:
        schema["description"] = description
    return Annotated[str | None, BeforeValidator(check), WithJsonSchema(schema)]


def _vat_rate(value: Any) -> str | None:
    """A French VAT rate given as text or number ("5.5", 5.5, "20"), kept as exact text."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidOperation
        rate = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        rate = None
    for known in LotVatRate.values():
        if rate is not None and Decimal(known) == rate:
            return known
    raise fail(_("Choose a French VAT rate: %(values)s.", values=", ".join(LotVatRate.values())))


#: A lot's VAT rate (standard regime only); null: kept, or 20 % for a new lot.
VatRateInput = Annotated[
    str | None,
    BeforeValidator(_vat_rate),
    WithJsonSchema(
        {
            "type": ["string", "number", "null"],
            "enum": [*LotVatRate.values(), None],
            "description": "With vat_regime standard; null for reverse_charge and exempt.",
        }
    ),
]


# ---------------------------------------------------------------------------------------------
# Input: the nested parts of a tender


class Nested(Schema):
    """A part of a tender: fields it does not know are ignored (read-only ones sent back)."""

    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)


def _object_or(message_of: Any) -> BeforeValidator:
    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise fail(message_of())
        return value

    return BeforeValidator(check)


def _buyer_kind(value: Any) -> str:
    if value not in BuyerKind.values():
        raise fail(_("The buyer is public or private."))
    return value


class TenderBuyerInput(Nested):
    name: text(200, required=True)  # type: ignore[valid-type]
    kind: Annotated[
        str,
        BeforeValidator(_buyer_kind),
        WithJsonSchema({"type": "string", "enum": list(BuyerKind.values()), "default": "public"}),
    ] = "public"


def _lot_number(value: Any) -> int:
    if isinstance(value, str) and small_number(value) is not None:
        value = small_number(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 999:
        raise fail(_("Each lot needs a number between 1 and 999."))
    return value


class TenderLotInput(Nested):
    """A lot; its messages name its number."""

    model_config = ConfigDict(json_schema_extra={"required": ["title", "skills"]})

    number: Annotated[
        int,
        BeforeValidator(_lot_number),
        WithJsonSchema(
            {
                "type": "integer",
                "minimum": 1,
                "maximum": 999,
                "description": "Unique in the tender; by default the lot's place in the list.",
            }
        ),
    ] = 1
    title: Annotated[
        str,
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": LOT_TITLE_LIMIT}),
    ] = Field(default="", validate_default=True)
    skills: Annotated[
        list[str],
        WithJsonSchema(
            {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": f"At most {MAX_LOT_SKILLS} distinct names; empty and repeated "
                "entries are dropped before counting (422 beyond).",
            }
        ),
    ] = Field(default_factory=list, validate_default=True)
    estimated_amount_cents: OptionalCents = None
    vat_regime: nullable_choice(  # type: ignore[valid-type]
        LotVat,
        lambda: _("The VAT of a lot is standard, reverse_charge or exempt."),
        "reverse_charge: building work subcontracted (art. 283-2 nonies CGI), paid excluding "
        "VAT. Null: kept (standard for a new lot).",
    ) = None
    vat_rate: VatRateInput = None

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any, info: ValidationInfo) -> str:
        title = clean(value) if isinstance(value, str) else ""
        if not title:
            raise fail(_("Lot %(n)d needs a title.", n=info.data.get("number", 0)))
        if len(title) > LOT_TITLE_LIMIT:
            raise fail(_("At most %(n)d characters.", n=LOT_TITLE_LIMIT))
        return title

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, value: Any, info: ValidationInfo) -> list[str]:
        number = info.data.get("number", 0)
        if isinstance(value, str):
            value = value.split(";")
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise fail(_("The competences of lot %(n)d must be a list of names.", n=number))
        names, seen = [], set()
        for raw in value:
            name = clean(raw)
            if name and fold(name) not in seen and len(name) <= SKILL_NAME_LIMIT:
                seen.add(fold(name))
                names.append(name)
        if not names:
            raise fail(_("Lot %(n)d needs at least one required competence.", n=number))
        if len(names) > MAX_LOT_SKILLS:
            raise fail(_("At most %(n)d competences per lot.", n=MAX_LOT_SKILLS))
        return names


def _lots(value: Any, handler: ValidatorFunctionWrapHandler) -> list[TenderLotInput]:
    """The lots given whole: numbered by their place unless given, numbers distinct, sorted."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail(_("Give the lots as a list of objects."))
    if len(value) > MAX_LOTS:
        raise fail(_("At most %(n)d lots.", n=MAX_LOTS))
    numbered = [{"number": index, **item} for index, item in enumerate(value, start=1)]
    lots: list[TenderLotInput] = _first_error_only(numbered, handler)
    numbers: set[int] = set()
    for lot in lots:
        if lot.number in numbers:
            raise fail(_("Two lots have the number %(n)d.", n=lot.number))
        numbers.add(lot.number)
    return sorted(lots, key=lambda lot: lot.number)


Lots = Annotated[
    list[TenderLotInput],
    WrapValidator(_lots),
    Field(json_schema_extra={"maxItems": MAX_LOTS, "description": "Given whole (by number)."}),
]


def _share(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        message = _("The share is a whole number of cents, 0 or more.")
        raise ValidationError(_("Some fields need your attention."), {"share_cents": [message]})
    return value


#: A member's share of the tender in cents (0 or more), null for none.
ShareCents = Annotated[
    int | None,
    BeforeValidator(_share),
    WithJsonSchema({"type": ["integer", "null"], "minimum": 0}),
]


def _lot_ids(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(is_id(i) for i in value):
        raise fail(_("lot_ids must be a list of lot ids."))
    return sorted(set(value))


def _works_for(value: Any) -> int | None:
    if value is not None and not is_id(value):
        raise fail(_("Expected the id of a team member's profile."))
    return value


class TenderTeamMemberInput(Nested):
    """The lots and share of a member already in the team."""

    profile_id: _id_or(lambda: _("Each member needs its profile_id."))  # type: ignore[valid-type]
    lot_ids: Annotated[
        list[int],
        BeforeValidator(_lot_ids),
        WithJsonSchema({"type": "array", "items": {"type": "integer", "format": "int64"}}),
    ] = Field(default_factory=list)
    share_cents: ShareCents = None
    works_for_profile_id: Annotated[
        int | None,
        BeforeValidator(_works_for),
        WithJsonSchema(
            {
                **ID_IN,
                "type": ["integer", "null"],
                "description": "A subcontractor: the cotraitant it works for (null: the lead).",
            }
        ),
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _profile_given(cls, data: Any) -> Any:
        return absent_as_null(data, "profile_id")

    def change(self) -> dict[str, Any]:
        """What set_members() takes: the profile and the fields that were sent."""
        return {"profile_id": self.profile_id} | {
            name: getattr(self, name)
            for name in ("lot_ids", "share_cents", "works_for_profile_id")
            if name in self.model_fields_set
        }


def _lead_message() -> str:
    return _("Expected the id of a team member's profile.")


def _members(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise fail(_("Give the members as a list of objects."))
    return value


_LEAD_DOC = WithJsonSchema({**ID_IN, "description": "A cotraitant of the team."})


class TenderTeamInput(Nested):
    """The team as shown ({form, lead_profile_id, members}); kind and names are read-only."""

    form: TeamFormInput = None
    lead_profile_id: _id_or(_lead_message) = None  # type: ignore[valid-type]
    members: Annotated[
        list[TenderTeamMemberInput],
        BeforeValidator(_members),
        Field(
            description="Lots and shares of existing members (kind, names and roles are "
            "read-only; members join through applications)."
        ),
    ] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Input: the tender


def _buyer_message() -> str:
    return _("Give the buyer as {name, kind}.")


def _team_message() -> str:
    return _("Give the team as {form, lead_profile_id, members}.")


def _deadline(value: Any) -> datetime:
    try:
        deadline = parse_datetime(value)
    except (ValueError, TypeError):
        raise fail(_("Give the date and time of the deadline (ISO 8601).")) from None
    if deadline <= utcnow():
        raise fail(_("The deadline must be in the future."))
    return deadline


def _applications_deadline(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return parse_datetime(value)
    except (ValueError, TypeError):
        raise fail(_("Give the date and time applications are due (ISO 8601).")) from None


def _collective(value: Any) -> int | None:
    if value is not None and not is_id(value):
        raise fail(_("Expected the id of a collective (a whole number)."))
    return value


def _source_url(value: str) -> str | None:
    if not value:
        return None
    if not value.lower().startswith(("http://", "https://")):
        raise fail(_("Give a web address starting with https://."))
    return value


Buyer = Annotated[TenderBuyerInput, _object_or(_buyer_message), WrapValidator(_first_error_only)]
Deadline = Annotated[
    datetime,
    BeforeValidator(_deadline),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "In the future; without an offset it is read as Europe/Paris time.",
        }
    ),
]
#: A web address or none (an alias the type checker reads as Any: text() builds its type).
SourceUrl: Any = Annotated[
    text(500),
    AfterValidator(_source_url),
    WithJsonSchema(
        {
            "type": ["string", "null"],
            "maxLength": 500,
            "description": "A web address starting with http:// or https://; empty or null: none.",
        }
    ),
]


class TenderWrite(Schema):
    """The fields a client writes on a tender (all optional here)."""

    not_an_object: ClassVar[str] = _l("The tender must be an object.")
    #: Fields whose absence reads as null (so that the message is the field's own).
    given_as_null: ClassVar[tuple[str, ...]] = ()

    title: text(200, required=True) = None  # type: ignore[valid-type]
    buyer: Buyer = None  # type: ignore[assignment]
    reference: nullable_text(120) = None  # type: ignore[valid-type]
    source_url: SourceUrl = None
    procedure: nullable_text(120) = None  # type: ignore[valid-type]
    procedure_kind: nullable_choice(  # type: ignore[valid-type]
        ProcedureKind,
        lambda: _("Choose one of: %(values)s.", values=", ".join(ProcedureKind.values())),
        "restricted, negotiated and competitive_dialogue are in two phases: the team is fixed "
        "at applications_deadline.",
    ) = None
    applications_deadline: Annotated[
        datetime | None,
        BeforeValidator(_applications_deadline),
        WithJsonSchema(
            {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "Two-phase procedures: when applications are due (before the "
                "deadline; a new value must be in the future). Without an offset: Paris time.",
            }
        ),
    ] = None
    deadline: Deadline = None  # type: ignore[assignment]
    description: nullable_text(10_000, multiline=True) = None  # type: ignore[valid-type]
    city: nullable_text(120) = None  # type: ignore[valid-type]
    department: Annotated[
        str | None,
        BeforeValidator(optional_department),
        WithJsonSchema({"type": ["string", "null"], "examples": ["69"]}),
    ] = None
    estimated_amount_cents: OptionalCents = None
    lots: Lots = None  # type: ignore[assignment]
    audience: choice(Audience) = None  # type: ignore[valid-type]
    collective_id: Annotated[
        int | None,
        BeforeValidator(_collective),
        WithJsonSchema({**ID_IN, "type": ["integer", "null"]}),
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _absent_as_null(cls, data: Any) -> Any:
        return absent_as_null(data, *cls.given_as_null)

    def values(self) -> dict[str, Any]:
        """What the operations take: the fields sent, the buyer and the team spread out."""
        out: dict[str, Any] = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if name == "buyer":
                out["buyer_name"], out["buyer_kind"] = value.name, value.kind
            elif name == "lots":
                out["lots"] = [lot.model_dump() for lot in value]
            elif name != "team":
                out[name] = value
        return out


class TenderCreate(TenderWrite):
    """Post a tender (the caller becomes its owner)."""

    given_as_null: ClassVar[tuple[str, ...]] = ("title", "buyer", "deadline")

    title: text(200, required=True)  # type: ignore[valid-type]
    buyer: Buyer
    deadline: Deadline

    def values(self) -> dict[str, Any]:
        out = super().values()
        out.setdefault("lots", [])
        return out


def _status(value: Any) -> str | None:
    if value is not None and value not in TenderStatus.values():
        raise fail(_("Unknown status."))
    return value


class TenderUpdate(TenderWrite):
    """Edit a tender: the fields given, a status move, the group's form, lead and members."""

    status: Annotated[
        str | None,
        BeforeValidator(_status),
        WithJsonSchema(
            {
                "type": "string",
                "enum": list(TenderStatus.values()),
                "description": "Moves along the state machine; 409 otherwise.",
            }
        ),
    ] = None
    form: TeamFormInput = None
    lead_profile_id: Annotated[_id_or(_lead_message), _LEAD_DOC] = None  # type: ignore[valid-type]
    team: Annotated[
        TenderTeamInput, _object_or(_team_message), WrapValidator(_first_error_only)
    ] = None  # type: ignore[assignment]

    def values(self) -> dict[str, Any]:
        out = super().values()
        if self.team is not None and "team" in self.model_fields_set:
            sent = self.team.model_fields_set
            for name in ("form", "lead_profile_id"):
                if name in sent and name not in out:
                    out[name] = getattr(self.team, name)
            if "members" in sent:
                out["members"] = [member.change() for member in self.team.members]
        return out


def _choose_lots(value: Any) -> list[int]:
    if not isinstance(value, list) or not value or not all(is_id(i) for i in value):
        raise fail(_("Choose at least one lot."))
    return sorted(set(value))


def _role(value: Any) -> str:
    if value not in TenderRole.values():
        raise fail(_("Apply as cotraitant or subcontractor."))
    return value


#: The lots of an application or an invitation: at least one, by id (sorted, once each).
LotIds = Annotated[
    list[int],
    BeforeValidator(_choose_lots),
    WithJsonSchema(
        {"type": "array", "items": {"type": "integer", "format": "int64"}, "minItems": 1}
    ),
]
#: The part a person takes on those lots: cotraitant or subcontractor.
LotRole = Annotated[
    str,
    BeforeValidator(_role),
    WithJsonSchema({"type": "string", "enum": list(TenderRole.values())}),
]


class TenderApplicationCreate(Schema):
    """Apply for one or more lots, as cotraitant or subcontractor."""

    model_config = ConfigDict(extra="ignore")
    not_an_object: ClassVar[str] = _l("The application must be an object.")

    lot_ids: LotIds
    role: LotRole
    message: nullable_text(3000, multiline=True) = Field(default="", validate_default=True)  # type: ignore[valid-type]

    @model_validator(mode="before")
    @classmethod
    def _absent_as_null(cls, data: Any) -> Any:
        return absent_as_null(data, "lot_ids", "role")


class TeamFromNotice(Schema):
    """Build one's team's tender from a public notice: everything is copied from it."""

    model_config = ConfigDict(extra="ignore")
    not_an_object: ClassVar[str] = _l("The body must be an object.")

    deadline: Annotated[
        datetime | None,
        BeforeValidator(lambda v: None if v in (None, "") else _deadline(v)),
        WithJsonSchema(
            {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "Only when the notice gives no deadline (Europe/Paris without "
                "an offset).",
            }
        ),
    ] = None
    audience: choice(Audience) = None  # type: ignore[valid-type]


class TenderDecision(Schema):
    """The owner accepts (with the member's share) or declines an application."""

    model_config = ConfigDict(extra="ignore")

    accept: bool
    share_cents: ShareCents = None

    @model_validator(mode="before")
    @classmethod
    def _accept_given(cls, data: Any) -> Any:
        return absent_as_null(data, "accept")


# ---------------------------------------------------------------------------------------------
# Query strings


SOURCES = ("boamp", "members")


def _one_of(value: Any, allowed: tuple[str, ...]) -> str | None:
    """A filter among fixed values: empty is no filter; anything else outside them (a value
    made only of characters the cleaning drops included) is refused."""
    if not (raw := filter_text(value)):
        if isinstance(value, str) and value.strip():  # only characters the cleaning drops
            raise fail(_("Choose one of: %(values)s.", values=", ".join(allowed)))
        return None
    if raw not in allowed:
        raise fail(_("Choose one of: %(values)s.", values=", ".join(allowed)))
    return raw


def _filter_source(value: Any) -> str | None:
    return _one_of(value, SOURCES)


def _filter_status(value: Any) -> str | None:
    return _one_of(value, tuple(TenderStatus.values()))


def _moment(raw: str, end_of_day: bool) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise fail(_("Expected a date (YYYY-MM-DD) or an ISO 8601 datetime.")) from None
    if len(raw) == 10 and end_of_day:
        value = datetime.combine(value.date(), time(23, 59, 59))
    if value.tzinfo is None:
        value = value.replace(tzinfo=PARIS)
    return as_utc(value) or value


def _after(value: Any) -> datetime | None:
    raw = filter_text(value)
    return _moment(raw, False) if raw else None


def _before(value: Any) -> datetime | None:
    raw = filter_text(value)
    return _moment(raw, True) if raw else None


def _filter(check: Any, description: str, schema: dict[str, Any] | None = None) -> Any:
    return Annotated[
        Any,
        BeforeValidator(check),
        WithJsonSchema(schema or {"type": "string"}),
        Field(description=description),
    ]


def _filters_loaded(load: Any, data: Any) -> Any:
    try:
        return load(data)
    except ValidationError as error:
        raise ValidationError(_("Some filters are not valid."), error.fields) from None


class TenderQuery(NearQuery):
    """The filters of the list of tenders (an empty one is left out)."""

    q: _filter(filter_text, "Words to find (title, lots, competences, buyer, description).") = None  # type: ignore[valid-type]
    source: _filter(  # type: ignore[valid-type]
        _filter_source,
        "boamp: imported public notices; members: the members' own tenders; none: both.",
        {"type": "string", "enum": [*SOURCES, ""]},
    ) = None
    department: _filter(department_filter, "French department code.") = None  # type: ignore[valid-type]
    skill: _filter(filter_text, "A competence a lot requires.") = None  # type: ignore[valid-type]
    status: _filter(  # type: ignore[valid-type]
        _filter_status, "Status.", {"type": "string", "enum": [*TenderStatus.values(), ""]}
    ) = None
    deadline_after: _filter(_after, "Deadline on or after (date or datetime).") = None  # type: ignore[valid-type]
    deadline_before: _filter(_before, "Deadline on or before (date or datetime).") = None  # type: ignore[valid-type]

    @classmethod
    def load(cls, data: Any, *, partial: bool = False) -> Self:
        return _filters_loaded(super().load, data)


_lot_filter = known_filter(parse_id, lambda: _("Unknown lot."))


class SuggestionQuery(Schema):
    """Which lot the suggestions are for (all lots without it)."""

    lot: _filter(_lot_filter, "A lot id.", {"type": "integer"}) = None  # type: ignore[valid-type]

    @classmethod
    def load(cls, data: Any, *, partial: bool = False) -> Self:
        return _filters_loaded(super().load, data)


# ---------------------------------------------------------------------------------------------
# Output


Share = Annotated[int | None, Field(ge=0)]


class TenderBuyer(Output):
    name: str
    kind: choice(BuyerKind)  # type: ignore[valid-type]


class TenderLot(Output):
    id: IdOut
    number: Annotated[int, Field(ge=1)]
    title: str
    skills: Annotated[list[str], Field(json_schema_extra={"minItems": 1})]
    estimated_amount_cents: Share
    vat_regime: choice(LotVat)  # type: ignore[valid-type]
    vat_rate: str | None = Field(description='The rate of a standard regime ("20.0").')


class TenderOwner(Output):
    profile_id: IdOut
    display_name: str


class TenderSource(Output):
    """Where an imported public notice comes from."""

    name: choice(TenderSourceName)  # type: ignore[valid-type]
    idweb: str
    url: str | None


class TenderTeamMember(Output):
    profile_id: IdOut
    display_name: str
    cae: CaeRef | None
    role: choice(TeamRole)  # type: ignore[valid-type]
    lot_ids: list[IdOut]
    share_cents: Share
    direct_payment: bool = Field(
        description="A subcontractor of a public buyer, from another CAE than the cotraitant it "
        "works for, whose share reaches 600 € incl. VAT (R2193-10), VAT of its lots: paid "
        "directly by the buyer once accepted with its payment terms approved."
    )
    works_for_profile_id: IdOut | None = Field(
        description="A subcontractor: the cotraitant it works for (its share counts inside "
        "that cotraitant's); null for the lead and the cotraitants."
    )
    internal_split: bool = Field(
        description="A subcontractor of the same CAE as the cotraitant it works for: work shared "
        "inside one company, not a subcontract (no DC4, no direct payment)."
    )
    share_incl_vat_cents: Share = Field(
        description="The share including the VAT of the member's lots (reverse charge and "
        "exemption: the share itself)."
    )


class TenderLotShape(Output):
    """Each lot is its own contract: who the candidate is on it."""

    lot_id: IdOut
    number: Annotated[int, Field(ge=1)]
    shape: Literal["single_candidate", "groupement", "no_candidate"]
    form: choice(TeamForm) | None  # type: ignore[valid-type]
    cae_ids: list[IdOut]


class TenderTeam(Output):
    form: choice(TeamForm) | None  # type: ignore[valid-type]
    lead_profile_id: IdOut | None
    kind: choice(TeamKind)  # type: ignore[valid-type]
    members: list[TenderTeamMember]
    shares_total_cents: Annotated[int, Field(ge=0)] = Field(
        description="The lead's and the cotraitants' shares (subcontractors' count inside them)."
    )
    lots: list[TenderLotShape]
    explanation: list[str] = Field(description="What the law says of this team, in words.")


class TenderWarning(Output):
    """Something to check; nothing was refused."""

    code: Literal[
        "shares_above_estimate",
        "subcontracted_above_share",
        "cae_in_two_teams",
        "mandataire_of_two_groupements",
    ]
    message: str


class Tender(Output):
    id: IdOut
    title: str
    buyer: TenderBuyer
    reference: str
    source_url: str | None
    procedure: str
    procedure_kind: choice(ProcedureKind) | None  # type: ignore[valid-type]
    applications_deadline: DateTimeOut | None
    team_fixed_at: DateTimeOut | None = Field(
        description="When the team is fixed: applications_deadline in two phases, else deadline."
    )
    deadline: DateTimeOut | None = Field(
        description="Null only for an imported notice that gives none."
    )
    description: str
    city: str
    department: str | None
    estimated_amount_cents: Share
    lots: list[TenderLot]
    audience: choice(Audience)  # type: ignore[valid-type]
    status: choice(TenderStatus)  # type: ignore[valid-type]
    owner: TenderOwner | None = Field(description="Null for an imported public notice.")
    source: TenderSource | None = Field(
        description="An imported public notice (BOAMP); null for the members' own tenders."
    )
    published_on: date | None = Field(description="The day the notice was published.")
    notice_id: IdOut | None = Field(
        description="The public notice this members' tender was built from (POST …/team)."
    )
    collective_id: IdOut | None
    team: TenderTeam
    warnings: list[TenderWarning]
    #: Where each CAE of the team stands in signing the offer (null in lists).
    approvals: list[TenderApproval] | None = Field(
        description="Each CAE of the team and its approval; null in lists."
    )
    updated_at: DateTimeOut
    url: Annotated[str, Field(json_schema_extra={"format": "uri"})]


class TenderListItem(Tender):
    """A tender of the list, with its distance from the place asked."""

    distance_km: DistanceKm = None


TenderList = page_of(TenderListItem, "TenderList")


class TenderApplicant(Output):
    profile_id: IdOut
    display_name: str
    cae: CaeRef | None


class TenderApplication(Output):
    id: IdOut
    tender_id: IdOut
    state: choice(ApplicationState)  # type: ignore[valid-type]
    applicant: TenderApplicant
    applicant_profile_id: IdOut
    lot_ids: list[IdOut]
    role: choice(TenderRole)  # type: ignore[valid-type]
    message: str
    share_cents: Share
    created_at: DateTimeOut
    decided_at: DateTimeOut | None
    warnings: list[TenderWarning] = Field(
        default_factory=list,
        description="A decision's answer: what to check in the team now (nothing was refused).",
    )


TenderApplicationList = page_of(TenderApplication, "TenderApplicationList")


class TenderSuggestion(Output):
    profile_id: IdOut
    display_name: str
    cae: CaeRef | None
    matched_skills: list[str]
    missing_skills: list[str]
    availability: str
    department: str | None
    score: Annotated[float, Field(ge=0, le=100)]
    lot_ids: list[IdOut]


TenderSuggestionList = page_of(TenderSuggestion, "TenderSuggestionList")
