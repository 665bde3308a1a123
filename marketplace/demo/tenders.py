"""Demo joint tenders: one won, one open with a half-built team across CAEs, one within one CAE
(with an internal split), one for a private buyer (law of 1975), one restricted procedure (the
team is fixed at the applications' deadline); lots carry the VAT of their trade.

Made through the tender operations (post, apply, decide, move); a tender is found again by its
owner and title, so a second run adds nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.actors import SYSTEM
from marketplace.approvals import notify as approval_notify
from marketplace.approvals.tenders import approve_team
from marketplace.demo.datafiles import read_json
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

#: The tenders as a client posts them (without their deadline), each with the team that forms:
#: the owner's lots, partners found by competence in the owner's CAE ("same") or in another one
#: ("other"), who apply and are accepted unless "pending" (a subcontractor "works_for" the owner
#: or the partner at that index); then the form and the status moves. "applications_in_days":
#: the applications' deadline of a two-phase procedure.
TENDERS: list[dict[str, Any]] = read_json("tenders.json", tuples=False)


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


def _works_for(owner, tender, partner, boss, found) -> None:
    """A subcontractor works for the owner ("owner") or for the partner found at that index."""
    if boss is None:
        return
    target = owner if boss == "owner" else found[boss]
    if target is None or not any(m.profile_id == partner.profile.id for m in tender.members):
        return
    change = {"profile_id": profile_of(partner).id, "works_for_profile_id": profile_of(target).id}
    set_members(owner, tender, [change])


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
    with notify.silenced(), approval_notify.silenced():
        return _load(owner)


def _load(owner: User) -> int:
    created = 0
    for spec in TENDERS:
        if _existing(owner, spec["tender"]["title"]) is None:
            _build(owner, spec)
            created += 1
    return created


def _build(owner: User, spec: dict[str, Any]) -> None:
    """Post the tender, then form its team: the owner's lots, partners who apply, moves."""
    data = {**spec["tender"], "deadline": _deadline(spec["deadline_in_days"])}
    if "applications_in_days" in spec:
        data["applications_deadline"] = _deadline(spec["applications_in_days"])
    tender = _post(owner, data)
    lots = {lot.number: lot for lot in tender.lots}
    if "owner" in spec:
        mine = {
            "profile_id": profile_of(owner).id,
            "lot_ids": [lots[n].id for n in spec["owner"]["lots"]],
            "share_cents": spec["owner"]["share_cents"],
        }
        set_members(owner, tender, [mine])
    # Each partner is someone else than the owner and the partners found before.
    chosen = {owner.id}
    found: list[User | None] = []
    for wanted in spec.get("partners", ()):
        partner = _person(
            wanted["skill"],
            same_cae_as=owner if wanted["cae"] == "same" else None,
            other_than={owner.cae_id} if wanted["cae"] == "other" else frozenset(),
            exclude=chosen,
        )
        _apply_and_decide(
            owner,
            tender,
            partner,
            [lots[n] for n in wanted["lots"]],
            wanted["role"],
            wanted.get("share_cents"),
            accept=None if wanted.get("pending") else True,
        )
        found.append(partner)
        if partner is not None:
            chosen.add(partner.id)
            _works_for(owner, tender, partner, wanted.get("works_for"), found)
    if "form" in spec:
        tender.form = spec["form"]
    for to in spec.get("moves", ()):
        if to == "submitted":  # the CAEs' support teams signed the offer
            approve_team(SYSTEM, tender)
        change_status(owner, tender, to)
