"""Demo subcontracting: offers with responses and a year of records between the demo people.

Everything goes through the operations of marketplace.subcontracting (the same rules as the
pages), with a fixed seed; nothing is sent (notify.silenced). Loaded once: when a demo person
already owns an offer, nothing is added.

Work between two members of one CAE is internal: no VAT, and it ends at ``transferred``, moved by
that CAE's support team. Between two CAEs it is an invoice whose VAT regime fits the trade
(TRADE_REGIMES: building work subcontracted is reverse-charged, professional training exempt,
the rest at the normal rate of the place), with an invoice number per issuing CAE.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.demo.datafiles import read_csv
from marketplace.demo.members import IS_DEMO, SHOWN, has_demo_offer, verified_people
from marketplace.extensions import db
from marketplace.profiles.models import profile_of
from marketplace.subcontracting import notify
from marketplace.subcontracting.operations import accept_response, create_offer, respond
from marketplace.subcontracting.records import propose_subcontract, transition
from marketplace.subcontracting.schemas import (
    AcceptInput,
    OfferInput,
    OfferResponseInput,
    SubcontractInput,
)
from marketplace.timeutil import to_paris, utcnow

SEED = 2026
#: (title, description, how many days from now it starts, days of work, budget in euros, trade).
OFFERS: tuple[tuple[str, str, int, int, int, str, list[str]], ...] = tuple(
    (
        row["title"],
        row["description"],
        int(row["starts_in_days"]),
        int(row["days"]),
        int(row["budget_euros"]),
        row["trade"],
        row["skills"].split(";"),  # the competences the work asks for, fitting its title
    )
    for row in read_csv("offers.csv")
)
#: Titles of the records that did not come from an offer, a typical amount in euros, the trade.
WORKS: tuple[tuple[str, int, str], ...] = tuple(
    (row["title"], int(row["euros"]), row["trade"]) for row in read_csv("works.csv")
)
#: The VAT regime of an invoice between two CAEs, by trade (the rate: the place's normal one).
TRADE_REGIMES = {"building": "reverse_charge", "training": "exempt", "other": "standard"}
#: How far each record went, in the order of the moves (an internal record is transferred by
#: its CAE's managers where an invoice would be invoiced and paid).
PATHS = (
    ("accepted", "in_progress", "delivered", "invoiced", "paid"),
    ("accepted", "in_progress", "delivered", "invoiced", "paid"),
    ("accepted", "in_progress", "delivered", "invoiced"),
    ("accepted", "in_progress", "delivered"),
    ("accepted", "in_progress"),
    ("accepted",),
    ("declined",),
    ("cancelled",),
    (),
)


def _candidates() -> list[User]:
    """Verified members with a profile others may see, in a stable order."""
    return verified_people(User.role == "member", SHOWN)


def _already_loaded() -> bool:
    return has_demo_offer()


def _managers() -> dict[int, User]:
    """The support team's account of each demo CAE (the first by e-mail)."""
    stmt = (
        select(User)
        .where(IS_DEMO, User.role == "manager", User.is_active.is_(True))
        .order_by(User.email)
    )
    found: dict[int, User] = {}
    for user in db.session.scalars(stmt):
        if user.cae_id is not None:
            found.setdefault(user.cae_id, user)
    return found


class _Mover:
    """Moves the demo records along their path, numbering each CAE's invoices in turn."""

    def __init__(self) -> None:
        self.managers = _managers()
        self.numbers: dict[int | None, int] = defaultdict(int)

    def _invoice_number(self, record) -> str:
        cae_id = record.subcontractor_cae_id
        self.numbers[cae_id] += 1
        year = to_paris(utcnow()).year
        return f"FA-{year}-{cae_id or 0:02d}-{self.numbers[cae_id]:04d}"

    def move(self, record, client: User, sub: User, path: tuple[str, ...]) -> None:
        if record.internal and "invoiced" in path:
            path = (*path[: path.index("invoiced")], "transferred")
        for to in path:
            if to == "transferred":
                manager = self.managers.get(record.client_cae_id)
                if manager is None:
                    return
                transition(manager, record, to)
            elif to == "invoiced":
                transition(sub, record, to, self._invoice_number(record))
            else:
                actor = client if to == "paid" or (to == "cancelled" and record.id % 2) else sub
                transition(actor, record, to)


def load_subcontracting() -> int:
    """Create the demo offers and records if absent; returns how many records were created."""
    people = _candidates()
    if len(people) < 4 or _already_loaded():
        return 0
    rng = random.Random(SEED)
    today = to_paris(utcnow()).date()
    created = 0
    mover = _Mover()
    with notify.silenced():
        for i, (title, description, start_in, days, budget, trade, skills) in enumerate(OFFERS):
            owner = people[i % len(people)]
            others = [p for p in people if p.id != owner.id]
            profile = profile_of(owner)
            offer = create_offer(
                owner,
                OfferInput.load({
                    "title": title, "description": description, "skills": skills,
                    "city": profile.city, "department": profile.department,
                    "starts_on": today + timedelta(days=start_in - 60 * (i % 3)),
                    "ends_on": today + timedelta(days=start_in - 60 * (i % 3) + days),
                    "budget_cents": budget * 100, "audience": "network",
                }),
            )  # fmt: skip
            responders = rng.sample(others, k=min(3, len(others)))
            responses = [
                respond(r, offer, OfferResponseInput.load({
                    "message": "Je suis disponible à ces dates et j'ai déjà réalisé ce type "
                               "de mission.",
                    "price_cents": budget * rng.randint(85, 110)}))
                for r in responders
            ]  # fmt: skip
            if i % 4 == 3:  # some offers stay open, waiting for their author's choice
                continue
            chosen = responses[rng.randrange(len(responses))]
            terms = AcceptInput.load({"vat_regime": TRADE_REGIMES[trade]})
            record = accept_response(owner, offer, chosen.id, terms)
            mover.move(record, owner, chosen.responder.user, PATHS[i % 6])
            created += 1
        for day in range(0, 365, 9):  # a year of records, about one every nine days
            client, sub = rng.sample(people, 2)
            colleagues = [p for p in people if p.cae_id == client.cae_id and p.id != client.id]
            if colleagues and rng.random() < 0.6:  # most work stays inside one's CAE
                sub = rng.choice(colleagues)
            title, euros, trade = WORKS[day % len(WORKS)]
            starts_on = today - timedelta(days=day)
            record = propose_subcontract(
                client,
                SubcontractInput.load({
                    "title": title, "subcontractor_profile_id": profile_of(sub).id,
                    "amount_cents": euros * rng.randint(80, 125) + rng.choice((0, 50, 99)),
                    "vat_regime": TRADE_REGIMES[trade], "starts_on": starts_on,
                    "ends_on": starts_on + timedelta(days=rng.randint(1, 15)),
                }),
            )  # fmt: skip
            path = PATHS[0] if day > 120 else PATHS[rng.randrange(len(PATHS))]
            mover.move(record, client, sub, path)
            created += 1
    return created
