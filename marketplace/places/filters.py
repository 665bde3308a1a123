"""The `near` filter of the lists, and the coordinates rows keep of their city.

A row with a city (profiles, offers, tenders) stores its centre (``latitude``, ``longitude``),
set on every write by :func:`track_location` and by the migration for existing rows. A radius
search reads the rows inside the bounding box from the database (an index on latitude), then
keeps those within the exact (haversine) distance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event, select

from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.places.gazetteer import (
    Place,
    bounding_box,
    distance_km,
    locate,
    place_in_words,
    resolve,
    suggest,
)

DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 1000


@dataclass
class Near:
    """A resolved `near`: the commune, the radius, and (once read) the rows within it."""

    place: Place
    radius_km: float = DEFAULT_RADIUS_KM
    #: row id → distance in km, for the rows within the radius (filled by within()).
    distances: dict[int, float] = field(default_factory=dict)

    def distance_to(self, row: Any) -> float | None:
        lat, lon = getattr(row, "latitude", None), getattr(row, "longitude", None)
        if lat is None or lon is None:
            return None
        return round(distance_km(self.place.latitude, self.place.longitude, lat, lon), 1)


def near_filter(raw: str | None, radius_km: int | float | None = None) -> Near | None:
    """The `near` of a list (None when not given); an unknown place is a ValidationError whose
    ``near`` messages are the explanation then the suggested communes."""
    text = (raw or "").strip()
    if not text:
        return None
    place = resolve(text)
    if place is None:
        proposals = suggest(text)
        if proposals:
            message = _(
                "Unknown place “%(place)s”. Did you mean: %(names)s?",
                place=text[:60],
                names=", ".join(proposals),
            )
        else:
            message = _(
                "Unknown place “%(place)s”: type a French commune or its postcode.",
                place=text[:60],
            )
        raise ValidationError(message, {"near": [message, *proposals]})
    return Near(place, float(radius_km or DEFAULT_RADIUS_KM))


def within(model: Any, near: Near, base: Any = None) -> dict[int, float]:
    """Ids of the rows of ``model`` within the radius and their distance, nearest first:
    the bounding box in SQL (``base`` may narrow the statement), then the exact distance."""
    south, north, west, east = bounding_box(
        near.place.latitude, near.place.longitude, near.radius_km
    )
    stmt = base if base is not None else select(model.id, model.latitude, model.longitude)
    stmt = stmt.where(model.latitude.between(south, north), model.longitude.between(west, east))
    found: list[tuple[float, int]] = []
    for row in db.session.execute(stmt):
        row_id, lat, lon = int(row[0]), float(row[1]), float(row[2])
        km = distance_km(near.place.latitude, near.place.longitude, lat, lon)
        if km <= near.radius_km:
            found.append((km, row_id))
    found.sort()
    distances: dict[int, float] = {}
    for km, row_id in found:  # a row seen twice (a collective's members) keeps the nearest
        distances.setdefault(row_id, round(km, 1))
    near.distances = distances
    return distances


def place_in_query(q: str | None) -> tuple[Near, str] | None:
    """A place word typed among the words of a search ("formatrice qualiopi lyon"): the place
    (with the default radius) and the words left; None when no word names a town."""
    words = (q or "").split()
    found = place_in_words(words)
    if found is None:
        return None
    place, start, end = found
    return Near(place), " ".join(words[:start] + words[end:])


def track_location(model: Any) -> None:
    """Keep ``latitude``/``longitude`` of a model with ``city`` and ``department`` in step
    with them on every insert and update."""

    def set_location(_mapper: Any, _connection: Any, target: Any) -> None:
        point = locate(target.city, target.department)
        target.latitude, target.longitude = point if point else (None, None)

    event.listen(model, "before_insert", set_location)
    event.listen(model, "before_update", set_location)
