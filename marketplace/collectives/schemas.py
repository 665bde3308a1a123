"""The collectives' shapes: what the API, the forms and the demo send, what the API answers.

Input: a collective (:class:`CollectiveInput`, every field of a PATCH optional), a proposal put
to the vote (:class:`DecisionInput`), a vote, the bodies of joining, inviting and answering, and
the filters of the list. Rules that need the database (who may do what, a ``cae`` audience
with members of other CAEs) stay in the operations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from marketplace.audience import Audience
from marketplace.caes.schemas import CaeRef
from marketplace.collectives.models import (
    CollectiveRole,
    InvitationState,
    JoinPolicy,
    RequestState,
    VoteChoice,
)
from marketplace.geo import REGIONS
from marketplace.ids import is_id, parse_id
from marketplace.places.schemas import DistanceKm, NearQuery
from marketplace.schema import (
    ID,
    DateTimeOut,
    IdOut,
    Output,
    Schema,
    absent_as_null,
    choice,
    fail,
    nullable_text,
    page_of,
    parse_datetime,
    text,
)
from marketplace.text import clean, fold, over_limit
from marketplace.timeutil import utcnow

#: The longest text of each field, as typed.
LIMITS = {
    "name": 120,
    "description": 5000,
    "sector": 80,
    "message": 1000,
    "title": 200,
    "post": 10000,
    "comment": 2000,
}
#: The shortest name of a collective.
NAME_MIN = 3
#: The longest a vote stays open.
MAX_DURATION = timedelta(days=366)
#: The ?cae= filter: a CAE id of at most 12 digits.
CAE_FILTER: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999}

_REGIONS_BY_KEY = {fold(name): name for name in REGIONS}
_URL = Annotated[str, Field(json_schema_extra={"format": "uri"})]


def _string(limit: int) -> Any:
    """Text in a response, with the limit of its input."""
    return Annotated[str, WithJsonSchema({"type": "string", "maxLength": limit})]


def _fill_absent(model: type[Schema], data: Any) -> Any:
    """The required fields left out are checked as null, so their message says what is
    expected (as it always has) rather than only that they are missing."""
    if not isinstance(data, dict):
        return data
    absent = {
        name: None
        for name, info in model.model_fields.items()
        if info.is_required() and name not in data
    }
    return {**absent, **data}


# ---------------------------------------------------------------------------------------------
# Collectives


def _region(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or fold(value) not in _REGIONS_BY_KEY:
        raise fail(_("Unknown region."))
    return _REGIONS_BY_KEY[fold(value)]


#: A name: text, at least NAME_MIN characters (checked by CollectiveInput, which knows whether
#: it creates or changes).
CollectiveName: Any = Annotated[
    text(LIMITS["name"]),
    WithJsonSchema({"type": "string", "minLength": NAME_MIN, "maxLength": LIMITS["name"]}),
]
Region = Annotated[
    str | None,
    BeforeValidator(_region),
    WithJsonSchema(
        {"type": ["string", "null"], "description": "A region name (case and accents ignored)."}
    ),
]


class CollectiveInput(Schema):
    """POST: name is required. PATCH (coordinators): any subset."""

    not_an_object: ClassVar[str] = _l("The collective must be an object.")

    name: CollectiveName = ""
    description: nullable_text(LIMITS["description"], multiline=True) = ""  # type: ignore[valid-type]
    sector: nullable_text(LIMITS["sector"]) = ""  # type: ignore[valid-type]
    region: Region = None
    audience: choice(Audience) = Audience.NETWORK.value  # type: ignore[valid-type]
    join_policy: choice(JoinPolicy) = JoinPolicy.REQUEST.value  # type: ignore[valid-type]
    open_ballot: bool = Field(
        False, description="Open ballots: members see how each voted (default: secret)."
    )

    @model_validator(mode="before")
    @classmethod
    def _name_to_check(cls, data: Any) -> Any:
        """A new collective needs a name: it is checked even when left out. (The PATCH form
        of this schema is a subclass: there an absent name is no change.)"""
        return absent_as_null(data, "name") if cls is CollectiveInput else data

    @field_validator("name")
    @classmethod
    def _name_length(cls, value: str) -> str:
        if not value and cls is CollectiveInput:
            raise fail(_("Give the collective a name."))
        if len(value) < NAME_MIN:
            raise fail(_("At least %(n)d characters.", n=NAME_MIN))
        return value


def _words(value: Any) -> str | None:
    return clean(value if isinstance(value, str) else None)[:200] or None


def _region_filter(value: Any) -> str | None:
    return _region(_words(value))


def _cae_filter(value: Any) -> int | None:
    if _words(value) is None:
        return None
    cae_id = parse_id(_words(value))
    if cae_id is None:
        raise fail(_("Expected the id of a CAE (a whole number)."))
    return cae_id


Words = Annotated[str | None, BeforeValidator(_words), WithJsonSchema({"type": "string"})]


class CollectiveQuery(NearQuery):
    """The filters of the list of collectives (an empty value is the filter left out)."""

    invalid_message: ClassVar[str] = _l("Some filters are not valid.")

    q: Words = Field(None, description="Words in the name, description or sector.")
    sector: Words = Field(None, description="Sector (case and accents ignored).")
    region: Annotated[
        str | None,
        BeforeValidator(_region_filter),
        WithJsonSchema({"type": "string", "enum": [*REGIONS, ""]}),
    ] = Field(None, description="Region name.")
    cae: Annotated[int | None, BeforeValidator(_cae_filter), WithJsonSchema(CAE_FILTER)] = Field(
        None, description="Id of a CAE represented among the members."
    )


class CollectiveMember(Output):
    """A member; someone the reader may not see is ``hidden``, without profile or name."""

    profile_id: int | None
    display_name: str | None
    hidden: bool
    cae: CaeRef | None
    role: choice(CollectiveRole)  # type: ignore[valid-type]
    joined_at: DateTimeOut


class SkillCount(Output):
    name: str
    members: int


class Collective(Output):
    id: IdOut
    name: _string(LIMITS["name"])  # type: ignore[valid-type]
    description: _string(LIMITS["description"])  # type: ignore[valid-type]
    sector: _string(LIMITS["sector"])  # type: ignore[valid-type]
    region: Annotated[
        str | None,
        WithJsonSchema({"type": ["string", "null"], "enum": [*REGIONS, "", None]}),
    ]
    audience: choice(Audience)  # type: ignore[valid-type]
    join_policy: choice(JoinPolicy)  # type: ignore[valid-type]
    open_ballot: bool
    members: list[CollectiveMember]
    skills: list[str] = Field(
        description="Competences of the members (profiles visible to you), most widely held first."
    )
    skill_counts: list[SkillCount]
    caes: list[CaeRef]
    owner_cae: CaeRef | None
    member_count: int
    created_at: DateTimeOut
    updated_at: DateTimeOut
    url: _URL


class CollectiveListItem(Collective):
    """A collective of the list, with the distance of its nearest member from the place asked."""

    distance_km: DistanceKm = None


CollectiveList = page_of(CollectiveListItem, "CollectiveList")


# ---------------------------------------------------------------------------------------------
# Membership


class Body(Schema):
    """A small body read as it always was: unknown fields are left aside, and a required field
    left out is checked as null (its message says what is expected)."""

    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _absent(cls, data: Any) -> Any:
        return _fill_absent(cls, data)


Message = nullable_text(LIMITS["message"], multiline=True)


def _profile_id(value: Any) -> int | None:
    return value if is_id(value) else None


class JoinInput(Body):
    message: Message = ""  # type: ignore[valid-type]


class JoinResult(Output):
    state: Literal["member", "pending"]
    request_id: Annotated[
        int | None, WithJsonSchema({"type": "integer", "description": "When pending."})
    ] = None

    def dump(self) -> dict[str, Any]:
        """Without ``request_id`` when one is a member."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class JoinDecisionInput(Body):
    approve: bool
    answer: Message = ""  # type: ignore[valid-type]


