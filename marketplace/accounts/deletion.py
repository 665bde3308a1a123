"""Delete my account: personal data goes, records others depend on keep an anonymised party.

The account row and its profile row stay (subcontract records, tender teams, collective
decisions and histories point at them) but carry nothing personal any more: the name becomes
"Compte supprimé", the e-mail an address that cannot receive mail, the password unusable, the
account inactive (the visibility rule then hides whatever it still owns from everyone but its
CAE's managers and admins). Tokens, notifications, competences, the profile's text and photo
are deleted; the person leaves their collectives (a last coordinator hands over to the longest-
standing member) and their open offers are closed. The other domains do their part on the
signals of marketplace.events (account_deleting, then account_personal_data_deleting).
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import delete

from marketplace import audit
from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.passwords import verify_password
from marketplace.actors import SYSTEM, Viewer
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.events import account_deleting, account_personal_data_deleting
from marketplace.extensions import db

DELETED_FIRST_NAME = "Compte"
DELETED_LAST_NAME = "supprimé"


def delete_account(actor: Viewer, user: User, password: str) -> None:
    """The person deletes their own account, confirming with their password."""
    if actor is SYSTEM or not actor.is_authenticated or actor.id != user.id:
        raise PermissionDenied(_("You can only delete your own account."))
    if not isinstance(password, str) or not verify_password(user.password_hash, password):
        raise ValidationError(
            _("The password is not correct."), {"password": [_("The password is not correct.")]}
        )
    audit.record(actor, "account_deleted", subject=user, cae_id=user.cae_id)
    account_deleting.send(user)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    account_personal_data_deleting.send(user)
    profile = user.profile
    if profile is not None:
        profile.headline, profile.bio, profile.city = "", "", ""
        profile.daily_rate_cents = None
        profile.audience = "cae"
        profile.skills.clear()
        profile.certifications.clear()
        profile.languages.clear()
        profile.availability_periods.clear()
        profile.references.clear()
    user.first_name, user.last_name = DELETED_FIRST_NAME, DELETED_LAST_NAME
    user.email = f"compte-supprime-{user.id}@essaim.invalid"
    user.password_hash = "!deleted$" + secrets.token_urlsafe(16)  # matches no password
    user.locale = None
    user.is_active = False
    user.session_token = secrets.token_urlsafe(16)
    db.session.flush()
