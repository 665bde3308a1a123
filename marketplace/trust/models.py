"""What the platform proves about a person's work: references it verified (with both parties'
consent) and recommendations written after a subcontract was delivered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.dbtypes import Body, IdPk, ProfileId, Stamp, ref
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base

if TYPE_CHECKING:
    from marketplace.profiles.models import Profile
    from marketplace.subcontracting.models import Subcontract

#: The longest recommendation: a few sentences, never a review.
RECOMMENDATION_LIMIT = 1000
#: Subcontract statuses after which the work counts as done (recommendations, verified work).
DONE_STATUSES = ("delivered", "invoiced", "paid", "transferred")


class VerifiedRole(LabelledEnum):
    """The person's part in a verified piece of work."""

    CLIENT = "client", _l("client")
    SUBCONTRACTOR = "subcontractor", _l("subcontractor")
    LEAD = "lead", _l("mandataire of a won tender")
    COTRAITANT = "cotraitant", _l("cotraitant of a won tender")


class ReferenceConsent(Base):
    """One party's permission to show a subcontract or a won tender on the profiles as a
    reference verified by the platform. A subcontract is shown when both parties gave it; its
    amount only when both also allow the amount."""

    __tablename__ = "reference_consents"
    __table_args__ = (
        UniqueConstraint("subcontract_id", "profile_id"),
        UniqueConstraint("tender_id", "profile_id"),
        CheckConstraint("(subcontract_id IS NULL) <> (tender_id IS NULL)", name="one_record"),
    )

    id: Mapped[IdPk]
    profile_id: Mapped[ProfileId]
    subcontract_id: Mapped[int | None] = ref("subcontracts", "CASCADE", index=True)
    tender_id: Mapped[int | None] = ref("tenders", "CASCADE", index=True)
    #: The party also agrees that the amount is shown (still only when the other agrees too).
    show_amount: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Stamp]


class Recommendation(Base):
    """A few words one party of a delivered subcontract writes about the other; one per author
    and record. The person recommended may hide it from their profile."""

    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("subcontract_id", "author_profile_id"),
        CheckConstraint("author_profile_id <> recommended_profile_id", name="two_people"),
    )

    id: Mapped[IdPk]
    subcontract_id: Mapped[int] = ref("subcontracts", "CASCADE", index=True)
    author_profile_id: Mapped[ProfileId]
    recommended_profile_id: Mapped[ProfileId]
    body: Mapped[Body]
    #: Hidden by the person recommended: kept, shown to them only, and shown again at will.
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Stamp]

    author: Mapped[Profile] = relationship(
        "Profile", foreign_keys="Recommendation.author_profile_id", lazy="joined", innerjoin=True
    )
    subcontract: Mapped[Subcontract] = relationship("Subcontract", lazy="joined", innerjoin=True)
