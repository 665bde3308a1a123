"""Replacement requests: offers of kind ``replacement``.

An entrepreneur who cannot work asks for someone to cover their clients' work over a period.
The request reaches first the members of the requester's own collectives and the members of
their CAE who hold one of its competences (``announce``, in the request), then the network
through the alerts and suggestions of marketplace.alerts (which leave that first circle out).
Candidates are ranked by their availability over the period, then by distance. When the
requester accepts a response (operations.accept_response) the chosen person's calendar shows
the period as taken, and the work becomes a subcontract record (internal inside one CAE, an
invoice between two). Once the period is over, each side says whether it went well.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.collectives.models import CollectiveMember
from marketplace.errors import Conflict, PermissionDenied
from marketplace.extensions import db
from marketplace.notifications import notify_many, register_kind
from marketplace.notifications import site_path as _path
from marketplace.places.gazetteer import distance_km
from marketplace.profiles.availability import availability_over, today
from marketplace.profiles.models import AvailabilityPeriod, PeriodKind, Profile, ProfileSkill
from marketplace.statemachine import change_state
from marketplace.subcontracting.models import Offer, OfferResponse
from marketplace.subcontracting.schemas import OutcomeInput
from marketplace.subcontracting.visibility import can_view_offer
from marketplace.timeutil import utcnow
from marketplace.visibility import own_profile

register_kind(
    "replacement.asked",
    _l("%(person)s asks for a replacement: “%(title)s”, %(period)s."),
)
register_kind(
    "replacement.urgent",
    _l("Urgent replacement: %(person)s asks for “%(title)s”, %(period)s."),
)

#: The most people told at once in the first circle (the best ranked).
CIRCLE_LIMIT = 50
#: Availability over the period → rank (available first).
AVAILABILITY_RANK = {"available": 0, "partial": 1, "unavailable": 2}
OWNER, REPLACEMENT = "owner", "replacement"


def period_text(offer: Offer) -> object:
    """ "from 07/12/2026 to 11/12/2026" (lazy: written in the recipient's language)."""
    return _l(
        "from %(start)s to %(end)s",
        start=_day(offer.starts_on),
        end=_day(offer.ends_on),
    )


def _day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def availability_for(profile: Profile, offer: Offer) -> str:
    """available, partial or unavailable over the request's period."""
    if offer.starts_on is None or offer.ends_on is None:
        return profile.availability
    rows = [(p.starts_on, p.ends_on, p.kind) for p in profile.availability_periods]
    return availability_over(profile.availability, rows, offer.starts_on, offer.ends_on)


def distance_to(profile: Profile, offer: Offer) -> float | None:
    if None in (profile.latitude, profile.longitude, offer.latitude, offer.longitude):
        return None
    return distance_km(profile.latitude, profile.longitude, offer.latitude, offer.longitude)  # type: ignore[arg-type]


def ranked(offer: Offer, profiles: Iterable[Profile]) -> list[tuple[Profile, str, float | None]]:
    """(profile, availability over the period, km) best first: available before partly
    available before unavailable, then nearer (unknown distance last), then by id."""
    rows = [(p, availability_for(p, offer), distance_to(p, offer)) for p in profiles]
    rows.sort(
        key=lambda r: (
            AVAILABILITY_RANK.get(r[1], 1),
            r[2] if r[2] is not None else float("inf"),
            r[0].id,
        )
    )
    return rows


def circle_user_ids(offer: Offer) -> set[int]:
    """The first circle of a replacement: the members of the requester's collectives, and the
    members of their CAE who hold one of the competences asked (everyone but the requester)."""
    owner = offer.owner.user
    collectives = select(CollectiveMember.collective_id).where(CollectiveMember.user_id == owner.id)
    clauses: list[ColumnElement[bool]] = [
        User.id.in_(
            select(CollectiveMember.user_id).where(CollectiveMember.collective_id.in_(collectives))
        )
    ]
    skill_ids = [s.skill_id for s in offer.skills]
    if owner.cae_id is not None and skill_ids:
        holders = (
            select(Profile.user_id)
            .join(ProfileSkill, ProfileSkill.profile_id == Profile.id)
            .where(ProfileSkill.skill_id.in_(skill_ids))
        )
        clauses.append((User.cae_id == owner.cae_id) & User.id.in_(holders))
    stmt = select(User.id).where(or_(*clauses), User.id != owner.id)
    return set(db.session.scalars(stmt))


def circle(offer: Offer) -> list[tuple[Profile, str, float | None]]:
    """The first circle's verified members who may see the request, best ranked first."""
    ids = circle_user_ids(offer)
    if not ids:
        return []
    profiles = db.session.scalars(select(Profile).where(Profile.user_id.in_(ids))).unique()
    people = [p for p in profiles if p.user.is_verified and can_view_offer(p.user, offer)]
    return ranked(offer, people)[:CIRCLE_LIMIT]


def announce(offer: Offer) -> int:
    """Tell the first circle of a new replacement request (at once when it is urgent): the
    notifications in one statement and their e-mails in another (notify_many), whatever the
    size of the circle."""
    kind = "replacement.urgent" if offer.urgent else "replacement.asked"
    url = _path("offers.show", offer_id=offer.id)
    args = {
        "urgent": offer.urgent,
        "person": offer.owner.display_name,
        "title": offer.title,
        "period": period_text(offer),
    }
    return notify_many([(profile.user, args) for profile, _a, _km in circle(offer)], kind, url)


def take_period(offer: Offer, response: OfferResponse) -> AvailabilityPeriod:
    """The chosen person's calendar shows the request's period as taken."""
    profile = response.responder
    period = AvailabilityPeriod(
        starts_on=offer.starts_on,
        ends_on=offer.ends_on,
        kind=PeriodKind.UNAVAILABLE.value,
        note=_("Replacement: %(title)s", title=offer.title)[:200],
    )
    profile.availability_periods.append(period)
    profile.updated_at = utcnow()  # its search document and matching see the new period
    return period


def side_of(viewer: Viewer, offer: Offer) -> str | None:
    """owner (the requester), replacement (the chosen person) or None."""
    profile = own_profile(viewer)
    if profile is None or not offer.is_replacement:
        return None
    if profile.id == offer.owner_profile_id:
        return OWNER
    chosen = offer.chosen_response
    if chosen is not None and chosen.responder_profile_id == profile.id:
        return REPLACEMENT
    return None


def period_over(offer: Offer) -> bool:
    return offer.ends_on is not None and today() >= offer.ends_on


def can_tell_outcome(viewer: Viewer, offer: Offer) -> bool:
    """Whether the viewer may say now how the replacement went (for the page's form)."""
    side = side_of(viewer, offer)
    if side is None or offer.status != "filled" or not period_over(offer):
        return False
    return getattr(offer, f"{side}_outcome") is None


def record_outcome(actor: Viewer, offer: Offer, data: OutcomeInput | dict) -> Offer:
    """The requester or the chosen replacement says whether it went well, once, on or after
    the period's last day."""
    body = data if isinstance(data, OutcomeInput) else OutcomeInput.load(data)
    side = side_of(actor, offer)
    if side is None:
        raise PermissionDenied(
            _("Only the requester and the chosen replacement say how a replacement went.")
        )
    if offer.status != "filled":
        raise Conflict(_("Nobody was chosen for this replacement."))
    if not period_over(offer):
        raise Conflict(_("You can say how it went from the last day of the period."))
    said = Conflict(_("You have already said how this replacement went."))
    # One winner: the outcome is written only if it is still unsaid.
    change_state(offer, f"{side}_outcome", None, body.went_well, said)  # type: ignore[arg-type]
    return offer
