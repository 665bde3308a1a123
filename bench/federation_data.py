"""Generated federation data: profiles by Core inserts, then collectives, tenders, offers and
subcontracts through the product's operations (so every invariant, history row and notification
is the real one), the change log off; the index is rebuilt afterwards.

Per 12,000 profiles: 300 collectives (2–8 members each), 200 tenders (2–3 lots, 0–4
applications), 300 offers (0–3 responses), 1,000 subcontracts (half accepted).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, update

SECTORS = ["Rénovation énergétique", "Communication", "Numérique", "Formation", "Artisanat d'art",
           "Services à la personne", "Agriculture", "Conseil"]  # fmt: skip
REGIONS = ["Auvergne-Rhône-Alpes", "Bretagne", "Occitanie", "Île-de-France", "Grand Est"]


@dataclass
class Federation:
    """What the benchmark reads: ids of typical objects and who may read them."""

    profiles: int
    owner_id: int = 1  # owns the benchmark tender
    manager_id: int = 2  # manages the CAE of user 2
    cae_id: int = 0
    tender_id: int = 0
    collective_id: int = 0
    offer_id: int = 0
    public_profile_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def common_skills(limit: int) -> list[str]:
    from marketplace.extensions import db
    from marketplace.profiles.models import ProfileSkill
    from marketplace.skills.models import Skill

    rows = db.session.execute(
        select(Skill.name)
        .join(ProfileSkill, ProfileSkill.skill_id == Skill.id)
        .group_by(Skill.id, Skill.name)
        .order_by(func.count(ProfileSkill.profile_id).desc())
        .limit(limit)
    )
    return [name for (name,) in rows]


def populate(n: int, seed: int = 11) -> Federation:
    """Profiles (Core) then the other objects (operations). Commits; the index is not built."""
    from bench.search_bench import generate, reset_sequences
    from marketplace.accounts.models import User
    from marketplace.collectives import operations as collectives
    from marketplace.extensions import db
    from marketplace.profiles import ranking
    from marketplace.profiles.models import Profile
    from marketplace.subcontracting.operations import create_offer, respond
    from marketplace.subcontracting.records import propose_subcontract, transition
    from marketplace.tenders.operations import apply, create_tender
    from marketplace.timeutil import utcnow

    fed = Federation(n)
    started = time.perf_counter()
    generate(n)
    reset_sequences()
    db.session.execute(update(User).where(User.id.in_([1, 2])).values(membership="verified"))
    db.session.execute(update(User).where(User.id == 2).values(role="manager"))
    ranking.refresh(db.session.connection())  # the Core inserts wrote no change rows
    db.session.commit()
    fed.seconds["profiles (Core inserts)"] = time.perf_counter() - started

    rng = random.Random(seed)
    verified = list(db.session.scalars(select(User.id).where(User.membership == "verified")))
    visible = list(  # (user id, profile id) of verified people whom other CAEs can see
        db.session.execute(
            select(User.id, Profile.id)
            .join(Profile, Profile.user_id == User.id)
            .where(User.membership == "verified", Profile.audience != "cae")
        )
    )
    manager_cae = db.session.get(User, 2).cae_id
    home = list(
        db.session.scalars(
            select(User.id).where(User.cae_id == manager_cae, User.membership == "verified")
        )
    )
    skills = common_skills(40)
    scale = max(1, n // 12_000)
    now = utcnow()

    def someone() -> User:
        return db.session.get(User, rng.choice(verified))

    def batch(label: str, count: int, make) -> None:
        started = time.perf_counter()
        for i in range(count):
            make(i)
            if i % 100 == 99:
                db.session.commit()
                db.session.expunge_all()
        db.session.commit()
        db.session.expunge_all()
        fed.counts[label] = count
        fed.seconds[label] = time.perf_counter() - started

    def collective(i: int) -> None:
        creator = someone()
        made = collectives.create_collective(creator, {
            "name": f"Collectif {rng.choice(SECTORS)} {i}", "description": "Entraide et marchés.",
            "sector": rng.choice(SECTORS), "region": rng.choice(REGIONS),
            "audience": rng.choice(("public", "network", "network")), "join_policy": "open",
        })  # fmt: skip
        db.session.flush()
        for user_id in set(rng.sample(verified, rng.randint(1, 7))) - {creator.id}:
            collectives.join(db.session.get(User, user_id), made)

    def tender(i: int) -> None:
        owner = db.session.get(User, 1) if i == 0 else someone()
        chosen = rng.sample(skills[:12], 6) if i else skills[:6]
        lots = [{"number": k + 1, "title": f"Lot {k + 1}", "skills": chosen[2 * k : 2 * k + 2]}
                for k in range(rng.choice((2, 3)) if i else 3)]  # fmt: skip
        made = create_tender(owner, {
            "title": f"Marché {i} : {chosen[0]}", "buyer": {"name": f"Ville {i}", "kind": "public"},
            "deadline": now + timedelta(days=rng.randint(5, 60)), "department": "69",
            "city": "Lyon", "estimated_amount_cents": rng.randint(2, 50) * 1_000_000,
            "audience": "network", "description": "Travaux et prestations.", "lots": lots,
        })  # fmt: skip
        db.session.flush()
        for user_id in set(rng.sample(verified, rng.randint(0, 4))) - {owner.id}:
            lot_ids = [rng.choice(made.lots).id]
            apply(db.session.get(User, user_id), made, {"lot_ids": lot_ids, "role": "cotraitant"})

    def offer(i: int) -> None:
        owner = someone()
        start = date(2027, 1, 4) + timedelta(days=rng.randint(0, 200))
        made = create_offer(owner, {
            "title": f"Renfort {rng.choice(skills)} {i}", "description": "Quelques jours.",
            "skills": rng.sample(skills, 2), "city": "Lyon", "department": "69",
            "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=3)).isoformat(),
            "budget_cents": rng.randint(5, 50) * 10_000, "audience": "network",
        })  # fmt: skip
        db.session.flush()
        for user_id in set(rng.sample(verified, rng.randint(0, 3))) - {owner.id}:
            respond(db.session.get(User, user_id), made, {"message": "Dispo", "price_cents": 1})

    def subcontract(i: int) -> None:
        client_id = rng.choice(verified)
        if i % 10 == 0:  # the manager's CAE gives work too, and the owner of the tender
            client_id = 1 if i % 50 == 0 else rng.choice(home)
        sub_id, sub_profile_id = rng.choice(visible)
        while sub_id == client_id:
            sub_id, sub_profile_id = rng.choice(visible)
        record = propose_subcontract(db.session.get(User, client_id), {
            "title": f"Prestation {i}", "amount_cents": rng.randint(1, 100) * 10_000,
            "subcontractor_profile_id": sub_profile_id,  # the rate of the place (8.5 % in 974)
        })  # fmt: skip
        db.session.flush()
        if rng.random() < 0.5:
            transition(db.session.get(User, sub_id), record, "accepted")

    batch("collectives", 300 * scale, collective)
    batch("tenders", 200 * scale, tender)
    batch("offers", 300 * scale, offer)
    batch("subcontracts", 1000 * scale, subcontract)

    from marketplace.collectives.models import Collective
    from marketplace.subcontracting.models import Offer
    from marketplace.tenders.models import Tender

    fed.cae_id = db.session.get(User, 2).cae_id
    fed.tender_id = db.session.scalar(select(func.min(Tender.id)))
    fed.collective_id = db.session.scalar(
        select(func.min(Collective.id)).where(Collective.audience == "public")
    )
    fed.offer_id = db.session.scalar(select(func.min(Offer.id)))
    fed.public_profile_id = db.session.scalar(
        select(func.min(Profile.id)).where(Profile.audience == "public")
    )
    return fed


def members_csv(rows: int, seed: int = 5) -> str:
    """A members file (the API contract's columns) of new people."""
    import csv
    import io

    from bench.search_vocabulary import CITIES, FIRST_NAMES, LAST_NAMES, profile_text

    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    header = "email,first_name,last_name,status,headline,bio,city,department,skills,certifications"
    writer.writerow([*header.split(","), "availability", "audience"])
    departments = list(CITIES)
    for i in range(rows):
        text = profile_text(rng)
        department = rng.choice(departments)
        writer.writerow([
            f"import{i}@example.org", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), "employee",
            text["headline"][:120], text["bio"][:500], CITIES[department], department,
            ";".join(f"{name}:{level}" for name, level in text["skills"][:6]),
            ";".join(text["certifications"][:3]), "available", "network",
        ])  # fmt: skip
    return out.getvalue()
