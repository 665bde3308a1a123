"""Places in the lists: the `near` filter and the place word of a search, for any list.

``located(q, near, radius_km)`` reads what the reader asked: a `near` filter (an unknown place
is a 422 with suggestions), or else a place word among the words of ``q``, taken out of the
words and used to rank what lies near it first ("plombier nantes"). The lists then narrow
(``key`` filter term) or rank (``~near`` term) the index's documents with the ids
:func:`within` the radius, or narrow their SQL statement (:meth:`Located.narrow`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace.places.filters import (
    DEFAULT_RADIUS_KM,
    Near,
    near_filter,
    place_in_query,
    within,
)


@dataclass
class Located:
    #: Only what lies within the radius (the `near` filter).
    near: Near | None = None
    #: What lies near this place first (a place word of q, without `near`).
    rank: Near | None = None
    #: The words of the search, the place word taken out.
    q: str | None = None

    @property
    def place(self) -> Near | None:
        return self.near or self.rank

    def distance(self, row: Any) -> float | None:
        """The row's distance in km from the place asked (None without place or coordinates)."""
        place = self.place
        if place is None:
            return None
        if row.id in place.distances:
            return place.distances[row.id]
        return place.distance_to(row)

    def index_terms(self, terms: dict[str, Any], model: Any, key: Any, base: Any = None) -> None:
        """Narrow (near) or rank (place word) the index's documents: ``key(id)`` is the
        document key of a row."""
        if self.near is not None:
            ids = within(model, self.near, base)
            terms["key"] = frozenset(key(i) for i in ids) or frozenset({"-"})
        elif self.rank is not None:
            ids = within(model, self.rank, base)
            if ids:
                terms["~near"] = frozenset(key(i) for i in ids)

    def narrow(self, stmt: Any, model: Any, base: Any = None, column: Any = None) -> Any:
        """The SQL statement of a list kept to the rows within the `near` radius (``column``:
        the id the statement is kept by, when ``base`` reads another model's places)."""
        if self.near is None:
            return stmt
        ids = list(within(model, self.near, base))
        return stmt.where((column if column is not None else model.id).in_(ids))

    @property
    def uses_index(self) -> bool:
        """A place word ranks through the index even when no other word is left."""
        return bool(self.q) or self.rank is not None


def located(q: str | None, near: str | None, radius_km: int | float | None) -> Located:
    """What a list's place filters ask (ValidationError for an unknown `near`)."""
    found = near_filter(near, radius_km)
    if found is not None:
        return Located(near=found, q=q)
    in_query = place_in_query(q)
    if in_query is not None:
        rank, rest = in_query
        # Only a town's name ("grenoble"): it stays the words too (what mentions it), near first.
        return Located(rank=rank, q=rest or q)
    return Located(q=q)


@dataclass(kw_only=True)
class PlaceFilters:
    """The place filters every list's filters take (ProfileFilters, TenderFilters…)."""

    #: A commune (name or postcode) and a radius: only what lies within it (places/).
    near: str | None = None
    radius_km: int = DEFAULT_RADIUS_KM
    #: What the place filters resolved to (place_of fills it).
    place: Located | None = None


def place_of(filters: Any, q: str | None = None) -> Located:
    """The Located of a list's filters (``near``, ``radius_km``, ``q``), read once and kept on
    ``filters.place`` so that the view shows the distances the list used."""
    if getattr(filters, "place", None) is None:
        words = q if q is not None else getattr(filters, "q", None)
        filters.place = located(words, filters.near, filters.radius_km)
    return filters.place


def with_distance(item: dict[str, Any], row: Any, place: Located | None) -> dict[str, Any]:
    """An API list item with ``distance_km`` (null without a place or coordinates)."""
    item["distance_km"] = place.distance(row) if place is not None else None
    return item
