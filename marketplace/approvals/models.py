"""The CAE's sign-off: what binds a CAE (a tender's offer, a large invoice record between CAEs)
waits for the approval of its managers, who represent its legal representative."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.dbtypes import ActorId, Amount, IdPk, Prose, Stamp, one_of, ref
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.caes.models import Cae


class ApprovalState(LabelledEnum):
    PENDING = "pending", _l("awaiting approval")
    APPROVED = "approved", _l("approved")
    REFUSED = "refused", _l("refused")


class ApprovalView(LabelledEnum):
    """The state shown for a tender's CAE: an approval given to an earlier team is outdated."""

    PENDING = "pending", _l("awaiting approval")
    APPROVED = "approved", _l("approved")
    REFUSED = "refused", _l("refused")
    OUTDATED = "outdated", _l("approved for an earlier team: to ask again")
    NOT_ASKED = "not_asked", _l("not asked yet")


class SubjectKind(LabelledEnum):
    TENDER = "tender", _l("offer of a joint tender")
    SUBCONTRACT = "subcontract", _l("invoice record between CAEs")


class CaeApproval(Base):
    """One CAE's approval of one subject (a tender's team, an invoice record)."""

    __tablename__ = "cae_approvals"
    __table_args__ = (
        UniqueConstraint("subject_kind", "subject_id", "cae_id"),
        one_of("state", ApprovalState),
        one_of("subject_kind", SubjectKind),
    )

    id: Mapped[IdPk]
    cae_id: Mapped[int] = ref("caes", "CASCADE", index=True)
    #: tender or subcontract; subject_id is the id of that row.
    subject_kind: Mapped[str] = mapped_column(String(12))
    subject_id: Mapped[int]
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    #: For a tender: the fingerprint of the team the CAE approved (another team voids it).
    team_key: Mapped[str | None] = mapped_column(String(64))
    requested_by_id: Mapped[ActorId | None]
    requested_at: Mapped[Stamp]
    decided_by_id: Mapped[ActorId | None]
    decided_at: Mapped[datetime | None]
    comment: Mapped[Prose]

    cae: Mapped[Cae] = relationship("Cae", lazy="joined", innerjoin=True)
    requested_by: Mapped[User | None] = relationship(
        "User", foreign_keys="CaeApproval.requested_by_id"
    )
    decided_by: Mapped[User | None] = relationship("User", foreign_keys="CaeApproval.decided_by_id")


class CaeApprovalSetting(Base):
    """A CAE's rule for invoice records: above this amount (HT) they need its approval."""

    __tablename__ = "cae_approval_settings"
    __table_args__ = (
        CheckConstraint(
            "invoice_threshold_cents IS NULL OR invoice_threshold_cents >= 0",
            name="invoice_threshold",
        ),
    )

    cae_id: Mapped[int] = ref("caes", "CASCADE", primary_key=True)
    #: Excluding VAT, in cents; None: no approval needed.
    invoice_threshold_cents: Mapped[Amount | None]
    updated_at: Mapped[Stamp]
