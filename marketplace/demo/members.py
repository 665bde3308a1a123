"""The demo's own people, read back from the database by the loaders that build on them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from marketplace.accounts.models import User
from marketplace.demo.generate import DOMAIN
from marketplace.extensions import db
from marketplace.profiles.models import Profile
from marketplace.subcontracting.models import Offer

#: A demo account (every generated e-mail address is on the demo's domain).
IS_DEMO = User.email.like(f"%@{DOMAIN}")
#: A profile other members may see.
SHOWN = Profile.audience.in_(("network", "public"))


def verified_people(*criteria: ColumnElement[bool]) -> list[User]:
    """Verified, active demo people with a profile, meeting ``criteria``, in e-mail order."""
    stmt = (
        select(User)
        .join(Profile, Profile.user_id == User.id)
        .where(IS_DEMO, User.membership == "verified", User.is_active.is_(True), *criteria)
        .order_by(User.email)
    )
    return list(db.session.scalars(stmt))


def has_demo_offer(*criteria: ColumnElement[bool]) -> bool:
    """Whether a demo person already owns an offer meeting ``criteria`` (a loader ran)."""
    stmt = (
        select(Offer.id)
        .join(Profile, Profile.id == Offer.owner_profile_id)
        .join(User, User.id == Profile.user_id)
        .where(IS_DEMO, *criteria)
        .limit(1)
    )
    return db.session.scalar(stmt) is not None