class JoinRequester(Output):
    profile_id: IdOut | None
    display_name: str
    cae: CaeRef | None


class JoinRequest(Output):
    id: IdOut
    collective_id: IdOut
    state: choice(RequestState)  # type: ignore[valid-type]
    message: str
    answer: str
    person: JoinRequester
    created_at: DateTimeOut
    decided_at: DateTimeOut | None


class JoinRequestList(Output):
    items: list[JoinRequest]
    total: int


class InvitationInput(Body):
    """An id that names nobody is an unknown profile (the view says so, after the roles)."""

    invitee_profile_id: Annotated[int | None, BeforeValidator(_profile_id), WithJsonSchema(ID)]
    message: Message = ""  # type: ignore[valid-type]


class InvitationAnswer(Body):
    accept: bool


class Invitation(Output):
    id: IdOut
    collective_id: IdOut
    state: choice(InvitationState)  # type: ignore[valid-type]
    invitee_profile_id: IdOut | None
    message: str
    created_at: DateTimeOut


class Left(Output):
    state: Annotated[Literal["left"], WithJsonSchema({"const": "left"})] = "left"


class Removed(Output):
    state: Annotated[Literal["removed"], WithJsonSchema({"const": "removed"})] = "removed"


# ---------------------------------------------------------------------------------------------
# Decisions


def _title(missing: str, **schema: Any) -> Any:
    """A proposal's or a thread's title: text, not empty once cleaned (``missing`` says so),
    at most LIMITS["title"] characters."""

    def check(value: Any) -> str:
        cleaned = clean(value) if isinstance(value, str) else ""
        if not cleaned:
            raise fail(str(missing))
        if over_limit(value, cleaned, LIMITS["title"]):
            raise fail(_("At most %(n)d characters.", n=LIMITS["title"]))
        return cleaned

    json_schema = {"type": "string", "maxLength": LIMITS["title"], **schema}
    return Annotated[str, BeforeValidator(check), WithJsonSchema(json_schema)]


