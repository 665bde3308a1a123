"""Subcontracting: offers (someone needs a hand), their responses, and subcontract records.

A subcontract record is a two-party agreement: the client (donneur d'ordre) proposes it, the
subcontractor accepts it, and each later move is made by the right party (TRANSITIONS in
operations.py), with a history row per move.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.audience import Audience
from marketplace.dbtypes import (
    AudienceCode,
    CaeId,
    City,
    Department,
    IdPk,
    Position,
    ProfileId,
    Prose,
    Stamp,
    StateName,
    children,
    one_of,
    ref,
)
from marketplace.enums import LabelledEnum
from marketplace.extensions import Base
from marketplace.geo import region_of
from marketplace.places.filters import track_location
from marketplace.timeutil import PARIS, utcnow
from marketplace.vatrates import VatRate

if TYPE_CHECKING:
    from marketplace.caes.models import Cae
    from marketplace.profiles.models import Profile
    from marketplace.skills.models import Skill


class OfferStatus(LabelledEnum):
    OPEN = "open", _l("open")
    FILLED = "filled", _l("filled")
    CLOSED = "closed", _l("closed")


class OfferKind(LabelledEnum):
    """A need for a hand, or a replacement: someone who cannot work asks another to cover
    their clients' work over a period (starts_on and ends_on are then required)."""

    NEED = "need", _l("need for a hand")
    REPLACEMENT = "replacement", _l("replacement")


class ResponseStatus(LabelledEnum):
    PENDING = "pending", _l("awaiting an answer")
    ACCEPTED = "accepted", _l("accepted")
    NOT_RETAINED = "not_retained", _l("not retained")


class SubcontractStatus(LabelledEnum):
    PROPOSED = "proposed", _l("proposed")
    ACCEPTED = "accepted", _l("accepted"), _l("Accept")
    DECLINED = "declined", _l("declined"), _l("Decline")
    IN_PROGRESS = "in_progress", _l("in progress"), _l("Start the work")
    DELIVERED = "delivered", _l("delivered"), _l("Mark as delivered")
    INVOICED = "invoiced", _l("invoiced"), _l("Mark as invoiced")
    PAID = "paid", _l("paid"), _l("Confirm payment")
    TRANSFERRED = "transferred", _l("transferred"), _l("Record the internal transfer")
    CANCELLED = "cancelled", _l("cancelled"), _l("Cancel")


#: Statuses left out of the ledger totals and the CAE figures.
UNCOUNTED_STATUSES = (SubcontractStatus.DECLINED.value, SubcontractStatus.CANCELLED.value)


class SubcontractKind(LabelledEnum):
    """Work inside one CAE (one legal entity: an internal transfer of turnover, no invoice, no
    VAT) or between two CAEs (a real invoice with a VAT regime)."""

    INTERNAL = "internal", _l("internal transfer, without VAT")
    INVOICE = "invoice", _l("invoice between two CAEs")


class VatRegime(LabelledEnum):
    """How VAT applies to an invoice between two CAEs (CAEs are VAT-registered cooperatives)."""

    STANDARD = "standard", _l("VAT charged")
    REVERSE_CHARGE = "reverse_charge", _l("reverse charge (building work subcontracted)")
    EXEMPT = "exempt", _l("exempt (professional training)")


#: The text the invoice must carry under each regime (French law: kept in French whatever the
#: reader's language).
LEGAL_MENTIONS: dict[str, str] = {
    VatRegime.REVERSE_CHARGE.value: "Autoliquidation (article 283-2 nonies du CGI)",
    VatRegime.EXEMPT.value: "Exonération de TVA, article 261-4-4° a du CGI",
}


#: A replacement starting within this time is urgent.
URGENT_WITHIN = timedelta(hours=72)


def paris_midnight(day: date) -> datetime:
    """The start of a day in Paris, as an aware UTC datetime."""
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)


