"""Deterministic generation of the demo's people: the same seed gives the same people.

Pure functions, no database: the loader turns each PersonSpec into an account and a profile.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from typing import Any

from marketplace.demo.caes import CAES, DemoCae
from marketplace.demo.people import FIRST_NAMES, LANGUAGES, LAST_NAMES
from marketplace.demo.sectors import COMMON_BACKGROUNDS, SECTORS, Sector, Text, Trade
from marketplace.text import fold

DEFAULT_COUNT = 300
DEFAULT_SEED = 2026
DOMAIN = "essaim.demo"
#: Share of the people whose membership their CAE has not verified yet.
PENDING_SHARE = 0.05
#: Minimum number of pending requests in the first CAE (the demo manager's inbox).
FIRST_CAE_PENDING = 4

STATUS_WEIGHTS = {"employee": 50, "associate": 28, "project_holder": 22}
AVAILABILITY_WEIGHTS = {"available": 50, "partial": 38, "unavailable": 12}
AUDIENCE_WEIGHTS = {"network": 70, "cae": 15, "public": 15}
LEVEL_WEIGHTS = {1: 1, 2: 3, 3: 4, 4: 2}


@dataclass(frozen=True)
class PersonSpec:
    email: str
    first_name: str
    last_name: str
    gender: str
    #: Index in caes.CAES.
    cae_index: int
    sector: str
    #: "verified", "pending" or "refused".
    membership: str
    #: Fields for profiles.operations.update_profile (without available_from).
    profile: dict[str, Any] = field(default_factory=dict)
    #: Days from the loading day to the date of availability, if any.
    available_in_days: int | None = None


def gendered(text: Text, gender: str) -> str:
    if isinstance(text, tuple):
        return text[1] if gender == "f" else text[0]
    return text


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _weighted(rng: random.Random, weights: dict) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def split_count(total: int, weights: list[int]) -> list[int]:
    """Shares of total proportional to weights (largest remainders), summing to total."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _skills(rng: random.Random, trade: Trade, sector: Sector, beginner: bool) -> list[dict]:
    skills: list[dict[str, Any]] = []
    for name in trade.skills:
        level = rng.choice((2, 3, 3) if beginner else (3, 4, 4))
        skills.append({"name": name, "level": level})
    extra = list(trade.extra)
    for name in rng.sample(extra, k=rng.randint(1, min(3, len(extra)))):
        level = _weighted(rng, LEVEL_WEIGHTS)
        skills.append({"name": name, "level": min(level, 3) if beginner else level})
    if rng.random() < 0.3:  # a competence of a neighbouring trade of the sector
        other = rng.choice(sector.trades)
        name = rng.choice(other.skills + other.extra)
        if all(fold(s["name"]) != fold(name) for s in skills):
            skills.append({"name": name, "level": rng.choice((1, 2, 2, 3))})
    return skills


def _bio(rng: random.Random, person: dict, trade: Trade, sector: Sector, cae: DemoCae) -> str:
    g = person["gender"]
    background = rng.choice(sector.backgrounds + COMMON_BACKGROUNDS)
    city = person["city"]
    status = person["status"]
    if status == "project_holder":
        year, years = rng.choice((2025, 2026)), rng.randint(2, 18)
        intro = rng.choice((
            f"En contrat CAPE chez {cae.the} depuis {year}, je teste mon activité "
            f"{trade.activity} après {years} ans {background}.",
            f"Après {years} ans {background}, je lance mon activité {trade.activity} en test "
            f"au sein {cae.of}.",
        ))  # fmt: skip
    else:
        year = rng.randint(2008, 2022) if status == "associate" else rng.randint(2012, 2025)
        years = rng.randint(max(3, 2026 - year + 1), 28)
        intro = rng.choice((
            f"Après {years} ans {background}, j'ai rejoint {cae.the} en {year} pour "
            f"développer mon activité {trade.activity}.",
            f"{gendered(('Reconverti', 'Reconvertie'), g)} après {years} ans {background}, "
            f"je développe mon activité {trade.activity} au sein {cae.of} depuis {year}.",
            f"J'exerce mon métier depuis {years} ans ; je développe mon activité "
            f"{trade.activity} au sein {cae.of} depuis {year}.",
        ))  # fmt: skip
    clients = rng.sample(sector.clients, k=2)
    area = rng.choice((
        f"à {city} et dans les environs",
        f"dans un rayon de {rng.choice((30, 40, 50, 80))} km autour de {city}",
        "dans tout le département",
        f"depuis {city}, parfois plus loin pour des missions longues",
    ))  # fmt: skip
    sentences = [
        intro,
        f"Je travaille surtout sur {rng.choice(trade.focus)}, pour {clients[0]} et "
        f"{clients[1]}, {area}.",
    ]
    optional = [
        gendered(rng.choice(sector.methods), g),
        f"Je cherche {rng.choice(sector.wishes)}.",
    ]
    if status == "associate":
        joined = min(2025, year + rng.randint(1, 3))
        optional.insert(
            0,
            f"{gendered(('Associé', 'Associée'), g)} de la coopérative depuis {joined}, je "
            "participe à ses instances et à ses groupes de travail.",
        )
    sentences += optional[: rng.randint(0, 2)]
    return " ".join(sentences)


