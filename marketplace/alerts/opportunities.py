""" "Pour vous": the open offers and tenders that fit a member's competences and area.

Three reads whatever the numbers: who asks for the member's competences (offer skills, tender
lot skills, by skill id), then those offers and tenders through the visibility rule (open,
deadline ahead), ranked in Python: more competences matched first, then nearer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

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
    wanted: dict[int, set[int]] = {}
    offer_skills = select(OfferSkill.offer_id, OfferSkill.skill_id).where(
        OfferSkill.skill_id.in_(names)
    )
    for offer_id, skill_id in db.session.execute(offer_skills).all():
        wanted.setdefault(offer_id, set()).add(skill_id)
    if wanted:
        stmt = visible_offers(user).where(
            Offer.id.in_(list(wanted)),
            Offer.status == "open",
            Offer.owner_profile_id != profile.id,
        )
        for offer in db.session.scalars(stmt).unique():
            km = _distance(profile, offer)
            if _in_area(profile, offer, km):
                skills = sorted(names[i] for i in wanted[offer.id])
                item = Opportunity(
                    "offer",
                    offer.id,
                    offer.title,
                    skills,
                    km,
                    None,
                    external_url("offers.show", offer_id=offer.id),
                    "offers.show",
                )
                found.append(((-len(skills), km if km is not None else AREA_KM, 0), item))
    asked: dict[int, set[int]] = {}
    lot_skills = (
        select(TenderLot.tender_id, tender_lot_skills.c.skill_id)
        .join(tender_lot_skills, tender_lot_skills.c.lot_id == TenderLot.id)
        .where(tender_lot_skills.c.skill_id.in_(names))
    )

    for row in db.session.execute(lot_skills):
        asked.setdefault(int(row[0]), set()).add(int(row[1]))
    if asked:
        stmt = visible_tenders(user).where(
            Tender.id.in_(list(asked)), Tender.status == "open", Tender.deadline > utcnow()
        )
        for tender in db.session.scalars(stmt).unique():
            if tender.owner_profile_id == profile.id:
                continue
            km = _distance(profile, tender)
            if _in_area(profile, tender, km):
                skills = sorted(names[i] for i in asked[tender.id])
                item = Opportunity(
                    "tender",
                    tender.id,
                    tender.title,
                    skills,
                    km,
                    tender.deadline,
                    external_url("tenders.show", tender_id=tender.id),
                    "tenders.show",
                )
                found.append(((-len(skills), km if km is not None else AREA_KM, 1), item))
    found.sort(key=lambda pair: (*pair[0], pair[1].id))
    return [item for _key, item in found[:MOST]]
