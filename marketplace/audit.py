"""The audit log: what managers and admins did (membership decisions, roles, CAE edits, and
account deletions), for admins to read. One row per action, written in the action's transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.actors import Viewer
from marketplace.dbtypes import ActorId, IdPk, Stamp, one_of, ref
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base, db

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.caes.models import Cae


class AuditAction(LabelledEnum):
    MEMBERSHIP = "membership", _l("membership decision")
    ROLE = "role", _l("role change")
    CAE_CREATED = "cae_created", _l("CAE added")
    CAE_UPDATED = "cae_updated", _l("CAE edited")
    ACCOUNT_DELETED = "account_deleted", _l("account deleted")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (one_of("action", AuditAction),)

    id: Mapped[IdPk]
    at: Mapped[Stamp] = mapped_column(index=True)
    #: Who acted (None: the command line, or an account since removed).
    actor_id: Mapped[ActorId | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[ActorId | None]
    cae_id: Mapped[int | None] = ref("caes", "SET NULL")
    #: What changed, e.g. "pending → verified" or the fields of a CAE edit.
    detail: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship("User", foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(
        "User", foreign_keys="AuditEntry.subject_id", lazy="joined"
    )
    cae: Mapped[Cae | None] = relationship("Cae", lazy="joined")


def record(actor: Viewer, action: str, *, subject=None, cae_id=None, detail: str = "") -> None:
    """Add an entry; flushed with the action, committed or rolled back with it."""
    actor_id = actor.id if actor.is_authenticated else None
    db.session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            subject_id=subject.id if subject is not None else None,
            cae_id=cae_id,
            detail=detail[:500],
        )
    )


def entries(viewer: Viewer):
    """The newest first; admins only (the caller checks)."""
    return select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
