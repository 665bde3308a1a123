"""Accounts: creation, sign-in, passwords, CAE membership and API tokens.

Operations take the acting user first, check permissions and rules, flush, never commit.
"""

from __future__ import annotations

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from marketplace import audit
from marketplace.accounts.models import (
    ApiToken,
    MembershipEvent,
    MembershipState,
    Role,
    User,
    new_session_token,
)
from marketplace.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    password_problems,
    verify_password,
)
from marketplace.actors import SYSTEM, Viewer
from marketplace.caes.models import Cae
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from marketplace.extensions import db
from marketplace.profiles.models import Profile, ProfileStatus
from marketplace.statemachine import change_state, change_states
from marketplace.text import clean
from marketplace.timeutil import utcnow

#: Allowed membership moves. Managers of the person's CAE and admins make them.
MEMBERSHIP_TRANSITIONS: dict[str, set[str]] = {
    "pending": {"verified", "refused"},
    "verified": {"refused"},
    "refused": {"verified"},
}
TOKEN_PREFIX = "ess_"  # noqa: S105 (a marker, not a secret)


def normalize_email(raw: str | None) -> str:
    """A lower-cased, syntactically valid address, or ValidationError on field 'email'."""
    text = clean(raw).lower()
    if not text or len(text) > 254:
        raise ValidationError(fields={"email": [_("Enter a valid e-mail address.")]})
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(fields={"email": [_("Enter a valid e-mail address.")]})
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    try:
        email = normalize_email(email)
    except ValidationError:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def _check_name(fields: dict[str, list[str]], key: str, value: str) -> str:
    value = clean(value)
    if not value:
        fields.setdefault(key, []).append(_("This field is required."))
    elif len(value) > 80:
        fields.setdefault(key, []).append(_("At most %(n)d characters.", n=80))
    return value


def create_account(
    actor: Viewer,
    *,
    email: str,
    first_name: str,
    last_name: str,
    cae: Cae | None,
    status: str = "employee",
    password: str | None = None,
    role: str = "member",
    verified: bool = False,
) -> User:
    """Create an account and its (empty) profile. Without a password, the person is invited."""
    fields: dict[str, list[str]] = {}
    try:
        email = normalize_email(email)
    except ValidationError as error:
        fields.update(error.fields)
    first_name = _check_name(fields, "first_name", first_name)
    last_name = _check_name(fields, "last_name", last_name)
    if status not in ProfileStatus.values():
        fields["status"] = [_("Choose a status from the list.")]
    if role not in Role.values():
        fields["role"] = [_("Choose a role from the list.")]
    if role != "admin" and cae is None:
        fields["cae"] = [_("Choose your CAE from the directory.")]
    if password is not None:
        problems = password_problems(password, email=email, names=(first_name, last_name))
        if problems:
            fields["password"] = problems
    if fields:
        raise ValidationError(_("Some fields need your attention."), fields)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            _("An account already exists with this e-mail address."),
            {"email": [_("An account already exists with this e-mail address.")]},
        )
    if (role != "member" or verified) and not _may_create_privileged(actor, cae, role):
        raise PermissionDenied(_("You are not allowed to do this."))

    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        cae_id=cae.id if cae else None,
        role=role,
        membership="verified" if verified else "pending",
        password_hash=hash_password(password) if password else None,
        password_changed_at=utcnow() if password else None,
        session_token=new_session_token(),
    )
    user.cae = cae
    db.session.add(user)
    db.session.add(Profile(user=user, status=status))
    db.session.flush()
    _record_membership(user, actor, None, user.membership, "")
    return user


def _may_create_privileged(actor: Viewer, cae: Cae | None, role: str) -> bool:
    if actor is SYSTEM:  # the command line, run by the site's operator
        return True
    if actor.is_admin:
        return True
    return role == "member" and cae is not None and actor.manages(cae.id)


def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None. Takes as long for unknown e-mails."""
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.password_hash:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str) -> None:
    problems = password_problems(
        password, email=user.email, names=(user.first_name, user.last_name)
    )
    if problems:
        raise ValidationError(problems[0], {"password": problems})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()  # signs out every other session
    db.session.flush()


def update_account(
    actor: Viewer, user: User, *, first_name: str, last_name: str, locale: str | None
) -> User:
    """A person edits their own name and interface language."""
    if actor is not SYSTEM and actor.id != user.id:
        raise PermissionDenied(_("You can only change your own account."))
    fields: dict[str, list[str]] = {}
    first_name = _check_name(fields, "first_name", first_name)
    last_name = _check_name(fields, "last_name", last_name)
    locale = locale or None
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        fields["locale"] = [_("Choose a language from the list.")]
    if fields:
        raise ValidationError(_("Some fields need your attention."), fields)
    user.first_name = first_name
    user.last_name = last_name
    user.locale = locale
    db.session.flush()
    return user


def change_password(actor: Viewer, user: User, current_password: str, new_password: str) -> None:
    """Change one's password, knowing the current one; signs out every other session."""
    if actor is not SYSTEM and actor.id != user.id:
        raise PermissionDenied(_("You can only change your own password."))
    if not verify_password(user.password_hash, current_password or ""):
        raise ValidationError(
            _("The current password is not correct."),
            {"current_password": [_("The current password is not correct.")]},
        )
    set_password(user, new_password)


