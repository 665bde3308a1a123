"""The place fields, declared once for every schema that takes them: a department code, and
the `near` and `radius_km` filters of the lists."""

from __future__ import annotations

from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import BeforeValidator, Field, WithJsonSchema

from marketplace.geo import normalize_department
from marketplace.places.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from marketplace.schema import FilterText, Schema, fail, filter_text, known_filter


def _unknown_department() -> str:
    return _("Unknown French department code (e.g. 69, 2A, 974).")


def _department(value: Any, *, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            raise fail(_("This field is required."))
        return None
    code = normalize_department(value) if isinstance(value, str) else None
    if code is None:
        raise fail(_unknown_department())
    return code


def optional_department(value: Any) -> str | None:
    """A department code, normalised; None or "" for none (an unknown code is refused)."""
    return _department(value, required=False)


#: What a department code looks like, in the OpenAPI description.
DEPARTMENT_EXAMPLES = ["69", "2A", "974"]
DEPARTMENT: dict[str, Any] = {"type": ["string", "null"], "examples": DEPARTMENT_EXAMPLES}
#: A French department code (69, 2A, 974…), normalised; null or an empty string clears it.
OptionalDepartment = Annotated[
    str | None, BeforeValidator(optional_department), WithJsonSchema(DEPARTMENT)
]
#: A French department code that must be given.
Department = Annotated[
    str,
    BeforeValidator(lambda value: _department(value, required=True)),
    WithJsonSchema({"type": "string", "minLength": 1, "examples": DEPARTMENT_EXAMPLES}),
]
#: A department filter of a list's query string: empty is no filter, an unknown code a 422.
department_filter = known_filter(normalize_department, _unknown_department)


def _radius(value: Any) -> int:
    if value is None or value == "":
        return DEFAULT_RADIUS_KM
    if isinstance(value, str):
        value = filter_text(value) or ""
        if not value.isdigit():
            raise fail(_("Expected a whole number of kilometres."))
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(_("Expected a whole number of kilometres."))
    if not 1 <= value <= MAX_RADIUS_KM:
        raise fail(_("Between 1 and %(n)d km.", n=MAX_RADIUS_KM))
    return value


RADIUS: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_RADIUS_KM}
#: The radius of a list's query string (digits; empty: the default).
Radius = Annotated[int, BeforeValidator(_radius), WithJsonSchema(RADIUS)]


def _radius_in_body(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(_("Expected a whole number of kilometres."))
    return _radius(value)


#: The radius in a JSON body: a whole number (absent: the default).
RadiusBody = Annotated[int, BeforeValidator(_radius_in_body), WithJsonSchema(RADIUS)]


#: A list item's distance from the place asked (null without a place or coordinates).
DistanceKm = Annotated[
    float | None,
    Field(description="Kilometres from the place asked (near, or a place in q)."),
]


class NearQuery(Schema):
    """Mixed into the query of a list: only what lies within ``radius_km`` of ``near``."""

    near: FilterText = Field(
        default=None,
        description="A French commune (name, with or without accents, or postcode): only "
        "what lies within radius_km of its centre, each item with distance_km.",
    )
    radius_km: Radius = Field(default=DEFAULT_RADIUS_KM, description="Kilometres (default 30).")
