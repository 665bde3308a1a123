"""The skill profiles' shapes: what their owner writes (the page, the API, the members import,
the demo), the filters of the list, and what the API answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema

from marketplace.audience import Audience
from marketplace.caes.schemas import CaeRef
from marketplace.geo import DEPARTMENT_CODES, REGIONS
from marketplace.ids import parse_id, small_number
from marketplace.places.schemas import DistanceKm, NearQuery, OptionalDepartment, department_filter
from marketplace.profiles.models import Availability, ClientType, PeriodKind, ProfileStatus
from marketplace.schema import (
    DateOut,
    DateTimeOut,
    FieldError,
    FilterText,
    IdOut,
    OptionalDate,
    Output,
    Schema,
    choice,
    choice_filter,
    fail,
    known_filter,
    names_schema,
    nullable_text,
    optional_cents,
    page_of,
    unique_names,
)
from marketplace.skills.models import SkillLevel
from marketplace.text import clean, clean_multiline, fold
from marketplace.timeutil import to_paris, utcnow
from marketplace.trust.schemas import Recommendation, VerifiedReference

MAX_SKILLS = 40
MAX_CERTIFICATIONS = 20
MAX_LANGUAGES = 10
#: The longest name of a competence, a certification or a language.
NAME_LIMIT = 120
MAX_PERIODS = 20
MAX_REFERENCES = 20
REFERENCE_DESCRIPTION_LIMIT = 2000
REFERENCE_LINK_LIMIT = 500
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
PERIOD_NOTE_LIMIT = 200
#: A period ends at most this far ahead (a date further is a typing mistake).
MAX_PERIOD_AHEAD_DAYS = 2 * 366
MAX_DAILY_RATE_CENTS = 1_000_000  # 10 000 € a day: anything above is a typing mistake
#: Longer values of a text filter are cut (nothing that long can match).

_REGIONS_BY_KEY = {fold(name): name for name in REGIONS}


# Field types ---------------------------------------------------------------------------------


def _names(limit: int) -> Any:
    """A list of names (or text separated by ';'): cleaned, empty and repeated ones dropped."""

    def check(value: Any) -> list[str]:
        too_long = _("Each name must be at most %(n)d characters.", n=NAME_LIMIT)
        names = unique_names(value, item_limit=NAME_LIMIT, too_long=too_long)
        if len(names) > limit:
            raise fail(_("At most %(n)d entries.", n=limit))
        return names

    return Annotated[
        list[str], BeforeValidator(check), WithJsonSchema(names_schema(limit, NAME_LIMIT))
    ]


def _skill(item: Any) -> tuple[str, int]:
    """One competence {name, level}: its clean name and its level (1..4, or its digits)."""
    if not isinstance(item, dict):
        raise fail(_("Give a list of competences with their level."))
    name = clean(item.get("name") if isinstance(item.get("name"), str) else "")
    level = item.get("level")
    if isinstance(level, str) and small_number(level) is not None:
        level = small_number(level)
    if not name:
        raise fail(_("Each competence needs a name."))
    if len(name) > NAME_LIMIT:
        raise fail(_("Each name must be at most %(n)d characters.", n=NAME_LIMIT))
    if isinstance(level, bool) or level not in SkillLevel.values():
        raise fail(_("The level of “%(name)s” must be between 1 and 4.", name=name))
    return name, int(level or 0)


def skill_problem(item: dict[str, Any]) -> str | None:
    """What is wrong with one competence {name, level}, or None (the rule of _skill)."""
    try:
        _skill(item)
    except FieldError as problem:
        return str(problem)
    return None


def _skills(value: Any) -> list[tuple[str, int]]:
    """The competences in order; the same one twice keeps its first name and the higher level."""
    if not isinstance(value, list):
        raise fail(_("Give a list of competences with their level."))
    result: dict[str, tuple[str, int]] = {}
    for item in value:
        name, level = _skill(item)
        key = fold(name)
        if key in result:
            name, level = result[key][0], max(level, result[key][1])
        result[key] = (name, level)
    if len(result) > MAX_SKILLS:
        raise fail(_("At most %(n)d competences.", n=MAX_SKILLS))
    return list(result.values())


def _not_past(value: date | None) -> date | None:
    if value is not None and value < to_paris(utcnow()).date():
        raise fail(_("The date of availability cannot be in the past."))
    return value


#: The day one is available again: today or later (Paris time).
AvailableFrom = Annotated[OptionalDate, AfterValidator(_not_past)]


@dataclass(frozen=True)
class Period:
    """One period of the calendar, once checked."""

    starts_on: date
    ends_on: date
    kind: str
    note: str


def _period_date(item: dict[str, Any], key: str) -> date:
    value = item.get(key)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise fail(_("Each period needs a start and an end date (YYYY-MM-DD)."))


def _period(item: Any, today: date) -> Period:
    if not isinstance(item, dict) or set(item) - {"starts_on", "ends_on", "kind", "note"}:
        raise fail(_("Give each period as {starts_on, ends_on, kind, note}."))
    starts_on, ends_on = _period_date(item, "starts_on"), _period_date(item, "ends_on")
    if ends_on < starts_on:
        raise fail(_("A period cannot end before it starts."))
    if ends_on < today:
        raise fail(_("A period cannot be entirely in the past."))
    if ends_on > today + timedelta(days=MAX_PERIOD_AHEAD_DAYS):
        raise fail(_("A period must end within the next two years."))
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in PeriodKind.values():
        raise fail(_("The kind of a period is unavailable or part_time."))
    note = item.get("note", "")
    if not isinstance(note, str):
        raise fail(_("The note of a period must be text."))
    if len(note) > PERIOD_NOTE_LIMIT:  # counted as typed, as text() does
        raise fail(_("A period's note must be at most %(n)d characters.", n=PERIOD_NOTE_LIMIT))
    return Period(max(starts_on, today), ends_on, kind, clean(note))


def _periods(value: Any) -> list[Period]:
    """The periods, in date order; a period that started before today starts today."""
    if not isinstance(value, list):
        raise fail(_("Give a list of periods (an empty list removes them all)."))
    if len(value) > MAX_PERIODS:
        raise fail(_("At most %(n)d periods.", n=MAX_PERIODS))
    today = to_paris(utcnow()).date()
    return sorted((_period(item, today) for item in value), key=lambda p: (p.starts_on, p.ends_on))


_PERIOD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": list(PeriodKind.values())},
        "note": {"type": "string", "maxLength": PERIOD_NOTE_LIMIT},
    },
    "required": ["starts_on", "ends_on", "kind"],
    "additionalProperties": False,
}
#: The calendar's periods (the whole list is replaced), each {starts_on, ends_on, kind, note}.
Periods = Annotated[
    list[Period],
    BeforeValidator(_periods),
    WithJsonSchema(
        {
            "type": "array",
            "items": _PERIOD_SCHEMA,
            "maxItems": MAX_PERIODS,
            "description": "Periods of unavailability or part-time work, days included; the "
            "list replaces the previous one. A period entirely in the past, or ending before it "
            "starts, is refused (422).",
        }
    ),
]


@dataclass(frozen=True)
class CertificationDetail:
    """A certification with the last day it is valid (None: not given)."""

    name: str
    valid_until: date | None


def _valid_until(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(_("The end of validity of “%(name)s” must be a date (DD/MM/YYYY).", name=name))


def _certification_details(value: Any) -> list[CertificationDetail]:
    """The certifications in order, each once (by folded name), with their validity."""
    if not isinstance(value, list):
        raise fail(_("Give a list of certifications as {name, valid_until}."))
    result: dict[str, CertificationDetail] = {}
    for item in value:
        if not isinstance(item, dict) or set(item) - {"name", "valid_until"}:
            raise fail(_("Give a list of certifications as {name, valid_until}."))
        raw = item.get("name")
        if not isinstance(raw, str):
            raw = ""
        name = clean(raw)
        if not name:
            raise fail(_("Each certification needs a name."))
        if len(raw) > NAME_LIMIT:
            raise fail(_("Each name must be at most %(n)d characters.", n=NAME_LIMIT))
        result.setdefault(
            fold(name), CertificationDetail(name, _valid_until(item.get("valid_until"), name))
        )
    if len(result) > MAX_CERTIFICATIONS:
        raise fail(_("At most %(n)d entries.", n=MAX_CERTIFICATIONS))
    return list(result.values())


#: The certifications with their date of validity (the list replaces the previous one).
CertificationDetails = Annotated[
    list[CertificationDetail],
    BeforeValidator(_certification_details),
    WithJsonSchema(
        {
            "type": "array",
            "maxItems": MAX_CERTIFICATIONS,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": NAME_LIMIT},
                    "valid_until": {"type": ["string", "null"], "format": "date"},
                },
                "required": ["name"],
                "additionalProperties": False,
            },
            "description": "The certifications with the last day each is valid (e.g. an RGE "
            "label); replaces the list, as `certifications` does with names only (which keeps "
            "the dates of the names it keeps).",
        }
    ),
]


@dataclass(frozen=True)
class Reference:
    """One reference written by the member, once checked."""

    title: str
    client_type: str
    year: int
    description: str
    link: str | None


_REFERENCE_KEYS = {"title", "client_type", "year", "description", "link"}


def _reference_text(item: dict[str, Any], key: str, limit: int, message: str) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        raise fail(_("Expected text."))
    if len(value) > limit:  # counted as typed, as text() does
        raise fail(message)
    return clean_multiline(value) if key == "description" else clean(value)


def _reference_link(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > REFERENCE_LINK_LIMIT:
        raise fail(_("A reference's link must be a web address of at most 500 characters."))
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value.strip():
        raise fail(_("A reference's link must start with https:// or http://."))
    return value.strip()


def _reference(item: Any, this_year: int) -> Reference:
    if not isinstance(item, dict) or set(item) - _REFERENCE_KEYS:
        raise fail(_("Give each reference as {title, client_type, year, description, link}."))
    title = _reference_text(
        item, "title", 160, _("A reference's title must be at most 160 characters.")
    )
    if not title:
        raise fail(_("Each reference needs a title."))
    client_type = item.get("client_type")
    if not isinstance(client_type, str) or client_type not in ClientType.values():
        raise fail(_("The client of a reference is public, company, association or individual."))
    year = item.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= this_year:
        raise fail(_("The year of a reference is between 1950 and this year."))
    description = _reference_text(
        item,
        "description",
        REFERENCE_DESCRIPTION_LIMIT,
        _("A reference's description must be at most 2000 characters."),
    )
    return Reference(title, client_type, year, description, _reference_link(item.get("link")))


def _references(value: Any) -> list[Reference]:
    if not isinstance(value, list):
        raise fail(_("Give a list of references (an empty list removes them all)."))
    if len(value) > MAX_REFERENCES:
        raise fail(_("At most %(n)d references.", n=MAX_REFERENCES))
    this_year = to_paris(utcnow()).year
    return [_reference(item, this_year) for item in value]


#: The references the member writes, in their order (the list replaces the previous one).
References = Annotated[
    list[Reference],
    BeforeValidator(_references),
    WithJsonSchema(
        {
            "type": "array",
            "maxItems": MAX_REFERENCES,
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": 160},
                    "client_type": {"type": "string", "enum": list(ClientType.values())},
                    "year": {"type": "integer", "minimum": 1950, "maximum": 2100},
                    "description": {"type": "string", "maxLength": REFERENCE_DESCRIPTION_LIMIT},
                    "link": {"type": ["string", "null"], "format": "uri", "maxLength": 500},
                },
                "required": ["title", "client_type", "year"],
                "additionalProperties": False,
            },
            "description": "Past work written by the member; the list replaces the previous "
            "one. A year in the future is refused (422).",
        }
    ),
]


_daily_rate = optional_cents(
    MAX_DAILY_RATE_CENTS, lambda: _("The daily rate must be between 0 and 10 000 €.")
)


#: The competences, each {name, level}: (name, level) pairs once checked.
Skills = Annotated[
    list[tuple[str, int]],
    BeforeValidator(_skills),
    WithJsonSchema(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "level": {"type": "integer", "minimum": 1, "maximum": 4},
                },
                "required": ["name", "level"],
            },
            "description": f"At most {MAX_SKILLS} distinct competences; empty and repeated "
            "entries are dropped before counting (422 beyond).",
        }
    ),
]
DailyRate = Annotated[
    int | None,
    BeforeValidator(_daily_rate),
    WithJsonSchema({"type": ["integer", "null"], "minimum": 0, "maximum": MAX_DAILY_RATE_CENTS}),
]
#: The availability as stored (an empty value is accepted by the lists' filters).
AVAILABILITY_OUT: dict[str, Any] = {"type": "string", "enum": [*Availability.values(), ""]}
#: An availability given by the owner (the published enum is the stored one).
AvailabilityIn: Any = Annotated[choice(Availability), WithJsonSchema(AVAILABILITY_OUT)]


# Input ---------------------------------------------------------------------------------------


def _without_defaults(schema: dict[str, Any]) -> None:
    """A field left out is left unchanged (or unfiltered): no default to publish."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class ProfileUpdate(Schema):
    """Any subset of the writable fields; skills replaces the whole list."""

    model_config = ConfigDict(json_schema_extra=_without_defaults)
    not_an_object: ClassVar[str] = _l("The profile must be an object.")

    headline: nullable_text(160) = None  # type: ignore[valid-type]
    bio: nullable_text(5000, multiline=True) = None  # type: ignore[valid-type]
    status: choice(ProfileStatus) = None  # type: ignore[valid-type]
    city: nullable_text(120) = None  # type: ignore[valid-type]
    department: OptionalDepartment = None
    skills: Skills = None  # type: ignore[assignment]
    certifications: _names(MAX_CERTIFICATIONS) = None  # type: ignore[valid-type]
    certification_details: CertificationDetails = None  # type: ignore[assignment]
    languages: _names(MAX_LANGUAGES) = None  # type: ignore[valid-type]
    availability: AvailabilityIn = None
    available_from: AvailableFrom = None
    availability_periods: Periods = None  # type: ignore[assignment]
    references: References = None  # type: ignore[assignment]
    daily_rate_cents: DailyRate = None
    audience: choice(Audience) = None  # type: ignore[valid-type]