def _person(rng: random.Random, cae_index: int, cae: DemoCae, used: set[str]) -> PersonSpec:
    first_name, gender = rng.choice(FIRST_NAMES)
    last_name = rng.choice(LAST_NAMES)
    base = f"{slug(first_name)}.{slug(last_name)}"
    email, n = f"{base}@{DOMAIN}", 2
    while email in used:
        email, n = f"{base}{n}@{DOMAIN}", n + 1
    used.add(email)

    sector_key = _weighted(rng, cae.sector_weights)
    sector = SECTORS[sector_key]
    trade = rng.choice(sector.trades)
    status = _weighted(rng, STATUS_WEIGHTS)
    beginner = status == "project_holder"
    city, department = rng.choice(cae.places)
    certifications = [
        name
        for name in trade.certifications
        if rng.random() < (0.8 if name == "RGE" else 0.45) * (0.5 if beginner else 1)
    ]
    languages = ["Français"]
    for name, chance in LANGUAGES + tuple(cae.languages.items()):
        if rng.random() < chance:
            languages.append(name)
    availability = _weighted(rng, AVAILABILITY_WEIGHTS)
    available_in_days = None
    if availability == "unavailable":
        available_in_days = rng.randint(14, 150)
    elif availability == "partial" and rng.random() < 0.5:
        available_in_days = rng.randint(7, 60)
    rate = None
    if rng.random() < 0.85:
        low, high = sector.rate
        euros = rng.randint(low, high) * (0.85 if beginner else 1)
        rate = int(round(euros / 10) * 10) * 100
    person = {"gender": gender, "city": city, "status": status}
    profile = {
        "headline": gendered(trade.headline, gender),
        "bio": _bio(rng, person, trade, sector, cae),
        "status": status,
        "city": city,
        "department": department,
        "skills": _skills(rng, trade, sector, beginner),
        "certifications": certifications,
        "languages": languages,
        "availability": availability,
        "daily_rate_cents": rate,
        "audience": _weighted(rng, AUDIENCE_WEIGHTS),
    }
    membership = "pending" if rng.random() < PENDING_SHARE else "verified"
    return PersonSpec(
        email=email,
        first_name=first_name,
        last_name=last_name,
        gender=gender,
        cae_index=cae_index,
        sector=sector_key,
        membership=membership,
        profile=profile,
        available_in_days=available_in_days,
    )


def generate_people(
    count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED, reserved: set[str] | None = None
) -> list[PersonSpec]:
    """count fictional people spread over the demo CAEs; the same arguments, the same people."""
    rng = random.Random(seed)
    used = set(reserved or ())
    people: list[PersonSpec] = []
    counts = split_count(count, [cae.weight for cae in CAES])
    for cae_index, (cae, n) in enumerate(zip(CAES, counts, strict=True)):
        batch = [_person(rng, cae_index, cae, used) for _ in range(n)]
        if cae_index == 0:
            batch = _first_cae_requests(batch)
        people.extend(batch)
    return people


def _first_cae_requests(batch: list[PersonSpec]) -> list[PersonSpec]:
    """The demo manager has requests to handle: a few pending, one refused in the history."""

    pending = sum(1 for p in batch if p.membership == "pending")
    result = list(batch)
    index = len(result) - 1
    while pending < FIRST_CAE_PENDING and index >= 0:
        if result[index].membership != "pending":
            result[index] = replace(result[index], membership="pending")
            pending += 1
        index -= 1
    if len(result) > FIRST_CAE_PENDING + 2:
        result[0] = replace(result[0], membership="refused")
    return result
