"""The `near` and `radius_km` filters, declared once for every list that takes them."""

from __future__ import annotations

from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import BeforeValidator, Field, WithJsonSchema

from marketplace.places.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from marketplace.schema import FilterText, Schema, fail, filter_text


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


class NearQuery(Schema):
    """Mixed into the query of a list: only what lies within ``radius_km`` of ``near``."""

    near: FilterText = Field(
        default=None,
        description="A French commune (name, with or without accents, or postcode): only "
        "what lies within radius_km of its centre, each item with distance_km.",
    )
    radius_km: Radius = Field(default=DEFAULT_RADIUS_KM, description="Kilometres (default 30).")
