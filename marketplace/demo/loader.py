"""Load the demo data set through the same operations as the interface; idempotent.

CAEs are found by name and people by e-mail: what exists is left as it is, so a second run
adds nothing. Only the three accounts to try get a password (hashing is slow on purpose);
nobody gets an invitation e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.accounts.operations import change_membership, create_account
from marketplace.actors import SYSTEM
from marketplace.alerts import matching
from marketplace.caes.models import Cae
from marketplace.caes.operations import create_cae
from marketplace.demo.caes import CAES, DemoCae
from marketplace.demo.collectives import load_collectives
from marketplace.demo.conversations import load_conversations
from marketplace.demo.desk import load_desk_work
from marketplace.demo.generate import (
    DEFAULT_COUNT,
    DEFAULT_SEED,
    DOMAIN,
    PersonSpec,
    generate_people,
)
from marketplace.demo.notices import load_demo_notices
from marketplace.demo.photos import demo_references, has_photo, portrait
from marketplace.demo.replacements import load_replacement
from marketplace.demo.subcontracting import load_subcontracting
from marketplace.demo.tenders import load_demo_tenders
from marketplace.demo.trust import load_trust
from marketplace.extensions import db
from marketplace.members_import import new_profile_loaded
from marketplace.profiles.models import profile_of
from marketplace.profiles.operations import update_profile
from marketplace.profiles.photos import set_photo
from marketplace.skills.operations import get_or_create_certifications, get_or_create_skills
from marketplace.text import fold
from marketplace.timeutil import to_paris, utcnow

DEMO_PASSWORD = "Essaim-Demo-2026"  # noqa: S105 (published on purpose: demo accounts)
MEMBER_EMAIL = f"membre@{DOMAIN}"
MANAGER_EMAIL = f"gestion@{DOMAIN}"
ADMIN_EMAIL = f"admin@{DOMAIN}"


@dataclass
class DemoResult:
    skipped: bool = False
    caes_created: int = 0
    users_created: int = 0
    #: (role label, e-mail) of the accounts to try that exist in the database.
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def report(self) -> str:
        if self.skipped:
            lines = ["La base contient déjà des CAE : données de démonstration non chargées."]
        elif self.caes_created or self.users_created:
            lines = [
                f"Données de démonstration chargées : {self.caes_created} CAE et "
                f"{self.users_created} comptes créés."
            ]
        else:
            lines = ["Données de démonstration déjà présentes : rien à ajouter."]
        if self.accounts:
            lines.append(f"Comptes à essayer (mot de passe : {DEMO_PASSWORD}) :")
            width = max(len(label) for label, _email in self.accounts)
            lines += [f"  {label.ljust(width)}  {email}" for label, email in self.accounts]
        return "\n".join(lines)


def load_demo(
    *, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED, if_empty: bool = False
) -> DemoResult:
    """Create what is missing of the demo data set; flush, never commit. Its offers, tenders
    and profiles are not matched against alerts: the demo tells nobody."""
    with matching.silenced():
        return _load_demo(count, seed, if_empty)


def _load_demo(count: int, seed: int, if_empty: bool) -> DemoResult:
    result = DemoResult()
    if if_empty and db.session.scalar(select(Cae.id).limit(1)) is not None:
        result.skipped = True
        result.accounts = _accounts_to_try()
        return result
    caes = _ensure_caes(result)
    existing = set(db.session.scalars(select(User.email).where(User.email.like(f"%@{DOMAIN}"))))
    loader = _Loader(caes, existing, result)
    loader.staff()
    everyone = generate_people(count, seed, reserved=loader.reserved)
    people = [p for p in everyone if p.email not in existing]
    # The shared skill records first, in one go (each profile then only looks them up).
    get_or_create_skills(s["name"] for p in people for s in p.profile["skills"])
    get_or_create_certifications(c for p in people for c in p.profile["certifications"])
    for person in people:
        loader.person(person)
    load_collectives(everyone, MEMBER_EMAIL)
    load_subcontracting()
    load_replacement(MEMBER_EMAIL)
    load_trust()
    manager = db.session.scalar(select(User).where(User.email == MANAGER_EMAIL))
    load_desk_work(manager, MEMBER_EMAIL)
    member = db.session.scalar(select(User).where(User.email == MEMBER_EMAIL))
    load_demo_tenders(member)
    load_conversations(member)
    load_demo_notices(member)
    result.accounts = _accounts_to_try()
    return result


def _ensure_caes(result: DemoResult) -> list[Cae]:
    by_key = {fold(cae.name): cae for cae in db.session.scalars(select(Cae))}
    caes = []
    for spec in CAES:
        cae = by_key.get(fold(spec.name))
        if cae is None:
            cae = create_cae(
                SYSTEM,
                {
                    "name": spec.name,
                    "city": spec.city,
                    "department": spec.department,
                    "website": spec.website,
                    "sectors": list(spec.sectors),
                    "description": spec.description,
                    "siren": spec.siren or None,
                },
            )
            result.caes_created += 1
        caes.append(cae)
    return caes


def _accounts_to_try() -> list[tuple[str, str]]:
    wanted = (
        ("membre vérifié·e", MEMBER_EMAIL),
        ("gestionnaire de CAE", MANAGER_EMAIL),
        ("administrateur·rice", ADMIN_EMAIL),
    )
    found = set(
        db.session.scalars(select(User.email).where(User.email.in_([e for _l, e in wanted])))
    )
    return [(label, email) for label, email in wanted if email in found]


#: The support team of each CAE: (first name, last name, gender).
STAFF_NAMES = (
    ("Nadia", "Benali", "f"), ("Yann", "Le Bris", "m"), ("Hélène", "Vasseur", "f"),
    ("Samuel", "Cazeneuve", "m"), ("Fatou", "Sarr", "f"), ("Olivia", "Marchetti", "f"),
    ("Gwendal", "Le Floch", "m"), ("Priya", "Ramassamy", "f"),
)  # fmt: skip


class _Loader:
    def __init__(self, caes: list[Cae], existing: set[str], result: DemoResult):
        self.caes = caes
        self.existing = existing
        self.result = result
        self.managers: dict[int, User | None] = {}
        self.reserved = {MEMBER_EMAIL, MANAGER_EMAIL, ADMIN_EMAIL}
        self.reserved |= {self._staff_email(i, spec) for i, spec in enumerate(CAES)}

    @staticmethod
    def _staff_email(index: int, spec: DemoCae) -> str:
        return MANAGER_EMAIL if index == 0 else f"appui.{spec.slug}@{DOMAIN}"

    def _create(self, **kwargs: Any) -> User:
        user = create_account(SYSTEM, **kwargs)
        self.existing.add(user.email)
        self.result.users_created += 1
        return user

    def _user(self, email: str) -> User | None:
        return db.session.scalar(select(User).where(User.email == email))

    def staff(self) -> None:
        """The administrator, one manager per CAE and the member to try."""
        if ADMIN_EMAIL not in self.existing:
            admin = self._create(
                email=ADMIN_EMAIL, first_name="Alex", last_name="Morel", cae=None,
                password=DEMO_PASSWORD, role="admin", verified=True,
            )  # fmt: skip
            # An administrator of the platform is in no CAE: nobody needs to find them.
            update_profile(
                SYSTEM,
                profile_of(admin),
                {"headline": "Administration d'Essaim", "audience": "cae"},
            )
        for index, (spec, cae) in enumerate(zip(CAES, self.caes, strict=True)):
            email = self._staff_email(index, spec)
            first, last, gender = STAFF_NAMES[index % len(STAFF_NAMES)]
            if email not in self.existing:
                manager = self._create(
                    email=email, first_name=first, last_name=last, cae=cae,
                    password=DEMO_PASSWORD if index == 0 else None, role="manager",
                    verified=True,
                )  # fmt: skip
                title = "Chargée d'accompagnement" if gender == "f" else "Chargé d'accompagnement"
                update_profile(
                    SYSTEM,
                    profile_of(manager),
                    {
                        "headline": f"{title} – équipe d'appui {spec.of}",
                        "bio": (
                            f"J'accompagne les entrepreneur·es {spec.of} : accueil, "
                            "gestion, vérification des nouvelles et nouveaux membres."
                        ),
                        "city": cae.city,
                        "department": cae.department,
                        "audience": "cae",
                    },
                )
                self.managers[cae.id] = manager
            else:
                user = self._user(email)
                self.managers[cae.id] = user if user and user.manages(cae.id) else None
        if MEMBER_EMAIL not in self.existing:
            self._member_to_try()

    def _member_to_try(self) -> None:
        cae = self.caes[0]
        user = self._create(
            email=MEMBER_EMAIL, first_name="Camille", last_name="Roux", cae=cae,
            status="employee", password=DEMO_PASSWORD, verified=False,
        )  # fmt: skip
        today = to_paris(utcnow()).date()
        update_profile(
            SYSTEM,
            profile_of(user),
            {
                "headline": "Thermicienne – audits énergétiques et rénovation globale",
                "bio": (
                    "Après dix ans en bureau d'études thermiques, j'ai rejoint "
                    f"{CAES[0].the} en 2019 pour développer mon activité d'audit énergétique. "
                    "Je travaille surtout sur les maisons individuelles et les petites "
                    "copropriétés de la métropole lyonnaise. Je cherche des artisans RGE pour "
                    "proposer ensemble des rénovations globales."
                ),
                "city": "Lyon",
                "department": "69",
                "skills": [
                    {"name": "Audit énergétique", "level": 4},
                    {"name": "Rénovation énergétique", "level": 4},
                    {"name": "Thermographie infrarouge", "level": 3},
                    {"name": "Simulation thermique dynamique", "level": 3},
                    {"name": "Accompagnement MaPrimeRénov'", "level": 2},
                ],
                # An RGE label still valid, a DPE certification to renew (« expirée le »).
                "certification_details": [
                    {"name": "RGE", "valid_until": today + timedelta(days=300)},
                    {"name": "Certification DPE", "valid_until": today - timedelta(days=20)},
                ],
                "languages": ["Français", "Anglais"],
                "availability": "partial",
                "daily_rate_cents": 55000,
                "audience": "network",
            },
        )
        self._decide(user, "verified")

    def _decide(self, user: User, state: str) -> None:
        """The CAE's manager verifies (or refuses) the membership: it shows in the history."""
        manager = self.managers.get(user.cae_id) if user.cae_id is not None else None
        change_membership(manager or SYSTEM, user, state)

    def person(self, spec: PersonSpec) -> None:
        cae = self.caes[spec.cae_index]
        user = self._create(
            email=spec.email,
            first_name=spec.first_name,
            last_name=spec.last_name,
            cae=cae,
            status=spec.profile["status"],
            password=None,
            verified=False,
        )
        new_profile_loaded(profile_of(user))
        data = dict(spec.profile)
        data["references"] = demo_references(spec.email, spec.profile, utcnow().year)
        if spec.available_in_days is not None:
            data["available_from"] = utcnow().date() + timedelta(days=spec.available_in_days)
        update_profile(SYSTEM, profile_of(user), data)
        if has_photo(spec.email):
            set_photo(SYSTEM, profile_of(user), portrait(spec.email))
        if spec.membership != "pending":
            self._decide(user, spec.membership)
