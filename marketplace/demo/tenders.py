"""Demo joint tenders: one won, one open with a half-built team across CAEs, one within one CAE.

Made through the tender operations (post, apply, decide, move); a tender is found again by its
owner and title, so a second run adds nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.profiles.models import Profile, ProfileSkill, profile_of
from marketplace.skills.models import Skill
from marketplace.tenders import notify
from marketplace.tenders.models import Tender
from marketplace.tenders.operations import (
    apply,
    change_status,
    create_tender,
    decide,
    set_members,
)
from marketplace.tenders.schemas import TenderApplicationCreate, TenderCreate
from marketplace.text import fold
from marketplace.timeutil import PARIS, utcnow


def _deadline(days: int):
    moment = (utcnow() + timedelta(days=days)).astimezone(PARIS)
    return moment.replace(hour=12, minute=0, second=0, microsecond=0)


def _person(
    skill: str,
    *,
    same_cae_as: User | None = None,
    other_than: Collection[int | None] = frozenset(),
    exclude: Collection[int] = frozenset(),
) -> User | None:
    """A verified person holding this competence (the same one every run: lowest id)."""
    stmt = (
        select(User)
        .join(Profile, Profile.user_id == User.id)
        .join(ProfileSkill, ProfileSkill.profile_id == Profile.id)
        .join(Skill, Skill.id == ProfileSkill.skill_id)
        .where(Skill.key == fold(skill), User.membership == "verified", User.role == "member")
        .where(Profile.audience != "cae")
        .order_by(ProfileSkill.level.desc(), User.id)
    )
    if same_cae_as is not None:
        stmt = stmt.where(User.cae_id == same_cae_as.cae_id)
    for user in db.session.scalars(stmt).unique():
        if user.id in exclude or user.cae_id in other_than:
            continue
        return user
    return None


def _existing(owner: User, title: str) -> Tender | None:
    return db.session.scalar(
        select(Tender).where(Tender.owner_profile_id == profile_of(owner).id, Tender.title == title)
    )


def _post(owner: User, data: dict[str, Any]) -> Tender:
    """Post a tender written as a client would send it (checked by TenderCreate)."""
    return create_tender(owner, TenderCreate.load(data))


def _apply_and_decide(owner, tender, partner, lots, role, share, accept=True) -> None:
    if partner is None:
        return
    body = TenderApplicationCreate.load(
        {"lot_ids": [lot.id for lot in lots], "role": role, "message": "Disponible pour ce lot."}
    )
    application = apply(partner, tender, body)
    if accept is not None:
        decide(owner, application, accept, share)


def load_demo_tenders(owner: User | None) -> int:
    """Create the demo tenders that are missing (no e-mail sent); returns how many."""
    if owner is None or owner.profile is None or owner.membership != "verified":
        return 0
    with notify.silenced():
        return _load(owner)


def _load(owner: User) -> int:
    created = 0
    title = "Rénovation énergétique du groupe scolaire Pasteur"
    if _existing(owner, title) is None:
        tender = _post(
            owner,
            {
                "title": title,
                "buyer": {"name": "Ville de Villeurbanne", "kind": "public"},
                "reference": "2026-TRX-118",
                "source_url": "https://www.boamp.fr/",
                "procedure": "Procédure adaptée (MAPA)",
                "deadline": _deadline(20),
                "city": "Villeurbanne",
                "department": "69",
                "estimated_amount_cents": 18_000_000,
                "description": "Audit, isolation et chauffage de l'école Pasteur (3 bâtiments).",
                "audience": "network",
                "lots": [
                    {
                        "number": 1,
                        "title": "Audit et maîtrise d'œuvre",
                        "skills": ["Audit énergétique", "Maîtrise d'œuvre"],
                        "estimated_amount_cents": 3_000_000,
                    },
                    {
                        "number": 2,
                        "title": "Isolation",
                        "skills": ["Isolation thermique"],
                        "estimated_amount_cents": 9_000_000,
                    },
                    {
                        "number": 3,
                        "title": "Chauffage",
                        "skills": ["Pompe à chaleur", "Chauffage"],
                        "estimated_amount_cents": 6_000_000,
                    },
                ],
            },
        )
        lots = tender.lots
        mine = {
            "profile_id": profile_of(owner).id,
            "lot_ids": [lots[0].id],
            "share_cents": 2_800_000,
        }
        set_members(owner, tender, [mine])
        insulator = _person("Isolation thermique", other_than={owner.cae_id})
        _apply_and_decide(owner, tender, insulator, [lots[1]], "cotraitant", 8_500_000)
        heating = _person(
            "Pompe à chaleur",
            other_than={owner.cae_id},
            exclude={insulator.id} if insulator else set(),
        )
        _apply_and_decide(owner, tender, heating, [lots[2]], "cotraitant", None, accept=None)
        created += 1
    title = "Ateliers numériques pour les agents du Département"
    if _existing(owner, title) is None:
        tender = _post(
            owner,
            {
                "title": title,
                "buyer": {"name": "Département du Rhône", "kind": "public"},
                "reference": "FORM-2026-07",
                "procedure": "Appel d'offres ouvert",
                "deadline": _deadline(9),
                "city": "Lyon",
                "department": "69",
                "estimated_amount_cents": 4_500_000,
                "audience": "cae",
                "description": "Vingt ateliers d'initiation au numérique et à l'accessibilité.",
                "lots": [
                    {"number": 1, "title": "Ateliers", "skills": ["Formation"]},
                    {
                        "number": 2,
                        "title": "Accessibilité",
                        "skills": ["Accessibilité numérique (RGAA)"],
                    },
                ],
            },
        )
        set_members(
            owner,
            tender,
            [
                {
                    "profile_id": profile_of(owner).id,
                    "lot_ids": [tender.lots[1].id],
                    "share_cents": 1_500_000,
                }
            ],
        )
        trainer = _person("Formation", same_cae_as=owner, exclude={owner.id})
        _apply_and_decide(owner, tender, trainer, [tender.lots[0]], "cotraitant", 2_500_000)
        created += 1
    title = "Site internet de l'office de tourisme"
    if _existing(owner, title) is None:
        tender = _post(
            owner,
            {
                "title": title,
                "buyer": {"name": "Office de tourisme des Monts d'Or", "kind": "public"},
                "reference": "OT-WEB-2026",
                "procedure": "Procédure adaptée (MAPA)",
                "deadline": _deadline(2),
                "city": "Limonest",
                "department": "69",
                "estimated_amount_cents": 2_400_000,
                "audience": "network",
                "lots": [
                    {
                        "number": 1,
                        "title": "Conception et développement",
                        "skills": ["Développement web", "Webdesign"],
                    }
                ],
            },
        )
        developer = _person("Développement web", other_than={owner.cae_id})
        _apply_and_decide(owner, tender, developer, [tender.lots[0]], "cotraitant", 1_600_000)
        designer = _person(
            "Webdesign", other_than={owner.cae_id}, exclude={developer.id} if developer else set()
        )
        _apply_and_decide(owner, tender, designer, [tender.lots[0]], "subcontractor", 500_000)
        tender.form = "conjoint"
        for to in ("team_formed", "submitted", "won"):
            change_status(owner, tender, to)
        created += 1
    return created
