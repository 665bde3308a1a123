"""Accounts, their CAE membership (with its history) and personal API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.dbtypes import ActorId, CaeId, IdPk, Stamp, UserId, one_of, ref
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base

if TYPE_CHECKING:
    from marketplace.caes.models import Cae


class Role(LabelledEnum):
    MEMBER = "member", _l("member")
    MANAGER = "manager", _l("CAE manager")
    ADMIN = "admin", _l("administrator")


class MembershipState(LabelledEnum):
    PENDING = "pending", _l("awaiting verification")
    VERIFIED = "verified", _l("verified")
    REFUSED = "refused", _l("refused")


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(Base):
    """A person's account. Managers manage the CAE they belong to; admins manage everything."""

    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        one_of("membership", MembershipState),
    )

    id: Mapped[IdPk]
    #: Stored lower-cased; unique.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: None until the person sets a password (imported members get an invitation).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16), default="member")
    cae_id: Mapped[CaeId | None]
    #: Whether the CAE's managers vouched that the person belongs to it.
    membership: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    #: Part of the login session id: changing it signs the person out everywhere.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    #: Preferred interface language ('fr' or 'en'); None follows the default.
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[Stamp]
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    cae: Mapped[Cae | None] = relationship("Cae", lazy="joined")
    # Not annotated: Mapped[Profile | None] would import profiles.models, a floor above that
    # refers to User (an import circle). A typed Profile: profiles.models.profile_of(user), or
    # visibility.own_profile(viewer).
    profile = relationship("Profile", back_populates="user", uselist=False)

    # Flask-Login
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager" and self.cae_id is not None

    @property
    def is_verified(self) -> bool:
        return self.membership == "verified" and self.is_active

    def manages(self, cae_id: int | None) -> bool:
        """True for admins and for the managers of that CAE."""
        return self.is_admin or (self.is_manager and cae_id is not None and cae_id == self.cae_id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Anonymous:
    """The visitor who is not signed in: sees public content only."""

    id = None
    cae_id = None
    role = None
    membership = None
    is_authenticated = False
    is_anonymous = True
    is_active = False
    is_admin = False
    is_manager = False
    is_verified = False
    display_name = ""
    locale = None

    def get_id(self) -> None:
        return None

    def manages(self, cae_id: int | None) -> bool:
        return False


class MembershipEvent(Base):
    """History of a person's membership of their CAE: who moved it, when, from what to what."""

    __tablename__ = "membership_events"

    id: Mapped[IdPk]
    user_id: Mapped[UserId]
    cae_id: Mapped[int | None] = ref("caes")
    actor_id: Mapped[ActorId | None]
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[Stamp]

    user: Mapped[User] = relationship("User", foreign_keys="MembershipEvent.user_id")
    actor: Mapped[User | None] = relationship("User", foreign_keys="MembershipEvent.actor_id")


class ApiToken(Base):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[IdPk]
    user_id: Mapped[UserId]
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, shown to help people tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[Stamp]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship("User")
