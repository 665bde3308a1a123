"""After a replacement: the side who said it went well is led to recommend the other on the
subcontract record the replacement produced (allowed once that record is delivered)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.actors import Viewer
from marketplace.extensions import db
from marketplace.subcontracting.models import Offer, Subcontract
from marketplace.subcontracting.replacements import OWNER, side_of
from marketplace.trust.models import DONE_STATUSES
from marketplace.trust.operations import can_recommend

#: Records that never became work: they lead nowhere.
_DROPPED = ("declined", "cancelled")


@dataclass(frozen=True)
class RecommendationStep:
    """What the side who said it went well may do next."""

    record: Subcontract
    #: The record is delivered (or later): the recommendation form is open to them.
    delivered: bool
    #: They may write it now (delivered, and not written yet).
    allowed: bool
    #: The viewer is the replacement (the subcontractor of the record) or the requester.
    side: str


def replacement_record(offer: Offer) -> Subcontract | None:
    """The subcontract record the chosen response produced (the latest still standing)."""
    chosen = offer.chosen_response
    if chosen is None:
        return None
    return db.session.scalars(
        select(Subcontract)
        .where(
            Subcontract.offer_id == offer.id,
            Subcontract.subcontractor_profile_id == chosen.responder_profile_id,
            Subcontract.status.not_in(_DROPPED),
        )
        .order_by(Subcontract.id.desc())
        .limit(1)
    ).first()


def recommendation_step(viewer: Viewer, offer: Offer) -> RecommendationStep | None:
    """For the requester or the chosen replacement who said the replacement went well: the
    record on which to recommend the other, and whether the form is open yet; else None."""
    side = side_of(viewer, offer)
    if side is None or getattr(offer, f"{side}_outcome") is not True:
        return None
    record = replacement_record(offer)
    if record is None:
        return None
    return RecommendationStep(
        record=record,
        delivered=record.status in DONE_STATUSES,
        allowed=can_recommend(viewer, record),
        side=side,
    )


def recommendation_message(step: RecommendationStep) -> str:
    """What the side who said it went well can do now, in the reader's language."""
    record = step.record
    other = record.subcontractor if step.side == OWNER else record.client
    name = other.display_name
    if step.allowed:
        return _(
            "It went well: recommend %(name)s in a few words, shown on their profile with "
            "this work.",
            name=name,
        )
    if step.delivered:
        return _("You have recommended %(name)s for this work.", name=name)
    if step.side == OWNER:
        return _(
            "The record of this work is not delivered yet: you can recommend %(name)s once "
            "they mark it delivered on the record.",
            name=name,
        )
    return _(
        "The record of this work is not delivered yet: mark it delivered on the record, then "
        "you can recommend %(name)s.",
        name=name,
    )
