""" "Pour vous": the open offers and tenders that fit a member's competences and area.

Three reads whatever the numbers: who asks for the member's competences (offer skills, tender
lot skills, by skill id), then those offers and tenders through the visibility rule (open,
deadline ahead), ranked in Python: more competences matched first, then nearer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.places.gazetteer import distance_km
from marketplace.subcontracting.models import Offer, OfferSkill
from marketplace.subcontracting.visibility import visible_offers
from marketplace.tenders.models import Tender, TenderLot, tender_lot_skills
from marketplace.tenders.visibility import visible_tenders
from marketplace.timeutil import utcnow

#: Farther than this, an offer or a tender is not in the member's area (when both have a place).
AREA_KM = 100
MOST = 100


@dataclass
class Opportunity:
    type: str
    id: int
    title: str
    matched_skills: list[str]
    distance_km: float | None
    deadline: datetime | None
    url: str
    path_endpoint: str

    @property
    def why(self) -> str:
        """ "Plomberie, à 8 km" (the distance phrase is the template's, translated)."""
        return ", ".join(self.matched_skills)


def _distance(profile, row) -> float | None:
    if None in (profile.latitude, profile.longitude, row.latitude, row.longitude):
        return None
    return round(distance_km(profile.latitude, profile.longitude, row.latitude, row.longitude), 1)


def _in_area(profile, row, km: float | None) -> bool:
    if km is not None:
        return km <= AREA_KM
    if not row.department or not profile.department:
        return True  # no place on one side: anywhere
    return row.department == profile.department


def opportunities_for(user: User) -> list[Opportunity]:
    """The open offers and tenders the member may see that ask for their competences, in their
    area, best first (at most MOST)."""
    profile = user.profile
    if profile is None or not profile.skills:
        return []
    names = {ps.skill_id: ps.skill.name for ps in profile.skills}
    found: list[tuple[tuple, Opportunity]] = []
    wanted = _asking(
        select(OfferSkill.offer_id, OfferSkill.skill_id).where(OfferSkill.skill_id.in_(names))
    )
    if wanted:
        stmt = visible_offers(user).where(
            Offer.id.in_(list(wanted)),
            Offer.status == "open",
            Offer.owner_profile_id != profile.id,
        )
        offers = db.session.scalars(stmt).unique()
        found += _ranked(profile, offers, wanted, names, "offer", 0, lambda _offer: None)
    asked = _asking(
        select(TenderLot.tender_id, tender_lot_skills.c.skill_id)
        .join(tender_lot_skills, tender_lot_skills.c.lot_id == TenderLot.id)
        .where(tender_lot_skills.c.skill_id.in_(names))
    )
    if asked:
        stmt = visible_tenders(user).where(
            Tender.id.in_(list(asked)), Tender.status == "open", Tender.deadline > utcnow()
        )
        tenders = (t for t in db.session.scalars(stmt).unique() if t.owner_profile_id != profile.id)
        found += _ranked(profile, tenders, asked, names, "tender", 1, lambda t: t.deadline)
    found.sort(key=lambda pair: (*pair[0], pair[1].id))
    return [item for _key, item in found[:MOST]]


def _asking(pairs: Select) -> dict[int, set[int]]:
    """Which rows ask for which of the member's competences: row id → skill ids."""
    asked: dict[int, set[int]] = {}
    for row in db.session.execute(pairs):
        asked.setdefault(int(row[0]), set()).add(int(row[1]))
    return asked


def _ranked(
    profile: Any,
    rows: Iterable[Any],
    asked: dict[int, set[int]],
    names: dict[int, str],
    kind: str,
    order: int,
    deadline: Callable[[Any], datetime | None],
) -> list[tuple[tuple, Opportunity]]:
    """The rows (offers or tenders, ``kind``) in the member's area, each with its sort key:
    more competences matched first, then nearer, then ``order`` (offers before tenders)."""
    endpoint = f"{kind}s.show"
    found = []
    for row in rows:
        km = _distance(profile, row)
        if not _in_area(profile, row, km):
            continue
        skills = sorted(names[i] for i in asked[row.id])
        url = external_url(endpoint, **{f"{kind}_id": row.id})
        item = Opportunity(kind, row.id, row.title, skills, km, deadline(row), url, endpoint)
        found.append(((-len(skills), km if km is not None else AREA_KM, order), item))
    return found
