"""The skill profiles' shapes: what their owner writes (the page, the API, the members import,
the demo), the filters of the list, and what the API answers."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from marketplace.audience import Audience
from marketplace.caes.schemas import CaeRef, OptionalDepartment
from marketplace.geo import DEPARTMENT_CODES, REGIONS, normalize_department
from marketplace.ids import parse_id, small_number
from marketplace.places.schemas import NearQuery
from marketplace.profiles.models import Availability, ProfileStatus
from marketplace.schema import (
    DateOut,
    DateTimeOut,
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
from marketplace.text import clean, fold

MAX_SKILLS = 40
MAX_CERTIFICATIONS = 20
MAX_LANGUAGES = 10
#: The longest name of a competence, a certification or a language.
NAME_LIMIT = 120
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
    languages: _names(MAX_LANGUAGES) = None  # type: ignore[valid-type]
    availability: AvailabilityIn = None
    available_from: OptionalDate = None
    daily_rate_cents: DailyRate = None
    audience: choice(Audience) = None  # type: ignore[valid-type]


_department_filter = known_filter(
    normalize_department, lambda: _("Unknown French department code (e.g. 69, 2A, 974).")
)
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
        BeforeValidator(_department_filter),
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


class Profile(Output):
    id: IdOut
    display_name: str
    headline: str = Field(json_schema_extra={"maxLength": 160})
    bio: str = Field(json_schema_extra={"maxLength": 5000})
    cae: CaeRef | None
    status: choice(ProfileStatus)  # type: ignore[valid-type]
    city: str = Field(json_schema_extra={"maxLength": 120})
    department: Annotated[
        str | None,
        WithJsonSchema({"type": ["string", "null"], "enum": [*DEPARTMENT_CODES, None]}),
    ]
    region: str | None
    skills: list[ProfileSkill]
    certifications: list[str]
    languages: list[str]
    availability: Annotated[str, WithJsonSchema(AVAILABILITY_OUT)]
    available_from: DateOut | None
    daily_rate_cents: Annotated[
        int | None,
        WithJsonSchema(
            {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_DAILY_RATE_CENTS}
        ),
    ]
    audience: choice(Audience)  # type: ignore[valid-type]
    updated_at: DateTimeOut
    url: str = Field(json_schema_extra={"format": "uri"}, description="The HTML page.")


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
    distance_km: float | None = Field(
        default=None, description="Kilometres from the place asked (near, or a place in q)."
    )
    highlights: dict[str, str] = Field(
        description="field → HTML-escaped excerpt with <mark> around matches."
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