_region_filter = known_filter(
    lambda value: _REGIONS_BY_KEY.get(fold(value)), lambda: _("Unknown region.")
)
_cae_filter = known_filter(parse_id, lambda: _("Expected the id of a CAE (a whole number)."))


class ProfileQuery(NearQuery):
    """The filters of the list of profiles (an empty value is the filter left out)."""

    model_config = ConfigDict(json_schema_extra=_without_defaults)
    invalid_message: ClassVar[str] = _l("Some filters are not valid.")

    q: FilterText = Field(
        default=None,
        description="Words to find in competences, headline, bio, certifications and names.",
    )
    skill: FilterText = Field(
        default=None, description="A competence, by name (case and accents ignored)."
    )
    department: Annotated[
        str | None,
        BeforeValidator(department_filter),
        WithJsonSchema({"type": "string", "examples": ["69"]}),
    ] = Field(default=None, description="French department code.")
    region: Annotated[
        str | None,
        BeforeValidator(_region_filter),
        WithJsonSchema({"type": "string", "enum": [*REGIONS, ""]}),
    ] = Field(default=None, description="Region name.")
    cae: Annotated[
        int | None,
        BeforeValidator(_cae_filter),
        WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 999_999_999_999}),
    ] = Field(default=None, description="CAE id.")
    status: choice_filter(ProfileStatus.values()) = Field(  # type: ignore[valid-type]
        default=None, description="Status in the CAE."
    )
    availability: choice_filter(Availability.values()) = Field(  # type: ignore[valid-type]
        default=None, description="Availability."
    )


