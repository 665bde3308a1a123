"""Generated federation data: profiles by Core inserts, then collectives, tenders, offers and
subcontracts through the product's operations (so every invariant, history row and notification
is the real one), the change log off; the index is rebuilt afterwards.

Per 12,000 profiles: 300 collectives (2–8 members each), 200 tenders (2–3 lots, 0–4
applications), 300 offers (0–3 responses), 1,000 subcontracts (half accepted), 150 public
notices (the BOAMP import of the test sample's records). Then at every size (``rooms``):
1,000,000 messages in conversations of two (Core inserts; the benchmark member's inbox of 50
threads, one of them 200 messages long), a photo on one profile in 20 (the product's JPEGs in
its storage; the page's profile through ``set_photo``), 20 delivered subcontracts of that profile
with both parties' consent and the client's recommendation (the product's operations), and
10,000 saved alerts (Core inserts, as bench/alerts_bench.py draws them).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, text, update

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
    thread_id: int = 0  # the benchmark member's (owner's) thread of 200 messages
    photo_version: str = ""  # of the public profile's photo
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


def populate(n: int, seed: int = 11, messages: int = 1_000_000) -> Federation:
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
    locate_profiles()
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
    started = time.perf_counter()
    fed.counts["public notices"] = notices(150 * scale)
    fed.seconds["public notices"] = time.perf_counter() - started

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
        select(func.min(Profile.id))
        .join(User, User.id == Profile.user_id)
        .where(Profile.audience == "public", User.membership == "verified")
    )
    rooms(fed, rng, verified, messages)
    return fed


def notices(count: int) -> int:
    """Public notices as `flask tenders import-boamp` writes them (the BOAMP bench's records)."""
    from bench.boamp_bench import records
    from marketplace.extensions import db
    from marketplace.tenders.boamp_import import import_records

    report = import_records(records(count))
    db.session.commit()
    assert not report.errors, report.errors[:3]
    return report.created


def locate_profiles() -> None:
    """The centre of each generated profile's city, as the product stores it on every write
    (marketplace.places.filters.track_location): the Core inserts leave it out."""
    from marketplace.extensions import db
    from marketplace.places.gazetteer import locate
    from marketplace.profiles.models import Profile

    places = db.session.execute(select(Profile.city, Profile.department).distinct()).all()
    for city, department in places:
        point = locate(city, department)
        if point is not None:
            db.session.execute(
                update(Profile)
                .where(Profile.city == city, Profile.department == department)
                .values(latitude=point[0], longitude=point[1])
            )
    db.session.commit()


def rooms(fed: Federation, rng: random.Random, verified: list[int], messages: int) -> None:
    """Messages, photos, references and recommendations, alerts (see the module's text)."""
    steps = (
        ("messages", lambda: conversations(fed, rng, verified, messages)),
        ("photos", lambda: photos(fed, 20)),
        ("references", lambda: references(fed, rng, verified, 20)),
        ("alerts", lambda: alerts(verified, 10_000)),
    )
    for label, step in steps:
        started = time.perf_counter()
        fed.counts[label] = step()
        fed.seconds[label] = time.perf_counter() - started


def _body(n: int) -> str:
    text = f"Bonjour, je reviens vers vous pour le chantier n° {n} de la semaine prochaine. "
    if n % 10 == 0:
        text += f"Le plan est ici : https://exemple.org/plans/{n}.pdf, dites-moi."
    return text


def conversations(fed: Federation, rng: random.Random, verified: list[int], total: int) -> int:
    """Conversations of two and their messages, by Core inserts with the columns that
    marketplace.conversations.operations writes (authors alternate, the last message dates the
    conversation and both participants, the author has read it, the other has not). The owner
    (user 1) has 50 conversations, the first a thread of 200 messages; the other threads hold
    20 messages each between two other verified members."""
    from marketplace.conversations.models import Conversation, Message, Participant
    from marketplace.extensions import db
    from marketplace.timeutil import utcnow

    now = utcnow()
    first_conversation = (db.session.scalar(select(func.max(Conversation.id))) or 0) + 1
    first_message = (db.session.scalar(select(func.max(Message.id))) or 0) + 1
    others = [u for u in verified if u != 1]
    sizes = [200] + [20] * ((total - 200) // 20)
    sizes[-1] += total - sum(sizes)
    conversation_rows, participant_rows, message_rows = [], [], []
    message_id = first_message
    for c, size in enumerate(sizes):
        conversation_id = first_conversation + c
        if c < 50:
            a, b = 1, rng.choice(others)
        else:
            a, b = rng.sample(others, 2)
        # The owner's threads are the most recent; the others spread over the last year.
        last = now - timedelta(minutes=c if c < 50 else rng.randint(60, 525_600))
        started = last - timedelta(minutes=size)
        for k in range(size):
            message_rows.append({
                "id": message_id + k, "conversation_id": conversation_id,
                "author_id": a if k % 2 == 0 else b, "body": _body(message_id + k),
                "sent_at": started + timedelta(minutes=k + 1),
            })  # fmt: skip
        message_id += size
        last_author = a if (size - 1) % 2 == 0 else b
        reader = b if last_author == a else a
        conversation_rows.append({"id": conversation_id, "subject": f"Chantier {c}",
                                  "started_by_id": a, "created_at": started,
                                  "last_message_at": last})  # fmt: skip
        participant_rows += [
            {"conversation_id": conversation_id, "user_id": last_author, "last_message_at": last,
             "unread": 0, "last_read_message_id": message_id - 1, "last_read_at": last},
            {"conversation_id": conversation_id, "user_id": reader, "last_message_at": last,
             "unread": c % 3, "last_read_message_id": message_id - 1 - c % 3,
             "last_read_at": last},
        ]  # fmt: skip
        if len(message_rows) >= 20_000:
            _flush_rooms(Conversation, conversation_rows, Participant, participant_rows, Message,
                         message_rows)  # fmt: skip
    _flush_rooms(Conversation, conversation_rows, Participant, participant_rows, Message,
                 message_rows)  # fmt: skip
    if db.engine.dialect.name == "postgresql":  # the ids were given: the sequences follow
        for model in (Conversation, Message):
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    fed.thread_id = first_conversation
    return total


def _flush_rooms(*models_and_rows) -> None:
    """Insert each (model, rows) pair of the arguments in turn and empty the lists."""
    from marketplace.extensions import db

    for model, rows in zip(models_and_rows[::2], models_and_rows[1::2], strict=True):
        if rows:
            db.session.execute(model.__table__.insert(), rows)
            rows.clear()


def photos(fed: Federation, every: int) -> int:
    """One profile in ``every`` gets a photo: the page's profile through the product's
    ``set_photo`` (its two JPEG sizes in the storage), the others with the same JPEGs stored
    under their own version (what ``set_photo`` writes, without decoding the image again)."""
    import secrets
    from io import BytesIO

    from PIL import Image

    from marketplace.actors import SYSTEM
    from marketplace.extensions import db
    from marketplace.profiles.models import Profile
    from marketplace.profiles.photos import CONTENT_TYPE, photo_key, render, set_photo
    from marketplace.storage import storage

    image = Image.new("RGB", (800, 600), (200, 120, 60))
    for x in range(0, 800, 40):  # some detail, so that the JPEG is not trivially small
        image.paste((40 + x % 200, 90, 160), (x, 0, x + 20, 600))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    profile = db.session.get(Profile, fed.public_profile_id)
    set_photo(SYSTEM, profile, data)
    db.session.commit()
    fed.photo_version = profile.photo_version or ""
    images = render(data)
    store = storage()
    ids = list(db.session.scalars(select(Profile.id).where(Profile.id % every == 0)))
    versions = {}
    for profile_id in ids:
        if profile_id == fed.public_profile_id:
            continue
        version = secrets.token_urlsafe(9)
        for size, blob in images.items():
            store.put(photo_key(profile_id, version, size), blob, CONTENT_TYPE)
        versions[profile_id] = version
    for profile_id, version in versions.items():
        db.session.execute(
            update(Profile).where(Profile.id == profile_id).values(photo_version=version)
        )
    db.session.commit()
    return len(versions) + 1


def references(fed: Federation, rng: random.Random, verified: list[int], count: int) -> int:
    """``count`` subcontracts delivered by the page's profile to verified clients, each with
    both parties' consent (amount shown) and the client's recommendation, through the
    product's operations."""
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.profiles.models import Profile
    from marketplace.subcontracting.records import propose_subcontract, transition
    from marketplace.trust.operations import recommend, set_subcontract_consent
    from marketplace.trust.schemas import ConsentInput, RecommendationInput

    profile = db.session.get(Profile, fed.public_profile_id)
    subcontractor = db.session.get(User, profile.user_id)
    clients = [u for u in rng.sample(verified, count * 2) if u != subcontractor.id][:count]
    for i, client_id in enumerate(clients):
        client = db.session.get(User, client_id)
        record = propose_subcontract(client, {
            "title": f"Chantier livré {i}", "amount_cents": rng.randint(5, 80) * 100_000,
            "subcontractor_profile_id": profile.id,
        })  # fmt: skip
        db.session.flush()
        for status in ("accepted", "in_progress", "delivered"):
            transition(subcontractor, record, status)
        consent = ConsentInput(show=True, show_amount=True)
        set_subcontract_consent(client, record, consent)
        set_subcontract_consent(subcontractor, record, consent)
        text_ = f"Travail soigné et livré à temps sur le chantier {i}, je recommande."
        recommend(client, record, RecommendationInput(body=text_))
        db.session.commit()
    return len(clients)


def alerts(verified: list[int], count: int) -> int:
    """Saved alerts of verified members (the alerts benchmark's draw); the owner (user 1) has
    twenty of them, the alerts list of the benchmark."""
    from bench.alerts_bench import make_alerts

    skills = common_skills(10)
    make_alerts(20, [1], skills, seed=4)
    make_alerts(count - 20, [u for u in verified if u != 1], skills)
    return count


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
