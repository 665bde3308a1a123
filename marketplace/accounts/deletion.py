"""Delete my account: personal data goes, records others depend on keep an anonymised party.

The account row and its profile row stay (subcontract records, tender teams, collective
decisions and histories point at them) but carry nothing personal any more: the name becomes
"Compte supprimé", the e-mail an address that cannot receive mail, the password unusable, the
account inactive (the visibility rule then hides whatever it still owns from everyone but its
CAE's managers and admins). Tokens, notifications, competences and the profile's text are
deleted; the person leaves their collectives (a last coordinator hands over to the longest-
standing member) and their open offers are closed.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import delete, select

from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.passwords import verify_password
from marketplace.actors import SYSTEM, Viewer
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.extensions import db

DELETED_FIRST_NAME = "Compte"
DELETED_LAST_NAME = "supprimé"


def _leave_collectives(user: User) -> None:
    from marketplace.collectives import operations as ops
    from marketplace.collectives.models import Collective, CollectiveMember

    rows = db.session.scalars(
        select(CollectiveMember).where(CollectiveMember.user_id == user.id)
    ).all()
    for row in rows:
        collective = db.session.get_one(Collective, row.collective_id)
        if row.role == "coordinator":
            others = db.session.scalars(
                select(CollectiveMember)
                .where(
                    CollectiveMember.collective_id == collective.id,
                    CollectiveMember.user_id != user.id,
                )
                .order_by(CollectiveMember.id)
            ).all()
            if others and not any(o.role == "coordinator" for o in others):
                ops.set_role(user, collective, others[0].user, "coordinator")
        ops.leave(user, collective)


def _close_open_offers(user: User) -> None:
    from marketplace.subcontracting.models import Offer
    from marketplace.subcontracting.operations import close_offer

    if user.profile is None:
        return
    offers = db.session.scalars(
        select(Offer).where(Offer.owner_profile_id == user.profile.id, Offer.status == "open")
    ).all()
    for offer in offers:
        close_offer(user, offer)


def delete_account(actor: Viewer, user: User, password: str) -> None:
    """The person deletes their own account, confirming with their password."""
    from marketplace.notifications.models import Notification, NotificationSetting

    if actor is SYSTEM or not actor.is_authenticated or actor.id != user.id:
        raise PermissionDenied(_("You can only delete your own account."))
    if not isinstance(password, str) or not verify_password(user.password_hash, password):
        raise ValidationError(
            _("The password is not correct."), {"password": [_("The password is not correct.")]}
        )
    from marketplace import audit

    audit.record(actor, "account_deleted", subject=user, cae_id=user.cae_id)
    _leave_collectives(user)
    _close_open_offers(user)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationSetting).where(NotificationSetting.user_id == user.id))
    profile = user.profile
    if profile is not None:
        profile.headline, profile.bio, profile.city = "", "", ""
        profile.daily_rate_cents = None
        profile.audience = "cae"
        profile.skills.clear()
        profile.certifications.clear()
        profile.languages.clear()
    user.first_name, user.last_name = DELETED_FIRST_NAME, DELETED_LAST_NAME
    user.email = f"compte-supprime-{user.id}@essaim.invalid"
    user.password_hash = "!deleted$" + secrets.token_urlsafe(16)  # matches no password
    user.locale = None
    user.is_active = False
    user.session_token = secrets.token_urlsafe(16)
    db.session.flush()
