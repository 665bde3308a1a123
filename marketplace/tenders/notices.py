"""Public notices (BOAMP) and the members' tenders built from them ("Monter une équipe").

A notice is read-only for everyone (no one edits it, applies to it or joins it: its rows come
from the importer, tenders/boamp_import.py). A verified member builds their own joint tender
from it: the buyer, reference, deadline (Paris time, as stored), lots with their competences
and link are copied; the member is its owner, the first member of the team and its lead, as
with a tender they post. One such tender per member and notice (a unique constraint).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.actors import Viewer
from marketplace.errors import Conflict, DeadlinePassed, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.statemachine import insert_once
from marketplace.tenders.models import Tender, TenderEvent, TenderLot, TenderMember
from marketplace.tenders.operations import deadline_passed
from marketplace.tenders.schemas import TeamFromNotice
from marketplace.visibility import own_profile


def source_of(tender: Tender) -> dict[str, Any] | None:
    """The ``source`` of the API: where an imported notice comes from; None for members'."""
    if tender.source_name is None:
        return None
    return {"name": tender.source_name, "idweb": tender.source_id, "url": tender.source_url}


def team_tender_of(viewer: Viewer, notice: Tender) -> Tender | None:
    """The tender this person already built from this notice, if any."""
    profile = own_profile(viewer)
    if profile is None or not notice.is_notice:
        return None
    return db.session.scalar(
        select(Tender).where(Tender.notice_id == notice.id, Tender.owner_profile_id == profile.id)
    )


def build_team(actor: Viewer, notice: Tender, data: TeamFromNotice | None = None) -> Tender:
    """The caller's joint tender built from a visible public notice (get_tender first)."""
    profile = own_profile(actor)
    if profile is None:
        raise PermissionDenied(_("Sign in with a profile to do this."))
    if not actor.is_verified:
        raise PermissionDenied(_("Your CAE must verify your membership before you can post."))
    if not notice.is_notice:
        raise Conflict(_("Only a public notice builds a team this way: apply to this tender."))
    if notice.status != "open":
        raise Conflict(_("This notice is closed: its buyer cancelled it."))
    if deadline_passed(notice):
        raise DeadlinePassed(_("The deadline of this notice has passed."))
    body = data or TeamFromNotice()
    deadline = notice.deadline or body.deadline
    if deadline is None:
        message = _("This notice gives no deadline: give the deadline for offers.")
        raise ValidationError(message, {"deadline": [message]})
    if team_tender_of(actor, notice) is not None:
        raise Conflict(_("You have already built a team from this notice."))
    tender = Tender(
        owner=profile,
        notice_id=notice.id,
        status="open",
        title=notice.title,
        buyer_name=notice.buyer_name,
        buyer_kind=notice.buyer_kind,
        reference=notice.reference,
        source_url=notice.source_url,
        procedure=notice.procedure,
        deadline=deadline,
        city=notice.city,
        department=notice.department,
        estimated_amount_cents=notice.estimated_amount_cents,
        description=notice.description,
        audience=body.audience or "network",
        lots=[
            TenderLot(
                number=lot.number,
                title=lot.title,
                estimated_amount_cents=lot.estimated_amount_cents,
                skills=list(lot.skills),
            )
            for lot in notice.lots
        ],
        members=[TenderMember(profile=profile, role="cotraitant")],
    )
    db.session.flush()  # the reads above came first: the insert is the first write
    # The same member's second click, at the same time: the unique key decides.
    insert_once(tender, Conflict(_("You have already built a team from this notice.")))
    tender.lead_profile_id = profile.id
    tender.events.append(TenderEvent(actor_id=actor.id, from_state=None, to_state="open"))
    db.session.flush()
    return tender