# Output --------------------------------------------------------------------------------------


class ProfileSkill(Output):
    name: str
    level: int = Field(ge=1, le=4)


class AvailabilityPeriodOut(Output):
    starts_on: DateOut
    ends_on: DateOut
    kind: choice(PeriodKind)  # type: ignore[valid-type]
    note: str


class CertificationOut(Output):
    name: str
    valid_until: DateOut | None
    expired: bool = Field(description="Past its last day of validity.")


class ReferenceOut(Output):
    title: str
    client_type: choice(ClientType)  # type: ignore[valid-type]
    year: int
    description: str
    link: str | None


class Profile(Output):
    id: IdOut
    display_name: str
    headline: str = Field(json_schema_extra={"maxLength": 160})
    bio: str = Field(json_schema_extra={"maxLength": 5000})
    cae: CaeRef | None
    status: choice(ProfileStatus)  # type: ignore[valid-type]
    status_proposed: Annotated[
        str | None,
        WithJsonSchema({"type": ["string", "null"], "enum": [*ProfileStatus.values(), None]}),
    ] = Field(
        description="A status the person proposed, awaiting their CAE's confirmation (shown to "
        "the person and their CAE's managers; null otherwise). `status` is the confirmed one.",
    )
    city: str = Field(json_schema_extra={"maxLength": 120})
    department: Annotated[
        str | None,
        WithJsonSchema({"type": ["string", "null"], "enum": [*DEPARTMENT_CODES, None]}),
    ]
    region: str | None
    skills: list[ProfileSkill]
    certifications: list[str]
    certification_details: list[CertificationOut] = Field(
        description="The certifications with their date of validity, by name."
    )
    languages: list[str]
    availability: Annotated[str, WithJsonSchema(AVAILABILITY_OUT)]
    available_from: DateOut | None
    availability_periods: list[AvailabilityPeriodOut] = Field(
        description="Current and coming periods of unavailability or part-time work."
    )
    daily_rate_cents: Annotated[
        int | None,
        WithJsonSchema(
            {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_DAILY_RATE_CENTS}
        ),
    ]
    references: list[ReferenceOut] = Field(description="Past work written by the member.")
    verified_references: list[VerifiedReference] = Field(
        description="Delivered or paid subcontracts and won tenders, verified by Essaim, shown "
        "once both parties agreed (the amount only when both allowed it)."
    )
    recommendations: list[Recommendation] = Field(
        description="Recommendations written by the other party of a delivered subcontract, "
        "newest first; hidden ones are listed to the person recommended only."
    )
    audience: choice(Audience)  # type: ignore[valid-type]
    updated_at: DateTimeOut
    url: str = Field(json_schema_extra={"format": "uri"}, description="The HTML page.")
    photo_url: Annotated[
        str | None, WithJsonSchema({"type": ["string", "null"], "format": "uri"})
    ] = Field(
        description="The photo (320×320 JPEG), served like the page to readers who may see the "
        "profile (browser session); null when there is none.",
    )