def _closes_at(value: Any) -> datetime:
    try:
        moment = parse_datetime(value)
    except (ValueError, OverflowError):
        raise fail(_("Expected a date and time (e.g. 2026-12-15T18:00:00+01:00).")) from None
    now = utcnow()
    if moment <= now:
        raise fail(_("The closing time must be in the future."))
    if moment > now + MAX_DURATION:
        raise fail(_("A vote lasts at most a year."))
    return moment


def _quorum(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise fail(_("The quorum is a whole percentage between 1 and 100."))
    return value


Quorum = Annotated[
    int | None,
    BeforeValidator(_quorum),
    WithJsonSchema({"type": ["integer", "null"], "minimum": 1, "maximum": 100}),
]


class DecisionInput(Schema):
    """A proposal put to the vote."""

    not_an_object: ClassVar[str] = _l("The proposal must be an object.")

    title: _title(_l("Give the proposal a title."))  # type: ignore[valid-type]
    description: nullable_text(LIMITS["description"], multiline=True) = ""  # type: ignore[valid-type]
    closes_at: Annotated[
        datetime,
        BeforeValidator(_closes_at),
        WithJsonSchema(
            {
                "type": "string",
                "format": "date-time",
                "description": "In the future; without an offset, Paris time.",
            }
        ),
    ]
    quorum_percent: Quorum = None

    @model_validator(mode="before")
    @classmethod
    def _absent(cls, data: Any) -> Any:
        return _fill_absent(cls, data)


_VoteChoice = choice(VoteChoice)


class VoteInput(Body):
    choice: _VoteChoice  # type: ignore[valid-type]


class Tally(Output):
    yes: int
    no: int
    abstain: int


class CommentInput(Body):
    body: text(LIMITS["comment"], multiline=True, required=True)  # type: ignore[valid-type]


class Person(Output):
    """Who wrote or voted; someone the reader may not see is ``hidden``, without profile or
    name (their CAE stays)."""

    profile_id: IdOut | None
    display_name: str | None
    hidden: bool
    cae: CaeRef | None


class DecisionComment(Output):
    id: IdOut
    author: Person | None
    body: str
    created_at: DateTimeOut


class Voter(Output):
    """A member who voted; ``choice`` only when the collective chose open ballots."""

    person: Person
    choice: _VoteChoice | None  # type: ignore[valid-type]


class Decision(Output):
    id: IdOut
    collective_id: IdOut
    title: _string(LIMITS["title"])  # type: ignore[valid-type]
    description: str
    closes_at: DateTimeOut
    quorum_percent: Quorum
    status: Literal["open", "closed"]
    tally: Tally
    voters: int = Field(description="People who voted (once each).")
    members: int = Field(description="Members who may vote (frozen when the vote closes).")
    turnout_percent: int
    quorum_reached: bool
    outcome: Literal["adopted", "rejected", "no_quorum"] | None
    my_vote: _VoteChoice | None  # type: ignore[valid-type]
    open_ballot: bool = Field(description="Whether the members see how each voted.")
    voted: list[Voter] = Field(description="Who has voted (how: only with open ballots).")
    comments: list[DecisionComment] = Field(description="The members' comments, oldest first.")
    created_at: DateTimeOut
    url: _URL


class DecisionList(Output):
    items: list[Decision]
    total: int


# ---------------------------------------------------------------------------------------------
# Threads


class ThreadInput(Body):
    """A new thread: its title and its first post."""

    title: _title(_l("Give the thread a title."), minLength=1)  # type: ignore[valid-type]
    body: text(LIMITS["post"], multiline=True, required=True)  # type: ignore[valid-type]


class PostInput(Body):
    body: text(LIMITS["post"], multiline=True, required=True)  # type: ignore[valid-type]


class FollowInput(Body):
    """follow: told of every reply; mute: never told (mentions still reach you); none: the
    default (told when you took part)."""

    mode: Literal["follow", "mute", "none"]


class Thread(Output):
    id: IdOut
    collective_id: IdOut
    title: _string(LIMITS["title"])  # type: ignore[valid-type]
    author: Person | None
    body: str = Field(description="The first post.")
    post_count: int
    created_at: DateTimeOut
    last_post_at: DateTimeOut
    following: Literal["follow", "mute"] | None = Field(
        description="Your choice for this thread (null: the default)."
    )
    url: _URL


class Post(Output):
    id: IdOut
    thread_id: IdOut
    author: Person | None
    body: str
    created_at: DateTimeOut


ThreadList = page_of(Thread, "ThreadList")
PostList = page_of(Post, "PostList")