# Signed links (password reset, invitation) ---------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"essaim-{purpose}")


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a link works only once."""
    source = f"{user.password_hash or ''}:{user.session_token}".encode()
    return hashlib.sha256(source).hexdigest()[:16]


def make_password_token(user: User, purpose: str = "reset") -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})


def user_from_password_token(token: str, purpose: str = "reset") -> User | None:
    """The user a valid, unexpired, unused link was made for; None otherwise."""
    max_age = current_app.config[
        "INVITATION_MAX_AGE" if purpose == "invitation" else "PASSWORD_RESET_MAX_AGE"
    ]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("f") != _fingerprint(user):
        return None
    return user


# Membership of a CAE ------------------------------------------------------------------------


def _record_membership(user: User, actor: Viewer, from_state: str | None, to_state: str, note: str):
    db.session.add(
        MembershipEvent(
            user_id=user.id,
            cae_id=user.cae_id,
            actor_id=actor.id,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )
    )


def change_membership(actor: Viewer, user: User, to_state: str, note: str = "") -> User:
    """Verify or refuse a person's membership; managers of their CAE and admins only."""
    if to_state not in MembershipState.values():
        raise ValidationError(fields={"state": [_("Unknown membership state.")]})
    if actor is not SYSTEM and not actor.manages(user.cae_id):
        raise PermissionDenied(_("Only the managers of this CAE can do this."))
    if actor is not SYSTEM and actor.id == user.id:
        raise PermissionDenied(_("You cannot change your own membership."))
    if to_state not in MEMBERSHIP_TRANSITIONS.get(user.membership, set()):
        raise InvalidTransition(_("This membership cannot move to that state."))
    note = clean(note)[:500]
    from_state = user.membership
    # Two managers deciding at once: the first wins, the other gets the conflict (409).
    change_state(
        user, "membership", from_state, to_state,
        InvalidTransition(_("This membership cannot move to that state.")),
    )  # fmt: skip
    _record_membership(user, actor, from_state, to_state, note)
    audit.record(actor, "membership", subject=user, cae_id=user.cae_id,
                 detail=f"{from_state} → {to_state}" + (f" : {note}" if note else ""))  # fmt: skip
    db.session.flush()
    return user


#: At most this many people verified by one submission (a page of the dashboard's list).
BULK_LIMIT = 200


def verify_members(actor: Viewer, user_ids: list[int], note: str = "") -> list[User]:
    """Verify several pending memberships at once (the managers' dashboard): all or none.

    Every person must belong to a CAE the actor manages (NotFound otherwise, as if absent)
    and still await verification: one ``UPDATE … WHERE id IN (…) AND membership = 'pending'``
    moves them, and if another manager moved one of them first nothing moves (409)."""
    ids = sorted(set(user_ids))
    if not ids:
        raise ValidationError(fields={"people": [_("Choose at least one person to verify.")]})
    if len(ids) > BULK_LIMIT:
        raise ValidationError(
            fields={"people": [_("Verify at most %(n)d people at once.", n=BULK_LIMIT)]}
        )
    people = list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))
    if len(people) != len(ids) or any(
        actor is not SYSTEM and not actor.manages(p.cae_id) for p in people
    ):
        raise NotFound(_("This person does not exist."))
    if actor is not SYSTEM and actor.id in ids:
        raise PermissionDenied(_("You cannot change your own membership."))
    already = InvalidTransition(
        _("Someone no longer awaits verification (another manager decided first): "
          "reload the page and check the list.")
    )  # fmt: skip
    if any(p.membership != "pending" for p in people):
        raise already
    note = clean(note)[:500]
    change_states(people, "membership", "pending", "verified", already)
    for person in people:
        _record_membership(person, actor, "pending", "verified", note)
        audit.record(actor, "membership", subject=person, cae_id=person.cae_id,
                     detail="pending → verified" + (f" : {note}" if note else ""))  # fmt: skip
    db.session.flush()
    return people


def change_role(actor: Viewer, user: User, role: str) -> User:
    """Admins give and take roles; a manager must belong to a CAE."""
    if actor is not SYSTEM and not actor.is_admin:
        raise PermissionDenied(_("Only administrators can change roles."))
    if role not in Role.values():
        raise ValidationError(fields={"role": [_("Choose a role from the list.")]})
    if role == "manager" and user.cae_id is None:
        raise ValidationError(fields={"role": [_("A CAE manager must belong to a CAE.")]})
    if actor is not SYSTEM and actor.id == user.id and role != "admin":
        raise Conflict(_("You cannot remove your own administrator role."))
    if role != user.role:
        audit.record(actor, "role", subject=user, cae_id=user.cae_id,
                     detail=f"{user.role} → {role}")  # fmt: skip
    user.role = role
    db.session.flush()
    return user


def pending_members(actor: Viewer, cae_id: int):
    if not actor.manages(cae_id):
        raise PermissionDenied(_("Only the managers of this CAE can do this."))
    return select(User).where(User.cae_id == cae_id, User.membership == "pending")


def cae_member_counts() -> dict[int, int]:
    """Verified, active members per CAE, in one query."""
    rows = db.session.execute(
        select(User.cae_id, func.count(User.id))
        .where(User.membership == "verified", User.is_active.is_(True), User.cae_id.is_not(None))
        .group_by(User.cae_id)
    )
    return {cae_id: n for cae_id, n in rows if cae_id is not None}


# API tokens --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(actor: Viewer, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the clear token is returned once and never stored."""
    if actor is not SYSTEM and actor.id != user.id:
        raise PermissionDenied(_("You can only create tokens for yourself."))
    name = clean(name) or _("Personal token")
    if len(name) > 80:
        raise ValidationError(fields={"name": [_("At most %(n)d characters.", n=80)]})
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(clear), prefix=clear[:10])
    db.session.add(token)
    db.session.flush()
    return token, clear


def user_from_api_token(clear: str) -> User | None:
    if not clear or not clear.startswith(TOKEN_PREFIX) or len(clear) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(clear)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
    return token.user


def revoke_api_token(actor: Viewer, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
    return token