def _profile_then_extra(schema: dict[str, Any]) -> None:
    """ProfileListItem is published as allOf [the profile's fields, {score, highlights}]
    (both open: a closed Profile would refuse the list's two fields)."""
    extra = ("score", "distance_km", "highlights")
    properties = schema.pop("properties")
    required = schema.pop("required")
    schema.clear()
    schema["allOf"] = [
        {
            "type": "object",
            "properties": {k: v for k, v in properties.items() if k not in extra},
            "required": [name for name in required if name not in extra],
        },
        {
            "type": "object",
            "properties": {name: properties[name] for name in extra},
            "required": list(extra),
        },
    ]


class ProfileListItem(Profile):
    """A profile of the list, with its relevance and its highlighted excerpts."""

    model_config = ConfigDict(json_schema_extra=_profile_then_extra)

    score: float | None = Field(description="Relevance with q (null without).")
    distance_km: DistanceKm = None
    highlights: dict[str, str] = Field(
        description=(
            "field → HTML-escaped excerpt with <mark> around matches; `concepts`: why a "
            "word of q found this profile's competence (« <mark>Graphisme</mark>, pour "
            "« logo » »)."
        )
    )


class Facet(Output):
    value: str
    label: str = ""
    count: int


class CaeFacet(Output):
    value: int
    label: str
    count: int


class Facets(Output):
    region: list[Facet]
    department: list[Facet]
    cae: list[CaeFacet]
    skill: list[Facet]
    status: list[Facet] = Field(default_factory=list)
    availability: list[Facet] = Field(default_factory=list)


ProfileList = page_of(ProfileListItem, "ProfileList", facets=(Facets, ...))