#: 10 000 000,00 €: anything above is a typing mistake.
MAX_AMOUNT_CENTS = 1_000_000_000


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        one_of("status", OfferStatus),
        one_of("audience", Audience),
        one_of("kind", OfferKind),
        CheckConstraint(
            "kind <> 'replacement' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL)",
            name="replacement_period",
        ),
        CheckConstraint(
            f"budget_cents IS NULL OR (budget_cents >= 0 AND budget_cents <= {MAX_AMOUNT_CENTS})",
            name="budget",
        ),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on", name="dates"
        ),
    )

    id: Mapped[IdPk]
    owner_profile_id: Mapped[ProfileId]
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[Prose]
    city: Mapped[City]
    department: Mapped[Department | None]
    #: The centre of the city (places.filters.track_location keeps it in step; None when
    #: the city is empty or unknown).
    latitude: Mapped[float | None] = mapped_column(index=True)
    longitude: Mapped[float | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    #: Indicative budget excluding VAT, in cents.
    budget_cents: Mapped[int | None]
    audience: Mapped[AudienceCode]
    #: open (answers welcome), filled (a response was accepted) or closed (by its owner).
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    #: need (a hand) or replacement (someone covers the owner's clients over the period).
    kind: Mapped[str] = mapped_column(String(12), default="need", server_default="need", index=True)
    #: A replacement: how much of the clients' work to cover ("3 jours par semaine").
    workload: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: A replacement: whether the replacement deals with the clients directly.
    client_contact: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Once the period has ended, whether it went well, said by the requester and by the
    #: replacement (None until each says it).
    owner_outcome: Mapped[bool | None]
    replacement_outcome: Mapped[bool | None]
    created_at: Mapped[Stamp]
    updated_at: Mapped[Stamp] = mapped_column(index=True)

    owner: Mapped[Profile] = relationship("Profile", lazy="joined", innerjoin=True)
    skills: Mapped[list[OfferSkill]] = children("OfferSkill", "OfferSkill.position")
    responses: Mapped[list[OfferResponse]] = children(
        "OfferResponse", "OfferResponse.id", lazy="select", back_populates="offer"
    )

    @property
    def skill_names(self) -> list[str]:
        return [os.skill.name for os in self.skills]

    @property
    def region(self) -> str | None:
        return region_of(self.department)

    @property
    def cae_id(self) -> int | None:
        return self.owner.cae_id

    @property
    def is_replacement(self) -> bool:
        return self.kind == OfferKind.REPLACEMENT.value

    @property
    def urgent(self) -> bool:
        """A replacement starting within 72 hours (Paris time), until its period ends."""
        if not self.is_replacement or self.starts_on is None or self.ends_on is None:
            return False
        now = utcnow()
        starts = paris_midnight(self.starts_on)
        ends = paris_midnight(self.ends_on + timedelta(days=1))
        return now < ends and starts - now <= URGENT_WITHIN

    @property
    def chosen_response(self) -> OfferResponse | None:
        return next((r for r in self.responses if r.status == "accepted"), None)


class OfferSkill(Base):
    __tablename__ = "offer_skills"

    offer_id: Mapped[int] = ref("offers", "CASCADE", primary_key=True)
    skill_id: Mapped[int] = ref("skills", "CASCADE", primary_key=True, index=True)
    position: Mapped[Position]

    skill: Mapped[Skill] = relationship("Skill", lazy="joined", innerjoin=True)


class OfferResponse(Base):
    """An entrepreneur's answer to an offer: a message and a price; one per person and offer."""

    __tablename__ = "offer_responses"
    __table_args__ = (
        UniqueConstraint("offer_id", "responder_profile_id"),
        one_of("status", ResponseStatus),
        CheckConstraint(
            f"price_cents > 0 AND price_cents <= {MAX_AMOUNT_CENTS}", name="price_cents"
        ),
    )

    id: Mapped[IdPk]
    offer_id: Mapped[int] = ref("offers", "CASCADE", index=True)
    responder_profile_id: Mapped[ProfileId]
    message: Mapped[Prose]
    #: Price asked, excluding VAT, in cents.
    price_cents: Mapped[int]
    #: pending, accepted (became a subcontract) or not_retained (another one was accepted).
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[Stamp]

    offer: Mapped[Offer] = relationship("Offer", back_populates="responses")
    responder: Mapped[Profile] = relationship("Profile", lazy="joined", innerjoin=True)


class Subcontract(Base):
    """Work given by the client to the subcontractor; amounts frozen once accepted."""

    __tablename__ = "subcontracts"
    __table_args__ = (
        one_of("status", SubcontractStatus),
        one_of("kind", SubcontractKind),
        one_of("vat_rate", VatRate, nullable=True),
        one_of("vat_regime", VatRegime, nullable=True),
        # Internal work: no VAT, no invoice, ends at transferred; an invoice: a regime, a rate
        # for the standard one only, never transferred.
        CheckConstraint(
            "(kind = 'internal' AND vat_regime IS NULL AND vat_rate IS NULL"
            " AND invoice_number IS NULL AND status NOT IN ('invoiced', 'paid'))"
            " OR (kind = 'invoice' AND vat_regime IS NOT NULL AND status <> 'transferred'"
            " AND ((vat_regime = 'standard') = (vat_rate IS NOT NULL)))",
            name="kind_rules",
        ),
        #: An invoice number is used once by the CAE that issues it (the subcontractor's).
        UniqueConstraint("subcontractor_cae_id", "invoice_number"),
        CheckConstraint(
            f"amount_cents > 0 AND amount_cents <= {MAX_AMOUNT_CENTS}", name="amount_cents"
        ),
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on", name="dates"
        ),
        CheckConstraint("client_profile_id <> subcontractor_profile_id", name="two_parties"),
    )

    id: Mapped[IdPk]
    client_profile_id: Mapped[int] = ref("profiles", index=True)
    subcontractor_profile_id: Mapped[int] = ref("profiles", index=True)
    #: The parties' CAEs when the record was proposed (the ledger is not rewritten if a
    #: person later moves to another CAE).
    client_cae_id: Mapped[CaeId | None]
    subcontractor_cae_id: Mapped[CaeId | None]
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[Prose]
    #: Amount excluding VAT, in cents.
    amount_cents: Mapped[int]
    #: internal (both parties in one CAE) or invoice (between two CAEs); set when proposed.
    kind: Mapped[str] = mapped_column(String(8), default="invoice")
    #: standard, reverse_charge or exempt for an invoice; None for internal work.
    vat_regime: Mapped[str | None] = mapped_column(String(16))
    #: VAT rate in percent, as text ('20.0', '5.5'…), for the standard regime only.
    vat_rate: Mapped[str | None] = mapped_column(String(4))
    #: The number of the subcontractor's CAE's invoice, given when the record is invoiced
    #: (None for records invoiced before numbers were recorded).
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    #: The Paris day the record was marked invoiced.
    invoice_date: Mapped[date | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    #: The day the record counts for in the ledger and figures: starts_on, or the day proposed.
    record_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    offer_id: Mapped[int | None] = ref("offers", "SET NULL", index=True)
    #: The joint tender it came from, if any (one the client may see when proposing).
    tender_id: Mapped[int | None] = ref("tenders", "SET NULL", index=True)
    #: The earlier version this record replaces once accepted (a change after acceptance).
    supersedes_id: Mapped[int | None] = ref("subcontracts", "SET NULL", index=True)
    created_at: Mapped[Stamp]
    updated_at: Mapped[Stamp]

    # selectin, not joined: a LEFT OUTER JOIN to (profiles JOIN users) makes SQLite materialize
    # every profile of the federation for each list of records (docs/BENCHMARKS.md).
    client: Mapped[Profile] = relationship(
        "Profile", foreign_keys=[client_profile_id], lazy="selectin"
    )
    subcontractor: Mapped[Profile] = relationship(
        "Profile", foreign_keys=[subcontractor_profile_id], lazy="selectin"
    )
    client_cae: Mapped[Cae | None] = relationship(
        "Cae", foreign_keys="Subcontract.client_cae_id", lazy="joined"
    )
    subcontractor_cae: Mapped[Cae | None] = relationship(
        "Cae", foreign_keys="Subcontract.subcontractor_cae_id", lazy="joined"
    )
    offer: Mapped[Offer | None] = relationship("Offer")
    events: Mapped[list[SubcontractEvent]] = children("SubcontractEvent", "SubcontractEvent.id")

    @property
    def cross_cae(self) -> bool:
        return self.client_cae_id != self.subcontractor_cae_id

    @property
    def internal(self) -> bool:
        return self.kind == SubcontractKind.INTERNAL.value

    @property
    def vat(self) -> Decimal:
        return Decimal(self.vat_rate or "0")

    @property
    def vat_cents(self) -> int:
        return vat_cents(self.amount_cents, self.vat_rate)

    @property
    def legal_mention(self) -> str | None:
        return LEGAL_MENTIONS.get(self.vat_regime or "")

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.vat_cents


def vat_cents(amount_cents: int, rate: str | None) -> int:
    """VAT on an amount, rounded half up to the cent (none without a rate)."""

    if rate is None:
        return 0
    return int((Decimal(amount_cents) * Decimal(rate) / 100).quantize(0, ROUND_HALF_UP))


class SubcontractEvent(Base):
    """One move of a subcontract record: who, when, from what to what (from is None at creation)."""

    __tablename__ = "subcontract_events"
    __table_args__ = (one_of("to_status", SubcontractStatus),)

    id: Mapped[IdPk]
    subcontract_id: Mapped[int] = ref("subcontracts", "CASCADE", index=True)
    from_status: Mapped[StateName | None]
    to_status: Mapped[StateName]
    by_profile_id: Mapped[int | None] = ref("profiles", "SET NULL")
    at: Mapped[Stamp]


track_location(Offer)
