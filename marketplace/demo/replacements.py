"""Demo replacement request: a member of the energy-renovation collective, off sick from
tomorrow, asks for an urgent replacement; another member of the same collective answers.

Goes through the operations of marketplace.subcontracting (the same rules as the pages); the
request stays open, waiting for its author's choice. Nothing is e-mailed (notifications quiet,
the subcontracting notices silenced). Loaded once: when a demo person already asked for a
replacement, nothing is added.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.collectives.models import Collective, CollectiveMember
from marketplace.demo.collectives import SPECS
from marketplace.demo.members import SHOWN, has_demo_offer, verified_people
from marketplace.extensions import db
from marketplace.notifications import quiet
from marketplace.profiles.models import profile_of
from marketplace.subcontracting import notify
from marketplace.subcontracting.models import Offer, OfferKind
from marketplace.subcontracting.operations import create_offer, respond
from marketplace.subcontracting.schemas import OfferInput, OfferResponseInput
from marketplace.timeutil import to_paris, utcnow

#: The collective whose members step in for each other (the first of the demo's).
COLLECTIVE = SPECS[0]["data"]["name"]
TITLE = "Remplacement urgent : suivi de deux chantiers d’isolation pendant mon arrêt"
DESCRIPTION = (
    "Arrêt maladie à partir de demain : deux chantiers d’isolation par l’extérieur sont en "
    "cours chez des particuliers. Il faut passer sur place, répondre aux artisans et tenir "
    "les clients informés."
)
#: The competences the work asks for, fitting its title.
SKILLS = ["Isolation thermique", "Rénovation énergétique"]
ANSWER = (
    "Je connais bien ce type de chantier et je suis libre ces jours-là : je peux passer dès "
    "demain matin."
)


def _members(collective_id: int) -> list[User]:
    """The collective's verified demo members whose profile others may see, by e-mail."""
    of_collective = select(CollectiveMember.user_id).where(
        CollectiveMember.collective_id == collective_id
    )
    return verified_people(User.id.in_(of_collective), SHOWN)


def _already_loaded() -> bool:
    return has_demo_offer(Offer.kind == OfferKind.REPLACEMENT.value)


def load_replacement(member_to_try: str | None = None) -> int:
    """The urgent request and its answer if absent; returns how many requests were created.
    The member to try answers it when they belong to the collective."""
    collective_id = db.session.scalar(select(Collective.id).where(Collective.name == COLLECTIVE))
    if collective_id is None or _already_loaded():
        return 0
    members = _members(collective_id)
    requesters = [m for m in members if m.email != member_to_try]
    if len(members) < 2 or not requesters:
        return 0
    requester = requesters[0]
    answering = [m for m in members if m.email == member_to_try] or requesters[1:]
    if not answering:
        return 0
    profile = profile_of(requester)
    tomorrow = to_paris(utcnow()).date() + timedelta(days=1)
    with quiet(), notify.silenced():
        offer = create_offer(
            requester,
            OfferInput.load({
                "kind": OfferKind.REPLACEMENT.value, "title": TITLE, "description": DESCRIPTION,
                "skills": SKILLS,
                "city": profile.city, "department": profile.department,
                "starts_on": tomorrow, "ends_on": tomorrow + timedelta(days=9),
                "budget_cents": 150000, "workload": "2 demi-journées par semaine",
                "client_contact": True, "audience": "network",
            }),
        )  # fmt: skip
        respond(answering[0], offer, OfferResponseInput.load({
            "message": ANSWER, "price_cents": 140000,
        }))  # fmt: skip
    return 1
