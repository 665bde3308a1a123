"""Demo collectives: energy renovation across three CAEs, training, and a digital studio.

Made through the collectives' operations (requests, invitations, proposals and votes), from
the demo people of the matching sector. A collective that exists (by name) is left as it is,
so loading twice adds nothing. Notifications are recorded but no e-mail leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.accounts.operations import find_user_by_email
from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.collectives import threads as th
from marketplace.collectives.models import Collective
from marketplace.collectives.schemas import CollectiveInput, DecisionInput
from marketplace.demo.datafiles import read_json
from marketplace.demo.generate import PersonSpec
from marketplace.extensions import db
from marketplace.notifications import quiet
from marketplace.timeutil import utcnow

#: The collectives, from the people of a sector in the first `caes` CAEs (data/collectives.json).
SPECS: tuple[dict[str, Any], ...] = read_json("collectives.json")
PER_CAE = 2


def _pick(people: Sequence[PersonSpec], sector: str, caes: int) -> list[str]:
    """E-mails of verified people of the sector, PER_CAE from each of the first CAEs."""
    by_cae: dict[int, list[str]] = {}
    for person in people:
        if person.sector == sector and person.membership == "verified":
            by_cae.setdefault(person.cae_index, []).append(person.email)
    chosen: list[str] = []
    for index in sorted(by_cae)[:caes]:
        chosen += by_cae[index][:PER_CAE]
    return chosen


def load_collectives(people: Sequence[PersonSpec], member_to_try: str | None = None) -> int:
    """Create the demo collectives that are missing; returns how many were created."""
    created = 0
    with quiet():
        for spec in SPECS:
            name = spec["data"]["name"]
            if db.session.scalar(select(Collective.id).where(Collective.name == name)):
                continue
            emails = _pick(people, spec["sector_key"], spec["caes"])
            if spec["sector_key"] == "renovation" and member_to_try:
                emails = [member_to_try, *emails]
            found = (find_user_by_email(e) for e in emails)
            users = [u for u in found if u is not None and u.is_verified]
            if len(users) < 2:
                continue
            _build(spec, users)
            created += 1
    return created


def _build(spec: dict, users: list[User]) -> None:
    creator, others = users[0], users[1:]
    collective = ops.create_collective(creator, CollectiveInput.load(spec["data"]))
    for i, person in enumerate(others):
        policy = collective.join_policy
        if policy == "open":
            ops.join(person, collective)
        elif policy == "request" and i % 2 == 0:
            request = ops.join(person, collective, "Bonjour, je serais ravi·e de vous rejoindre.")
            ops.decide_request(creator, request["request"], approve=True,
                               answer="Bienvenue !")  # fmt: skip
        else:
            invitation = ops.invite(creator, collective, person, "Ton expérience nous aiderait.")
            ops.respond_invitation(person, invitation, accept=True)
    if len(others) >= 2:
        ops.set_role(creator, collective, others[0], "coordinator")
    members = [creator, *others]
    later = (utcnow() + timedelta(days=7)).isoformat()
    if spec["closed"]:
        decision = dec.open_decision(creator, collective, DecisionInput.load({
            "title": spec["closed"], "closes_at": later, "quorum_percent": 50,
            "description": "Proposition discutée lors de notre dernière rencontre.",
        }))  # fmt: skip
        for i, person in enumerate(members):
            if i % 4 != 3:
                dec.vote(person, decision, "no" if i % 5 == 4 else "yes")
        # The vote took place last week: its closing time has passed.
        decision.closes_at = utcnow() - timedelta(days=1)
        db.session.flush()
        dec.ensure_closed(decision)
    if spec["open"]:
        decision = dec.open_decision(creator, collective, DecisionInput.load({
            "title": spec["open"], "closes_at": later,
            "description": "Votez avant la date limite : une personne, une voix.",
        }))  # fmt: skip
        for person in members[: len(members) // 2]:
            dec.vote(person, decision, "yes")
        if spec.get("comment"):
            dec.comment(members[-1], decision, {"body": spec["comment"]})
    _talk(spec, collective, members)
    db.session.flush()


def _talk(spec: dict, collective: Collective, members: list[User]) -> None:
    """The collective's threads: the creator opens them, the other members reply in turn."""
    for thread_spec in spec.get("threads", []):
        thread = th.open_thread(members[0], collective, {
            "title": thread_spec["title"], "body": thread_spec["body"],
        })  # fmt: skip
        for i, body in enumerate(thread_spec["replies"]):
            th.reply(members[1 + i % (len(members) - 1)], thread, {"body": body})
